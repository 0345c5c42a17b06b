import GitKit

/// What a changed path is, for the audit.
public enum PathKind: String, Sendable, Codable, Hashable, CaseIterable {
    /// A database migration (or its journal/metadata).
    case migration
    /// Terraform configuration, variables or lock file.
    case infrastructure
    /// The production path itself: a CI workflow, GitLab CI, Atlantis's repository settings (SPEC §15). A change to
    /// it gets the review controls as any other.
    case pipeline
}

/// One migration or infrastructure file a change touched.
public struct ChangedPath: Sendable, Codable, Hashable {
    /// The path after the change (for a deletion, the path removed).
    public let path: String
    /// Migration or infrastructure.
    public let kind: PathKind
    /// Added, modified, deleted or renamed.
    public let status: PathStatus
    /// For a rename, where the file came from.
    public let oldPath: String?

    enum CodingKeys: String, CodingKey {
        case path, kind, status
        case oldPath = "old_path"
    }
}

/// A person and time as recorded in a commit, in the form the evidence carries.
public struct Signature: Sendable, Codable, Hashable {
    /// Recorded name.
    public let name: String
    /// Recorded e-mail address.
    public let email: String
    /// The recorded local time with its UTC offset, ISO 8601.
    public let time: String

    init(name: String, email: String, time: String) {
        self.name = name
        self.email = email
        self.time = time
    }

    init(_ person: Person) {
        name = person.name
        email = person.email
        time = Timestamp.iso8601(person.time, offsetMinutes: person.offsetMinutes)
    }
}

/// A commit a merge brought onto the branch.
public struct MergedCommit: Sendable, Codable, Hashable {
    /// Full commit id.
    public let commit: String
    /// Who wrote it.
    public let author: Signature
    /// First line of its message.
    public let subject: String
}

/// A change in the population: a first-parent commit on the audited branch whose diff against its first
/// parent touches a migration or infrastructure path (SPEC §3).
public struct Change: Sendable, Codable, Hashable {
    /// Full commit id.
    public let commit: String
    /// Parent ids, first parent first.
    public let parents: [String]
    /// Who wrote the commit.
    public let author: Signature
    /// Who put it on the branch.
    public let committer: Signature
    /// Committer time in UTC, ISO 8601: what places the change in a window.
    public let committedAt: String
    /// First line of the message.
    public let subject: String
    /// The whole message.
    public let message: String
    /// The migration and infrastructure paths it changed, sorted by path.
    public let paths: [ChangedPath]
    /// For a merge, the commits it brought in (reachable from its other parents, not its first), newest first.
    public let mergedCommits: [MergedCommit]
    /// Everyone who authored the change's commits, by e-mail, sorted. For a merge these are the authors of the
    /// commits it brought in (SPEC §3), not the merge commit's own author, who on GitHub is whoever merged it.
    public let authors: [String]

    enum CodingKeys: String, CodingKey {
        case commit, parents, author, committer, subject, message, paths, authors
        case committedAt = "committed_at"
        case mergedCommits = "merged_commits"
    }

    init(commit: String, parents: [String], author: Signature, committer: Signature, committedAt: String, subject: String,
         message: String, paths: [ChangedPath], mergedCommits: [MergedCommit], authors: [String]) {
        self.commit = commit
        self.parents = parents
        self.author = author
        self.committer = committer
        self.committedAt = committedAt
        self.subject = subject
        self.message = message
        self.paths = paths
        self.mergedCommits = mergedCommits
        self.authors = authors
    }

    /// Copies a commit record and its classified paths into a change.
    public init(record: CommitRecord, paths: [ChangedPath], merged: [CommitRecord]) {
        commit = record.id.hex
        parents = record.parents.map(\.hex)
        author = Signature(record.author)
        committer = Signature(record.committer)
        committedAt = Timestamp.iso8601UTC(record.committer.time)
        subject = record.subject
        message = record.message
        self.paths = paths
        mergedCommits = merged.map { MergedCommit(commit: $0.id.hex, author: Signature($0.author), subject: $0.subject) }
        authors = Set(merged.isEmpty ? [record.author.email] : merged.map(\.author.email)).sorted()
    }
}
