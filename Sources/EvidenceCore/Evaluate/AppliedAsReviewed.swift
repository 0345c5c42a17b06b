/// `CC8.1-applied-as-reviewed`: every migration a ledger says ran is, byte for byte, a version of a committed
/// migration file. A row matching none ran something nobody reviewed: `drizzle-kit push`, a hand-edited file,
/// a hand-inserted row.
public struct AppliedAsReviewed: LedgerControl {
    public static let id = "CC8.1-applied-as-reviewed"

    public init() {}

    public func evaluate(_ reconciled: ReconciledRecord, policy: ReviewPolicy) -> [Finding] {
        finding(reconciled).map { [$0] } ?? []
    }

    func finding(_ reconciled: ReconciledRecord) -> Finding? {
        let record = reconciled.record
        guard record.event == .migrationApplied else { return nil }
        let name = record.migration.map { " \($0)" } ?? ""
        guard let checksum = record.checksum else {
            return Finding(control: Self.id, status: .info, on: reconciled, detail: "\(record.described) ran\(name) and records no checksum "
                + "(a baseline or marker row): nothing to compare.")
        }
        guard let version = reconciled.version else {
            return Finding(control: Self.id, status: .fail, on: reconciled, detail: "\(record.described) ran\(name) with checksum \(checksum), "
                + "which matches no version of any committed migration file.")
        }
        let pull = reconciled.change?.pullRequest.map { " (pull request #\($0.pullRequest.number))" } ?? " (no pull request)"
        let outcome = record.succeeded ? "" : " The ledger records the run as failed or rolled back."
        return Finding(control: Self.id, status: .pass, on: reconciled, detail: "\(record.described) ran\(name): the version of \(version.path) "
            + "committed in \(version.commit.prefix(12))\(pull).\(outcome)")
    }

    static let version = MigrationVersion(path: "drizzle/0007_orders.sql", blob: "b10b", commit: Example.change().commit, committedAt: 0)

    public static let examples: [LedgerControlExample] = [
        LedgerControlExample("a row matching a committed version", ReconciledRecord(record: Example.row(.drizzle), version: version,
                                                                                    change: Example.reviewed()), expect: .pass),
        LedgerControlExample("a hand-inserted row", ReconciledRecord(record: Example.row(.drizzle)), expect: .fail),
        LedgerControlExample("an event whose hash matches nothing", ReconciledRecord(record: Example.row(.events)), expect: .fail),
        LedgerControlExample("a flyway baseline row", ReconciledRecord(record: Example.row(.flyway, checksum: nil)), expect: .info),
        LedgerControlExample("a terraform apply", ReconciledRecord(record: Example.terraformApply(), placement: .unknown), expect: nil),
    ]
}
