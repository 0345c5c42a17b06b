import EvidenceTestSupport
import Foundation
import Testing

@Suite struct DemoTests {
    /// What `make demo` runs, with the binary under test and a scratch folder (no package installs).
    @Test func theDemoRunsTheWholeFlowAndTheBundleVerifies() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let work = try TemporaryFolder.make("demo")
        var environment = ProcessInfo.processInfo.environment
        environment["DEMO_WORK"] = work
        let result = try Command.run("/bin/bash", [root.appendingPathComponent("scripts/demo.sh").path, Binary.path], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("wrote \(work)/evidence-2026-Q3: 3 changes, 36 findings, 9 failing"))
        #expect(result.stdout.contains("verified: \(work)/evidence-2026-Q3\n"))
        #expect(result.stdout.contains("ok    population: re-derived 3 changes"))
        #expect(result.stdout.contains("CC8.1-traceable                10d30bbdfcf3  No merged pull request: pushed directly to the branch."))
        #expect(result.stdout.contains("CC8.1-applied-as-reviewed      -             inputs/ledgers/drizzle/drizzle_migrations.csv row 3 ran with checksum "))
        // An apply from pull request #43's head before its merge is judged by #43's approval, which no one independent gave.
        #expect(result.stdout.contains("CC8.1-applied-after-approval   11c56646002d  inputs/ledgers/events/deploy-events.jsonl line 2 "
            + "(2026-07-20T12:00:00Z, by carol, run tf-311) applied workspace prod from commit b0396da313c0 but pull request #43 has no qualifying approval."))
        #expect(!result.stdout.contains("CC8.1-iac-applied-from-branch"), "from the pull request's branch is not called off-branch")
        #expect(FileManager.default.fileExists(atPath: work + "/evidence-2026-Q3.tar.gz"))
        #expect(result.stdout.contains("the auditor's report: \(work)/evidence-2026-Q3/report.html (and report.md), signed with the bundle"))
        #expect(FileManager.default.fileExists(atPath: work + "/evidence-2026-Q3/report.html"))
        #expect(result.stdout.contains("  approved by carol\n"))
        #expect(result.stdout.contains("  ran     production 2026-07-07T15:10:00Z by deploy-bot run gh-8812 (\(work)/ledgers/deploy-events.jsonl:1)\n"))
        #expect(result.stdout.contains("  revert  down migration drizzle/0001_orders.down.sql"))
    }
}
