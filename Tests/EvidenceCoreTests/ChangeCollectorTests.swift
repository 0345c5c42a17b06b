import Foundation
import EvidenceCore
import EvidenceTestSupport
import GitKit
import Testing

/// One repository with every shape of history the population must handle, built once with fixed dates.
final class HistoryFixture: Sendable {
    let fixture: FixtureRepository
    let commits: [String: String]

    static let shared = Result { try HistoryFixture() }

    /// `git log` pathspecs equal to the default rules, plus the marker folder the history moves Drizzle into.
    static let pathspecs = [
        "**/migrations/**", "**/drizzle/**", "**/db/migrate/**", "**/alembic/versions/**", "**/migrations/versions/**",
        "**/[0-9]*_*/migration.sql", "**/V[0-9]*__*.sql", "**/U[0-9]*__*.sql", "**/R__*.sql",
        "**/*.tf", "**/*.tf.json", "**/*.tfvars", "**/*.tfvars.json", "**/.terraform.lock.hcl",
    ].map { ":(glob)" + $0 } + ["src/db/schema-out"]

    private init() throws {
        let repo = try FixtureRepository("history")
        var ids = [String: String]()
        try repo.write("drizzle/0000_init.sql", "CREATE TABLE users (id serial primary key);\n")
        try repo.write("drizzle/meta/_journal.json", "{\"entries\":[{\"idx\":0,\"tag\":\"0000_init\",\"when\":1782863999000}]}\n")
        try repo.write("src/index.ts", "export {}\n")
        ids["init"] = try repo.commit("Initial schema", date: "2026-06-30T23:59:59Z")

        try repo.write("infra/main.tf", "terraform { required_version = \">= 1.6\" }\n")
        ids["direct-push"] = try repo.commit("Add infrastructure", author: .bob, date: "2026-07-01T00:00:00Z")

        try repo.write("src/db/migrate.ts", "export function migrate() {}\n")
        try repo.write("docs/terraform-guide.md", "# Terraform\n")
        try repo.write("terraform.png", "not really a png\n")
        ids["look-alikes"] = try repo.commit("Docs and app code", date: "2026-07-02T09:00:00Z")

        // A pull request merged with a merge commit.
        try repo.checkout("feature/orders", from: "main")
        try repo.write("drizzle/0001_orders.sql", "CREATE TABLE orders (id serial);\n")
        ids["merged-1"] = try repo.commit("Add orders table", date: "2026-07-08T10:00:00Z")
        try repo.write("drizzle/0001_orders.down.sql", "DROP TABLE orders;\n")
        ids["merged-2"] = try repo.commit("Add down migration", author: .bob, date: "2026-07-09T10:00:00Z")
        try repo.checkout("main")
        ids["merge"] = try repo.merge("feature/orders", message: "Merge pull request #12 from acme/feature/orders", date: "2026-07-10T12:00:00Z")

        // A pull request squashed into one commit.
        try repo.checkout("feature/vpc", from: "main")
        try repo.write("infra/vpc.tf", "resource \"aws_vpc\" \"main\" {}\n")
        try repo.commit("wip", date: "2026-07-14T10:00:00Z")
        try repo.write("infra/prod.tfvars", "region = \"eu-west-1\"\n")
        try repo.commit("vars", date: "2026-07-14T11:00:00Z")
        try repo.checkout("main")
        ids["squash"] = try repo.squashMerge("feature/vpc", message: "Add VPC (#13)", date: "2026-07-15T09:00:00Z")

        // A pull request rebased onto main: two new commits.
        try repo.checkout("feature/items", from: "main")
        try repo.write("drizzle/0002_items.sql", "CREATE TABLE items (id serial);\n")
        try repo.commit("Add items", date: "2026-07-18T10:00:00Z")
        try repo.write("drizzle/0003_prices.sql", "ALTER TABLE items ADD price int;\n")
        try repo.commit("Add prices", date: "2026-07-18T11:00:00Z")
        try repo.checkout("main")
        let rebased = try repo.rebaseMerge("feature/items", dates: ["2026-07-20T09:00:00Z", "2026-07-20T09:00:01Z"])
        ids["rebase-1"] = rebased[0]
        ids["rebase-2"] = rebased[1]

        // The Drizzle folder moves to a folder only its journal identifies.
        try repo.move("drizzle", "src/db/schema-out")
        ids["move"] = try repo.commit("Move migrations under src/db", date: "2026-08-01T10:00:00Z")
        try repo.write("src/db/schema-out/0004_tags.sql", "CREATE TABLE tags (id serial);\n")
        ids["after-move"] = try repo.commit("Add tags", date: "2026-08-02T10:00:00Z")

        try repo.remove("src/db/schema-out/0003_prices.sql")
        ids["delete"] = try repo.commit("Drop prices migration", date: "2026-08-05T10:00:00Z")
        try repo.move("src/db/schema-out/0002_items.sql", "src/db/schema-out/0002_item_table.sql")
        ids["rename"] = try repo.commit("Rename items migration", date: "2026-08-06T10:00:00Z")

        // The old folder name again, now without a journal: an ordinary file.
        try repo.write("src/db/notes/0001.txt", "notes\n")
        ids["not-a-migration"] = try repo.commit("Notes", date: "2026-08-07T10:00:00Z")

        // Window edges in other time zones: 23:30 UTC on 30 September is in Q3, 01:00 UTC on 1 October is not.
        try repo.write("infra/dns.tf", "resource \"aws_route53_zone\" \"z\" {}\n")
        ids["q3-last"] = try repo.commit("DNS zone", date: "2026-10-01T01:30:00+02:00")
        try repo.write("infra/dns.tf", "resource \"aws_route53_zone\" \"zone\" {}\n")
        ids["q4-first"] = try repo.commit("Rename zone", date: "2026-09-30T20:00:00-05:00")

        fixture = repo
        commits = ids
    }

