import Foundation

/// The fake GitLab of `fake_gitlab.py`, started once per test process on loopback and stopped when it exits.
public final class FakeGitLab: Sendable {
    public let port: Int

    public static let shared = Result { try FakeGitLab() }

    /// The API's root, as `--api-url` takes it.
    public var apiURL: String { "http://127.0.0.1:\(port)/api/v4" }

    private init() throws {
        port = try LoopbackServer.start("fake_gitlab.py", name: "the fake GitLab")
    }

    /// Serves a GitLab export folder as `project` (`group/name`) to `token`, lists capped at `perPageCap` items a page.
    public func load(folder: String, project: String, token: String, username: String = "compliance-bot-user", perPageCap: Int = 100) throws {
        try post("/_control/load", ["token": token, "project": project, "folder": folder, "username": username, "per_page_cap": perPageCap])
    }

    /// Queues `kind` (429, 403, 404, 500) for the next `count` requests of `path` (e.g. `/api/v4/projects/acme%2Fapi/merge_requests`).
    public func fault(_ path: String, _ kind: String, count: Int = 1) throws {
        try post("/_control/fault", ["path": path, "kind": kind, "count": count])
    }

    /// Every request received: path, query, arrival time, whether conditional, whether its token was accepted.
    public func requests() throws -> [[String: Any]] {
        let result = try Command.run("/usr/bin/env", ["python3", "-c", "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())",
                                                      "http://127.0.0.1:\(port)/_control/requests"])
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    }

    private func post(_ path: String, _ body: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: body)
        let result = try Command.run("/usr/bin/env", ["python3", "-c", """
            import sys, urllib.request
            urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.stdin.buffer.read(), method="POST")).read()
            """, "http://127.0.0.1:\(port)" + path], input: data)
        guard result.status == 0 else { throw FixtureError.commandFailed("fake GitLab control \(path): \(result.stderr)") }
    }
}
