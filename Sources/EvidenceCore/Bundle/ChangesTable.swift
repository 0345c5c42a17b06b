import CSV
import Foundation

/// `changes.csv`: the population for spreadsheets, one row per change, with the controls it failed.
enum ChangesTable {
    static let header = [
        "commit", "committed_at", "author_name", "author_email", "subject", "paths", "pull_request", "pull_request_title",
        "pull_request_url", "match", "approvers", "checks", "applied", "failed_controls",
    ]

    static func csv(_ records: [EvidenceRecord], findings: [Finding]) throws -> [UInt8] {
        let failed = Dictionary(grouping: findings.filter { $0.status == .fail && $0.change != nil }, by: { $0.change! })
        let writer = try CSVWriter(stream: .toMemory(), newline: .crlf)
        try writer.write(row: header)
        for record in records {
            let change = record.change
            let paths: String = change.paths.map { "\($0.kind.rawValue):\($0.status.rawValue):\($0.path)" }.joined(separator: "; ")
            let failedControls: String = (failed[change.commit] ?? []).map(\.control).joined(separator: "; ")
            var row: [String] = [change.commit, change.committedAt, change.author.name, change.author.email, change.subject, paths]
            if let pull = record.pullRequest {
                let checks: String = pull.checks.map { "\($0.name)=\($0.outcome)" }.joined(separator: "; ")
                row += [String(pull.number), pull.title, pull.url ?? "", pull.match.rawValue, pull.approvers.joined(separator: "; "), checks]
            } else {
                row += ["", "", "", "", "", ""]
            }
            let applied: String = record.migrations.flatMap { file in
                file.applies.map { apply in
                    ([file.path + ":", apply.succeeded ? nil : "FAILED or rolled back", apply.environment, apply.time].compactMap { $0 }
                        + ["(\(apply.place))"]).joined(separator: " ")
                }
            }.joined(separator: "; ")
            try writer.write(row: row + [applied, failedControls])
        }
        writer.stream.close()
        let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return [UInt8](data) + Array("\r\n".utf8)
    }
}
