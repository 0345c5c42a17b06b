import Foundation
import GitKit

/// Whether a migration tool's configuration has its migrations committed beside it (SPEC §15,
/// `CC8.1-migrations-committed`): Drizzle's `drizzle.config.*` names an `out` folder (default `drizzle`) that must
/// hold the generated SQL; Prisma's `schema.prisma` keeps its migrations in `migrations/` beside it. Without them,
/// schema changes reach the database some other way (`drizzle-kit push`, `prisma db push`) and no reviewed migration
/// exists. Judged at the branch head and wherever a change in the window touched such a file.
public struct MigrationSetup: Sendable, Hashable {
    public enum Tool: String, Sendable, Hashable {
        case drizzle, prisma
    }

    /// What the tree holds where the migrations should be.
    public enum State: Sendable, Hashable {
        /// The folder holds this many migrations.
        case committed(count: Int)
        /// No such folder.
        case missing
        /// The folder is there, with no migration in it.
        case empty
        /// The configuration does not say where, in a way read without running it.
        case undetermined(reason: String)
        /// The tool keeps no migrations for this setup.
        case notApplicable(reason: String)
    }

    public let tool: Tool
    /// The configuration file's path.
    public let config: String
    /// Where it was judged: the branch head, or a change in the window.
    public let commit: String
    /// The commit's time (UTC ISO 8601).
    public let committedAt: String
    public let atHead: Bool
    /// Where the migrations should be (nil when undetermined).
    public let folder: String?
    public let state: State
}

/// Reads the migration setups of a branch from its trees.
enum MigrationSetupInspector {
    /// The configuration files, by name, wherever they sit.
    static let configNames: Set = ["drizzle.config.ts", "drizzle.config.js", "drizzle.config.mjs", "drizzle.config.cjs", "drizzle.config.mts",
                                   "drizzle.config.json", "schema.prisma"]
    /// Folders never searched: dependencies and build output hold other projects' configurations.
    static let skipped: Set = ["node_modules", ".git", "vendor", "dist", "build", ".next", ".turbo", "coverage"]

    static func descend(_ folder: String) -> Bool {
        !skipped.contains(folder.split(separator: "/").last.map(String.init) ?? folder)
    }

    /// At the branch head, then at each change in `window` that touched a configuration (newest first).
    static func setups(_ repository: Repository, branch: Branch, window: AuditWindow) throws -> [MigrationSetup] {
        guard let tip = branch.tip else { return [] }
        let configs = try repository.files(under: "", in: tip, descend: descend)?.filter(isConfig).sorted() ?? []
        var found = try configs.map { try judge(repository, config: $0, at: tip, atHead: true) }
        let bounds = try window.closed()
        var walk = FirstParentChanges(repository: repository, from: tip, scope: ConfigScope(), since: bounds.start, until: bounds.end)
        while let step = try walk.nextChange() {
            for file in step.files where file.status != .deleted && isConfig(file.path) {
                found.append(try judge(repository, config: file.path, at: step.commit.id, atHead: false))
            }
        }
        return found
    }

    static func isConfig(_ path: String) -> Bool {
        configNames.contains(path.split(separator: "/").last.map(String.init) ?? path)
            && !path.split(separator: "/").dropLast().contains { skipped.contains(String($0)) }
    }

    static func judge(_ repository: Repository, config: String, at commit: ObjectID, atHead: Bool) throws -> MigrationSetup {
        let text = String(decoding: try repository.blob(atPath: config, in: commit) ?? [], as: UTF8.self)
        let time = Timestamp.iso8601UTC(try repository.header(commit).committerTime)
        let base = (config as NSString).deletingLastPathComponent
        func setup(_ tool: MigrationSetup.Tool, _ folder: String?, _ state: MigrationSetup.State) -> MigrationSetup {
            MigrationSetup(tool: tool, config: config, commit: commit.hex, committedAt: time, atHead: atHead, folder: folder, state: state)
        }
        if config.hasSuffix("schema.prisma") {
            if let provider = prismaProvider(text), provider == "mongodb" {
                return setup(.prisma, nil, .notApplicable(reason: "the datasource is MongoDB, for which Prisma keeps no migrations (db push is its only way)"))
            }
            let folder = join(base, "migrations")
            return setup(.prisma, folder, try state(repository, folder: folder, at: commit) { $0.hasSuffix("/migration.sql") })
        }
        switch drizzleOut(text, json: config.hasSuffix(".json")) {
        case .failure(let reason):
            return setup(.drizzle, nil, .undetermined(reason: reason.text))
        case .success(let out):
            let folder = join(base, out)
            // What drizzle-kit generate writes: NNNN_name.sql directly in the folder (a down file beside it is not one).
            return setup(.drizzle, folder, try state(repository, folder: folder, at: commit) { path in
                let name = String(path.dropFirst(folder.isEmpty ? 0 : folder.count + 1))
                return !name.contains("/") && name.hasSuffix(".sql") && !name.hasSuffix(".down.sql") && name.first?.isNumber == true
            })
        }
    }

    private static func state(_ repository: Repository, folder: String, at commit: ObjectID,
                              isMigration: (String) -> Bool) throws -> MigrationSetup.State {
        guard let files = try repository.files(under: folder, in: commit) else { return .missing }
        let count = files.filter(isMigration).count
        return count == 0 ? .empty : .committed(count: count)
    }

    /// The `out` of a Drizzle config, as written: a string literal, or the default `drizzle` when it names none.
    static func drizzleOut(_ text: String, json: Bool) -> Result<String, Reason> {
        if json {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
                return .failure(Reason("it is not a JSON object"))
            }
            guard let out = object["out"] else { return .success("drizzle") }
            guard let path = out as? String, !path.isEmpty else { return .failure(Reason("its out is not a path")) }
            return .success(path)
        }
        // Line comments aside, so a commented-out `out:` is not read as the setting.
        let code: String = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let comment = line.firstRange(of: "//") else { return String(line) }
            return String(line[..<comment.lowerBound])
        }.joined(separator: "\n")
        if let match = code.firstMatch(of: /\bout\s*:\s*(["'`])([^"'`\n]+)\1/) { return .success(String(match.output.2)) }
        if code.firstMatch(of: /\bout\s*:/) != nil { return .failure(Reason("its out is computed, not a string literal")) }
        return .success("drizzle")
    }

    /// A datasource's `provider = "..."` in a Prisma schema.
    static func prismaProvider(_ text: String) -> String? {
        guard let block = text.firstMatch(of: /datasource\s+\w+\s*\{([^}]*)\}/) else { return nil }
        return block.output.1.firstMatch(of: /provider\s*=\s*"([^"]+)"/).map { String($0.output.1) }
    }

    /// `folder/relative`, with `./` and `..` resolved as a path inside the repository.
    static func join(_ folder: String, _ relative: String) -> String {
        var parts = folder.split(separator: "/").map(String.init)
        for part in relative.split(separator: "/").map(String.init) {
            switch part {
            case ".", "": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    /// Why a setup cannot be read.
    struct Reason: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    /// The walk's scope: configuration files wherever they sit, outside dependencies.
    struct ConfigScope: TreeDiffScope {
        var directoryMarkers: [String] { [] }
        func mayMatch(under directory: String) -> Bool { directory.isEmpty || MigrationSetupInspector.descend(directory) }
        func matches(path: String, markers: Set<String>) -> Bool { MigrationSetupInspector.isConfig(path) }
    }
}
