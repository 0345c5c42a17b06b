import EvidenceTestSupport
import Foundation
import Testing

/// `CC8.1-deploy-path-reviewed` on the shapes the seed documents describe, read from a repository's workflows with
/// the GitHub export's environments: a Drizzle project whose deploy workflow reaches `drizzle-kit push` through
/// `npm run db:push`; a generate-and-migrate pipeline; `terraform apply -auto-approve` behind an environment with
/// required reviewers and behind one without; a test job that resets a service-container database.
@Suite struct DeployPathTests {
    private func findings(_ repo: FixtureRepository, environments: Any?) throws -> [[String: Any]] {
        try ExportRun(repo, environments: environments).findings(of: "CC8.1-deploy-path-reviewed")
    }

    private func detail(_ finding: [String: Any]) -> String { finding["detail"] as? String ?? "" }

    @Test func aDeployWorkflowReachingDrizzleKitPushThroughPackageScriptsFails() throws {
        let repo = try FixtureRepository("deploy-push")
        try repo.write("drizzle.config.ts", "export default { schema: \"./src/schema.ts\", out: \"./drizzle\", dialect: \"postgresql\" };\n")
        try repo.write("package.json", "{\n  \"scripts\": {\n    \"db:push\": \"drizzle-kit push\",\n    \"deploy\": \"npm run db:push && node server.js\"\n  }\n}\n")
        try repo.write(".github/workflows/deploy.yml", """
            name: Deploy
            on:
              push:
                branches: [main]
            jobs:
              deploy:
                runs-on: ubuntu-latest
                environment: production
                steps:
                  - uses: actions/checkout@v4
                  - run: npm ci
                  - name: Migrate and start
                    run: |
                      echo "deploying"
                      npm run deploy

            """)
        try repo.commit("Deploy by push", date: "2026-07-02T10:00:00Z")
        let found = try findings(repo, environments: nil)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?["status"] as? String == "fail")
        #expect(detail(found[0]).hasPrefix(".github/workflows/deploy.yml:15, job deploy runs drizzle-kit push (npm run deploy → package.json scripts.deploy → npm run db:push → package.json scripts.db:push)"), "\(detail(found[0]))")
    }

    @Test func aGenerateAndMigratePipelineAndATestJobThatResetsItsServiceDatabaseAreNoFinding() throws {
        let repo = try FixtureRepository("deploy-migrate")
        try repo.write("package.json", "{\"scripts\": {\"db:migrate\": \"prisma migrate deploy\", \"test:db\": \"prisma migrate reset --force\"}}\n")
        try repo.write(".github/workflows/ci.yml", """
            on: [push, pull_request]
            jobs:
              integration:
                runs-on: ubuntu-latest
                services:
                  postgres:
                    image: postgres:16
                env:
                  DATABASE_URL: postgresql://postgres:postgres@localhost:5432/test
                steps:
                  - run: npm run test:db
              deploy:
                needs: integration
                runs-on: ubuntu-latest
                environment: production
                steps:
                  - run: npx prisma migrate deploy

            """)
        try repo.commit("CI", date: "2026-07-02T10:00:00Z")
        let found = try findings(repo, environments: nil)
        #expect(found.map { $0["status"] as? String } == ["pass"], "\(found)")
        #expect(detail(found[0]).contains("2 workflow jobs read at"))
        #expect(detail(found[0]).contains("(1 deploying)"))
    }

    @Test func terraformApplyIsJudgedByItsEnvironmentsRequiredReviewers() throws {
        let repo = try FixtureRepository("deploy-terraform")
        try repo.write("infra/main.tf", "terraform {\n  required_version = \">= 1.6\"\n}\n")
        try repo.write(".github/workflows/terraform.yml", """
            on:
              push:
                branches: [main]
            jobs:
              apply-production:
                runs-on: ubuntu-latest
                environment:
                  name: production
                  url: https://app.example.com
                steps:
                  - run: terraform -chdir=infra apply -auto-approve
              apply-staging:
                runs-on: ubuntu-latest
                environment: staging
                steps:
                  - run: terraform -chdir=infra apply -auto-approve

            """)
        try repo.commit("Terraform", date: "2026-07-02T10:00:00Z")
        let environments: [String: Any] = ["total_count": 2, "environments": [
            ["id": 1, "name": "production", "html_url": "https://github.com/acme/api/deployments/activity_log?environments_filter=production",
             "protection_rules": [["id": 3, "type": "required_reviewers", "prevent_self_review": true,
                                   "reviewers": [["type": "User", "reviewer": ["login": "alice", "id": 1]], ["type": "Team", "reviewer": ["slug": "ops", "id": 2]]]],
                                  ["id": 4, "type": "wait_timer", "wait_timer": 10]],
             "deployment_branch_policy": ["protected_branches": true, "custom_branch_policies": false]],
            ["id": 2, "name": "staging", "protection_rules": [], "deployment_branch_policy": NSNull()],
        ]]
        let found = try findings(repo, environments: environments)
        let statuses = Dictionary(uniqueKeysWithValues: found.map { (detail($0).components(separatedBy: " runs ")[0], $0["status"] as? String ?? "") })
        #expect(statuses == [".github/workflows/terraform.yml:11, job apply-production": "pass",
                             ".github/workflows/terraform.yml:16, job apply-staging": "fail"], "\(found)")
        #expect(found.contains { detail($0).contains("production: 2 required reviewers (alice, ops), a 10-minute wait, protected branches only") })
        #expect(found.contains { detail($0).contains("staging, which has no required reviewers (no protection rules)") })
        // Without the environments exported, the gate is not known: info, never a pass.
        let unknown = try findings(repo, environments: nil)
        #expect(unknown.map { $0["status"] as? String } == ["info", "info"], "\(unknown)")
    }

    @Test func gitLabJobsAndAtlantisProjectsAreJudgedByTheirOwnGates() throws {
        let repo = try FixtureRepository("deploy-gitlab-atlantis")
        try repo.write(".gitlab-ci.yml", """
            variables:
              NODE_ENV: production
            stages: [test, deploy]
            test:
              stage: test
              services: [postgres:16]
              script:
                - npx prisma migrate reset --force
            migrate:
              stage: deploy
              environment: production
              script:
                - npm ci
                - npx prisma db push
            terraform:
              stage: deploy
              script:
                - terraform apply -auto-approve
            .template:
              script: [drizzle-kit push]

            """)
        try repo.write("atlantis.yaml", """
            version: 3
            projects:
              - dir: infra/prod
                apply_requirements: [approved, mergeable]
              - dir: infra/staging
                apply_requirements: [mergeable]
              - dir: infra/dev
            workflows:
              custom:
                apply:
                  steps:
                    - run: terraform apply -auto-approve $PLANFILE

            """)
        try repo.commit("GitLab CI and Atlantis", date: "2026-07-02T10:00:00Z")
        let found = try findings(repo, environments: nil)
        let byPlace = Dictionary(uniqueKeysWithValues: found.map { (detail($0).components(separatedBy: ": ")[0].components(separatedBy: " runs ")[0]
                                                                        .components(separatedBy: " sets ")[0], $0["status"] as? String ?? "") })
        #expect(byPlace == [
            ".gitlab-ci.yml:14, job migrate": "fail",  // prisma db push in a deploy job
            ".gitlab-ci.yml:18, job terraform": "fail",  // no environment, not manual
            "atlantis.yaml:3, project infra/prod:default": "pass",
            "atlantis.yaml:5, project infra/staging:default": "fail",
            "atlantis.yaml:7, project infra/dev:default": "info",
        ], "\(found.map(detail))")
    }

    @Test func makeTargetsAreFollowedIntoTheMakefile() throws {
        let repo = try FixtureRepository("deploy-make")
        try repo.write("Makefile", ".PHONY: migrate\n# Applies the schema\nmigrate: build\n\t@echo migrating\n\t-npx prisma db push --accept-data-loss\n\nbuild:\n\tnpm run build\n")
        try repo.write(".github/workflows/release.yml", "on: { release: { types: [published] } }\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make -s migrate\n")
        try repo.commit("Release by make", date: "2026-07-02T10:00:00Z")
        let found = try findings(repo, environments: nil)
        #expect(found.map { $0["status"] as? String } == ["fail"], "\(found)")
        #expect(detail(found[0]).hasPrefix(".github/workflows/release.yml:6, job release runs prisma db push (make -s migrate → Makefile target migrate)"), "\(detail(found[0]))")
    }
}
