import Foundation
import GitKit

/// Looks at the migration files a change touched, in that commit's tree: their flavour, whether they are scripts
/// or metadata, and for each added up-migration whether its down migration exists by the down convention
/// (SPEC §2; configurable, see `DownConvention`).
public struct MigrationInspector {
    public let repository: Repository
    public let convention: DownConvention

    public init(repository: Repository, convention: DownConvention = .defaults) {
        self.repository = repository
        self.convention = convention
    }

    public func inspect(_ change: Change) throws -> [MigrationFile] {
        guard let commit = ObjectID(hex: change.commit) else { return [] }
        var journals = [String: [String: Int64]]()
        var inUse = [String: Bool]()
        var drizzleFolders = [String: Bool]()
        return try change.paths.filter { $0.kind == .migration }.map { path in
            var flavour = Self.flavour(of: path.path)
            // A folder holding Drizzle's journal is Drizzle's, wherever it lives (`apps/server/migrations`), and so
            // is its meta/ folder (the snapshots beside the journal).
            if flavour == .generic {
                var folder = Self.folder(of: path.path)
                if folder == "meta" || folder.hasSuffix("/meta") { folder = Self.folder(of: folder) }
                if drizzleFolders[folder] == nil {
                    drizzleFolders[folder] = try repository.blobID(atPath: (folder.isEmpty ? "" : folder + "/") + "meta/_journal.json", in: commit) != nil
                }
                if drizzleFolders[folder]! { flavour = .drizzle }
            }
            var script = Self.isScript(path.path)
            // A Liquibase changelog that only includes others (the master changelog) runs nothing itself.
            if script, flavour == .liquibase, path.status != .deleted, let bytes = try repository.blob(atPath: path.path, in: commit) {
                script = !LiquibaseLedger.names(of: path.path, bytes: { bytes }).isEmpty
            }
            let down = convention.isDown(path.path) || Self.isSqitch(path.path, folder: "revert")
            var found: String?
            var lookedFor: [String]?
            // Only a new migration is judged: a moved or renamed one was judged when it was added.
            var reversal: CodeReversal?
            if path.status == .added, script, !down, let revert = Self.sqitchRevert(of: path.path) {
                // sqitch pairs every deploy script with its revert script: the convention is always in use.
                found = try downMigration(for: path.path, at: commit)
                lookedFor = found == nil ? [revert] : nil
            } else if path.status == .added, script, !down, CodeReversal.flavours.contains(flavour) {
                reversal = try self.reversal(for: path.path, flavour: flavour, at: commit)
            } else if path.status == .added, script, !down {
                let candidates = convention.candidates(for: path.path, version: Self.flywayVersion(path.path))
                found = try firstExisting(candidates, in: commit)
                if found == nil {
                    // Without settings that require down files, a folder that holds none does not use them: its
                    // migrations are not judged (an empty list says so), so the real exceptions are not drowned.
                    let folder = Self.folder(of: path.path)
                    if inUse[folder] == nil { inUse[folder] = try convention.isRequired || folderHoldsDownFiles(folder, at: commit) }
                    lookedFor = inUse[folder]! ? candidates : []
                }
            }
            var when: Int64?
            if flavour == .drizzle, script, !down, path.path.hasSuffix(".sql") {
                let folder = Self.folder(of: path.path)
                if journals[folder] == nil { journals[folder] = try journalEntries(folder: folder, in: commit) }
                when = journals[folder]?[String(Self.fileName(of: path.path).dropLast(".sql".count))]
            }
            return MigrationFile(path: path.path, flavour: flavour, status: path.status, isScript: script, isDown: down, down: found,
                                 downLookedFor: lookedFor, journalWhen: when, reversal: reversal)
        }
    }

    /// True when `folder` (or its `down/` folder) holds a file the convention calls a down migration.
    private func folderHoldsDownFiles(_ folder: String, at commit: ObjectID) throws -> Bool {
        for place in [folder, folder.isEmpty ? "down" : folder + "/down"] {
            if try repository.fileNames(in: place, at: commit).contains(where: { convention.isDown(place.isEmpty ? $0 : place + "/" + $0) }) {
                return true
            }
        }
        return false
    }

    /// The down migration of an up-migration script at `path` as of `commit` by the convention (sqitch's revert
    /// script), nil when there is none (or `path` is not an up-migration script).
    public func downMigration(for path: String, at commit: ObjectID) throws -> String? {
        guard Self.isScript(path), !convention.isDown(path) else { return nil }
        if let revert = Self.sqitchRevert(of: path) { return try repository.blobID(atPath: revert, in: commit) != nil ? revert : nil }
        return try firstExisting(convention.candidates(for: path, version: Self.flywayVersion(path)), in: commit)
    }

