import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// git's commit-graph file (`objects/info/commit-graph`, written by `git gc` and `git commit-graph write`): for every
/// commit it holds, the root tree, the parents and the committer time, so a history walk reads no commit object. git
/// walks with it; libgit2 1.5 offers no lookup into it, so this reads the documented format (version 1, SHA-1, one
/// file: chunks OIDF, OIDL, CDAT and EDGE) and is used only where every part checks out; any other shape (a split
/// chain, a newer version, a bound out of range) is ignored and commits are read from the object database. A commit
/// newer than the file is not in it and is read from the object database too.
///
/// The file is not content-addressed as objects are: an altered one could show another tree for a commit. Bundles are
/// re-derived by `verify --repo` on the auditor's own clone, whose commit-graph (if any) its git wrote.
final class CommitGraph: @unchecked Sendable {
    /// The file's bytes, mapped (or, for bytes given in memory, copied); read-only for the graph's lifetime.
    private let base: UnsafeRawPointer
    private let size: Int
    private let mapped: Bool
    private let count: Int
    private let fanout: Int
    private let oids: Int
    private let commits: Int
    private let edges: Int?
    private let edgeCount: Int

    static let noParent: UInt32 = 0x7000_0000
    static let extraEdges: UInt32 = 0x8000_0000

    /// The commit-graph of the repository whose objects folder is `objects`; nil when there is none usable.
    static func open(objects: String) -> CommitGraph? {
        let descriptor = Glibc.open(objects + "/info/commit-graph", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0,
              let map = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, descriptor, 0), map != MAP_FAILED else { return nil }
        guard let layout = Layout(UnsafeRawPointer(map), size: Int(status.st_size)) else {
            munmap(map, Int(status.st_size))
            return nil
        }
        return CommitGraph(base: UnsafeRawPointer(map), size: Int(status.st_size), mapped: true, layout: layout)
    }

    /// A graph over bytes in memory (copied).
    convenience init?(_ data: Data) {
        let copy = UnsafeMutableRawPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
        data.withUnsafeBytes { if let source = $0.baseAddress { copy.copyMemory(from: source, byteCount: data.count) } }
        guard let layout = Layout(UnsafeRawPointer(copy), size: data.count) else {
            copy.deallocate()
            return nil
        }
        self.init(base: UnsafeRawPointer(copy), size: data.count, mapped: false, layout: layout)
    }

    private init(base: UnsafeRawPointer, size: Int, mapped: Bool, layout: Layout) {
        self.base = base
        self.size = size
        self.mapped = mapped
        self.count = layout.count
        self.fanout = layout.fanout
        self.oids = layout.oids
        self.commits = layout.commits
        self.edges = layout.edges
        self.edgeCount = layout.edgeCount
    }

    /// Where the chunks are, once every bound has been checked.
    private struct Layout {
        var count = 0, fanout = 0, oids = 0, commits = 0
        var edges: Int?
        var edgeCount = 0

        init?(_ base: UnsafeRawPointer, size: Int) {
            let bytes = UnsafeRawBufferPointer(start: base, count: size)
            guard size >= 8 + 12, bytes.prefix(4).elementsEqual("CGPH".utf8), bytes[4] == 1, bytes[5] == 1, bytes[7] == 0 else { return nil }
            let chunks = Int(bytes[6])
            guard size >= 8 + (chunks + 1) * 12 + 20 else { return nil }
            var table = [UInt32: (start: Int, end: Int)]()
            for index in 0..<chunks {
                let entry = 8 + index * 12
                let id = CommitGraph.uint32(base, entry), start = CommitGraph.uint64(base, entry + 4), end = CommitGraph.uint64(base, entry + 16)
                guard start <= end, end <= UInt64(size - 20) else { return nil }
                table[id] = (Int(start), Int(end))
            }
            guard let fanout = table[0x4F49_4446], let oids = table[0x4F49_444C], let commits = table[0x4344_4154],
                  fanout.end - fanout.start == 256 * 4 else { return nil }
            count = Int(CommitGraph.uint32(base, fanout.start + 255 * 4))
            guard oids.end - oids.start == count * 20, commits.end - commits.start == count * 36 else { return nil }
            self.fanout = fanout.start
            self.oids = oids.start
            self.commits = commits.start
            if let edges = table[0x4544_4745] {
                guard (edges.end - edges.start) % 4 == 0 else { return nil }
                self.edges = edges.start
                edgeCount = (edges.end - edges.start) / 4
            }
        }
    }

