import Foundation

extension LedgerKind {
    /// The Atlantis server's log.
    public static let atlantis = LedgerKind(rawValue: "atlantis")
}

/// The Atlantis server's log as it writes it: JSON Lines `{"level", "ts", "caller", "msg", "json": {"repo", "pull"}}`.
/// An apply is the line `apply successful, deleting planfile` (a success) or an `error` line running
/// `terraform apply` (a failure), for the repository and pull request its `json` names. Atlantis applies from the
/// pull request's branch, so a record names the pull request, not a commit, and is judged by that pull request's
/// approval. The workspace and directory come from the `terraform apply` line before it, which runs in
/// `.../repos/<owner>/<name>/<pull>/<workspace>/<dir>`; the log does not name who commented `atlantis apply`.
/// Every other line is counted, not judged.
public enum AtlantisLedger: LedgerFormat {
    public static let kind = LedgerKind.atlantis
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: false, applier: false, history: true, flavours: [],
                                                        recordNoun: "line")
    public static let matching = LedgerMatch.checksum([])
    public static let requiredColumns: [String]? = nil
    public static let liveTable: LiveTable? = nil

    /// The message Atlantis logs once an apply succeeded (`runtime/apply_step_runner.go`).
    static let applied = "apply successful, deleting planfile"

    /// Whether the first bytes of a log are Atlantis' own lines.
    static func isLog(_ head: String) -> Bool {
        head.contains("\"caller\"") && head.contains("\"msg\"") && head.contains("\"level\"") && !head.contains("\"event_type\"")
    }

    public static func read(_ bytes: ArraySlice<UInt8>, file: String, ledger: String) throws(EvidenceError) -> LedgerContents {
        var groups = LedgerRecordGroups()
        var others = 0
        /// The directory the latest `terraform apply` ran in, per repository and pull request.
        var ranIn = [String: String]()
        try eachLine(of: bytes) { (line, number) throws(EvidenceError) in
            guard line.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { return }
            func malformed(_ location: String, _ reason: String) -> EvidenceError {
                .malformed(file: file, location: "line \(number)" + (location.isEmpty ? "" : ", " + location), reason: reason)
            }
            guard let entry = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else { throw malformed("", "not a JSON object") }
            guard let message = entry["msg"] as? String else { throw malformed("msg", "missing: not an Atlantis log line") }
            let context = entry["json"] as? [String: Any] ?? [:]
            guard let repository = context["repo"] as? String, let pull = context["pull"].flatMap(LedgerTable.scalarText).flatMap({ Int($0) }) else {
                others += 1
                return
            }
            let key = "\(repository)#\(pull)"
            let runsApply = message.contains("terraform apply") || message.contains(" apply -input=false")
            if runsApply, let path = directory(in: message) { ranIn[key] = path }
            let failed = runsApply && entry["level"] as? String == "error"
            guard message.hasPrefix(applied) || failed else { others += 1; return }
            // zap writes ISO 8601 text, or epoch seconds with a fraction, which the event log's reading refuses.
            let seconds = (entry["ts"] as? Double).flatMap { Int64(exactly: $0.rounded(.down)) }.flatMap { Timestamp.plausible.contains($0) ? $0 : nil }
            guard let time = entry["ts"].flatMap(EventLog.eventTime) ?? seconds else {
                throw malformed("ts", "missing or not a time")
            }
            let place = ranIn[key].flatMap { checkout($0, repository: repository, pull: pull) }
            let workspace = (context["workspace"] as? String) ?? place?.workspace
            let dir = (context["dir"] as? String) ?? place?.dir
            groups.add(LedgerRecord(ledger: ledger, row: number, kind: kind, event: .terraformApplied, migration: dir, appliedAt: time,
                                    workspace: workspace, pullRequest: pull, repository: repository, succeeded: !failed))
            ranIn[key] = nil
        }
        return LedgerContents(records: groups.records, otherEvents: others)
    }

    /// The folder `... in "PATH"` names in a `terraform` line.
    static func directory(in message: String) -> String? {
        guard let range = message.range(of: "\" in \"", options: .backwards) else { return nil }
        let rest = message[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The workspace and repository directory of Atlantis' checkout `.../repos/<owner>/<name>/<pull>/<workspace>/<dir>`.
    static func checkout(_ path: String, repository: String, pull: Int) -> (workspace: String, dir: String)? {
        guard let range = path.range(of: "/\(repository)/\(pull)/") else { return nil }
        let parts = path[range.upperBound...].split(separator: "/", maxSplits: 1)
        guard let workspace = parts.first else { return nil }
        return (String(workspace), parts.count > 1 ? String(parts[1]) : ".")
    }
}
