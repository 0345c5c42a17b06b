import Foundation

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
    private let data: Data
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
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: objects + "/info/commit-graph"), options: .alwaysMapped) else { return nil }
        return CommitGraph(data)
    }

    init?(_ data: Data) {
        self.data = data
        guard data.count >= 8 + 12, data.prefix(4) == Data("CGPH".utf8), data[data.startIndex + 4] == 1, data[data.startIndex + 5] == 1,
              data[data.startIndex + 7] == 0 else { return nil }
        let chunks = Int(data[data.startIndex + 6])
        guard data.count >= 8 + (chunks + 1) * 12 + 20 else { return nil }
        var table = [UInt32: (start: Int, end: Int)]()
        for index in 0..<chunks {
            let entry = 8 + index * 12
            let id = Self.uint32(data, entry), start = Self.uint64(data, entry + 4), end = Self.uint64(data, entry + 16)
            guard start <= end, end <= UInt64(data.count - 20) else { return nil }
            table[id] = (Int(start), Int(end))
        }
        guard let fanout = table[0x4F49_4446], let oids = table[0x4F49_444C], let commits = table[0x4344_4154],
              fanout.end - fanout.start == 256 * 4 else { return nil }
        let count = Int(Self.uint32(data, fanout.start + 255 * 4))
        guard oids.end - oids.start == count * 20, commits.end - commits.start == count * 36 else { return nil }
        self.count = count
        self.fanout = fanout.start
        self.oids = oids.start
        self.commits = commits.start
        if let edges = table[0x4544_4745] {
            guard (edges.end - edges.start) % 4 == 0 else { return nil }
            self.edges = edges.start
            self.edgeCount = (edges.end - edges.start) / 4
        } else {
            self.edges = nil
            self.edgeCount = 0
        }
    }

    /// The commit's header as the file holds it; nil when the file does not hold the commit, or holds it oddly.
    func header(of id: ObjectID) -> CommitHeader? {
        guard let position = position(of: id) else { return nil }
        let entry = commits + position * 36
        let tree = data.withUnsafeBytes { ObjectID(raw: $0.baseAddress! + entry) }
        var parents = [ObjectID]()
        let first = Self.uint32(data, entry + 20), second = Self.uint32(data, entry + 24)
        if first != Self.noParent {
            guard let parent = oid(at: first) else { return nil }
            parents.append(parent)
        }
        if second & Self.extraEdges != 0 {
            // An octopus merge: its second and later parents are listed in EDGE, the last marked.
            guard let edges else { return nil }
            var index = Int(second & ~Self.extraEdges)
            while true {
                guard index < edgeCount else { return nil }
                let value = Self.uint32(data, edges + index * 4)
                guard let parent = oid(at: value & ~Self.extraEdges) else { return nil }
                parents.append(parent)
                if value & Self.extraEdges != 0 { break }
                index += 1
            }
        } else if second != Self.noParent {
            guard let parent = oid(at: second) else { return nil }
            parents.append(parent)
        }
        // The low 34 bits of the last eight bytes are the committer time.
        let time = Int64(Self.uint64(data, entry + 28) & 0x3_FFFF_FFFF)
        return CommitHeader(id: id, parents: parents, tree: tree, committerTime: time)
    }

    /// Where `id` is in OIDL: within its first byte's fanout range, by binary search.
    private func position(of id: ObjectID) -> Int? {
        withUnsafeBytes(of: id) { target in
            let first = Int(target[0])
            let lower = first == 0 ? 0 : Int(Self.uint32(data, fanout + (first - 1) * 4))
            let upper = Int(Self.uint32(data, fanout + first * 4))
            guard lower <= upper, upper <= count else { return nil }
            return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int? in
                var low = lower, high = upper
                while low < high {
                    let middle = (low + high) / 2
                    let order = memcmp(raw.baseAddress! + oids + middle * 20, target.baseAddress!, 20)
                    if order == 0 { return middle }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                return nil
            }
        }
    }

    private func oid(at position: UInt32) -> ObjectID? {
        guard Int(position) < count else { return nil }
        return data.withUnsafeBytes { ObjectID(raw: $0.baseAddress! + oids + Int(position) * 20) }
    }

    /// The big-endian number at `offset` (the file's byte order).
    private static func uint32(_ data: Data, _ offset: Int) -> UInt32 {
        data.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }

    private static func uint64(_ data: Data, _ offset: Int) -> UInt64 {
        data.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    }
}
