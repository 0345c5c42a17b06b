/// A control judged once per ledger record (SPEC §4): findings about what production ran, tied to the change
/// that introduced the bytes when there is one, else to nothing (`change: null`) with the record named.
public protocol LedgerControl: Sendable {
    /// The stable id, verbatim from the catalogue.
    static var id: String { get }
    // Titles and the words for people are in the catalogue text, evidence-templates/controls.yml: one source,
    // which a company may restyle.
    /// Examples with the status each must produce (nil: the record is not this control's concern).
    static var examples: [LedgerControlExample] { get }
    /// The finding for one record, or nil when the control does not judge records of its kind.
    func evaluate(_ record: ReconciledRecord, policy: ReviewPolicy) -> Finding?
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

extension LedgerRecord {
    /// `inputs/ledgers/events/deploys.jsonl line 4 (production, 2026-07-04T10:00:00Z, by deploy-bot, run 118)`.
    var described: String {
        let facts = [environment, appliedAt.map(Timestamp.iso8601UTC), appliedBy.map { "by \($0)" }, runID.map { "run \($0)" }].compactMap { $0 }
        return location + (facts.isEmpty ? "" : " (" + facts.joined(separator: ", ") + ")")
    }
}
