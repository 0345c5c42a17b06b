import GitKit

/// Every version of every migration file the branch's first-parent history held, keyed by the checksums the
/// migration tools record (SPEC §3 "migration file → ledger"), so a ledger row finds the exact commit that
/// introduced the bytes it ran.
///
/// The walk compares trees only along migration paths (the same pruned compare the population walk uses, with
/// the infrastructure rules left out), reads each distinct blob once, and keeps only the checksum index: memory
/// grows with the number of migration versions, not with history.
public struct MigrationHistory: Sendable {
    /// Versions by checksum key (`sha256:<hex>` for Drizzle, Prisma and events; `crc32:<signed>` for Flyway).
    private var versions: [String: MigrationVersion] = [:]
    /// The commits asked about (Terraform applies), by the id as asked, with where they stand.
    public private(set) var placements: [String: BranchPlacement] = [:]
    /// How many first-parent commits were read.
    public private(set) var commitsRead = 0

    public init() {}

    /// Walks the whole first-parent history of `branch` along migration paths; `commits` are ids (full or
    /// abbreviated) to place on or off the branch.
    public static func read(repository: Repository, branch: Branch, classifier: PathClassifier, placing commits: Set<String> = [],
                            progress: WalkProgress? = nil) throws -> MigrationHistory {
        var history = MigrationHistory()
        guard let tip = branch.tip else {
            for commit in commits { history.placements[commit] = try placement(of: commit, in: repository) }
            return history
        }
        var keysByBlob = [ObjectID: [String]]()
        var wanted = commits
        var walk = FirstParentChanges(repository: repository, from: tip, scope: classifier.migrationsOnly,
                                      onProgress: progress.map { report in { report("hashing every migration version", $0) } })
        while let step = try walk.next() {
            let hex = step.commit.id.hex
            for asked in wanted where hex.hasPrefix(asked) {
                history.placements[asked] = .onBranch(commit: hex, since: step.commit.committerTime)
                wanted.remove(asked)
            }
            for file in step.files {
                guard let blob = file.newBlob else { continue }
                let keys: [String]
                if let known = keysByBlob[blob] {
                    keys = known
                } else {
                    keys = try checksumKeys(of: try repository.blob(blob))
                    keysByBlob[blob] = keys
                }
                // Walking newest first, an older commit holding the same bytes replaces a newer one: the earliest wins.
                let version = MigrationVersion(path: file.path, blob: blob.hex, commit: hex, committedAt: step.commit.committerTime)
                for key in keys { history.versions[key] = version }
            }
        }
        history.commitsRead = walk.commitsRead
        for commit in wanted { history.placements[commit] = try placement(of: commit, in: repository) }
        return history
    }

    /// A commit not met on the first-parent walk: in the repository (off the branch) or unknown.
    private static func placement(of commit: String, in repository: Repository) throws -> BranchPlacement {
        guard let id = try repository.lookupCommit(commit) else { return .unknown }
        return .offBranch(commit: id.hex)
    }

    /// The keys a file's bytes can be found under: the SHA-256 of the bytes and of their line-ending variants
    /// (with Prisma's old unpadded hex), and Flyway's CRC-32.
    static func checksumKeys(of bytes: [UInt8]) throws -> [String] {
        var keys = Set(try MigrationChecksum.prisma(bytes).map { MigrationChecksum.Algorithm.sha256.key($0) })
        keys.insert(MigrationChecksum.Algorithm.sha256.key(try MigrationChecksum.drizzle(bytes)))
        keys.insert(MigrationChecksum.Algorithm.crc32.key(String(MigrationChecksum.flyway(bytes))))
        return keys.sorted()
    }

    /// The version whose checksum a ledger row records, by its format's match rule; nil when no committed version has it.
    public func version(matching record: LedgerRecord) -> MigrationVersion? {
        guard let checksum = record.checksum else { return nil }
        switch record.kind.format.matching {
        case .checksum(let algorithms):
            return algorithms.lazy.compactMap { versions[$0.key(checksum)] }.first
        }
    }

    /// Number of distinct checksum keys known (for progress and tests).
    public var keyCount: Int { versions.count }
}
