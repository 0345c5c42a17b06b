import EvidenceTestSupport
import Foundation
import Testing

/// The fan-out files in deploy/, checked by the tools their engines' users run: actionlint (with shellcheck over
/// the `run:` scripts) for the GitHub Actions workflows, kubernetes-validate --strict against the current schema
/// for the Kubernetes manifests. Each checker is also shown a broken copy, so a checker that passes everything
/// fails the test.
@Suite struct DeployManifestTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy").path
    static let workflows = ["github-actions/git-evidence-org.yml", "github-actions/example-caller.yml"]
    static let manifests = ["kubernetes/storage.yaml", "kubernetes/export-job.yaml", "kubernetes/rollup-job.yaml"]

    private func text(_ file: String) throws -> String { try String(contentsOfFile: Self.deploy + "/" + file, encoding: .utf8) }

    @Test func theWorkflowsPassActionlint() throws {
        let actionlint = try GRCTools.path("actionlint")
        let result = try Command.run(actionlint, ["-shellcheck", "/usr/bin/shellcheck"] + Self.workflows.map { Self.deploy + "/" + $0 })
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // A matrix key the steps misname is what actionlint exists to catch.
        let broken = try TemporaryFolder.make("actionlint") + "/broken.yml"
        try Data(try text(Self.workflows[0]).replacingOccurrences(of: "Export shard ${{ matrix.shard }}", with: "Export shard ${{ matrix.shards }}").utf8)
            .write(to: URL(fileURLWithPath: broken))
        let caught = try Command.run(actionlint, [broken])
        #expect(caught.status != 0 && caught.stdout.contains("matrix"), "\(caught.stdout)")
    }

    @Test func theWorkflowShardsTheListAndRollsUpWhatEveryShardUploaded() throws {
        let workflow = try text(Self.workflows[0])
        #expect(workflow.contains("workflow_call:"))
        #expect(workflow.contains("max-parallel: ${{ inputs.max-parallel }}"))
        #expect(workflow.contains("git-evidence org --repos \"$REPOS\" --window \"$WINDOW\" --shard \"$SHARD/$SHARDS\""))
        #expect(workflow.contains("name: bundles-shard-${{ matrix.shard }}"))
        #expect(workflow.contains("pattern: bundles-shard-*"))
        #expect(workflow.contains("git-evidence rollup evidence/bundles/* --expect evidence/expected.txt"))
    }

    @Test func theManifestsPassKubernetesValidate() throws {
        let validate = try GRCTools.path("kubernetes-validate")
        let result = try Command.run(validate, ["--strict"] + Self.manifests.map { Self.deploy + "/" + $0 })
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("export-job.yaml passed for resource job/git-evidence-export"), "\(result.stdout)\(result.stderr)")
        let broken = try TemporaryFolder.make("kubernetes-validate") + "/broken.yaml"
        try Data(try text(Self.manifests[1]).replacingOccurrences(of: "backoffLimitPerIndex: 2", with: "backoffLimitPerIndex: two").utf8)
            .write(to: URL(fileURLWithPath: broken))
        #expect(try Command.run(validate, ["--strict", broken]).status != 0)
    }

    @Test func theIndexedJobPicksItsShardByItsCompletionIndex() throws {
        let job = try text(Self.manifests[1])
        #expect(job.contains("completionMode: Indexed"))
        #expect(job.contains("--shard \"$JOB_COMPLETION_INDEX/$SHARDS\""))
        let completions = job.components(separatedBy: "completions: ")[1].prefix { $0.isNumber }
        let shards = job.components(separatedBy: "name: SHARDS\n              value: \"")[1].prefix { $0.isNumber }
        #expect(completions == shards, "completions \(completions) but SHARDS \(shards)")
        #expect(try text(Self.manifests[2]).contains("git-evidence rollup /evidence/bundles/* --expect /evidence/expected.txt"))
    }
}
