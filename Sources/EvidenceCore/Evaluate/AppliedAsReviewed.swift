/// `CC8.1-applied-as-reviewed`: every migration a ledger says ran is, byte for byte, a version of a committed
/// migration file. A row matching none ran something nobody reviewed: `drizzle-kit push`, a hand-edited file,
/// a hand-inserted row. A ledger that records no checksum (Django, Rails, Alembic, golang-migrate, Knex,
/// Liquibase) is matched by name: a name no committed file has fails; one that matches is `info`, never `pass`,
/// since the bytes that ran are not evidenced.
public struct AppliedAsReviewed: LedgerControl {
    public static let id = "CC8.1-applied-as-reviewed"

    public init() {}

    public func evaluate(_ reconciled: ReconciledRecord, policy: ReviewPolicy) -> [Finding] {
        finding(reconciled).map { [$0] } ?? []
    }

    func finding(_ reconciled: ReconciledRecord) -> Finding? {
        let record = reconciled.record
        guard record.event == .migrationApplied else { return nil }
        let format = record.kind.format
        let name = record.migration.map { " \($0)" } ?? ""
        let caveat = format.capabilities.caveat.map { " Note: \($0)." } ?? ""
        guard let version = reconciled.version else {
            if let checksum = record.checksum, !format.matching.checksums.isEmpty || format.matching.namesAreDigests {
                return Finding(control: Self.id, status: .fail, on: reconciled, detail: "\(record.described) ran\(name) with checksum \(checksum), "
                    + "which matches no version of any committed migration file.")
            }
            if format.matching.names != nil, format.matchName(of: record) != nil {
                return Finding(control: Self.id, status: .fail, on: reconciled, detail: "\(record.described) ran\(name), "
                    + "which no committed migration file is.")
            }
            return Finding(control: Self.id, status: .info, on: reconciled, detail: "\(record.described) ran\(name) and records no checksum "
                + "(a baseline or marker row): nothing to compare.")
        }
        let pull = reconciled.change?.pullRequest.map { " (\($0.pullRequest.reference))" } ?? " (no pull request)"
        let outcome = record.succeeded ? "" : " The ledger records the run as failed, reverted, skipped or not run."
        let found = "\(record.described) ran\(name): the version of \(version.path) committed in \(version.commit.prefix(12))\(pull)."
        if reconciled.byName {
            // A name says which file, not which bytes: an edited or uncommitted copy under the same name looks the same.
            return Finding(control: Self.id, status: .info, on: reconciled, detail: found + " Matched by name only: the \(record.kind) ledger "
                + "records no checksum of what ran, so that it ran these bytes is not evidenced.\(outcome)\(caveat)")
        }
        return Finding(control: Self.id, status: .pass, on: reconciled, detail: found + outcome + caveat)
    }

    static let version = MigrationVersion(path: "drizzle/0007_orders.sql", blob: "b10b", commit: Example.change().commit, committedAt: 0)
    static let django = MigrationVersion(path: "shop/migrations/0007_orders.py", blob: "b10c", commit: Example.change().commit, committedAt: 0)

    public static let examples: [LedgerControlExample] = [
        LedgerControlExample("a row matching a committed version", ReconciledRecord(record: Example.row(.drizzle), version: version,
                                                                                    change: Example.reviewed()), expect: .pass),
        LedgerControlExample("a hand-inserted row", ReconciledRecord(record: Example.row(.drizzle)), expect: .fail),
        LedgerControlExample("an event whose hash matches nothing", ReconciledRecord(record: Example.row(.events)), expect: .fail),
        LedgerControlExample("a flyway baseline row", ReconciledRecord(record: Example.row(.flyway, checksum: nil)), expect: .info),
        LedgerControlExample("a django row naming a committed migration", ReconciledRecord(
            record: Example.row(.django, migration: "shop.0007_orders", checksum: nil), version: django, change: Example.reviewed(), byName: true), expect: .info),
        LedgerControlExample("a rails version no committed file has", ReconciledRecord(record: Example.row(.rails, migration: "20260701120000", checksum: nil)),
                             expect: .fail),
        LedgerControlExample("a sqitch change whose script hash matches nothing", ReconciledRecord(
            record: Example.row(.sqitch, migration: "orders", checksum: "da39a3ee5e6b4b0d3255bfef95601890afd80709")), expect: .fail),
        LedgerControlExample("an atlas baseline row", ReconciledRecord(record: Example.row(.atlas, migration: "20260701_baseline", checksum: nil)),
                             expect: .info),
        LedgerControlExample("a terraform apply", ReconciledRecord(record: Example.terraformApply(), placement: .unknown), expect: nil),
    ]
}
