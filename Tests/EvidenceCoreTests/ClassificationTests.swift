import EvidenceCore
import Foundation
import Testing

@Suite struct GlobTests {
    @Test(arguments: [
        ("**/migrations/**", "migrations/0001.sql", true),
        ("**/migrations/**", "apps/api/prisma/migrations/20240101_init/migration.sql", true),
        ("**/migrations/**", "migrations", false),
        ("**/migrations/**", "src/migrations.ts", false),
        ("**/*.tf", "main.tf", true),
        ("**/*.tf", "infra/prod/main.tf", true),
        ("**/*.tf", "infra/main.tf.bak", false),
        ("*.tf", "deep/in/it.tf", true),
        ("infra/**", "infra/a/b.txt", true),
        ("infra/**", "other/infra/b.txt", false),
        ("**/V[0-9]*__*.sql", "db/V1_2__add_users.sql", true),
        ("**/V[0-9]*__*.sql", "db/Vendor__list.sql", false),
        ("**/[0-9]*_*/migration.sql", "prisma/migration/20240101120000_init/migration.sql", true),
        ("**/[0-9]*_*/migration.sql", "docs/migration.sql", false),
        ("db/?.sql", "db/a.sql", true),
        ("db/[!a]*.sql", "db/a.sql", false),
    ])
    func matches(pattern: String, path: String, expected: Bool) {
        #expect(Glob(pattern).matches(path) == expected)
    }

    @Test func theLiteralPrefixLimitsWhereMatchesCanBe() {
        let glob = Glob("infra/prod/**")
        #expect(glob.literalPrefix == ["infra", "prod"])
        #expect(glob.mayMatch(under: "infra"))
        #expect(glob.mayMatch(under: "infra/prod/modules"))
        #expect(!glob.mayMatch(under: "infra/staging"))
        #expect(!glob.mayMatch(under: "app"))
        #expect(Glob("**/*.tf").mayMatch(under: "anything/at/all"))
    }
}

@Suite struct ClassifierTests {
    static let examples: [(String, PathKind?)] = [
        ("drizzle/0001_init.sql", .migration),
        ("drizzle/meta/_journal.json", .migration),
        ("packages/db/drizzle/0002_orders.sql", .migration),
        ("prisma/migrations/20240101120000_init/migration.sql", .migration),
        ("prisma/migration/20240101120000_init/migration.sql", .migration),
        ("db/migrate/20240101120000_create_users.rb", .migration),
        ("alembic/versions/1a2b3c_add_users.py", .migration),
        ("app/migrations/versions/1a2b3c_add_users.py", .migration),
        ("shop/migrations/0001_initial.py", .migration),
        ("src/main/resources/db/migration/V1_1__init.sql", .migration),
        ("sql/U1_1__init.sql", .migration),
        ("sql/R__views.sql", .migration),
        ("infra/main.tf", .infrastructure),
        ("infra/prod.tfvars", .infrastructure),
        ("infra/stack.tf.json", .infrastructure),
        ("infra/.terraform.lock.hcl", .infrastructure),
        ("main.tf", .infrastructure),
        // Look-alikes: named like one, but not one.
        ("src/db/migrate.ts", nil),
        ("docs/terraform-guide.md", nil),
        ("terraform.png", nil),
        ("docs/migrations.md", nil),
        ("src/drizzle.config.ts", nil),
        ("scripts/run-migrations.sh", nil),
        ("infra/README.md", nil),
        ("src/Vendor__list.sql", nil),
        // Real layouts: test code, documentation, configuration and helpers where migrations sit are not migrations;
        // data migrations are.
        ("spec/migrations/add_index_spec.rb", nil),
        ("backend/tests/fixtures/migrations/0001_initial.py", nil),
        ("app/test/migrations/0002_x.sql", nil),
        ("shop/migrations/__init__.py", .migration),
        ("shop/migrations/tasks/backfill.py", nil),
        ("shop/migrations/utils.py", nil),
        ("db/migrations/README.md", nil),
        ("prisma/migrations/README", nil),
        ("migrations/alembic.ini", nil),
        ("migrations/script.py.mako", nil),
        ("migrations/env.py", nil),
        ("migrations/versions/1a2b3c_add_users.py", .migration),
        ("db/data-migrations/20260701_backfill.sql", .migration),
        ("app/data_migrations/0001_fill.py", .migration),
        // The pipeline that carries changes to production: where each engine reads it, and nowhere else.
        (".github/workflows/deploy.yml", .pipeline),
        (".github/workflows/terraform.yaml", .pipeline),
        (".gitlab-ci.yml", .pipeline),
        (".gitlab/ci/deploy/migrate.yml", .pipeline),
        ("atlantis.yaml", .pipeline),
        ("docs/examples/.github/workflows/deploy.yml", nil),
        (".github/workflows/README.md", nil),
        ("services/api/.gitlab-ci.yml", nil),
        ("modules/atlantis.yaml", nil),
        ("package.json", .pipeline),  // its scripts: the collector keeps it only when they change
        ("apps/api/package.json", nil),
        ("Makefile", .pipeline),
        (".github/dependabot.yml", nil),
    ]

    @Test(arguments: examples)
    func defaultRules(path: String, expected: PathKind?) {
        #expect(PathClassifier.defaults.classify(path) == expected)
    }

