import CLibgit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Compares one path between each commit of a first-parent walk and its first parent, for a walk that follows a
/// single file (`git log -- PATH`): only the trees on the way to the file are read, as raw bytes (no parse), and
/// the reading of the parent's tree is kept, since the next step's commit tree is that very tree. So the walk reads
/// about one root tree per commit and opens a folder only where its id differs from the next commit's.
///
/// A class: following a rename back changes the path the running walk compares.
final class PathFollower {
    /// The path followed now.
    private(set) var path: String
    /// The path's names, e.g. `infra/prod/main.tf` -> ["infra", "prod", "main.tf"].
    private var names: [[UInt8]]
    /// Directory markers (see `TreeDiffScope.directoryMarkers`) looked for in the folders on the way to a change,
    /// each with its path's names.
    private let markers: [(marker: String, names: [[UInt8]])]
    /// Trees are read raw: the walk reads each once.
    private let objects: RawObjects
    /// The last tree resolved and its entries along the path.
    private var cached: (tree: ObjectID, chain: [Entry?])?

    /// An entry on the way: a folder's tree or, last, the file.
    struct Entry: Equatable {
        let id: ObjectID
        let mode: UInt32
        var isTree: Bool { mode == 0o040000 }
    }

    init(repository: Repository, path: String, directoryMarkers: [String]) throws(GitError) {
        objects = try RawObjects(repository: repository)
        self.path = path
        self.names = Self.names(of: path)
        self.markers = directoryMarkers.map { ($0, Self.names(of: $0)) }
    }

    private static func names(of path: String) -> [[UInt8]] {
        path.split(separator: "/").map { Array($0.utf8) }
    }

    /// Follows `path` from now on (a rename's old name).
    func follow(_ path: String) {
        self.path = path
        names = Self.names(of: path)
        cached = nil
    }

    /// How the file changed from `oldTree` (nil: the empty tree) to `newTree`; nil when it did not.
    func change(from oldTree: ObjectID?, to newTree: ObjectID) throws(GitError) -> TreeChange? {
        let new = if let cached, cached.tree == newTree { cached.chain } else { try resolve(newTree, along: nil) }
        let old: [Entry?] = if let oldTree { try resolve(oldTree, along: new) } else { [nil] + Array(repeating: nil, count: names.count) }
        cached = oldTree.map { ($0, old) }
        let before = old[names.count], after = new[names.count]
        if before == after { return nil }
        // Markers as the tree compare gives them: those above the file, on the side(s) where it exists.
        var found = Set<String>()
        if !markers.isEmpty {
            if before != nil { found.formUnion(try markersPresent(along: old)) }
            if after != nil { found.formUnion(try markersPresent(along: new)) }
        }
        let status: PathStatus = before == nil ? .added : after == nil ? .deleted : .modified
        return TreeChange(path: path, status: status, oldBlob: before?.id, newBlob: after?.id, markers: found)
    }

    /// The entries along the path in `tree`: the root, each folder, then the file (nil from where there is none;
    /// a folder where the file should be is no file). Where a folder has the id `known` has at the same depth, the
    /// rest is `known`'s and is not read again.
    private func resolve(_ tree: ObjectID, along known: [Entry?]?) throws(GitError) -> [Entry?] {
        // An empty path names the root, which is no file.
        guard !names.isEmpty else { return [nil] }
        var chain: [Entry?] = [Entry(id: tree, mode: 0o040000)]
        chain.reserveCapacity(names.count + 1)
        for (depth, name) in names.enumerated() {
            let folder = chain[depth]!
            if let known, known[depth] == folder { return chain + known[(depth + 1)...] }
            let entry = try lookup(name, in: folder.id)
            let isFile = depth == names.count - 1
            guard let entry, entry.isTree != isFile else {
                return chain + Array(repeating: nil, count: names.count - depth)
            }
            chain.append(entry)
        }
        return chain
    }

    /// The markers found in the folders of `chain` (the root down to the file's own folder).
    private func markersPresent(along chain: [Entry?]) throws(GitError) -> Set<String> {
        var found = Set<String>()
        for folder in chain.dropLast() {
            guard let folder else { break }
            for (marker, names) in markers where !found.contains(marker) {
                if try holds(names[...], in: folder.id) { found.insert(marker) }
            }
        }
        return found
    }

    private func holds(_ names: ArraySlice<[UInt8]>, in tree: ObjectID) throws(GitError) -> Bool {
        guard let name = names.first, let entry = try lookup(name, in: tree) else { return false }
        let rest = names.dropFirst()
        if rest.isEmpty { return true }
        return entry.isTree ? try holds(rest, in: entry.id) : false
    }

    /// The entry named `name` in the tree `id`, read from the raw object (`<octal mode> <name>\0<20-byte id>`, repeated).
    private func lookup(_ name: [UInt8], in id: ObjectID) throws(GitError) -> Entry? {
        try objects.withBytes(id, GIT_OBJECT_TREE) { bytes throws(GitError) in
            let size = bytes.count
            guard size > 0, let base = bytes.baseAddress else { return nil }
            var offset = 0
            while offset < size {
                var mode: UInt32 = 0
                while offset < size, bytes[offset] != 0x20 {
                    let digit = bytes[offset] &- 0x30
                    guard digit < 8 else { throw malformed(id, "has an entry with a bad mode") }
                    mode = mode << 3 | UInt32(digit)
                    offset += 1
                }
                let start = offset + 1
                guard start < size, let end = memchr(base + start, 0, size - start) else { throw malformed(id, "has an entry without a name") }
                let length = base.distance(to: UnsafeRawPointer(end)) - start
                let idStart = start + length + 1
                guard idStart + 20 <= size else { throw malformed(id, "has an entry without an id") }
                if length == name.count, name.withUnsafeBytes({ memcmp(base + start, $0.baseAddress!, length) }) == 0 {
                    return Entry(id: ObjectID(raw: base + idStart), mode: mode)
                }
                offset = idStart + 20
            }
            return nil
        }
    }

    private func malformed(_ id: ObjectID, _ problem: String) -> GitError {
        objects.malformed(id, "tree", problem)
    }
}
