import Foundation

/// Writes a folder of GitHub REST exports shaped exactly as the API returns them (including the many keys
/// git-evidence ignores), optionally split into pages the way `gh api --paginate` concatenates them.
public struct GitHubExportFixture: Sendable {
    /// The `github/` folder.
    public let folder: String
    public let repository = "acme/api"

    public init(in parent: String) throws {
        folder = parent + "/github"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Writes `value` as JSON; a list split into `pages` is written as back-to-back arrays, like `gh api --paginate`.
    public func write(_ relativePath: String, _ value: Any, pages: Int = 1) throws {
        let path = folder + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var output = Data()
        if let list = value as? [Any], pages > 1 {
            let size = max(1, (list.count + pages - 1) / pages)
            for start in stride(from: 0, to: list.count, by: size) {
                output += try JSONSerialization.data(withJSONObject: Array(list[start..<min(start + size, list.count)]), options: [.prettyPrinted, .sortedKeys])
            }
        } else {
            output = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys])
        }
        try output.write(to: URL(fileURLWithPath: path))
    }

    /// Writes objects back to back, as `gh api --paginate` does for an endpoint that returns an object per page.
    public func writeObjectPages(_ relativePath: String, _ pages: [[String: Any]]) throws {
        var text = ""
        for page in pages { text += String(decoding: try JSONSerialization.data(withJSONObject: page, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self) }
        try writeRaw(relativePath, text)
    }

    /// Writes raw text (for malformed files).
    public func writeRaw(_ relativePath: String, _ text: String) throws {
        let path = folder + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    public func user(_ login: String, type: String = "User") -> [String: Any] {
        ["login": login, "id": login.utf8.reduce(7) { ($0 &* 31 &+ Int($1)) % 1_000_000 }, "node_id": "MDQ6VXNlcjE=", "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4",
         "gravatar_id": "", "url": "https://api.github.com/users/\(login)", "html_url": "https://github.com/\(login)", "type": type, "site_admin": false]
    }

    /// An item of `GET /repos/{o}/{r}/pulls?state=closed` (no `merged` key: list items do not carry it).
    public func pull(_ number: Int, title: String, author: String, mergedAt: String?, mergeCommit: String?, head: String,
                     headRef: String = "feature", body: String = "") -> [String: Any] {
        [
            "url": "https://api.github.com/repos/\(repository)/pulls/\(number)", "id": 1_000 + number, "node_id": "MDExOlB1bGxSZXF1ZXN0MQ==",
            "html_url": "https://github.com/\(repository)/pull/\(number)", "diff_url": "https://github.com/\(repository)/pull/\(number).diff",
            "number": number, "state": "closed", "locked": false, "title": title, "user": user(author), "body": body,
            "labels": [], "milestone": NSNull(), "active_lock_reason": NSNull(),
            "created_at": "2026-07-01T08:00:00Z", "updated_at": mergedAt ?? "2026-07-01T09:00:00Z", "closed_at": mergedAt ?? "2026-07-01T09:00:00Z",
            "merged_at": mergedAt ?? NSNull(), "merge_commit_sha": mergeCommit ?? NSNull(),
            "assignee": NSNull(), "assignees": [], "requested_reviewers": [], "requested_teams": [],
            "head": ["label": "acme:\(headRef)", "ref": headRef, "sha": head, "user": user("acme", type: "Organization"), "repo": ["id": 1, "full_name": repository]],
            "base": ["label": "acme:main", "ref": "main", "sha": "0000000000000000000000000000000000000000", "user": user("acme", type: "Organization"), "repo": ["id": 1, "full_name": repository]],
            "_links": ["self": ["href": "https://api.github.com/repos/\(repository)/pulls/\(number)"]],
            "author_association": "MEMBER", "auto_merge": NSNull(), "draft": false,
        ]
    }

    /// An item of `GET /repos/{o}/{r}/pulls/{n}/reviews`.
    public func review(_ id: Int, by login: String, _ state: String, at submitted: String?, on commit: String, type: String = "User") -> [String: Any] {
        var review: [String: Any] = [
            "id": id, "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=", "user": user(login, type: type), "body": "", "state": state,
            "html_url": "https://github.com/\(repository)/pull/1#pullrequestreview-\(id)", "pull_request_url": "https://api.github.com/repos/\(repository)/pulls/1",
            "_links": ["html": ["href": "https://github.com/\(repository)/pull/1#pullrequestreview-\(id)"]],
            "commit_id": commit, "author_association": "COLLABORATOR",
        ]
        if let submitted { review["submitted_at"] = submitted }
        return review
    }

    /// An item of `GET /repos/{o}/{r}/pulls/{n}/commits`.
    public func commit(_ sha: String, login: String?, name: String, email: String, authored: String, committed: String, message: String) -> [String: Any] {
        [
            "url": "https://api.github.com/repos/\(repository)/commits/\(sha)", "sha": sha, "node_id": "MDY6Q29tbWl0",
            "html_url": "https://github.com/\(repository)/commit/\(sha)", "comments_url": "https://api.github.com/repos/\(repository)/commits/\(sha)/comments",
            "commit": [
                "url": "https://api.github.com/repos/\(repository)/git/commits/\(sha)",
                "author": ["name": name, "email": email, "date": authored],
                "committer": ["name": name, "email": email, "date": committed],
                "message": message, "tree": ["url": "https://api.github.com/repos/\(repository)/tree/x", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e"],
                "comment_count": 0, "verification": ["verified": false, "reason": "unsigned", "signature": NSNull(), "payload": NSNull()],
            ],
            "author": login.map { user($0) } ?? NSNull(), "committer": login.map { user($0) } ?? NSNull(),
            "parents": [["url": "https://api.github.com/repos/\(repository)/commits/x", "sha": "7638417db6d59f3c431d3e1f261cc637155684cd"]],
        ]
    }

    /// A page of `GET /repos/{o}/{r}/commits/{sha}/check-runs`.
    public func checkRuns(_ runs: [(name: String, conclusion: String?)], head: String, completed: String = "2026-07-02T10:00:00Z") -> [String: Any] {
        [
            "total_count": runs.count,
            "check_runs": runs.enumerated().map { index, run -> [String: Any] in
                [
                    "id": 4_000 + index, "head_sha": head, "node_id": "MDg6Q2hlY2tSdW40", "external_id": "", "url": "https://api.github.com/repos/\(repository)/check-runs/4",
                    "html_url": "https://github.com/\(repository)/runs/4", "details_url": "https://example.com",
                    "status": run.conclusion == nil ? "in_progress" : "completed", "conclusion": run.conclusion ?? NSNull(),
                    "started_at": "2026-07-02T09:55:00Z", "completed_at": run.conclusion == nil ? NSNull() : completed,
                    "output": ["title": "Tests", "summary": "", "text": "", "annotations_count": 0, "annotations_url": ""],
                    "name": run.name, "check_suite": ["id": 5], "app": ["id": 1, "slug": "github-actions", "name": "GitHub Actions"], "pull_requests": [],
                ]
            },
        ]
    }

    /// `GET /repos/{o}/{r}/commits/{sha}/status`.
    public func status(_ statuses: [(context: String, state: String)], sha: String) -> [String: Any] {
        [
            "state": statuses.allSatisfy { $0.state == "success" } ? "success" : "failure", "sha": sha, "total_count": statuses.count,
            "statuses": statuses.enumerated().map { index, status -> [String: Any] in
                ["url": "https://api.github.com/repos/\(repository)/statuses/\(sha)", "id": 1 + index, "node_id": "MDY6U3RhdHVzMQ==",
                 "state": status.state, "description": "", "target_url": "https://ci.example.com/1", "context": status.context,
                 "created_at": "2026-07-02T10:00:00Z", "updated_at": "2026-07-02T10:00:00Z"]
            },
            "repository": ["id": 1, "full_name": repository], "commit_url": "https://api.github.com/repos/\(repository)/commits/\(sha)",
        ]
    }

    /// `GET /repos/{o}/{r}/branches/{branch}/protection`.
    public func protection() -> [String: Any] {
        [
            "url": "https://api.github.com/repos/\(repository)/branches/main/protection",
            "required_status_checks": ["url": "", "strict": true, "contexts": ["test"], "contexts_url": "", "checks": [["context": "test", "app_id": 15368]]],
            "enforce_admins": ["url": "", "enabled": false],
            "required_pull_request_reviews": ["url": "", "dismiss_stale_reviews": true, "require_code_owner_reviews": false,
                                              "required_approving_review_count": 1, "require_last_push_approval": false],
            "required_linear_history": ["enabled": false], "allow_force_pushes": ["enabled": false], "allow_deletions": ["enabled": false],
            "block_creations": ["enabled": false], "required_conversation_resolution": ["enabled": true], "lock_branch": ["enabled": false],
            "allow_fork_syncing": ["enabled": false],
        ]
    }
}
