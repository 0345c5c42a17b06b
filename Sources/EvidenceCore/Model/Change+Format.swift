import Foundation

extension Change {
    /// One JSON object on one line, keys sorted, so equal changes always print the same bytes.
    public func jsonLine() throws -> String {
        String(decoding: try BundleLayout.compactEncoder.encode(self), as: UTF8.self)
    }

    /// One line for people: short id, UTC date, author, subject and what kind of paths it touched.
    public func textLine() -> String {
        let counts = PathKind.allCases.compactMap { kind -> String? in
            let count = paths.filter { $0.kind == kind }.count
            return count == 0 ? nil : "\(count) \(kind.rawValue)"
        }
        return "\(commit.prefix(12))  \(committedAt.prefix(10))  \(author.name)  \(subject)  [\(counts.joined(separator: ", "))]"
    }
}
