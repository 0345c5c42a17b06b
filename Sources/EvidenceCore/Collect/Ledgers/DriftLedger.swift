import Foundation

extension LedgerKind {
    /// Nightly `terraform plan` outputs.
    public static let drift = LedgerKind(rawValue: "drift")
}

/// One nightly drift run of a workspace: the output of `terraform plan -detailed-exitcode -json` (Terraform's
/// machine-readable UI, one JSON message a line, UI version 1.x) or of `terraform show -json PLANFILE` (the plan
/// representation, `format_version` 1.x). Every resource the plan would create, change or destroy, and every
/// `resource_drift` Terraform reports, differs between the committed configuration and what runs; the run's time
/// is the first message's `@timestamp` (or the plan's `timestamp`). The workspace is named by the folder the
/// file sits in (`drift/prod/2026-07-16.json` is `prod`), kept in the bundle's file name as `prod@2026-07-16.json`.
public enum DriftLedger: LedgerFormat {
    public static let kind = LedgerKind.drift
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: false, applier: false, history: true, flavours: [],
                                                        recordNoun: "run")
    public static let matching = LedgerMatch.checksum([])
    public static let requiredColumns: [String]? = nil
    public static let liveTable: LiveTable? = nil

    /// The bundle's name for a run file: `<workspace>@<file name>`.
    static func bundleName(forFileAt path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return url.deletingLastPathComponent().lastPathComponent + "@" + url.lastPathComponent
    }

    /// The workspace a bundle path names.
    static func workspace(ofLedger ledger: String) -> String {
        let name = MigrationInspector.fileName(of: ledger)
        return name.firstIndex(of: "@").map { String(name[..<$0]) } ?? "default"
    }

    /// Whether a file's first text looks like a plan's output (a UI version message or a plan representation).
    static func isPlan(_ head: String) -> Bool {
        return head.contains(#/"type"\s*:\s*"version"/#) && head.contains("\"terraform\"") || head.contains("\"format_version\"") && head.contains("\"terraform_version\"")
    }

    public static func read(_ bytes: ArraySlice<UInt8>, file: String, ledger: String) throws(EvidenceError) -> LedgerContents {
        let text = String(decoding: bytes, as: UTF8.self)
        var changes = [String]()
        var time: Int64?
        var failed: String?
        func major(_ version: Any?) -> Int? { (version as? String).flatMap { $0.split(separator: ".").first.flatMap { Int($0) } } }
        // The plan representation is one object holding `format_version`; the UI is one object a line.
        if let document = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any], document["format_version"] != nil {
            guard major(document["format_version"]) == 1 else {
                throw EvidenceError.malformed(file: file, location: "format_version", reason: "'\(document["format_version"]!)' is not a plan format this tool reads (1.x)")
            }
            for key in ["resource_drift", "resource_changes"] {
                for case let change as [String: Any] in document[key] as? [Any] ?? [] {
                    let actions = ((change["change"] as? [String: Any])?["actions"] as? [String]) ?? []
                    guard let address = change["address"] as? String, !actions.allSatisfy({ ["no-op", "read"].contains($0) }) else { continue }
                    changes.append("\(address) (\(key == "resource_drift" ? "changed outside Terraform" : actions.joined(separator: ", ")))")
                }
            }
            time = (document["timestamp"] as? String).flatMap(Timestamp.parseDatabase)
            if time == nil { throw EvidenceError.malformed(file: file, location: "timestamp", reason: "missing: the plan says not when it ran") }
        } else {
            var number = 0
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                number += 1
                guard line.contains(where: { !$0.isWhitespace }) else { continue }
                guard let message = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                    throw EvidenceError.malformed(file: file, location: "line \(number)", reason: "not a JSON message of terraform plan -json")
                }
                if time == nil, let stamp = message["@timestamp"] as? String { time = Timestamp.parseDatabase(stamp) }
                switch message["type"] as? String {
                case "version":
                    guard major(message["ui"]) == 1 else {
                        throw EvidenceError.malformed(file: file, location: "line \(number), ui", reason: "'\(message["ui"] ?? "none")' is not a UI version this tool reads (1.x)")
                    }
                case "planned_change", "resource_drift":
                    let change = message["change"] as? [String: Any]
                    guard let address = (change?["resource"] as? [String: Any])?["addr"] as? String, let action = change?["action"] as? String else {
                        throw EvidenceError.malformed(file: file, location: "line \(number), change", reason: "no resource address and action")
                    }
                    let drifted = message["type"] as? String == "resource_drift"
                    changes.append("\(address) (\(drifted ? "changed outside Terraform" : action))")
                case "diagnostic" where message["@level"] as? String == "error":
                    failed = failed ?? (message["@message"] as? String)
                default: break
                }
            }
            guard number > 0, time != nil else { throw EvidenceError.malformed(file: file, location: "", reason: "no message of terraform plan -json") }
        }
        var seen = Set<String>()
        let record = LedgerRecord(ledger: ledger, row: 1, kind: kind, event: .terraformDrift, migration: failed.map { "plan failed: \($0)" },
                                  appliedAt: time, workspace: workspace(ofLedger: ledger), drift: changes.filter { seen.insert($0).inserted },
                                  succeeded: failed == nil)
        return LedgerContents(records: [record], otherEvents: 0)
    }
}
