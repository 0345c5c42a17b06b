import CLibgit2
import EvidenceErrors

/// What went wrong in the git layer, each case with a one-line message naming the object.
public enum GitError: ReportableError, Equatable {
    /// The path exists or not, but holds no git repository.
    case notARepository(path: String)
    /// The named branch resolves to nothing in this repository.
    case branchNotFound(name: String, repository: String)
    /// A tag was given where a branch is expected.
    case tagNotBranch(name: String, repository: String)
    /// HEAD names a branch that does not exist, while others do.
    case headNamesMissingBranch(reference: String, repository: String, branches: [String])
    /// The branch has no commits.
    case emptyBranch(reference: String, repository: String)
    /// The clone is shallow and the history asked for goes past its oldest commit, `boundary`.
    case shallowHistory(repository: String, boundary: String)
    /// An object the history names is not in the object database: a partial clone (`--filter`) or a damaged one.
    case missingObject(repository: String, kind: String, id: String, partialClone: Bool)
    /// The repository cannot be read as it is (a corrupt reference, a broken pack): libgit2's message says what.
    case damaged(repository: String, message: String)
    /// A libgit2 call failed; carries the function, its return code and libgit2's own message.
    case libgit2(function: String, code: Int32, message: String)

    public var description: String {
        switch self {
        case .notARepository(let path):
            return "\(path): not a git repository"
        case .branchNotFound(let name, let repository):
            return "\(repository): branch '\(name)' not found (tried refs/heads/\(name), refs/remotes/\(name), refs/remotes/origin/\(name))"
        case .tagNotBranch(let name, let repository):
            return "\(repository): '\(name)' is a tag, not a branch; give the branch whose history is audited (--branch main)"
        case .headNamesMissingBranch(let reference, let repository, let branches):
            let listed = branches.prefix(5).map { Branch(reference: $0, tip: nil).shortName }
            return "\(repository): HEAD names \(reference), which does not exist (branches here: \(listed.joined(separator: ", "))"
                + (branches.count > 5 ? ", ..." : "") + "); give --branch"
        case .emptyBranch(let reference, let repository):
            return "\(repository): \(reference) has no commits: nothing to audit"
        case .shallowHistory(let repository, let boundary):
            return "\(repository): shallow clone: history before commit \(boundary.prefix(12)) is missing; fetch it with "
                + "`git fetch --unshallow` (in GitHub Actions: actions/checkout with fetch-depth: 0)"
        case .missingObject(let repository, let kind, let id, let partialClone):
            return partialClone
                ? "\(repository): \(kind) \(id.prefix(12)) is not in this partial clone (made with --filter), and git-evidence reads "
                    + "objects locally only; clone without --filter"
                : "\(repository): \(kind) \(id.prefix(12)) is missing from the object database: the repository is damaged; "
                    + "`git fsck` lists what is missing"
        case .damaged(let repository, let message):
            return "\(repository): the repository cannot be read: \(message); `git fsck` tells what is damaged"
        case .libgit2(let function, let code, let message):
            return "\(function) failed (\(code)): \(message)"
        }
    }
}

/// Checks a libgit2 return code; on failure reads and clears `git_error_last()` into a `GitError`.
@discardableResult
func check(_ code: Int32, _ function: String) throws(GitError) -> Int32 {
    guard code < 0 else { return code }
    throw GitError.libgit2(function: function, code: code, message: takeLastErrorMessage())
}

/// Reads libgit2's thread-local last error and clears it, so a later failure never reports a stale message.
func takeLastErrorMessage() -> String {
    defer { git_error_clear() }
    guard let error = git_error_last(), let message = error.pointee.message else {
        return "no message from libgit2"
    }
    return String(cString: message).oneLine()
}

extension String {
    /// The message's lines joined with "; ": a certificate failure, for one, is mbedTLS's verify report, a line per
    /// reason, and every message this tool prints is one line.
    func oneLine() -> String {
        split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }.joined(separator: "; ")
    }
}
