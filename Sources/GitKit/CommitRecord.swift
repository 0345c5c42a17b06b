import CLibgit2

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
