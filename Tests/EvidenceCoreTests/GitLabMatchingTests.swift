@testable import EvidenceCore
import Testing

/// GitLab's correlation rules on their own: the default merge message, a branch name reused, another project's
/// merge request, and GitLab's bot accounts.
@Suite struct GitLabMatchingTests {
    static func change(_ message: String, committed: String = "2026-07-09T12:00:00Z") -> Change {
        let subject = String(message.split(separator: "\n").first ?? "")
        return Change(commit: "5a5a000000000000000000000000000000000001", parents: ["5a5a000000000000000000000000000000000000"],
                      author: Signature(name: "Maintainer", email: "m@example.com", time: committed),
                      committer: Signature(name: "Maintainer", email: "m@example.com", time: committed),
                      committedAt: committed, subject: subject, message: message + "\n",
                      paths: [ChangedPath(path: "drizzle/0007_orders.sql", kind: .migration, status: .added, oldPath: nil)],
                      mergedCommits: [], authors: ["m@example.com"])
    }

    static func request(_ iid: Int, branch: String, merged: String) -> PullRequest {
        PullRequest(number: iid, title: "t", user: GitHubAccount(login: "alice"), state: "merged", mergedAt: GitHubTime(seconds: Timestamp.parse(merged)!),
                    mergeCommitSHA: nil, head: PullRequest.Ref(ref: branch, sha: nil), base: PullRequest.Ref(ref: "main", sha: nil), forge: .gitlab)
    }

    let matcher = PullRequestMatcher(pullRequests: [4: request(4, branch: "fix", merged: "2026-07-01T10:00:00Z"),
                                                    9: request(9, branch: "fix", merged: "2026-07-09T12:00:00Z")],
                                     commits: [:], forge: .gitlab, project: "Acme/API")

    @Test func theSeeMergeRequestLineNamesIt() {
        let found = matcher.match(Self.change("Merge branch 'fix' into 'main'\n\nFix\n\nSee merge request acme/api!4"))
        #expect(found.match?.number == 4)
        #expect(found.match?.rule == .subject)
    }

    @Test func aReusedBranchNameIsTheLatestMergeAtTheCommit() {
        #expect(matcher.match(Self.change("Merge branch 'fix' into 'main'")).match?.number == 9)
        #expect(matcher.match(Self.change("Merge branch 'fix' into 'main'", committed: "2026-07-05T00:00:00Z")).match?.number == 4)
        #expect(matcher.match(Self.change("Merge branch 'fix' into 'release'")).match == nil)
    }

    @Test func anotherProjectsMergeRequestIsMissingEvidenceNotADirectPush() throws {
        let change = Self.change("Merge branch 'x' into 'main'\n\nSee merge request acme/web!4")
        let (match, untrusted) = matcher.match(change)
        #expect(match == nil)
        #expect(untrusted?.project == "acme/web")
        let reviews = try matcher.reviews(for: [change], reviews: [:], commits: [:], headChecks: { _ in CheckEvidence(sha: "", runs: [], statuses: []) },
                                          commitChecks: { sha in CheckEvidence(sha: sha, runs: [], statuses: []) })
        #expect(reviews[change.commit]?.missingEvidence == .pullRequest(4))
        #expect(reviews[change.commit]?.forge == .gitlab)
    }

    @Test(arguments: [("project_42_bot_5f3a9c", true), ("project_42_bot", true), ("group_7_bot_a1", true), ("alert_bot", true),
                      ("project_manager", false), ("robert", false), ("bot_fan", false)])
    func gitLabBots(username: String, bot: Bool) {
        #expect(GitLabUser(username: username).isBot == bot)
    }
}