    func collect(_ window: AuditWindow = .all, classifier: PathClassifier = .defaults) throws -> (changes: [Change], read: Int) {
        let repository = try Repository(path: fixture.path)
        let collector = ChangeCollector(repository: repository, classifier: classifier)
        var changes = [Change]()
        let read = try collector.collect(branch: repository.resolveBranch("main"), window: window) { changes.append($0) }
        return (changes, read)
    }
}

@Suite struct ChangeCollectorTests {
    let history: HistoryFixture
    init() throws { history = try HistoryFixture.shared.get() }

    private func id(_ name: String) -> String { history.commits[name]! }

    @Test func thePopulationEqualsWhatGitLogReports() throws {
        let population = try history.collect().changes
        let expected = try history.fixture.gitLogPopulation(pathspecs: HistoryFixture.pathspecs)
        #expect(population.map(\.commit) == expected.map(\.commit))
        for (change, reference) in zip(population, expected) {
            let paths = Set(change.paths.flatMap { [$0.path] + ($0.oldPath.map { [$0] } ?? []) })
            #expect(paths == reference.paths, "paths of \(change.subject)")
        }
        #expect(!population.map(\.commit).contains(id("look-alikes")))
        #expect(!population.map(\.commit).contains(id("not-a-migration")))
    }

