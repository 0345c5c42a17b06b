import CLibgit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who made or committed a change, and when, in the time zone they recorded.
public struct Person: Hashable, Sendable {
    /// The recorded name.
    public let name: String
    /// The recorded e-mail address.
    public let email: String
    /// Seconds since 1970-01-01 UTC.
    public let time: Int64
    /// The recorded offset from UTC, in minutes (east positive).
    public let offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ signature: UnsafePointer<git_signature>) {
        let value = signature.pointee
        name = value.name.map { String(cString: $0) } ?? ""
        email = value.email.map { String(cString: $0) } ?? ""
        time = Int64(value.when.time)
        offsetMinutes = value.when.offset
    }
}

/// The part of a commit a history walk needs: enough to follow parents, place it in a window and compare trees.
///
/// The first parent is kept apart from the others: a walk makes a header per commit, and a commit with one parent
/// then needs no array (an empty one allocates nothing).
public struct CommitHeader: Hashable, Sendable {
    /// The commit's id.
    public let id: ObjectID
    /// The first parent; nil for a root commit.
    public let firstParent: ObjectID?
    /// The second and later parents (a merge's).
    private let otherParents: [ObjectID]
    /// The root tree's id.
    public let tree: ObjectID
    /// Committer time, seconds since 1970-01-01 UTC.
    public let committerTime: Int64

    init(id: ObjectID, firstParent: ObjectID?, otherParents: [ObjectID], tree: ObjectID, committerTime: Int64) {
        self.id = id
        self.firstParent = firstParent
        self.otherParents = otherParents
        self.tree = tree
        self.committerTime = committerTime
    }

    init(id: ObjectID, parents: [ObjectID], tree: ObjectID, committerTime: Int64) {
        self.init(id: id, firstParent: parents.first, otherParents: Array(parents.dropFirst()), tree: tree, committerTime: committerTime)
    }

    /// Parent ids, first parent first.
    public var parents: [ObjectID] { firstParent.map { [$0] + otherParents } ?? [] }
}

extension CommitHeader {
    /// The header of commit `id` from its raw bytes, read as git writes them: the `tree` line, the `parent` lines,
    /// the `author` line, then the `committer` line, whose time follows its last `>` (as libgit2 reads a signature).
    /// nil for bytes laid out any other way: those are left to libgit2's parser, to read or to refuse.
    init?(id: ObjectID, raw: UnsafeRawBufferPointer) {
        guard let base = raw.baseAddress else { return nil }
        let end = raw.count
        func byte(_ offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }
        func has(_ prefix: StaticString, at offset: Int) -> Bool {
            offset + prefix.utf8CodeUnitCount <= end && memcmp(base + offset, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
        }
        /// The id on a line from `offset`: 40 digits, then the line's end.
        func lineID(at offset: Int) -> ObjectID? {
            offset + 41 <= end && byte(offset + 40) == 0x0A ? ObjectID(hexDigits: base + offset) : nil
        }
        func lineEnd(from offset: Int) -> Int? {
            memchr(base + offset, 0x0A, end - offset).map { base.distance(to: UnsafeRawPointer($0)) }
        }
        guard has("tree ", at: 0), let tree = lineID(at: 5) else { return nil }
        var offset = 46
        var firstParent: ObjectID?
        var otherParents = [ObjectID]()
        while has("parent ", at: offset) {
            guard let parent = lineID(at: offset + 7) else { return nil }
            if firstParent == nil { firstParent = parent } else { otherParents.append(parent) }
            offset += 48
        }
        guard has("author ", at: offset), let authorEnd = lineEnd(from: offset) else { return nil }
        offset = authorEnd + 1
        guard has("committer ", at: offset), let stop = lineEnd(from: offset) else { return nil }
        guard var digit = (offset..<stop).last(where: { byte($0) == UInt8(ascii: ">") }).map({ $0 + 1 }) else { return nil }
        while digit < stop, byte(digit) == UInt8(ascii: " ") { digit += 1 }
        var time: Int64 = 0
        var digits = 0
        while digit < stop, case let value = byte(digit) &- UInt8(ascii: "0"), value < 10 {
            // More digits than any time needs: libgit2 says what it makes of them.
            guard digits < 18 else { return nil }
            time = time * 10 + Int64(value)
            digits += 1
            digit += 1
        }
        guard digits > 0 else { return nil }
        self.init(id: id, firstParent: firstParent, otherParents: otherParents, tree: tree, committerTime: time)
    }
}

/// One commit copied out of libgit2: nothing here points into C memory.
public struct CommitRecord: Hashable, Sendable {
    /// The commit's id.
    public let id: ObjectID
    /// Parent ids, first parent first.
    public let parents: [ObjectID]
    /// The root tree's id.
    public let tree: ObjectID
    /// Who wrote the change.
    public let author: Person
    /// Who put it on the branch.
    public let committer: Person
    /// The full message, as recorded (encoding assumed UTF-8).
    public let message: String

    /// The first line of the message.
    public var subject: String {
        let firstParagraph = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return firstParagraph.trimmingCharacters(in: " \t\r")
    }

    /// True when the commit has more than one parent.
    public var isMerge: Bool { parents.count > 1 }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
