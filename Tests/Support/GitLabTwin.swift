import Foundation

/// Writes a folder of GitLab REST exports (API v4) shaped as GitLab answers, keys git-evidence ignores included.
public struct GitLabExportFixture: Sendable {
    /// The `gitlab/` folder.
    public let folder: String
    public let project = "acme/api"
    public let host = "https://gitlab.example.com"

    public init(in parent: String) throws {
        folder = parent + "/gitlab"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    public func write(_ relativePath: String, _ value: Any) throws {
        let path = folder + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
    }

    public func user(_ username: String) -> [String: Any] {
        ["id": username.utf8.reduce(7) { ($0 &* 31 &+ Int($1)) % 1_000_000 }, "username": username, "name": username.capitalized, "state": "active",
         "locked": false, "avatar_url": "https://secure.gravatar.com/avatar/x", "web_url": "\(host)/\(username)"]
    }

    /// An item of `GET /projects/:id/merge_requests?state=merged`.
    public func mergeRequest(_ iid: Int, title: String, author: String, mergedAt: String, mergeCommit: String?, squashCommit: String? = nil,
                             head: String, source: String, description: String = "") -> [String: Any] {
        [
            "id": 90_000 + iid, "iid": iid, "project_id": 42, "title": title, "description": description, "state": "merged",
            "created_at": "2026-07-01T08:00:00.000Z", "updated_at": mergedAt, "merged_at": mergedAt, "closed_at": NSNull(),
            "merged_by": user("maintainer"), "merge_user": user("maintainer"), "closed_by": NSNull(),
            "target_branch": "main", "source_branch": source, "user_notes_count": 0, "upvotes": 0, "downvotes": 0,
            "author": user(author), "assignees": [], "assignee": NSNull(), "reviewers": [], "source_project_id": 42, "target_project_id": 42,
            "labels": [], "draft": false, "work_in_progress": false, "milestone": NSNull(), "merge_when_pipeline_succeeds": false,
            "merge_status": "can_be_merged", "detailed_merge_status": "not_open", "sha": head, "merge_commit_sha": mergeCommit ?? NSNull(),
            "squash_commit_sha": squashCommit ?? NSNull(), "discussion_locked": NSNull(), "should_remove_source_branch": NSNull(),
            "force_remove_source_branch": true, "prepared_at": "2026-07-01T08:00:05.000Z", "reference": "!\(iid)",
            "references": ["short": "!\(iid)", "relative": "!\(iid)", "full": "\(project)!\(iid)"],
            "web_url": "\(host)/\(project)/-/merge_requests/\(iid)",
            "time_stats": ["time_estimate": 0, "total_time_spent": 0], "squash": squashCommit != nil, "squash_on_merge": squashCommit != nil,
            "task_completion_status": ["count": 0, "completed_count": 0], "has_conflicts": false, "blocking_discussions_resolved": true,
        ]
    }

    /// `GET /projects/:id/merge_requests/:iid/approvals`; `approvedAt` nil leaves `approved_at` out, as older instances do.
    public func approvals(_ iid: Int, _ approvers: [(username: String, at: String?)]) -> [String: Any] {
        [
            "id": 90_000 + iid, "iid": iid, "project_id": 42, "title": "t", "description": "", "state": "merged",
            "created_at": "2026-07-01T08:00:00.000Z", "updated_at": "2026-07-01T08:00:00.000Z", "merge_status": "can_be_merged",
            "approved": !approvers.isEmpty, "approvals_required": 1, "approvals_left": approvers.isEmpty ? 1 : 0, "require_password_to_approve": false,
            "approved_by": approvers.map { approver -> [String: Any] in
                var item: [String: Any] = ["user": user(approver.username)]
                if let at = approver.at { item["approved_at"] = at }
                return item
            },
            "suggested_approvers": [], "approvers": [], "approver_groups": [], "user_has_approved": false, "user_can_approve": false,
            "approval_rules_left": [], "has_approval_rules": true, "merge_request_approvers_available": true, "multiple_approval_rules_available": true,
            "invalid_approvers_rules": [],
        ]
    }

    /// An item of `GET /projects/:id/merge_requests/:iid/commits`.
    public func commit(_ sha: String, name: String, email: String, authored: String, committed: String, message: String) -> [String: Any] {
        [
            "id": sha, "short_id": String(sha.prefix(8)), "created_at": committed, "parent_ids": [], "title": String(message.split(separator: "\n").first ?? ""),
            "message": message, "author_name": name, "author_email": email, "authored_date": authored, "committer_name": name,
            "committer_email": email, "committed_date": committed, "trailers": [:], "extended_trailers": [:],
            "web_url": "\(host)/\(project)/-/commit/\(sha)",
        ]
    }

    /// An item of `GET /projects/:id/merge_requests/:iid/pipelines`.
    public func pipeline(_ id: Int, sha: String, ref: String, status: String, created: String) -> [String: Any] {
        ["id": id, "iid": id - 500, "project_id": 42, "sha": sha, "ref": ref, "status": status,
         "source": ref.hasPrefix("refs/merge-requests/") ? "merge_request_event" : "push",
         "created_at": created, "updated_at": created, "web_url": "\(host)/\(project)/-/pipelines/\(id)"]
    }

    /// An item of `GET /projects/:id/pipelines/:id/jobs`.
    public func job(_ id: Int, name: String, status: String, finished: String, allowFailure: Bool = false) -> [String: Any] {
        ["id": id, "status": status, "stage": "test", "name": name, "ref": "main", "tag": false, "coverage": NSNull(), "allow_failure": allowFailure,
         "created_at": finished, "started_at": finished, "finished_at": finished, "erased_at": NSNull(), "duration": 12.5, "queued_duration": 0.4,
         "user": user("alice"), "commit": ["id": "x"], "pipeline": ["id": 1], "web_url": "\(host)/\(project)/-/jobs/\(id)", "artifacts": [],
         "runner": NSNull(), "artifacts_expire_at": NSNull(), "tag_list": [], "failure_reason": status == "failed" ? "script_failure" : NSNull()]
    }

    /// `GET /projects/:id/protected_branches/main`.
    public func protectedBranch() -> [String: Any] {
        ["id": 1, "name": "main",
         "push_access_levels": [["id": 1, "access_level": 0, "access_level_description": "No one", "deploy_key_id": NSNull(), "user_id": NSNull(), "group_id": NSNull()]],
         "merge_access_levels": [["id": 2, "access_level": 40, "access_level_description": "Maintainers", "user_id": NSNull(), "group_id": NSNull()]],
         "unprotect_access_levels": [], "allow_force_push": false, "code_owner_approval_required": false, "inherited": false]
    }
}

/// One review story told twice: a repository merged as GitHub merges (`Merge pull request #N`, squash with
/// `(#N)`) with its GitHub export, and its twin merged as GitLab merges (`Merge branch 'x' into 'main'` ... `See
/// merge request acme/api!N`, squash commits fast-forwarded) with its GitLab export. Same people, dates,
/// approvals and check results, so every control must find the same on both.
public final class GitLabTwin: Sendable {
    public let githubRepository: FixtureRepository
    public let github: GitHubExportFixture
    public let gitlabRepository: FixtureRepository
    public let gitlab: GitLabExportFixture

