import EvidenceTestSupport
import Foundation
import Testing

/// `CC8.1-migrations-committed` end to end on real-world layouts: a Drizzle project whose `out` folder was never
/// committed while its schema went out by `drizzle-kit push`, and a monorepo where every setup is as it should be,
/// or cannot be told, or keeps no migrations.
@Suite struct MigrationsCommittedTests {
    private func export(_ repo: FixtureRepository) throws -> [[String: Any]] {
        try ExportRun(repo).findings(of: "CC8.1-migrations-committed")
    }

    @Test func aDrizzleProjectWhoseOutFolderWasNeverCommittedFails() throws {
        let repo = try FixtureRepository("drizzle-push")
        try repo.write("src/db/schema.ts", "export const users = pgTable(\"users\", { id: serial(\"id\") });\n")
        try repo.write("drizzle.config.ts", """
            import { defineConfig } from "drizzle-kit";
            export default defineConfig({
              schema: "./src/db/schema.ts",
              // out: "./drizzle",
              out: "./src/db/migrations",
              dialect: "postgresql",
            });

            """)
        try repo.write("package.json", "{\n  \"scripts\": {\n    \"db:push\": \"drizzle-kit push\"\n  }\n}\n")
        try repo.commit("Schema", date: "2026-06-20T10:00:00Z")
        try repo.write("src/db/schema.ts", "export const users = pgTable(\"users\", { id: serial(\"id\"), email: text(\"email\") });\n")
        try repo.write("drizzle.config.ts", """
            import { defineConfig } from "drizzle-kit";
            export default defineConfig({ schema: "./src/db/schema.ts", out: "./src/db/migrations", dialect: "postgresql", strict: true });

            """)
        let change = try repo.commit("Strict push", date: "2026-07-10T10:00:00Z")
        let findings = try export(repo)
        #expect(findings.count == 2, "\(findings)")
        #expect(findings.allSatisfy { $0["status"] as? String == "fail" && $0["paths"] as? [String] == ["drizzle.config.ts"] })
        #expect(findings.allSatisfy { $0["change"] is NSNull })
        let head = try #require(findings.first { ($0["detail"] as? String ?? "").hasPrefix("At the branch head") })
        #expect((head["detail"] as? String ?? "").contains("names the out folder src/db/migrations, which the branch does not hold"))
        #expect((head["detail"] as? String ?? "").contains("drizzle-kit push"))
        #expect(findings.contains { ($0["detail"] as? String ?? "").hasPrefix("As changed in \(change.prefix(12)) (2026-07-10T10:00:00Z)") })
    }

    @Test func aMonorepoWithEverySetupJudgedOnItsOwn() throws {
        let repo = try FixtureRepository("committed-monorepo")
        try repo.write("apps/api/drizzle.config.json", "{\"schema\": \"./src/schema.ts\", \"dialect\": \"postgresql\"}\n")  // out defaults to drizzle
        try repo.write("apps/api/drizzle/0000_init.sql", "CREATE TABLE users (id serial);\n")
        try repo.write("apps/api/drizzle/meta/_journal.json", "{\"entries\": []}\n")
        try repo.write("apps/web/prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n")
        try repo.write("apps/web/prisma/migrations/20260101000000_init/migration.sql", "CREATE TABLE posts (id serial);\n")
        try repo.write("apps/web/prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n")
        try repo.write("apps/events/schema.prisma", "datasource db {\n  provider = \"mongodb\"\n  url = env(\"MONGO_URL\")\n}\n")
        try repo.write("apps/jobs/drizzle.config.ts", "export default { schema: \"./schema.ts\", out: path.join(__dirname, \"migrations\") };\n")
        try repo.write("apps/empty/drizzle.config.ts", "export default { out: \"./drizzle\" };\n")
        try repo.write("apps/empty/drizzle/.gitkeep", "")
        try repo.write("node_modules/drizzle-kit/drizzle.config.ts", "export default { out: \"./nowhere\" };\n")
        try repo.commit("Monorepo", date: "2026-06-20T10:00:00Z")
        let findings = try export(repo)
        var statuses = [String: String]()
        for finding in findings { statuses[(finding["paths"] as? [String])?.first ?? ""] = finding["status"] as? String }
        #expect(statuses == [
            "apps/api/drizzle.config.json": "pass",
            "apps/web/prisma/schema.prisma": "pass",
            "apps/events/schema.prisma": "not_applicable",
            "apps/jobs/drizzle.config.ts": "info",
            "apps/empty/drizzle.config.ts": "fail",
        ], "\(findings)")
        let jobs = try #require(findings.first { ($0["paths"] as? [String])?.first == "apps/jobs/drizzle.config.ts" })
        #expect((jobs["detail"] as? String ?? "").contains("its out is computed, not a string literal"))
    }

    @Test func aRepositoryWithNeitherToolSaysSoOnce() throws {
        let repo = try FixtureRepository("committed-none")
        try repo.write("db/migrate/20260701000000_create_users.rb", "class CreateUsers < ActiveRecord::Migration[7.1]; end\n")
        try repo.commit("Rails", date: "2026-07-01T10:00:00Z")
        let findings = try export(repo)
        #expect(findings.count == 1)
        #expect(findings.first?["status"] as? String == "not_applicable")
    }
}