    deinit {
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), size) } else { UnsafeMutableRawPointer(mutating: base).deallocate() }
    }

    /// The commit's header as the file holds it; nil when the file does not hold the commit, or holds it oddly.
    func header(of id: ObjectID) -> CommitHeader? {
        position(of: id).flatMap { header(at: $0)?.header }
    }

    /// The header of the commit at `position` in the file, and its first parent's position (so a first-parent walk
    /// reads the next commit without searching for it); nil when the file holds it oddly.
    func header(at position: Int) -> (header: CommitHeader, firstParent: Int?)? {
        guard position >= 0, position < count else { return nil }
        let entry = commits + position * 36
        let tree = ObjectID(raw: base + entry)
        let first = Self.uint32(base, entry + 20), second = Self.uint32(base, entry + 24)
        var firstParent: ObjectID?
        if first != Self.noParent {
            guard let parent = oid(at: first) else { return nil }
            firstParent = parent
        }
        guard let others = otherParents(second)?.map({ ObjectID(raw: base + oids + $0 * 20) }) else { return nil }
        // The low 34 bits of the last eight bytes are the committer time.
        let time = Int64(Self.uint64(base, entry + 28) & 0x3_FFFF_FFFF)
        let id = ObjectID(raw: base + oids + position * 20)
        return (CommitHeader(id: id, firstParent: firstParent, otherParents: others, tree: tree, committerTime: time), first == Self.noParent ? nil : Int(first))
    }

    /// The positions of a commit's second and later parents, from its second parent word: one parent, none, or an
    /// octopus merge's list in EDGE (the last marked); nil when a position is out of range.
    private func otherParents(_ second: UInt32) -> [Int]? {
        if second == Self.noParent { return [] }
        guard second & Self.extraEdges != 0 else { return Int(second) < count ? [Int(second)] : nil }
        guard let edges else { return nil }
        var found = [Int]()
        var index = Int(second & ~Self.extraEdges)
        while true {
            guard index < edgeCount else { return nil }
            let value = Self.uint32(base, edges + index * 4)
            guard Int(value & ~Self.extraEdges) < count else { return nil }
            found.append(Int(value & ~Self.extraEdges))
            if value & Self.extraEdges != 0 { return found }
            index += 1
        }
    }

    /// The commits reachable from `tips` and not from `hidden` (git's `hidden..tips`), in no set order; nil when the
    /// walk reaches a commit the file does not hold, or one without a topological level (a file from a git before
    /// they were written), so that the caller asks libgit2 instead.
    ///
    /// It takes commits by topological level, highest first. Every parent is lower than its child, so when a commit
    /// is taken each child of it on the way has been, and whether `hidden` reaches it is settled. It stops when only
    /// commits `hidden` reaches are left. (libgit2's revwalk would read the same answer, but it first hashes the
    /// whole file, about 3 ms per process on the bench repository.)
    func reachable(from tips: [ObjectID], notFrom hidden: ObjectID) -> [ObjectID]? {
        let wanted: UInt8 = 1, unwanted: UInt8 = 2
        var flags = [Int: UInt8]()
        var queue = PriorityQueue<(level: UInt32, position: Int)> { $0.level > $1.level }
        var pendingWanted = 0  // queued commits that `hidden` does not (yet) reach
        func reach(_ position: Int, _ flag: UInt8) -> Bool {
            guard let old = flags[position] else {
                let level = Self.uint32(base, commits + position * 36 + 28) >> 2
                guard level != 0 else { return false }
                flags[position] = flag
                queue.push((level, position))
                if flag == wanted { pendingWanted += 1 }
                return true
            }
            if old == wanted, flag == unwanted {
                flags[position] = unwanted
                pendingWanted -= 1
            }
            return true
        }
        guard let start = position(of: hidden), reach(start, unwanted) else { return nil }
        for tip in tips {
            guard let position = position(of: tip), reach(position, wanted) else { return nil }
        }
        var found = [ObjectID]()
        while pendingWanted > 0, let (_, position) = queue.pop() {
            let flag = flags[position]!
            if flag == wanted {
                pendingWanted -= 1
                found.append(ObjectID(raw: base + oids + position * 20))
            }
            let entry = commits + position * 36
            let first = Self.uint32(base, entry + 20)
            guard let others = otherParents(Self.uint32(base, entry + 24)) else { return nil }
            for parent in (first == Self.noParent ? [] : [Int(first)]) + others {
                guard parent < count, reach(parent, flag) else { return nil }
            }
        }
        return found
    }

    /// Where `id` is in OIDL: within its first byte's fanout range, by binary search.
    func position(of id: ObjectID) -> Int? {
        withUnsafeBytes(of: id) { target in
            let first = Int(target[0])
            let lower = first == 0 ? 0 : Int(Self.uint32(base, fanout + (first - 1) * 4))
            let upper = Int(Self.uint32(base, fanout + first * 4))
            guard lower <= upper, upper <= count else { return nil }
            var low = lower, high = upper
            while low < high {
                let middle = (low + high) / 2
                let order = memcmp(base + oids + middle * 20, target.baseAddress!, 20)
                if order == 0 { return middle }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    private func oid(at position: UInt32) -> ObjectID? {
        guard Int(position) < count else { return nil }
        return ObjectID(raw: base + oids + Int(position) * 20)
    }

    /// The big-endian number at `offset` (the file's byte order).
    private static func uint32(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    private static func uint64(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