    public static let shared = Result { try GitLabTwin() }

    private init() throws {
        (githubRepository, github) = try Self.githubSide()
        (gitlabRepository, gitlab) = try Self.gitlabSide()
    }

    private static func base(_ name: String) throws -> FixtureRepository {
        let repo = try FixtureRepository(name)
        try repo.write("drizzle/0000_init.sql", "CREATE TABLE users (id serial);\n")
        try repo.commit("Initial schema", date: "2026-06-20T10:00:00Z")
        return repo
    }

    private static func githubSide() throws -> (FixtureRepository, GitHubExportFixture) {
        let repo = try base("twin-github")
        let github = try GitHubExportFixture(in: (repo.path as NSString).deletingLastPathComponent)
        var pulls = [[String: Any]]()
        // #1: merge commit, approved by bob after the last commit, build and test green.
        try repo.checkout("feature/orders", from: "main")
        try repo.write("drizzle/0001_orders.sql", "CREATE TABLE orders (id serial);\n")
        let one = try repo.commit("Add orders", date: "2026-07-01T09:00:00Z")
        try repo.write("drizzle/0001_orders.down.sql", "DROP TABLE orders;\n")
        let two = try repo.commit("Add down migration", date: "2026-07-01T10:00:00Z")
        try repo.checkout("main")
        let merge = try repo.merge("feature/orders", message: "Merge pull request #1 from acme/feature/orders", date: "2026-07-02T12:00:00Z")
        pulls.append(github.pull(1, title: "Add orders table", author: "alice", mergedAt: "2026-07-02T12:00:00Z", mergeCommit: merge, head: two, headRef: "feature/orders"))
        try github.write("pulls/1/reviews.json", [github.review(12, by: "bob", "APPROVED", at: "2026-07-01T12:00:00Z", on: two)])
        try github.write("pulls/1/commits.json", [
            github.commit(one, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-01T09:00:00Z", committed: "2026-07-01T09:00:00Z", message: "Add orders"),
            github.commit(two, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-01T10:00:00Z", committed: "2026-07-01T10:00:00Z", message: "Add down migration"),
        ])
        try github.write("commits/\(two)/check-runs.json", github.checkRuns([("build", "success"), ("test", "success")], head: two))
        // #2: squashed; carol approves her own work and a bot approves; test fails.
        try repo.checkout("feature/vpc", from: "main")
        try repo.write("infra/vpc.tf", "resource \"aws_vpc\" \"main\" {}\n")
        let vpc = try repo.commit("wip", author: Author("Carol Poe", "carol@example.com"), date: "2026-07-05T09:00:00Z")
        try repo.checkout("main")
        let squash = try repo.squashMerge("feature/vpc", message: "Add VPC (#2)", author: Author("Carol Poe", "carol@example.com"), date: "2026-07-06T12:00:00Z")
        pulls.append(github.pull(2, title: "Add VPC", author: "carol", mergedAt: "2026-07-06T12:00:00Z", mergeCommit: squash, head: vpc, headRef: "feature/vpc"))
        try github.write("pulls/2/reviews.json", [
            github.review(21, by: "carol", "APPROVED", at: "2026-07-05T10:00:00Z", on: vpc),
            github.review(22, by: "dependabot[bot]", "APPROVED", at: "2026-07-05T11:00:00Z", on: vpc, type: "Bot"),
        ])
        try github.write("pulls/2/commits.json", [
            github.commit(vpc, login: "carol", name: "Carol Poe", email: "carol@example.com", authored: "2026-07-05T09:00:00Z", committed: "2026-07-05T09:00:00Z", message: "wip"),
        ])
        try github.write("commits/\(vpc)/check-runs.json", github.checkRuns([("build", "success"), ("test", "failure")], head: vpc))
        // #3: merged, exported without its merge commit id (found by the subject); bob approved before a later push.
        try repo.checkout("feature/items", from: "main")
        try repo.write("drizzle/0002_items.sql", "CREATE TABLE items (id serial);\n")
        let items = try repo.commit("Add items", date: "2026-07-08T09:00:00Z")
        try repo.write("drizzle/0003_prices.sql", "ALTER TABLE items ADD price int;\n")
        let prices = try repo.commit("Add prices", date: "2026-07-08T15:00:00Z")
        try repo.checkout("main")
        try repo.merge("feature/items", message: "Merge pull request #3 from acme/feature/items", date: "2026-07-09T12:00:00Z")
        pulls.append(github.pull(3, title: "Items and prices", author: "alice", mergedAt: "2026-07-09T12:00:00Z", mergeCommit: nil, head: prices, headRef: "feature/items"))
        try github.write("pulls/3/reviews.json", [github.review(31, by: "bob", "APPROVED", at: "2026-07-08T10:00:00Z", on: items)])
        try github.write("pulls/3/commits.json", [
            github.commit(items, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-08T09:00:00Z", committed: "2026-07-08T09:00:00Z", message: "Add items"),
            github.commit(prices, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-08T15:00:00Z", committed: "2026-07-08T15:00:00Z", message: "Add prices"),
        ])
        try github.write("commits/\(prices)/check-runs.json", github.checkRuns([("test", "success")], head: prices))
        // A direct push.
        try repo.write("drizzle/0004_hotfix.sql", "CREATE INDEX items_idx ON items (id);\n")
        try repo.commit("hotfix: index items", author: Author("Dave Hoe", "dave@example.com"), date: "2026-07-20T23:00:00Z")
        try github.write("pulls.json", Array(pulls.reversed()))
        return (repo, github)
    }

    private static func gitlabSide() throws -> (FixtureRepository, GitLabExportFixture) {
        let repo = try base("twin-gitlab")
        let gitlab = try GitLabExportFixture(in: (repo.path as NSString).deletingLastPathComponent)
        var requests = [[String: Any]]()
        func message(_ branch: String, _ title: String, _ iid: Int) -> String {
            "Merge branch '\(branch)' into 'main'\n\n\(title)\n\nSee merge request acme/api!\(iid)"
        }
        // !1: merge commit, approved by bob after the last commit, build and test green on a merge request pipeline.
        try repo.checkout("feature/orders", from: "main")
        try repo.write("drizzle/0001_orders.sql", "CREATE TABLE orders (id serial);\n")
        let one = try repo.commit("Add orders", date: "2026-07-01T09:00:00Z")
        try repo.write("drizzle/0001_orders.down.sql", "DROP TABLE orders;\n")
        let two = try repo.commit("Add down migration", date: "2026-07-01T10:00:00Z")
        try repo.checkout("main")
        let merge = try repo.merge("feature/orders", message: message("feature/orders", "Add orders table", 1), author: Author("Maintainer", "maintainer@example.com"),
                                   date: "2026-07-02T12:00:00Z")
        requests.append(gitlab.mergeRequest(1, title: "Add orders table", author: "alice", mergedAt: "2026-07-02T12:00:00.000Z", mergeCommit: merge, head: two,
                                            source: "feature/orders"))
        try gitlab.write("merge_requests/1/approvals.json", gitlab.approvals(1, [("bob", "2026-07-01T12:00:00.000Z")]))
        try gitlab.write("merge_requests/1/commits.json", [  // newest first, as GitLab lists them
            gitlab.commit(two, name: "Alice Doe", email: "alice@example.com", authored: "2026-07-01T10:00:00.000+00:00", committed: "2026-07-01T10:00:00.000+00:00", message: "Add down migration\n"),
            gitlab.commit(one, name: "Alice Doe", email: "alice@example.com", authored: "2026-07-01T09:00:00.000+00:00", committed: "2026-07-01T09:00:00.000+00:00", message: "Add orders\n"),
        ])
        try gitlab.write("merge_requests/1/pipelines.json", [gitlab.pipeline(601, sha: two, ref: "refs/merge-requests/1/head", status: "success", created: "2026-07-01T10:01:00.000Z")])
        try gitlab.write("pipelines/601/jobs.json", [gitlab.job(7001, name: "test", status: "success", finished: "2026-07-01T10:05:00.000Z"),
                                                    gitlab.job(7000, name: "build", status: "success", finished: "2026-07-01T10:03:00.000Z")])
        // !2: squashed and fast-forwarded (squash_commit_sha, no merge commit); carol approves her own work and a
        // project access token's bot approves; test fails (an allowed failure elsewhere stays neutral).
        try repo.checkout("feature/vpc", from: "main")
        try repo.write("infra/vpc.tf", "resource \"aws_vpc\" \"main\" {}\n")
        let vpc = try repo.commit("wip", author: Author("Carol Poe", "carol@example.com"), date: "2026-07-05T09:00:00Z")
        try repo.checkout("main")
        let squash = try repo.squashMerge("feature/vpc", message: "Add VPC", author: Author("Carol Poe", "carol@example.com"), date: "2026-07-06T12:00:00Z")
        requests.append(gitlab.mergeRequest(2, title: "Add VPC", author: "carol", mergedAt: "2026-07-06T12:00:00.000Z", mergeCommit: nil, squashCommit: squash,
                                            head: vpc, source: "feature/vpc"))
        try gitlab.write("merge_requests/2/approvals.json", gitlab.approvals(2, [("carol", "2026-07-05T10:00:00.000Z"), ("project_42_bot_9f2c1e", "2026-07-05T11:00:00.000Z")]))
        try gitlab.write("merge_requests/2/commits.json", [
            gitlab.commit(vpc, name: "Carol Poe", email: "carol@example.com", authored: "2026-07-05T09:00:00Z", committed: "2026-07-05T09:00:00Z", message: "wip"),
        ])
        try gitlab.write("merge_requests/2/pipelines.json", [gitlab.pipeline(602, sha: vpc, ref: "feature/vpc", status: "failed", created: "2026-07-05T09:01:00Z")])
        try gitlab.write("pipelines/602/jobs.json", [gitlab.job(7003, name: "test", status: "failed", finished: "2026-07-05T09:05:00Z"),
                                                    gitlab.job(7002, name: "build", status: "success", finished: "2026-07-05T09:03:00Z")])
        // !3: merged; exported without its merge commit id, so found by "See merge request acme/api!3"; bob approved
        // before a later push; the check is a merged-results pipeline, made after the head was committed.
        try repo.checkout("feature/items", from: "main")
        try repo.write("drizzle/0002_items.sql", "CREATE TABLE items (id serial);\n")
        let items = try repo.commit("Add items", date: "2026-07-08T09:00:00Z")
        try repo.write("drizzle/0003_prices.sql", "ALTER TABLE items ADD price int;\n")
        let prices = try repo.commit("Add prices", date: "2026-07-08T15:00:00Z")
        try repo.checkout("main")
        try repo.merge("feature/items", message: message("feature/items", "Items and prices", 3), author: Author("Maintainer", "maintainer@example.com"),
                       date: "2026-07-09T12:00:00Z")
        requests.append(gitlab.mergeRequest(3, title: "Items and prices", author: "alice", mergedAt: "2026-07-09T12:00:00.000Z", mergeCommit: nil, head: prices,
                                            source: "feature/items"))
        try gitlab.write("merge_requests/3/approvals.json", gitlab.approvals(3, [("bob", "2026-07-08T10:00:00.000Z")]))
        try gitlab.write("merge_requests/3/commits.json", [
            gitlab.commit(prices, name: "Alice Doe", email: "alice@example.com", authored: "2026-07-08T15:00:00Z", committed: "2026-07-08T15:00:00Z", message: "Add prices"),
            gitlab.commit(items, name: "Alice Doe", email: "alice@example.com", authored: "2026-07-08T09:00:00Z", committed: "2026-07-08T09:00:00Z", message: "Add items"),
        ])
        // Newest first: the merged-results pipeline after the last push, and a failed one on the first commit (superseded).
        try gitlab.write("merge_requests/3/pipelines.json", [
            gitlab.pipeline(605, sha: "77" + String(repeating: "0", count: 38), ref: "refs/merge-requests/3/merge", status: "success", created: "2026-07-08T15:02:00Z"),
            gitlab.pipeline(604, sha: items, ref: "refs/merge-requests/3/head", status: "failed", created: "2026-07-08T09:02:00Z"),
        ])
        try gitlab.write("pipelines/605/jobs.json", [gitlab.job(7005, name: "test", status: "success", finished: "2026-07-08T15:06:00Z"),
                                                    gitlab.job(7006, name: "lint", status: "failed", finished: "2026-07-08T15:06:00Z", allowFailure: true)])
        // A direct push.
        try repo.write("drizzle/0004_hotfix.sql", "CREATE INDEX items_idx ON items (id);\n")
        try repo.commit("hotfix: index items", author: Author("Dave Hoe", "dave@example.com"), date: "2026-07-20T23:00:00Z")
        try gitlab.write("merge_requests.json", Array(requests.reversed()))
        try gitlab.write("protected_branches/main.json", gitlab.protectedBranch())
        try gitlab.write("approval_rules.json", [["id": 1, "name": "All Members", "rule_type": "any_approver", "eligible_approvers": [], "approvals_required": 1,
                                                  "users": [], "groups": [], "contains_hidden_groups": false, "protected_branches": [],
                                                  "applies_to_all_protected_branches": false]])
        return (repo, gitlab)
    }
}
