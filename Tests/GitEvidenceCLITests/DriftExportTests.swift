import EvidenceTestSupport
import Foundation
import Testing

/// `export --drift`: real `terraform plan -detailed-exitcode -json` runs (and a `terraform show -json` plan) of a
/// configuration of provider-free `terraform_data` resources on the local backend, drift made by changing the
/// configuration's input after the apply, carried into the bundle and judged per night and per workspace.
@Suite(.serialized) struct DriftExportTests {
    let scenario: LedgerScenario
    let key: String
    let publicKey: String

    init() throws {
        scenario = try LedgerScenario.shared.get()
        let keys = try SigningKeyPair("drift-key")
        key = keys.key
        publicKey = keys.publicKey
    }

    static let configuration = """
        variable "size" {
          type    = string
          default = "small"
        }

        resource "terraform_data" "server" {
          input = var.size
        }

        resource "terraform_data" "bucket" {
          input = "logs"
        }

        """

    /// Runs terraform in `folder` (no CLI configuration, no network: terraform_data is built in).
    static func terraform(_ arguments: [String], in folder: String) throws -> Command.Result {
        guard FileManager.default.isExecutableFile(atPath: "/usr/local/bin/terraform") || FileManager.default.isExecutableFile(atPath: "/usr/bin/terraform") else {
            throw PostgresServer.StartError.cannotStart("terraform is not installed (the machines here carry 1.11; see the Makefile's check)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["TF_CLI_CONFIG_FILE"] = "/dev/null"
        environment["TF_IN_AUTOMATION"] = "1"
        environment["CHECKPOINT_DISABLE"] = "1"
        return try Command.run("/usr/bin/env", ["terraform"] + arguments, environment: environment, currentDirectory: folder)
    }

    /// Three nights of workspace prod: clean, drifted (exit 2), and drifted again as `terraform show -json` of the plan.
    static func nights() throws -> String {
        let work = try TemporaryFolder.make("terraform")
        try configuration.write(toFile: work + "/main.tf", atomically: true, encoding: .utf8)
        for step in [["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]] {
            let run = try terraform(step, in: work)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let drift = try TemporaryFolder.make("drift") + "/drift"
        try FileManager.default.createDirectory(atPath: drift + "/prod", withIntermediateDirectories: true)
        let clean = try terraform(["plan", "-detailed-exitcode", "-json", "-input=false"], in: work)
        #expect(clean.status == 0, "no changes: exit 0")
        try clean.stdout.write(toFile: drift + "/prod/1-clean.json", atomically: true, encoding: .utf8)
        let drifted = try terraform(["plan", "-detailed-exitcode", "-json", "-input=false", "-var", "size=large"], in: work)
        #expect(drifted.status == 2, "changes: exit 2")
        try drifted.stdout.write(toFile: drift + "/prod/2-drifted.json", atomically: true, encoding: .utf8)
        #expect(try terraform(["plan", "-input=false", "-var", "size=large", "-out", "night.tfplan"], in: work).status == 0)
        let shown = try terraform(["show", "-json", "night.tfplan"], in: work)
        #expect(shown.status == 0)
        try shown.stdout.write(toFile: drift + "/prod/3-shown.json", atomically: true, encoding: .utf8)
        return drift
    }

    func export(_ extra: [String]) throws -> (Command.Result, String) {
        let output = try TemporaryFolder.make("drift-export") + "/evidence"
        // The plans ran now: the window is today's.
        let day = 86_400.0
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let from = formatter.string(from: Date().addingTimeInterval(-day)), to = formatter.string(from: Date().addingTimeInterval(day))
        let result = try Binary.run(["export", "--repo", scenario.repository.path, "--from", from, "--to", to, "--allow-open-window",
                                     "--github", scenario.github.folder, "--key", key, "--out", output] + extra)
        return (result, output)
    }

    @Test func eachNightIsAFindingAndAWorkspaceWithoutARunIsSaid() throws {
        let drift = try Self.nights()
        // Staging is known from an apply the event log records today, but has no drift run.
        let events = try TemporaryFolder.make("drift-events") + "/deploys.jsonl"
        let stamp = ISO8601DateFormatter().string(from: Date())
        try (#"{"event_id":"1","aggregate_id":"staging","event_type":"TerraformApplied","timestamp":"\#(stamp)","user_id":"deploy-bot","payload":{"commit":"\#(scenario.commits["prod"]!)","workspace":"staging","run_id":"r1"},"metadata":{}}"# + "\n")
            .write(toFile: events, atomically: true, encoding: .utf8)
        let (result, output) = try export(["--drift", drift, "--ledger", events])
        #expect(result.status == 0, "\(result.stderr)")
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/findings.json"))) as? [[String: Any]])
        let drifts = findings.filter { $0["control"] as? String == "CC8.1-iac-drift" }
        let byRun = Dictionary(drifts.map { (($0["detail"] as? String ?? "").split(separator: " ").first.map(String.init) ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byRun["inputs/ledgers/drift/prod@1-clean.json"]?["status"] as? String == "pass")
        let drifted = try #require(byRun["inputs/ledgers/drift/prod@2-drifted.json"])
        #expect(drifted["status"] as? String == "info" && drifted["change"] is NSNull)
        #expect((drifted["detail"] as? String)?.hasSuffix("workspace prod differs from its committed configuration in 1 resource(s): terraform_data.server (update).") == true)
        let shown = try #require(byRun["inputs/ledgers/drift/prod@3-shown.json"])
        #expect((shown["detail"] as? String)?.contains("terraform_data.server (update)") == true, "\(shown)")
        #expect(drifts.contains { ($0["detail"] as? String)?.hasPrefix("Workspace staging has no drift run in the window") == true })
        // The runs are carried verbatim, and verify re-derives the same findings from them.
        let copy = try Data(contentsOf: URL(fileURLWithPath: output + "/inputs/ledgers/drift/prod@2-drifted.json"))
        #expect(copy == (try Data(contentsOf: URL(fileURLWithPath: drift + "/prod/2-drifted.json"))))
        let verify = try Binary.run(["verify", output, "--key", publicKey, "--repo", scenario.repository.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func driftFailsWhereTheSettingsSaySo() throws {
        let drift = try Self.nights()
        let settings = try TemporaryFolder.make("drift-settings") + "/settings.yml"
        try "terraform:\n  drift: fail\n".write(toFile: settings, atomically: true, encoding: .utf8)
        let (result, output) = try export(["--drift", drift, "--config", settings])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("CC8.1-iac-drift 2"), "the two drifted nights fail: \(result.stdout)")
        let manifest = try String(contentsOfFile: output + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains(#""terraform_drift" : "fail""#))
    }

    @Test(arguments: [
        (#"{"format_version":"2.0","terraform_version":"2.0.0","timestamp":"2026-07-16T02:00:00Z"}"#, "format_version: '2.0' is not a plan format this tool reads (1.x)"),
        (#"{"@level":"info","@message":"Terraform 9","@timestamp":"2026-07-16T02:00:00Z","terraform":"9.0.0","type":"version","ui":"2.0"}"#,
         "line 1, ui: '2.0' is not a UI version this tool reads (1.x)"),
        ("{\"@level\":\"info\",\"@timestamp\":\"2026-07-16T02:00:00Z\",\"terraform\":\"1.11.4\",\"type\":\"version\",\"ui\":\"1.2\"}\nnot json\n",
         "line 2: not a JSON message of terraform plan -json"),
    ])
    func anUnreadablePlanIsOneLineNamingTheFile(text: String, reason: String) throws {
        let folder = try TemporaryFolder.make("drift-bad") + "/prod"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: folder + "/night.json", atomically: true, encoding: .utf8)
        let (result, output) = try export(["--drift", folder + "/night.json"])
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: \(folder)/night.json: \(reason)\n", "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
