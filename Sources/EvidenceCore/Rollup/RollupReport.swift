import CSV
import Foundation
import Mustache

/// The roll-up's report (`rollup.html.mustache`, `rollup.md.mustache` of the templates folder) and its
/// `repositories.csv`: one row per repository, and per control the repositories where it fails.
struct RollupReport {
    static let files = ["rollup.html.mustache", "rollup.md.mustache"]
    let html: MustacheTemplate
    let markdown: MustacheTemplate

    /// Reads the roll-up templates from `folder`, or from the installed default when a company's folder (made before
    /// roll-ups) has none.
    static func load(folder: String) throws -> RollupReport {
        let base = FileManager.default.fileExists(atPath: folder + "/" + files[0]) ? folder : try ReportTemplates.defaultFolder()
        func template(_ name: String) throws -> MustacheTemplate {
            let path = base + "/" + name
            do { return try MustacheTemplate(string: String(decoding: try readInput(path), as: UTF8.self)) } catch let error as EvidenceError {
                throw error
            } catch {
                throw EvidenceError.malformed(file: path, location: "", reason: "not a valid Mustache template (\(error))")
            }
        }
        return RollupReport(html: try template(files[0]), markdown: try template(files[1]))
    }

    func render(_ record: RollupRecord, controls: [String: ControlText], verifyText: String) -> (html: [UInt8], markdown: [UInt8]) {
        let context = Self.context(record, controls: controls, verifyText: verifyText)
        return (Array(html.render(context).utf8), Array(markdown.render(context).utf8))
    }

    static func context(_ record: RollupRecord, controls texts: [String: ControlText], verifyText: String) -> [String: Any] {
        let verified = record.repositories.filter { $0.status == .verified }
        let unjudged = record.repositories.filter { $0.status != .verified }
        let ids = ControlCatalogue.ids + Set(verified.flatMap(\.failingControls.keys)).subtracting(ControlCatalogue.ids).sorted()
        let controls: [[String: Any]] = ids.map { id in
            let failing = verified.filter { ($0.failingControls[id] ?? 0) > 0 }
            let text = texts[id]
            return ["id": id, "title": text?.title ?? id, "soc2": text?.soc2 ?? "", "hipaa": text?.hipaa ?? "",
                    "clean": verified.count - failing.count, "failing_count": failing.count, "any_failing": !failing.isEmpty,
                    "unjudged": unjudged.count,
                    "failing": failing.map { ["name": $0.name, "count": $0.failingControls[id]!] }]
        }
        let rows: [[String: Any]] = record.repositories.map { entry in
            let failing = entry.failingControls.keys.sorted().map { "\($0) (\(entry.failingControls[$0]!))" }
            return ["name": entry.name, "status": entry.status.rawValue, "verified": entry.status == .verified,
                    "bundle": entry.bundle ?? "", "branch": entry.branch ?? "", "window": entry.window.map { "\($0.start) to \($0.end)" } ?? "",
                    "head": entry.head.map { String($0.prefix(12)) } ?? "", "sha256sums": entry.sha256sums ?? "",
                    "signer": entry.signerKeyID.map { String($0.prefix(16)) } ?? "",
                    "failing": failing.isEmpty ? (entry.status == .verified ? "none" : "not judged") : failing.joined(separator: ", "),
                    "any_failing": !failing.isEmpty, "problems": entry.problems.map { ["text": $0] }, "has_problems": !entry.problems.isEmpty]
        }
        return ["generated_at": record.generatedAt ?? "", "window": record.window.map { "\($0.start) to \($0.end)" } ?? "each repository's own (they differ)",
                "key_id": record.signer.keyID, "algorithm": record.signer.algorithm, "expected": record.expected ?? "",
                "has_expected": record.expected != nil, "repositories_count": record.counts.repositories, "verified_count": record.counts.verified,
                "not_verified_count": record.counts.notVerified, "missing_count": record.counts.missing,
                "all_verified": record.counts.notVerified == 0 && record.counts.missing == 0,
                "controls": controls, "repositories": rows, "verify_text": verifyText]
    }

    /// `repositories.csv`.
    static func csv(_ record: RollupRecord) throws -> [UInt8] {
        let writer = try CSVWriter(stream: .toMemory(), newline: .crlf)
        try writer.write(row: ["name", "status", "bundle", "branch", "window_start", "window_end", "head", "sha256sums", "signer_key_id",
                               "failing_controls", "problems"])
        for entry in record.repositories {
            let failing: String = entry.failingControls.keys.sorted().map { "\($0)=\(entry.failingControls[$0]!)" }.joined(separator: "; ")
            try writer.write(row: [entry.name, entry.status.rawValue, entry.bundle ?? "", entry.branch ?? "", entry.window?.start ?? "",
                                   entry.window?.end ?? "", entry.head ?? "", entry.sha256sums ?? "", entry.signerKeyID ?? "", failing,
                                   entry.problems.joined(separator: "; ")])
        }
        writer.stream.close()
        let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return [UInt8](data) + Array("\r\n".utf8)
    }
}
