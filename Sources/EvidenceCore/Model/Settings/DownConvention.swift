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
            var glob = pattern.hasPrefix("{dir}/") ? "**/" + pattern.dropFirst("{dir}/".count) : Substring(pattern)
            for (placeholder, wildcard) in [("{dir}", "**"), ("{name}", "*"), ("{stem}", "*"), ("{ext}", ".*"), ("{version}", "*")] {
                glob = Substring(glob.replacingOccurrences(of: placeholder, with: wildcard))
            }
            return Glob(String(glob))
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
                var filled = pattern
                if filled.hasPrefix("{dir}/") { filled = (folder.isEmpty ? "" : folder + "/") + filled.dropFirst("{dir}/".count) }
                for (placeholder, value) in [("{dir}", folder), ("{name}", name), ("{stem}", stem), ("{ext}", ext), ("{version}", version ?? "")] {
                    filled = filled.replacingOccurrences(of: placeholder, with: value)
                }
                return filled
            }
        }
    }
}
