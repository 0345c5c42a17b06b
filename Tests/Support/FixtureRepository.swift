import Foundation

/// A git repository built for one test, with fixed names and dates so that object ids are stable.
/// Uses the git CLI; the product itself never does.
public final class FixtureRepository: @unchecked Sendable {
    /// The repository's folder (the work tree, or the bare repository).
    public let path: String

    /// Makes a new repository in a fresh temporary folder, on branch `main`.
    public init(_ name: String, bare: Bool = false) throws {
        let folder = try TemporaryFolder.make(name)
        path = folder + "/" + name + (bare ? ".git" : "")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"] + (bare ? ["--bare"] : []))
    }

    /// Wraps a repository that already exists (a clone made by a test).
    public init(existing path: String) {
        self.path = path
    }

    /// Writes a file in the work tree and stages it.
    public func write(_ file: String, _ content: String) throws {
        let full = path + "/" + file
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: full))
        try git(["add", "--", file])
    }

    /// Removes a file and stages the removal.
    public func remove(_ file: String) throws { try git(["rm", "-q", "--", file]) }

    /// Moves a file or folder and stages it.
    public func move(_ from: String, _ to: String) throws {
        try FileManager.default.createDirectory(atPath: (path + "/" + to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try git(["mv", from, to])
    }

    /// Commits what is staged. Dates are ISO 8601 with an offset; the committer date defaults to the author date.
    @discardableResult
    public func commit(_ message: String, author: Author = .alice, date: String, committer: Author? = nil, committerDate: String? = nil) throws -> String {
        try git(["commit", "-q", "--allow-empty", "-m", message], author: author, date: date, committer: committer, committerDate: committerDate)
        return try head()
    }

    /// Switches to `branch`, creating it at `from` when given.
    public func checkout(_ branch: String, from: String? = nil) throws {
        if let from { try git(["checkout", "-q", "-b", branch, from]) } else { try git(["checkout", "-q", branch]) }
    }

    /// A merge commit of `branch` into the current branch (GitHub's "Create a merge commit").
    @discardableResult
    public func merge(_ branch: String, message: String, author: Author = .github, date: String) throws -> String {
        try git(["merge", "-q", "--no-ff", "-m", message, branch], author: author, date: date)
        return try head()
    }

    /// Squashes `branch` onto the current branch as one commit (GitHub's "Squash and merge").
    @discardableResult
    public func squashMerge(_ branch: String, message: String, author: Author = .alice, date: String) throws -> String {
        try git(["merge", "-q", "--squash", branch])
        return try commit(message, author: author, date: date, committer: .github)
    }

    /// Replays `branch`'s commits since the current branch onto it with new committer dates (GitHub's "Rebase and
    /// merge"): same authors, author dates and messages, new commit ids.
    @discardableResult
    public func rebaseMerge(_ branch: String, dates: [String]) throws -> [String] {
        let commits = try git(["rev-list", "--reverse", "HEAD.." + branch]).split(separator: "\n").map(String.init)
        precondition(commits.count == dates.count, "one committer date per replayed commit")
        var created = [String]()
        for (commit, date) in zip(commits, dates) {
            try git(["cherry-pick", "--allow-empty", commit], committer: .github, committerDate: date)
            created.append(try head())
        }
        return created
    }

    /// The current commit id.
    public func head() throws -> String { try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines) }

    /// What `git log --first-parent --diff-merges=first-parent --no-renames --name-only` lists for `pathspecs`:
    /// each commit id with its paths, newest first.
    public func gitLogPopulation(branch: String = "main", pathspecs: [String]) throws -> [(commit: String, paths: Set<String>)] {
        let output = try git(["log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--name-only",
                              "--format=@%H", branch, "--"] + pathspecs)
        var population = [(commit: String, paths: Set<String>)]()
        for line in output.split(separator: "\n") where !line.isEmpty {
            if line.hasPrefix("@") { population.append((String(line.dropFirst()), [])) } else { population[population.count - 1].paths.insert(String(line)) }
        }
        return population
    }

    /// Runs git in this repository with a fixed identity and dates, no user or system settings; returns stdout.
    @discardableResult
    public func git(_ arguments: [String], author: Author = .alice, date: String = "2026-01-01T00:00:00Z",
                    committer: Author? = nil, committerDate: String? = nil) throws -> String {
        let committer = committer ?? author
        let environment = [
            "GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email, "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": committer.name, "GIT_COMMITTER_EMAIL": committer.email,
            "GIT_COMMITTER_DATE": committerDate ?? date,
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        let result = try Command.run("/usr/bin/env", ["git", "-C", path] + arguments, environment: environment)
        guard result.status == 0 else { throw FixtureError.commandFailed("git \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout
    }
}

/// A commit identity used by fixtures.
public struct Author: Sendable {
    public let name: String
    public let email: String

    public init(_ name: String, _ email: String) {
        self.name = name
        self.email = email
    }

    public static let alice = Author("Alice Doe", "alice@example.com")
    public static let bob = Author("Bob Roe", "bob@example.com")
    public static let github = Author("GitHub", "noreply@github.com")
}

/// A fixture step that did not work.
public enum FixtureError: Error, CustomStringConvertible {
    case commandFailed(String)

    public var description: String {
        switch self {
        case .commandFailed(let detail): return detail
        }
    }
}

/// Fresh temporary folders under the system's temporary directory.
public enum TemporaryFolder {
    /// The folder every temporary folder of the tests is made in.
    public static let root = NSTemporaryDirectory() + "git-evidence-tests"

    /// Creates a new empty folder whose name starts with `prefix`.
    public static func make(_ prefix: String) throws -> String {
        let base = root + "/" + prefix + "-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        return base
    }
}

/// Runs a program and captures what it prints.
public enum Command {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable` with `arguments`; `environment` replaces the inherited one when given, and
    /// `currentDirectory` is where it runs (default: the test's own).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: Data? = nil, currentDirectory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inPipe = Pipe()
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(input) }
        try inPipe.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var stderrData = Data()
        group.enter()
        DispatchQueue.global().async {
            stderrData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
