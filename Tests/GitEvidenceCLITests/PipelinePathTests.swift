import EvidenceTestSupport
import Foundation
import Testing

/// A change to the pipeline that carries changes to production is itself a change to the production path (SPEC
/// §15): it joins the population as kind `pipeline`, with the review controls, and the migration and Terraform
/// controls are not applicable to it. A file named like a workflow somewhere else is not one.
@Suite struct PipelinePathTests {
    @Test func aWorkflowChangeJoinsThePopulationWithTheReviewControls() throws {
        let repo = try FixtureRepository("pipeline-path")
        try repo.write("drizzle/0000_init.sql", "CREATE TABLE users (id serial);\n")
        try repo.commit("Initial schema", date: "2026-06-20T10:00:00Z")
        try repo.write(".github/workflows/deploy.yml", "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx drizzle-kit migrate\n")
        let workflow = try repo.commit("Deploy on push", date: "2026-07-03T10:00:00Z")
        try repo.write("docs/examples/.github/workflows/sample.yml", "on: push\n")
        try repo.write("services/api/.gitlab-ci.yml", "deploy:\n  script: make deploy\n")
        try repo.write("package.json", "{\n  \"scripts\": {\"db:migrate\": \"drizzle-kit migrate\"},\n  \"dependencies\": {\"pg\": \"8.11.0\"}\n}\n")
        try repo.commit("Examples", date: "2026-07-04T10:00:00Z")
        // A dependency bump leaves the scripts as they were: not the deploy path.
        try repo.write("package.json", "{\n  \"scripts\": {\"db:migrate\": \"drizzle-kit migrate\"},\n  \"dependencies\": {\"pg\": \"8.12.0\"}\n}\n")
        try repo.commit("Bump pg", date: "2026-07-05T10:00:00Z")
        try repo.write("package.json", "{\n  \"scripts\": {\"db:migrate\": \"drizzle-kit push\"},\n  \"dependencies\": {\"pg\": \"8.12.0\"}\n}\n")
        try repo.commit("Push instead", date: "2026-07-06T10:00:00Z")
        // A Makefile counts by the targets the workflows run: `deploy` does, `lint` does not.
        try repo.write("Makefile", "deploy:\n\tnpx drizzle-kit migrate\n\nlint:\n\teslint .\n")
        try repo.write(".github/workflows/release.yml", "on: release\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make deploy\n")
        try repo.commit("Release by make", date: "2026-07-07T10:00:00Z")
        try repo.write("Makefile", "deploy:\n\tnpx drizzle-kit migrate\n\nlint:\n\teslint --fix .\n")
        try repo.commit("Lint harder", date: "2026-07-08T10:00:00Z")
        try repo.write("Makefile", "deploy:\n\tnpx drizzle-kit push\n\nlint:\n\teslint --fix .\n")
        try repo.commit("Deploy by push", date: "2026-07-09T10:00:00Z")
        let changes = try Binary.run(["changes", "--repo", repo.path, "--window", "2026-Q3"])
        #expect(changes.status == 0, "\(changes.stderr)")
        // The workflow, the package.json that brought scripts, and the one that changed them; not the bump.
        #expect(changes.stdout.split(separator: "\n").count == 5, "\(changes.stdout)")
        #expect(changes.stdout.contains("Release by make  [2 pipeline]"))
        #expect(changes.stdout.contains("Deploy by push  [1 pipeline]"))
        #expect(!changes.stdout.contains("Lint harder"))
        #expect(changes.stdout.contains("Deploy on push  [1 pipeline]"))
        #expect(changes.stdout.contains("Examples  [1 pipeline]"))
        #expect(changes.stdout.contains("Push instead  [1 pipeline]"))
        #expect(!changes.stdout.contains("Bump pg"))

        let run = try ExportRun(repo)
        let out = run.out
        let findings = run.findings
        var statuses = [String: String]()
        for finding in findings where finding["change"] as? String == workflow { statuses[finding["control"] as! String] = finding["status"] as? String }
        #expect(statuses["CC8.1-traceable"] == "fail")  // no pull request merged it
        #expect(statuses["CC8.1-independent-approval"] == "fail")
        #expect(statuses["CC8.1-tested"] == "fail")
        for control in ["CC8.1-migration-reversible", "CC8.1-migration-immutable", "CC8.1-deployed", "CC8.1-iac-pinned"] {
            #expect(statuses[control] == "not_applicable", "\(control)")
        }
        let record = try String(contentsOfFile: out + "/changes.jsonl", encoding: .utf8)
        #expect(record.contains("\"kind\":\"pipeline\""))
        let manifest = try String(contentsOfFile: out + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"pipeline_rules\""))
        let verified = try Binary.run(["verify", out, "--key", run.publicKey, "--repo", repo.path])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("ok    population:"), "\(verified.stdout)")
    }
}
