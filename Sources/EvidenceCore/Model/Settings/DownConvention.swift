import Foundation

/// Where a migration's down (undo) migration lives (SPEC §2), as path patterns: `{dir}` the migration's folder,
/// `{name}` its file name, `{stem}` the name without its extension, `{ext}` the extension with its dot,
/// `{version}` Flyway's version; `*` in the file name matches anything. An empty list judges no reversibility.
public struct DownConvention: Sendable, Hashable {
    public let patterns: [String]
    /// Named in the settings (`down_migrations`): a team that mandates down files. The default patterns only
    /// judge a folder that shows the convention in use (it holds some down file).
    public let isRequired: Bool

    /// `<name>.down.sql` beside it, the same file name in a `down/` folder beside it, or Flyway's `U<ver>__*.sql`.
    public static let defaults = DownConvention(patterns: ["{dir}/{stem}.down{ext}", "{dir}/down/{name}", "{dir}/U{version}__*{ext}"])

    /// The patterns as globs, placeholders as wildcards: a path any pattern could produce is a down migration.
    private let globs: [Glob]

    public init(patterns: [String], isRequired: Bool = false) {
        self.patterns = patterns
        self.isRequired = isRequired
        globs = patterns.map { pattern in
            let glob = pattern.hasPrefix("{dir}/") ? "**/" + pattern.dropFirst("{dir}/".count) : pattern
            return Glob(Self.fill(glob, ["{dir}": "**", "{name}": "*", "{stem}": "*", "{ext}": ".*", "{version}": "*"]))
        }
    }

    /// True when `path` is where some pattern puts a down migration.
    public func isDown(_ path: String) -> Bool {
        globs.contains { $0.matches(path) }
    }

    /// The patterns filled in for an up migration at `path`; a pattern needing `{version}` is left out for a file
    /// without one. May hold `*` in the file name.
    public func candidates(for path: String, version: String?) -> [String] {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let dot = name.lastIndex(of: ".")
        let stem = dot.map { String(name[..<$0]) } ?? name
        let ext = dot.map { String(name[$0...]) } ?? ""
        // golang-migrate's `000042_orders.up.sql` pairs with `000042_orders.down.sql`: its stem is the name before `.up`.
        let stems = stem.hasSuffix(".up") ? [String(stem.dropLast(3)), stem] : [stem]
        return patterns.flatMap { pattern -> [String] in
            if pattern.contains("{version}") && version == nil { return [] }
            return (pattern.contains("{stem}") ? stems : [stem]).map { stem in
                let values = ["{dir}": folder, "{name}": name, "{stem}": stem, "{ext}": ext, "{version}": version ?? ""]
                guard pattern.hasPrefix("{dir}/") else { return Self.fill(pattern, values) }
                return (folder.isEmpty ? "" : folder + "/") + Self.fill(String(pattern.dropFirst("{dir}/".count)), values)
            }
        }
    }

    /// `pattern` with each `{placeholder}` in `values` replaced, left to right; a value is not searched again, and
    /// other braces stay as written. By hand, not Foundation's `replacingOccurrences`: that goes through NSString,
    /// whose first use was a sixth of the settings' start-up in every run.
    private static func fill(_ pattern: String, _ values: [String: String]) -> String {
        var filled = ""
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            filled += rest[..<open]
            guard let value = values[String(rest[open...close])] else {
                filled.append("{")
                rest = rest[rest.index(after: open)...]
                continue
            }
            filled += value
            rest = rest[rest.index(after: close)...]
        }
        return filled + rest
    }
}