    @Test func aQuarterTakesStartInclusiveEndExclusiveByCommitterTimeInUTC() throws {
        let (changes, _) = try history.collect(AuditWindow.named("2026-Q3"))
        let names = Dictionary(uniqueKeysWithValues: history.commits.map { ($1, $0) })
        #expect(changes.map { names[$0.commit] ?? $0.commit } == [
            "q3-last", "rename", "delete", "after-move", "move", "rebase-2", "rebase-1", "squash", "merge", "direct-push",
        ])
        #expect(changes.first?.committedAt == "2026-09-30T23:30:00Z")
        #expect(changes.first?.committer.time == "2026-10-01T01:30:00+02:00")
    }

    @Test func theWalkStopsAtTheWindowStart() throws {
        let (all, readAll) = try history.collect()
        let (recent, readRecent) = try history.collect(AuditWindow.between(from: "2026-10-01", to: nil))
        #expect(all.count == 12)
        #expect(recent.map(\.commit) == [id("q4-first")])
        #expect(readAll == 14)
        // q4-first, then the skew allowance of older commits, then one more to learn it is over.
        #expect(readRecent == 1 + FirstParentChanges.skewAllowance + 1)
    }

    @Test func aMergeCommitCarriesTheCommitsItBroughtIn() throws {
        let merge = try #require(try history.collect().changes.first { $0.commit == id("merge") })
        #expect(merge.parents.count == 2)
        #expect(merge.mergedCommits.map(\.commit) == [id("merged-2"), id("merged-1")])
        #expect(merge.authors == ["alice@example.com", "bob@example.com"])  // not the merger
        #expect(merge.paths.map(\.path) == ["drizzle/0001_orders.down.sql", "drizzle/0001_orders.sql"])
        #expect(merge.paths.allSatisfy { $0.kind == .migration && $0.status == .added })
    }

    @Test func squashAndRebaseMergesAreOrdinaryCommits() throws {
        let changes = try history.collect().changes
        let squash = try #require(changes.first { $0.commit == id("squash") })
        #expect(squash.mergedCommits.isEmpty)
        #expect(squash.paths.map(\.path) == ["infra/prod.tfvars", "infra/vpc.tf"])
        #expect(squash.paths.allSatisfy { $0.kind == .infrastructure })
        let rebased = changes.filter { [id("rebase-1"), id("rebase-2")].contains($0.commit) }
        #expect(rebased.map(\.subject) == ["Add prices", "Add items"])
        #expect(rebased.map(\.author.time) == ["2026-07-18T11:00:00Z", "2026-07-18T10:00:00Z"])
    }

    @Test func aMovedMigrationFolderIsFollowedByItsJournal() throws {
        let changes = try history.collect().changes
        let move = try #require(changes.first { $0.commit == id("move") })
        #expect(move.paths.count == 6)  // 0000..0003, the down file and the journal
        #expect(move.paths.allSatisfy { $0.status == .renamed && $0.kind == .migration && $0.oldPath?.hasPrefix("drizzle/") == true })
        let after = try #require(changes.first { $0.commit == id("after-move") })
        #expect(after.paths == [ChangedPathExpectation.added("src/db/schema-out/0004_tags.sql")])
    }

    @Test func deletedAndRenamedMigrationFiles() throws {
        let changes = try history.collect().changes
        let deleted = try #require(changes.first { $0.commit == id("delete") })
        #expect(deleted.paths.map(\.status) == [.deleted])
        #expect(deleted.paths.map(\.path) == ["src/db/schema-out/0003_prices.sql"])
        let renamed = try #require(changes.first { $0.commit == id("rename") })
        #expect(renamed.paths.map(\.status) == [.renamed])
        #expect(renamed.paths.first?.oldPath == "src/db/schema-out/0002_items.sql")
        #expect(renamed.paths.first?.path == "src/db/schema-out/0002_item_table.sql")
    }

    @Test func anEmptyRepositoryHasNoChanges() throws {
        let empty = try FixtureRepository("empty-collect")
        let repository = try Repository(path: empty.path)
        var count = 0
        let read = try ChangeCollector(repository: repository, classifier: .defaults)
            .collect(branch: repository.resolveBranch(nil), window: .all) { _ in count += 1 }
        #expect(count == 0 && read == 0)
    }

    @Test func settingsCommittedOnTheBranchAreUsedForABareRepository() throws {
        let repo = try FixtureRepository("settings")
        try repo.write(".git-evidence.yml", "paths:\n  migrations:\n    add: [\"schema/**\"]\n")
        try repo.write("schema/001.sql", "create table a (id int);\n")
        try repo.commit("Schema in a custom folder", date: "2026-07-01T10:00:00Z")
        let bare = try TemporaryFolder.make("settings-bare") + "/settings.git"
        _ = try Command.run("/usr/bin/env", ["git", "clone", "-q", "--bare", repo.path, bare])

        let repository = try Repository(path: bare)
        let branch = try repository.resolveBranch(nil)
        let config = try EvidenceConfig.resolve(explicitPath: nil, repository: repository, branch: branch)
        #expect(config.source == "main:.git-evidence.yml")
        var changes = [Change]()
        try ChangeCollector(repository: repository, classifier: config.classifier).collect(branch: branch, window: .all) { changes.append($0) }
        #expect(changes.flatMap(\.paths).map(\.path) == ["schema/001.sql"])
    }
}

/// Shorthand for expected paths.
enum ChangedPathExpectation {
    static func added(_ path: String) -> ChangedPath {
        try! JSONDecoder().decode(ChangedPath.self, from: Data("{\"path\":\"\(path)\",\"kind\":\"migration\",\"status\":\"added\"}".utf8))
    }
}