    /// Whether the Rails, Django or Alembic migration at `path` can be undone, read from its code as of `commit`;
    /// nil for other flavours.
    public func reversal(for path: String, flavour: MigrationFlavour? = nil, at commit: ObjectID) throws -> CodeReversal? {
        let flavour = flavour ?? Self.flavour(of: path)
        guard CodeReversal.flavours.contains(flavour), let bytes = try repository.blob(atPath: path, in: commit) else { return nil }
        return CodeReversal.judge(flavour, path: path, text: String(decoding: bytes, as: UTF8.self))
    }

    /// `revert/x.sql` for sqitch's `deploy/x.sql`.
    static func sqitchRevert(of path: String) -> String? {
        guard isSqitch(path, folder: "deploy") else { return nil }
        if path.hasPrefix("deploy/") { return "revert/" + path.dropFirst("deploy/".count) }
        let range = path.range(of: "/deploy/", options: .backwards)!
        return path.replacingCharacters(in: range, with: "/revert/")
    }

    /// The first candidate that exists in the commit's tree; a `*` in a candidate's file name matches any run of
    /// characters, so the folder is listed (once per folder) to find it.
    private func firstExisting(_ candidates: [String], in commit: ObjectID) throws -> String? {
        for candidate in candidates {
            let name = Self.fileName(of: candidate)
            guard name.contains("*") else {
                if try repository.blobID(atPath: candidate, in: commit) != nil { return candidate }
                continue
            }
            let folder = Self.folder(of: candidate)
            let glob = Glob(name)
            if let match = try repository.fileNames(in: folder, at: commit).sorted().first(where: { glob.matches($0) }) {
                return folder.isEmpty ? match : folder + "/" + match
            }
        }
        return nil
    }

    static func flavour(of path: String) -> MigrationFlavour {
        let name = fileName(of: path)
        if flywayVersion(path) != nil || name.hasPrefix("R__") || name.firstMatch(of: #/^U\d/#) != nil { return .flyway }
        if path.contains("/meta/_journal.json") || path.hasPrefix("drizzle/") || path.contains("/drizzle/") { return .drizzle }
        if name == "migration.sql" || name == "migration_lock.toml" { return .prisma }
        if path.contains("db/migrate/") { return .rails }
        if path.contains("alembic/versions/") || path.contains("migrations/versions/") || ["env.py", "script.py.mako"].contains(name) { return .alembic }
        if ["deploy", "revert", "verify"].contains(where: { isSqitch(path, folder: $0) }) || name == "sqitch.plan" { return .sqitch }
        if path.contains("changelog/") { return .liquibase }
        if path.contains("/migrations/") || path.hasPrefix("migrations/"), name.hasSuffix(".py") { return .django }
        return .generic
    }

    /// A sqitch script in its `deploy/`, `revert/` or `verify/` folder.
    static func isSqitch(_ path: String, folder: String) -> Bool {
        path.hasSuffix(".sql") && (path.hasPrefix(folder + "/") || path.contains("/" + folder + "/"))
    }

    /// Metadata is not run against the database: Drizzle's meta folder, Prisma's lock file, Python package markers,
    /// Alembic's environment and template, sqitch's plan and its verify scripts (checks, not changes).
    static func isScript(_ path: String) -> Bool {
        let name = fileName(of: path)
        if path.hasPrefix("meta/") || path.contains("/meta/") { return false }
        if ["env.py", "script.py.mako", "sqitch.plan", "sqitch.conf", "alembic.ini"].contains(name) || isSqitch(path, folder: "verify") { return false }
        if ["migration_lock.toml", "__init__.py", ".gitkeep"].contains(name) || name.lowercased().hasPrefix("readme") { return false }
        return true
    }

    /// `1_2` for `V1_2__add_users.sql`.
    static func flywayVersion(_ path: String) -> String? {
        let name = fileName(of: path)
        return name.firstMatch(of: #/^V([0-9][0-9._]*)__.+\.sql$/#).map { String($0.1) }
    }

    static func fileName(of path: String) -> String {
        String(path.split(separator: "/").last ?? "")
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Drizzle's `meta/_journal.json` beside the migrations: each entry's `when` (ms) by its tag (the file's stem).
    /// An absent or unreadable journal gives none: the migration then has no journal time to judge by.
    private func journalEntries(folder: String, in commit: ObjectID) throws -> [String: Int64] {
        struct Journal: Decodable {
            struct Entry: Decodable { let tag: String; let when: Int64 }
            let entries: [Entry]
        }
        let path = (folder.isEmpty ? "" : folder + "/") + "meta/_journal.json"
        guard let bytes = try repository.blob(atPath: path, in: commit),
              let journal = try? JSONDecoder().decode(Journal.self, from: Data(bytes)) else { return [:] }
        return Dictionary(journal.entries.map { ($0.tag, $0.when) }, uniquingKeysWith: { first, _ in first })
    }
}
