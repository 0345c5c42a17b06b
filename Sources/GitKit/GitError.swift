import CLibgit2
import EvidenceErrors

/// What went wrong in the git layer, each case with a one-line message naming the object.
public enum GitError: ReportableError, Equatable {
    /// The path exists or not, but holds no git repository.
    case notARepository(path: String)
    /// The named branch resolves to nothing in this repository.
    case branchNotFound(name: String, repository: String)
    /// A libgit2 call failed; carries the function, its return code and libgit2's own message.
    case libgit2(function: String, code: Int32, message: String)

    public var description: String {
        switch self {
        case .notARepository(let path):
            return "\(path): not a git repository"
        case .branchNotFound(let name, let repository):
            return "\(repository): branch '\(name)' not found (tried refs/heads/\(name), refs/remotes/\(name), refs/remotes/origin/\(name))"
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
    return String(cString: message).trimmingTrailingNewlines()
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}
