import Foundation

/// Many small repositories, each with its GitHub export and a line in a `repos.yml`, as a compliance team lists the
/// repositories in scope: repository `acme/svc-NN` has one reviewed pull request and, every third one, a migration
/// pushed directly as well (so the roll-up has failing controls to count in some repositories and not others).
/// Every fourth is listed by a `file://` URL, the rest by path. Built once per process with fixed names and dates.
public final class FleetFixture: Sendable {
    public let folder: String
    /// `repos.yml`, naming every repository.
    public let list: String
    public let names: [String]
    /// The names with a direct push.
    public let directPushes: Set<String>
    /// Each repository's folder and GitHub export folder, by name.
    public let repositories: [String: (path: String, github: String)]

    public static let shared = Result { try FleetFixture(count: 24) }

    private init(count: Int) throws {
        folder = try TemporaryFolder.make("fleet")
        var names = [String](), direct = Set<String>(), repositories = [String: (path: String, github: String)]()
        var yaml = "# The repositories in scope for the quarter.\ndefaults:\n  branch: main\nrepositories:\n"
        for index in 1...count {
            let name = String(format: "acme/svc-%02d", index)
            names.append(name)
            let repo = try FixtureRepository(String(format: "svc-%02d", index))
            let github = try GitHubExportFixture(in: (repo.path as NSString).deletingLastPathComponent)
            try repo.write("drizzle/0000_init.sql", "CREATE TABLE t\(index) (id serial);\n")
            try repo.commit("Initial schema", date: "2026-06-20T10:00:00Z")
            try repo.checkout("feature/orders", from: "main")
            try repo.write("drizzle/0001_orders.sql", "CREATE TABLE orders (id serial);\n")
            try repo.write("drizzle/0001_orders.down.sql", "DROP TABLE orders;\n")
            let head = try repo.commit("Add orders", date: "2026-07-01T09:00:00Z")
            try repo.checkout("main")
            let merge = try repo.merge("feature/orders", message: "Merge pull request #1 from acme/feature/orders", date: "2026-07-02T12:00:00Z")
            try github.write("pulls.json", [github.pull(1, title: "Add orders", author: "alice", mergedAt: "2026-07-02T12:00:00Z", mergeCommit: merge, head: head)])
            try github.write("pulls/1/reviews.json", [github.review(11, by: "bob", "APPROVED", at: "2026-07-01T12:00:00Z", on: head)])
            try github.write("pulls/1/commits.json", [github.commit(head, login: "alice", name: "Alice Doe", email: "alice@example.com",
                                                                    authored: "2026-07-01T09:00:00Z", committed: "2026-07-01T09:00:00Z", message: "Add orders")])
            try github.writeObjectPages("commits/\(head)/check-runs.json", [github.checkRuns([("test", "success")], head: head)])
            if index % 3 == 0 {
                try repo.write("drizzle/0002_hotfix.sql", "CREATE INDEX i ON orders (id);\n")
                try repo.commit("Hotfix index", author: .bob, date: "2026-08-01T10:00:00Z")
                direct.insert(name)
            }
            repositories[name] = (repo.path, github.folder)
            yaml += "  - name: \(name)\n"
            yaml += index % 4 == 0 ? "    url: file://\(repo.path)\n" : "    path: \(repo.path)\n"
            yaml += "    github_export: \(github.folder)\n"
        }
        list = folder + "/repos.yml"
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: list))
        self.names = names
        directPushes = direct
        self.repositories = repositories
    }
}