    @Test func markerFoldersMakeEverythingBelowThemAMigration() {
        let classifier = PathClassifier.defaults
        #expect(classifier.classify("src/db/out/0003_x.sql", markers: ["meta/_journal.json"]) == .migration)
        #expect(classifier.classify("schema/20240101_init/migration.sql", markers: ["migration_lock.toml"]) == .migration)
        #expect(classifier.classify("src/db/out/0003_x.sql", markers: []) == nil)
    }
}

@Suite struct ConfigTests {
    @Test func addsRemovesAndIgnoresRules() throws {
        let config = try EvidenceConfig.parse("""
            paths:
              migrations:
                add: ["db/changes/**", "folder-with:flyway.conf"]
                remove: ["**/drizzle/**"]
              infrastructure:
                add: ["deploy/**/*.hcl"]
              pipeline:
                add: ["Jenkinsfile"]
                remove: ["/atlantis.yml"]
              ignore: ["vendor/**"]
            """, source: "test.yml")
        let classifier = config.classifier
        #expect(classifier.classify("Jenkinsfile") == .pipeline)
        #expect(classifier.classify("atlantis.yml") == nil)
        #expect(classifier.classify("atlantis.yaml") == .pipeline)
        #expect(Manifest.Parameters(config).pipelineRules?.last == "Jenkinsfile")
        #expect(classifier.classify("db/changes/0001.sql") == .migration)
        #expect(classifier.classify("drizzle/0001.sql") == nil)
        #expect(classifier.classify("deploy/prod/app.hcl") == .infrastructure)
        #expect(classifier.classify("vendor/lib/migrations/0001.sql") == nil)
        #expect(classifier.classify("vendor/main.tf") == nil)
        #expect(classifier.classify("conf/V1__x.sql", markers: ["flyway.conf"]) == .migration)
        #expect(classifier.classify("conf/x.sql", markers: ["flyway.conf"]) == .migration)
        #expect(classifier.directoryMarkers.contains("flyway.conf"))
        #expect(!classifier.mayMatch(under: "vendor"))
        #expect(config.source == "test.yml")
    }

    @Test func anEmptyFileMeansTheDefaults() throws {
        let config = try EvidenceConfig.parse("", source: "empty.yml")
        #expect(config.classifier.migrationRules == PathRule.defaultMigrationRules)
        #expect(config.classifier.infrastructureRules == PathRule.defaultInfrastructureRules)
    }

    @Test(arguments: [
        ("pathz: {}", "cfg.yml: pathz: unknown key (expected one of: approvals, checks, down_migrations, paths, terraform)"),
        ("paths:\n  migration: {}", "cfg.yml: paths.migration: unknown key (expected one of: ignore, infrastructure, migrations, pipeline)"),
        ("paths:\n  migrations:\n    remove: [\"**/nope/**\"]", "cfg.yml: paths.migrations.remove[0]: '**/nope/**' is not one of the default migrations rules"),
        ("paths:\n  ignore: vendor", "cfg.yml: paths.ignore: expected a list"),
        ("approvals:\n  required: two", "cfg.yml: approvals.required: expected a whole number, 0 or more"),
        ("- a\n- b", "cfg.yml: top level: expected a mapping"),
        ("terraform:\n  drift: maybe", "cfg.yml: terraform.drift: expected info or fail"),
        ("terraform:\n  drfit: fail", "cfg.yml: terraform.drfit: unknown key (expected one of: deploy_roles, drift)"),
    ])
    func badSettingsNameTheFileAndTheKey(yaml: String, message: String) {
        #expect(throws: EvidenceError.self) { try EvidenceConfig.parse(yaml, source: "cfg.yml") }
        do {
            _ = try EvidenceConfig.parse(yaml, source: "cfg.yml")
        } catch {
            #expect(String(describing: error) == message)
        }
    }

    @Test func invalidYAMLIsOneLine() {
        do {
            _ = try EvidenceConfig.parse("paths: [unclosed", source: "cfg.yml")
            Issue.record("expected an error")
        } catch {
            let text = String(describing: error)
            #expect(text.hasPrefix("cfg.yml: invalid YAML: "))
            #expect(!text.contains("\n"))
        }
    }
}

/// A bundle made before pipeline files were a kind records no pipeline rules: its parameters still agree with its
/// settings, and verify --repo derives its population without them.
@Suite struct PipelineRulesCompatibilityTests {
    @Test func aManifestWithoutPipelineRulesAgreesWithItsSettings() throws {
        let current = Manifest.Parameters(EvidenceConfig.defaults)
        #expect(current.pipelineRules == PathRule.defaultPipelineRules.map(\.description))
        var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(current)) as? [String: Any])
        json["pipeline_rules"] = nil
        let older = try JSONDecoder().decode(Manifest.Parameters.self, from: try JSONSerialization.data(withJSONObject: json))
        #expect(older.pipelineRules == nil)
        #expect(older.sameRules(as: current) && current.sameRules(as: older))
        json["pipeline_rules"] = ["Jenkinsfile"]
        let other = try JSONDecoder().decode(Manifest.Parameters.self, from: try JSONSerialization.data(withJSONObject: json))
        #expect(!other.sameRules(as: current))
        #expect(EvidenceConfig.defaults.classifier.withoutPipeline.classify(".github/workflows/deploy.yml") == nil)
    }
}
