import Foundation
import Yams

/// `repos.yml`: the repositories `org` exports, each with where it is, its branch, where its review evidence comes
/// from and its ledgers. `defaults:` gives any of those keys to every repository that does not set its own.
///
/// ```yaml
/// defaults:
///   branch: main
/// repositories:
///   - name: acme/api                 # what the bundle calls it: rollup --expect names it so
///     path: ../api                   # or url: https://github.com/acme/api.git (cloned bare, no credentials in it)
///     github: acme/api               # collected live (GITHUB_TOKEN); or github_export: DIR, gitlab: G/N, gitlab_export: DIR
///     ledgers: ["drizzle:postgresql://reader@db/app"]
/// ```
public struct OrgRepositories: Sendable {
    /// One repository to export.
    public struct Entry: Sendable, Equatable {
        public let name: String
        /// A local path (relative ones are taken from the list's folder), or nil with `url`.
        public let path: String?
        public let url: String?
        public let branch: String?
        public let config: String?
        /// `--github-repo` / `--github` / `--gitlab-project` / `--gitlab`: exactly one.
        public let github: String?
        public let githubExport: String?
        public let gitlab: String?
        public let gitlabExport: String?
        public let apiURL: String?
        public let ledgers: [String]

        /// A folder name for its bundle: the name with anything but letters, digits, `.`, `-` and `_` made `_`.
        public var slug: String {
            String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
        }
    }

    public let file: String
    public let repositories: [Entry]

    static let keys: Set = ["name", "path", "url", "branch", "config", "github", "github_export", "gitlab", "gitlab_export", "api_url", "ledgers"]

    /// Reads and checks the list: every entry named once, with a place and one review source; relative paths are
    /// resolved against the list's folder.
    public static func load(_ file: String) throws -> OrgRepositories {
        try parse(String(decoding: try readInput(file), as: UTF8.self), file: file)
    }

    /// The list in `text`, read from `file` (whose folder relative paths are taken from).
    static func parse(_ text: String, file: String) throws -> OrgRepositories {
        let top = try YAMLAliases.topMapping(text, file: file, expected: "expected a mapping with repositories:", aliasesIn: "in the list")
        if let unknown = top.keys.compactMap(\.string).sorted().first(where: { !["defaults", "repositories"].contains($0) }) {
            throw EvidenceError.malformed(file: file, location: unknown, reason: "unknown key (expected defaults, repositories)")
        }
        let defaults = try top["defaults"].map { try fields($0, file: file, location: "defaults", allowed: keys.subtracting(["name", "path", "url"])) } ?? [:]
        guard let list = top["repositories"]?.sequence, !list.isEmpty else {
            throw EvidenceError.malformed(file: file, location: "repositories", reason: "expected a list of repositories")
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        var entries = [Entry](), seen = Set<String>()
        for (index, node) in list.enumerated() {
            let location = "repositories[\(index)]"
            let own = try fields(node, file: file, location: location, allowed: keys)
            let merged = defaults.merging(own) { _, mine in mine }
            func text(_ key: String) -> String? { merged[key].flatMap { $0 as? String } }
            guard let name = text("name"), !name.isEmpty else { throw EvidenceError.malformed(file: file, location: location + ".name", reason: "missing") }
            guard seen.insert(name).inserted else { throw EvidenceError.malformed(file: file, location: location + ".name", reason: "\(name) is listed twice") }
            guard (text("path") == nil) != (text("url") == nil) else {
                throw EvidenceError.malformed(file: file, location: location, reason: "give the repository's path or its url (one of them)")
            }
            if let url = text("url"), let parsed = URL(string: url), parsed.password != nil || (parsed.user != nil && parsed.scheme?.hasPrefix("http") == true) {
                throw EvidenceError.malformed(file: file, location: location + ".url", reason: "credentials do not belong in repos.yml")
            }
            let sources = ["github", "github_export", "gitlab", "gitlab_export"].filter { text($0) != nil }
            guard sources.count == 1 else {
                throw EvidenceError.malformed(file: file, location: location, reason: "give one review source: github, github_export, gitlab or gitlab_export")
            }
            func local(_ key: String) -> String? {
                text(key).map { $0.hasPrefix("/") ? $0 : folder.appendingPathComponent($0).standardized.path }
            }
            entries.append(Entry(name: name, path: local("path"), url: text("url"), branch: text("branch"), config: local("config"),
                                 github: text("github"), githubExport: local("github_export"), gitlab: text("gitlab"),
                                 gitlabExport: local("gitlab_export"), apiURL: text("api_url"),
                                 ledgers: (merged["ledgers"] as? [String]) ?? []))
        }
        let slugs = Dictionary(grouping: entries, by: \.slug).filter { $0.value.count > 1 }
        if let clash = slugs.keys.sorted().first {
            throw EvidenceError.malformed(file: file, location: "repositories", reason: "\(slugs[clash]!.map(\.name).joined(separator: " and ")) would share the folder \(clash)")
        }
        return OrgRepositories(file: file, repositories: entries)
    }

    /// A mapping of the known keys to text, or to a list of text for `ledgers`.
    private static func fields(_ node: Node, file: String, location: String, allowed: Set<String>) throws -> [String: any Sendable] {
        guard let mapping = node.mapping else { throw EvidenceError.malformed(file: file, location: location, reason: "expected a mapping") }
        var values = [String: any Sendable]()
        for (key, value) in mapping {
            guard let name = key.string, allowed.contains(name) else {
                throw EvidenceError.malformed(file: file, location: location + "." + (key.string ?? "?"), reason: "unknown key")
            }
            if name == "ledgers" {
                guard let items = value.sequence, items.allSatisfy({ $0.scalar != nil }) else {
                    throw EvidenceError.malformed(file: file, location: location + ".ledgers", reason: "expected a list of KIND:SOURCE")
                }
                values[name] = items.compactMap(\.string)
            } else {
                guard value.scalar != nil, let text = value.string else {
                    throw EvidenceError.malformed(file: file, location: location + "." + name, reason: "expected text")
                }
                values[name] = text
            }
        }
        return values
    }

    /// The entries of shard `index` of `count` (0-based): every `count`-th, so shards stay even as the list grows.
    public func shard(_ index: Int, of count: Int) -> [Entry] {
        repositories.enumerated().filter { $0.offset % count == index }.map(\.element)
    }
}
