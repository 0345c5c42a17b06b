import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking  // Data(contentsOf:) over http, for the control endpoints
#endif

/// The fake GitHub of `fake_github.py`, started once per test process on loopback and stopped when it exits.
/// Tests load data and queue faults through its control endpoints; each test uses its own repository paths, so
/// tests running at the same time do not see each other's faults.
public final class FakeGitHub: Sendable {
    public let port: Int

    public static let shared = Result { try FakeGitHub() }

    public var apiURL: String { "http://127.0.0.1:\(port)" }

    private init() throws {
        port = try LoopbackServer.start("fake_github.py", name: "the fake GitHub")
    }


    /// Adds data (path → JSON) and accepts `token` from now on; `perPageCap`, when given, caps every list's pages.
    public func load(token: String, perPageCap: Int? = nil, data: [String: Any]) throws {
        var body: [String: Any] = ["token": token, "data": data]
        if let perPageCap { body["per_page_cap"] = perPageCap }
        try post("/_control/load", body)
    }

    /// Serves an export folder (SPEC §2 layout) as repository `repo` (`OWNER/NAME`) under `token`.
    public func load(folder: String, repo: String, token: String) throws {
        try post("/_control/load_folder", ["token": token, "repo": repo, "folder": folder])
    }

    /// Queues `kind` (retry-after, secondary, primary, 502, drop, 404) for the next `count` requests of `path`.
    public func fault(_ path: String, _ kind: String, count: Int = 1) throws {
        try post("/_control/fault", ["path": path, "kind": kind, "count": count])
    }

    /// Every request received so far: path, query, arrival time, and whether it was conditional.
    public func requests() throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(string: apiURL + "/_control/requests")!)
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }

    /// Registers a GitHub App installation whose JWTs `publicKey` (PEM file) verifies; its tokens last `expiresIn` s.
    public func app(id: Int, installation: Int, publicKey: String, expiresIn: Int = 3600) throws {
        try post("/_control/app", ["app_id": id, "installation_id": installation, "public_key": publicKey, "expires_in": expiresIn])
    }

    /// The value served at `path`, as loaded (nil when nothing is).
    public func data(_ path: String) throws -> Any? {
        let query = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? path
        let data = try Data(contentsOf: URL(string: apiURL + "/_control/data?path=" + query)!)
        let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return value is NSNull ? nil : value
    }

    private func post(_ path: String, _ body: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: body)
        let result = try Command.run("/usr/bin/env", ["python3", "-c", """
            import sys, urllib.request
            urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.stdin.buffer.read(), method="POST")).read()
            """, apiURL + path], input: data)
        guard result.status == 0 else { throw FixtureError.commandFailed("fake GitHub control \(path): \(result.stderr)") }
    }
}
