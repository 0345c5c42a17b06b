import EvidenceTestSupport
import Foundation
import Testing

/// One export of a fixture repository with an empty pull-request export (and, when given, its environments), signed
/// with a key made for it: what the design tests read.
struct ExportRun {
    let out: String
    let publicKey: String
    let findings: [[String: Any]]

    init(_ repo: FixtureRepository, environments: Any? = nil) throws {
        let github = try GitHubExportFixture(in: (repo.path as NSString).deletingLastPathComponent)
        try github.write("pulls.json", [Any]())
        try? FileManager.default.removeItem(atPath: github.folder + "/environments.json")
        if let environments { try github.write("environments.json", environments) }
        let keys = try TemporaryFolder.make("export-run-key")
        let key = keys + "/signing.key.pem"
        publicKey = keys + "/signing.pub.pem"
        #expect(try Command.run("/usr/bin/env", ["openssl", "genpkey", "-algorithm", "ed25519", "-out", key]).status == 0)
        #expect(try Command.run("/usr/bin/env", ["openssl", "pkey", "-in", key, "-pubout", "-out", publicKey]).status == 0)
        #expect(chmod(key, 0o600) == 0)
        out = try TemporaryFolder.make("export-run") + "/evidence"
        let result = try Binary.run(["export", "--repo", repo.path, "--window", "2026-Q3", "--github", github.folder, "--key", key, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        findings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/findings.json"))) as? [[String: Any]])
    }

    /// The findings of one control.
    func findings(of control: String) -> [[String: Any]] { findings.filter { $0["control"] as? String == control } }
}
