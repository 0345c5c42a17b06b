import Foundation

/// A repository and its GitHub export with one change for each review situation an auditor meets, all in
/// 2026-Q3. Built once per process with fixed names and dates.
public final class ReviewScenario: Sendable {
    public let repository: FixtureRepository
    public let github: GitHubExportFixture
    /// Commit ids by name: `merge`, `squash`, `rebase-1`, `rebase-2`, `revoked`, `direct`, `unknown-pr`, `pr-commits`, `subject`.
    public let commits: [String: String]

    public static let shared = Result { try ReviewScenario() }

    private init() throws {
        let repo = try FixtureRepository("review-scenario")
        let github = try GitHubExportFixture(in: (repo.path as NSString).deletingLastPathComponent)
        var ids = [String: String]()
        var pulls = [[String: Any]]()

        try repo.write("drizzle/0000_init.sql", "CREATE TABLE users (id serial);\n")
        try repo.commit("Initial schema", date: "2026-06-20T10:00:00Z")

        // PR #1, merge commit: two commits by alice, approved by bob after the last one, checks green.
        try repo.checkout("feature/orders", from: "main")
        try repo.write("drizzle/0001_orders.sql", "CREATE TABLE orders (id serial);\n")
        let one = try repo.commit("Add orders", date: "2026-07-01T09:00:00Z")
        try repo.write("drizzle/0001_orders.down.sql", "DROP TABLE orders;\n")
        let two = try repo.commit("Add down migration", date: "2026-07-01T10:00:00Z")
        try repo.checkout("main")
        ids["merge"] = try repo.merge("feature/orders", message: "Merge pull request #1 from acme/feature/orders", date: "2026-07-02T12:00:00Z")
        pulls.append(github.pull(1, title: "Add orders table", author: "alice", mergedAt: "2026-07-02T12:00:00Z", mergeCommit: ids["merge"], head: two,
                                 headRef: "feature/orders", body: "Orders need a table.\n\nSecond paragraph."))
        try github.write("pulls/1/reviews.json", [
            github.review(11, by: "carol", "COMMENTED", at: "2026-07-01T11:00:00Z", on: two),
            github.review(12, by: "bob", "APPROVED", at: "2026-07-01T12:00:00Z", on: two),
            github.review(13, by: "bob", "COMMENTED", at: "2026-07-01T13:00:00Z", on: two),
        ], pages: 2)
        try github.write("pulls/1/commits.json", [
            github.commit(one, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-01T09:00:00Z", committed: "2026-07-01T09:00:00Z", message: "Add orders"),
            github.commit(two, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-01T10:00:00Z", committed: "2026-07-01T10:00:00Z", message: "Add down migration"),
        ])
        try github.writeObjectPages("commits/\(two)/check-runs.json", [github.checkRuns([("build", "success")], head: two),
                                                                         github.checkRuns([("test", "success")], head: two)])

        // PR #2, squashed: carol approves her own work, a bot approves too, and a check fails.
        try repo.checkout("feature/vpc", from: "main")
        try repo.write("infra/vpc.tf", "resource \"aws_vpc\" \"main\" {}\n")
        let vpcHead = try repo.commit("wip", author: Author("Carol Poe", "carol@example.com"), date: "2026-07-05T09:00:00Z")
        try repo.checkout("main")
        ids["squash"] = try repo.squashMerge("feature/vpc", message: "Add VPC (#2)", author: Author("Carol Poe", "carol@example.com"), date: "2026-07-06T12:00:00Z")
        pulls.append(github.pull(2, title: "Add VPC", author: "carol", mergedAt: "2026-07-06T12:00:00Z", mergeCommit: ids["squash"], head: vpcHead))
        try github.write("pulls/2/reviews.json", [
            github.review(21, by: "carol", "APPROVED", at: "2026-07-05T10:00:00Z", on: vpcHead),
            github.review(22, by: "dependabot[bot]", "APPROVED", at: "2026-07-05T11:00:00Z", on: vpcHead, type: "Bot"),
        ])
        try github.write("pulls/2/commits.json", [
            github.commit(vpcHead, login: "carol", name: "Carol Poe", email: "carol@example.com", authored: "2026-07-05T09:00:00Z", committed: "2026-07-05T09:00:00Z", message: "wip"),
        ])
        try github.write("commits/\(vpcHead)/check-runs.json", github.checkRuns([("build", "success"), ("test", "failure")], head: vpcHead))

        // PR #3, rebase-merged: two new commits on main; bob approved before the second commit was pushed.
        try repo.checkout("feature/items", from: "main")
        try repo.write("drizzle/0002_items.sql", "CREATE TABLE items (id serial);\n")
        let itemsOne = try repo.commit("Add items", date: "2026-07-08T09:00:00Z")
        try repo.write("drizzle/0003_prices.sql", "ALTER TABLE items ADD price int;\n")
        let itemsTwo = try repo.commit("Add prices\n\nPrices in cents.", date: "2026-07-08T15:00:00Z")
        try repo.checkout("main")
        let rebased = try repo.rebaseMerge("feature/items", dates: ["2026-07-09T12:00:00Z", "2026-07-09T12:00:01Z"])
        ids["rebase-1"] = rebased[0]
        ids["rebase-2"] = rebased[1]
        pulls.append(github.pull(3, title: "Items and prices", author: "alice", mergedAt: "2026-07-09T12:00:01Z", mergeCommit: rebased[1], head: itemsTwo))
        try github.write("pulls/3/reviews.json", [github.review(31, by: "bob", "APPROVED", at: "2026-07-08T10:00:00Z", on: itemsOne)])
        try github.write("pulls/3/commits.json", [
            github.commit(itemsOne, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-08T09:00:00Z", committed: "2026-07-08T09:00:00Z", message: "Add items"),
            github.commit(itemsTwo, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-08T15:00:00Z", committed: "2026-07-08T15:00:00Z", message: "Add prices\n\nPrices in cents."),
        ])
        try github.write("commits/\(itemsTwo)/check-runs.json", github.checkRuns([("test", "success")], head: itemsTwo))
        try github.write("commits/\(itemsTwo)/status.json", github.status([("ci/jenkins", "success")], sha: itemsTwo))

        // PR #4, merge commit: bob approved then requested changes; erin's approval was dismissed.
        try repo.checkout("feature/tags", from: "main")
        try repo.write("drizzle/0004_tags.sql", "CREATE TABLE tags (id serial);\n")
        let tagsHead = try repo.commit("Add tags", date: "2026-07-12T09:00:00Z")
        try repo.checkout("main")
        ids["revoked"] = try repo.merge("feature/tags", message: "Merge pull request #4 from acme/feature/tags", date: "2026-07-13T12:00:00Z")
        pulls.append(github.pull(4, title: "Add tags", author: "alice", mergedAt: "2026-07-13T12:00:00Z", mergeCommit: ids["revoked"], head: tagsHead))
        try github.write("pulls/4/reviews.json", [
            github.review(41, by: "bob", "APPROVED", at: "2026-07-12T10:00:00Z", on: tagsHead),
            github.review(42, by: "erin", "DISMISSED", at: "2026-07-12T10:30:00Z", on: tagsHead),
            github.review(43, by: "bob", "CHANGES_REQUESTED", at: "2026-07-12T11:00:00Z", on: tagsHead),
        ])
        try github.write("pulls/4/commits.json", [
            github.commit(tagsHead, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-12T09:00:00Z", committed: "2026-07-12T09:00:00Z", message: "Add tags"),
        ])
        try github.write("commits/\(tagsHead)/check-runs.json", github.checkRuns([("test", "success")], head: tagsHead))

        // A direct push, and one whose subject names a pull request this repository never had (a fork's number).
        try repo.write("drizzle/0005_hotfix.sql", "CREATE INDEX tags_idx ON tags (id);\n")
        ids["direct"] = try repo.commit("hotfix: index tags", author: Author("Dave Hoe", "dave@example.com"), date: "2026-07-20T23:00:00Z")
        try repo.write("infra/dns.tf", "resource \"aws_route53_zone\" \"z\" {}\n")
        ids["unknown-pr"] = try repo.commit("Add DNS zone (#99)", author: Author("Dave Hoe", "dave@example.com"), date: "2026-07-21T09:00:00Z")

        // PR #5, merged locally with a plain merge message and no merge_commit_sha in the export: found by its commit list.
        try repo.checkout("feature/notes", from: "main")
        try repo.write("drizzle/0006_notes.sql", "CREATE TABLE notes (id serial);\n")
        let notesHead = try repo.commit("Add notes", date: "2026-07-22T09:00:00Z")
        try repo.checkout("main")
        ids["pr-commits"] = try repo.merge("feature/notes", message: "Merge branch 'feature/notes'", author: .bob, date: "2026-07-23T12:00:00Z")
        pulls.append(github.pull(5, title: "Add notes", author: "alice", mergedAt: "2026-07-23T12:00:00Z", mergeCommit: nil, head: notesHead))
        try github.write("pulls/5/reviews.json", [github.review(51, by: "bob", "APPROVED", at: "2026-07-22T10:00:00Z", on: notesHead)])
        try github.write("pulls/5/commits.json", [
            github.commit(notesHead, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-22T09:00:00Z", committed: "2026-07-22T09:00:00Z", message: "Add notes"),
        ])
        try github.write("commits/\(notesHead)/check-runs.json", github.checkRuns([("test", "success")], head: notesHead))

        // PR #7, squashed, exported without merge_commit_sha: found by the "(#7)" in its subject.
        try repo.checkout("feature/audit", from: "main")
        try repo.write("drizzle/0007_audit.sql", "CREATE TABLE audit_log (id serial);\n")
        let auditHead = try repo.commit("audit log", date: "2026-07-24T09:00:00Z")
        try repo.checkout("main")
        ids["subject"] = try repo.squashMerge("feature/audit", message: "Add audit log (#7)", date: "2026-07-25T12:00:00Z")
        pulls.append(github.pull(7, title: "Add audit log", author: "alice", mergedAt: "2026-07-25T12:00:00Z", mergeCommit: nil, head: auditHead))
        try github.write("pulls/7/reviews.json", [github.review(71, by: "bob", "APPROVED", at: "2026-07-24T10:00:00Z", on: auditHead)])
        try github.write("pulls/7/commits.json", [
            github.commit(auditHead, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-24T09:00:00Z", committed: "2026-07-24T09:00:00Z", message: "audit log"),
        ])
        try github.write("commits/\(auditHead)/check-runs.json", github.checkRuns([("test", "success")], head: auditHead))

        // PR #6 was closed without merging; GitHub still fills merge_commit_sha with a test merge.
        pulls.append(github.pull(6, title: "Abandoned", author: "alice", mergedAt: nil, mergeCommit: ids["direct"], head: tagsHead))

        try github.write("pulls.json", Array(pulls.reversed()), pages: 2)  // newest first, two pages back to back
        try github.write("branches/main/protection.json", github.protection())
        repository = repo
        self.github = github
        commits = ids
    }
}
