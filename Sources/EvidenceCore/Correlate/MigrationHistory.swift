import GitKit

/// Every version of every migration file the branch's first-parent history held, keyed by the checksums the
/// migration tools record (SPEC §3 "migration file → ledger"), so a ledger row finds the exact commit that
/// introduced the bytes it ran.
///
/// The walk compares trees only along migration paths (the same pruned compare the population walk uses, with
/// the infrastructure rules left out), reads each distinct blob once, and keeps only the checksum index: memory
/// grows with the number of migration versions, not with history.
public struct MigrationHistory: Sendable {
    /// Versions by checksum key (`sha256:<hex>` for Drizzle, Prisma and events; `crc32:<signed>` for Flyway;
    /// `sha1:<hex>` for sqitch).
    private var versions: [String: MigrationVersion] = [:]
    /// Every version of each named migration (`<kind>:<name>`, e.g. `django:blog.0002_author`), oldest first.
    private var named: [String: [MigrationVersion]] = [:]
    /// The names each named migration comes after (Alembic's `down_revision`), as its newest version says.
    private var parents: [String: [String]] = [:]
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
                var bytes: [UInt8]?
                if let known = keysByBlob[blob] {
                    keys = known
                } else {
                    bytes = try repository.blob(blob)
                    keys = try checksumKeys(of: bytes!)
                    keysByBlob[blob] = keys
                }
                // Walking newest first, an older commit holding the same bytes replaces a newer one: the earliest wins.
                let version = MigrationVersion(path: file.path, blob: blob.hex, commit: hex, committedAt: step.commit.committerTime)
                for key in keys { history.versions[key] = version }
                for format in LedgerFormats.byName {
                    for name in try format.names(of: file.path, bytes: {
                        if bytes == nil { bytes = try repository.blob(blob) }
                        return bytes!
                    }) {
                        let key = format.kind.rawValue + ":" + name.name
                        var named = version
                        if name.path != file.path {
                            // A line of Atlas' atlas.sum names the file it sums, committed with it.
                            guard let other = try repository.blobID(atPath: name.path, in: step.commit.id) else { continue }
                            named = MigrationVersion(path: name.path, blob: other.hex, commit: hex, committedAt: step.commit.committerTime)
                        }
                        // The same bytes met again further back (atlas.sum relisting a file) are credited to the older commit.
                        if history.named[key]?.last?.blob == named.blob { history.named[key]!.removeLast() }
                        history.named[key, default: []].append(named)
                        if history.parents[key] == nil { history.parents[key] = name.parents.map { format.kind.rawValue + ":" + $0 } }
                    }
                }
            }
        }
        for key in history.named.keys { history.named[key]!.reverse() }
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
        keys.insert(MigrationChecksum.Algorithm.sha1.key(try MigrationChecksum.sqitch(bytes)))
        return keys.sorted()
    }

    /// What a ledger record matches, by its format's rule.
    public struct Match: Sendable {
        /// The version it ran; nil when no committed version has its checksum or name.
        public let version: MigrationVersion?
        /// Found by its checksum (or a name that is a digest), so the bytes that ran are the committed ones.
        public let byBytes: Bool
        /// For a table holding only the head: the versions before it, applied too (oldest name first).
        public let below: [MigrationVersion]

        static let none = Match(version: nil, byBytes: false, below: [])
    }

    /// The version whose checksum a ledger row records, by its format's match rule; nil when no committed version has it.
    public func version(matching record: LedgerRecord) -> MigrationVersion? { match(record).version }

    /// The version a record ran: by checksum where it records one the history computes, else by name — the version
    /// current when it ran (the first, without an apply time); and for a head, every version before it.
    public func match(_ record: LedgerRecord) -> Match {
        let format = record.kind.format
        let rule = format.matching
        if let checksum = record.checksum, !rule.checksums.isEmpty {
            // A checksum no committed version has is unreviewed bytes, whatever the row's name says.
            guard let found = rule.checksums.lazy.compactMap({ versions[$0.key(checksum)] }).first else { return .none }
            return Match(version: found, byBytes: true, below: [])
        }
        guard let names = rule.names, let name = format.matchName(of: record) else { return .none }
        let key = format.kind.rawValue + ":" + name
        guard let all = named[key], let first = all.first else { return .none }
        let version = record.appliedAt.flatMap { time in all.last { $0.committedAt <= time } } ?? first
        var below = [MigrationVersion]()
        if case .head(let order) = names {
            var keys = [String]()
            switch order {
            case .parents:
                var queue = parents[key] ?? []
                var seen = Set<String>()
                while let next = queue.popLast() {
                    guard seen.insert(next).inserted else { continue }
                    keys.append(next)
                    queue += parents[next] ?? []
                }
            case .versionNumber:
                let prefix = format.kind.rawValue + ":"
                let head = Int64(name) ?? Int64.min
                keys = named.keys.filter { $0.hasPrefix(prefix) && (Int64($0.dropFirst(prefix.count)) ?? Int64.max) < head }
            }
            below = keys.sorted().compactMap { named[$0]?.first }
        }
        return Match(version: version, byBytes: rule.namesAreDigests, below: below)
    }

    /// Number of distinct checksum keys known (for progress and tests).
    public var keyCount: Int { versions.count }
}
