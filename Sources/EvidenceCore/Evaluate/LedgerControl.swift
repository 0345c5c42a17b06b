/// A control judged once per ledger record (SPEC §4): findings about what production ran, tied to the change
/// that introduced the bytes when there is one, else to nothing (`change: null`) with the record named. A record
/// standing for repeated rows gets one finding per outcome its rows have (rows before an approval and after it).
public protocol LedgerControl: Sendable {
    /// The stable id, verbatim from the catalogue.
    static var id: String { get }
    // Titles and the words for people are in the catalogue text, evidence-templates/controls.yml: one source,
    // which a company may restyle.
    /// Examples with the status each must produce (nil: the record is not this control's concern).
    static var examples: [LedgerControlExample] { get }
    /// The findings for one record — one, or one per outcome when its rows differ in it — or none when the
    /// control does not judge records of its kind.
    func evaluate(_ record: ReconciledRecord, policy: ReviewPolicy) -> [Finding]
}

/// A ledger record and the status a control must give it (nil: no finding).
public struct LedgerControlExample: Sendable {
    public let name: String
    public let record: ReconciledRecord
    public let policy: ReviewPolicy
    public let expected: FindingStatus?

    init(_ name: String, _ record: ReconciledRecord, policy: ReviewPolicy = .defaults, expect expected: FindingStatus?) {
        self.name = name
        self.record = record
        self.policy = policy
        self.expected = expected
    }
}

extension Finding {
    /// A finding about a ledger record: on the change that introduced the bytes it ran (its pull request and the
    /// file's path) when there is one, else on nothing.
    init(control: String, status: FindingStatus, on record: ReconciledRecord, commit: String? = nil, detail: String) {
        self.init(control: control, status: status, change: commit ?? record.version?.commit,
                  pullRequest: record.change?.pullRequest?.pullRequest.number, paths: record.version.map { [$0.path] } ?? [], detail: detail)
    }
}

extension ReconciledRecord {
    /// The same match for a part of the record's rows.
    func standing(for record: LedgerRecord) -> ReconciledRecord {
        ReconciledRecord(record: record, version: version, change: change, placement: placement, byName: byName)
    }

    /// The record's rows split by what `outcome` says of each apply time, each part with its outcome, in the order
    /// of their first rows; a record with one row (or none differing) is one part.
    func parts<Outcome: Hashable>(by outcome: (Int64?) -> Outcome) -> [(outcome: Outcome, record: ReconciledRecord)] {
        guard record.repeats != nil else { return [(outcome(record.appliedAt), self)] }
        var outcomes = [Outcome]()
        for row in record.rows where !outcomes.contains(outcome(row.appliedAt)) { outcomes.append(outcome(row.appliedAt)) }
        return outcomes.map { each in (each, standing(for: record.keeping { outcome($0) == each }!)) }
    }
}

extension LedgerRecord {
    /// `inputs/ledgers/events/deploys.jsonl line 4 (production, 2026-07-04T10:00:00Z, by deploy-bot, run 118)`; for
    /// repeated rows `... lines 4-90 (12 lines) (production, 2026-07-04T10:00:00Z to 2026-07-09T10:00:00Z, by deploy-bot)`.
    var described: String {
        let times = appliedRange.map { range in
            range.lowerBound == range.upperBound ? Timestamp.iso8601UTC(range.lowerBound)
                : Timestamp.iso8601UTC(range.lowerBound) + " to " + Timestamp.iso8601UTC(range.upperBound)
        }
        let run = count == 1 ? runID.map { "run \($0)" } : nil
        let facts = [environment, times, appliedBy.map { "by \($0)" }, run].compactMap { $0 }
        return location + (facts.isEmpty ? "" : " (" + facts.joined(separator: ", ") + ")")
    }
}
