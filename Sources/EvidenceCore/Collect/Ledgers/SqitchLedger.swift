extension LedgerKind {
    /// sqitch's registry: `sqitch.changes` and `sqitch.events`.
    public static let sqitch = LedgerKind(rawValue: "sqitch")
}

/// sqitch's registry, either table, told apart by its columns: `changes` (a row per change deployed now, with
/// `script_hash`, the SHA-1 of its deploy script) or `events` (every `deploy`, `revert` and `fail`, by change
/// name). Both say when (`committed_at`) and who (`committer_name`, `committer_email`).
public enum SqitchLedger: TableLedgerFormat {
    public static let kind = LedgerKind.sqitch
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: true, applier: true, history: true, flavours: [.sqitch])
    /// A `changes` row by its script hash; an `events` row, which has none, by the change's name.
    public static let matching = LedgerMatch.name(.each, checksums: [.sha1])
    public static let requiredColumns: [String]? = ["change_id", "change", "committed_at"]
    public static let liveTable: LiveTable? = LiveTable(
        name: ["sqitch", "changes"],
        columns: ["change_id", "script_hash", "change", "project", "note", "committed_at", "committer_name", "committer_email",
                  "planned_at", "planner_name", "planner_email"],
        order: "committed_at, change_id")
    /// Every deploy, revert and fail, read beside the changes.
    public static let liveCompanions = [LiveTable(
        name: ["sqitch", "events"],
        columns: ["event", "change_id", "change", "project", "note", "requires", "conflicts", "tags", "committed_at", "committer_name",
                  "committer_email", "planned_at", "planner_name", "planner_email"],
        order: "committed_at")]

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        var event = LedgerEvent.migrationApplied
        var succeeded = true
        if row["script_hash"] == nil, let name = row["event"] {
            // A revert undoes the change; a fail is a deploy that did not complete: neither leaves it applied.
            guard ["deploy", "revert", "fail", "merge"].contains(name) else {
                throw EvidenceError.malformed(file: row.file, location: "row \(row.row), event", reason: "'\(name)' is not a sqitch event")
            }
            if name == "revert" { event = .migrationReverted }
            succeeded = name != "fail"
        }
        let who = [row["committer_name"], row["committer_email"].map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ")
        return LedgerRecord(ledger: ledger, row: row.row, kind: kind, event: event, migration: try row.required("change"),
                            checksum: row["script_hash"]?.lowercased(), appliedAt: try row.time("committed_at"),
                            appliedBy: who.isEmpty ? nil : who, succeeded: succeeded)
    }

    /// `deploy/add_orders.sql` is the change `add_orders` (`deploy/app/add_orders.sql` is `app/add_orders`).
    public static func names(of path: String, bytes: () throws -> [UInt8]) rethrows -> [MigrationName] {
        guard MigrationInspector.isSqitch(path, folder: "deploy") else { return [] }
        let after = path.hasPrefix("deploy/") ? path.dropFirst("deploy/".count) : path[path.range(of: "/deploy/", options: .backwards)!.upperBound...]
        return [MigrationName(String(after.dropLast(4)), path: path)]
    }
}
