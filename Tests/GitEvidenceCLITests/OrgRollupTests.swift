import EvidenceTestSupport
import Foundation
import Testing

/// `org` over 24 repositories with two jobs, then `rollup` over what it wrote: every bundle verifies, a tampered one
/// is named as not verified (and its findings never counted), an expected repository without a bundle is listed as
/// missing, and the roll-up itself verifies and is byte-identical when made again. The exports run once per suite.
@Suite(.serialized) struct OrgRollupTests {
    /// One `org` run over the fleet, shared by the suite.
    final class Run: Sendable {
        let fleet: FleetFixture
        let out: String
        let key: String
        let publicKey: String
        let result: Command.Result

        static let shared = Result { try Run() }

        private init() throws {
            fleet = try FleetFixture.shared.get()
            let keys = try TemporaryFolder.make("fleet-key")
            key = keys + "/signing.key.pem"
            publicKey = keys + "/signing.pub.pem"
            guard try Command.run("/usr/bin/env", ["openssl", "genpkey", "-algorithm", "ed25519", "-out", key]).status == 0,
                  try Command.run("/usr/bin/env", ["openssl", "pkey", "-in", key, "-pubout", "-out", publicKey]).status == 0, chmod(key, 0o600) == 0 else {
                throw FixtureError.commandFailed("openssl could not make the fleet's key")
            }
            out = try TemporaryFolder.make("org") + "/evidence"
            result = try Binary.run(["org", "--repos", fleet.list, "--window", "2026-Q3", "--jobs", "2", "--key", key, "--out", out,
                                     "--as-of", "2026-10-01T00:00:00Z", "--oscal"])
        }

        func bundle(_ name: String) -> String { out + "/bundles/" + name.replacingOccurrences(of: "/", with: "_") }
    }

    private func rollup(_ run: Run, _ bundles: [String], extra: [String] = [], out: String? = nil) throws -> (Command.Result, String) {
        let output = try out ?? (TemporaryFolder.make("rollup") + "/rollup")
        let result = try Binary.run(["rollup"] + bundles + ["--trusted-key", run.publicKey, "--key", run.key, "--out", output,
                                                             "--as-of", "2026-10-02T00:00:00Z"] + extra)
        return (result, output)
    }

    private func record(_ folder: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/rollup.json"))) as? [String: Any])
    }

    private func entries(_ folder: String) throws -> [[String: Any]] {
        try #require(try record(folder)["repositories"] as? [[String: Any]])
    }

    /// A copy of the fleet's bundles to tamper with, leaving the shared ones intact.
    private func copyOfBundles(_ run: Run) throws -> String {
        let copy = try TemporaryFolder.make("bundles-copy") + "/bundles"
        try FileManager.default.copyItem(atPath: run.out + "/bundles", toPath: copy)
        return copy
    }

    @Test func orgExportsEveryRepositoryTwoAtATimeWithALineEach() throws {
        let run = try Run.shared.get()
        #expect(run.result.status == 0, "\(run.result.stdout)\(run.result.stderr)")
        let lines = run.result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("[") }.count == 24)
        #expect(lines.last == "24 of 24 bundles written to \(run.out)/bundles")
        for name in run.fleet.names {
            #expect(lines.contains { $0.contains("] \(name): ") }, "\(name)")
        }
        let jobs = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.out + "/org.json"))) as? [[String: Any]])
        #expect(jobs.count == 24)
        // wait4's rusage gives each job's own peak: a real process's, megabytes, not zero.
        #expect(jobs.allSatisfy { ($0["peak_kilobytes"] as? Int ?? 0) > 1024 })
        let expected = try String(contentsOfFile: run.out + "/expected.txt", encoding: .utf8)
        #expect(expected == run.fleet.names.map { $0 + "\n" }.joined())
    }

    @Test func theRollupVerifiesEveryBundleAndCountsFailingControlsWhereTheyAre() throws {
        let run = try Run.shared.get()
        let bundles = run.fleet.names.map(run.bundle)
        let (result, output) = try rollup(run, bundles, extra: ["--expect", run.out + "/expected.txt"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("wrote \(output): 24 repositories, 24 verified, 0 not verified, 0 missing"))
        let rows = try entries(output)
        #expect(rows.count == 24)
        for row in rows {
            let name = try #require(row["name"] as? String)
            #expect(row["status"] as? String == "verified")
            let digest = try #require(row["sha256sums"] as? String)
            let sums = try Command.run("/usr/bin/env", ["sha256sum", run.bundle(name) + "/SHA256SUMS"]).stdout
            #expect(sums.hasPrefix(digest + " "))
            let failing = try #require(row["failing_controls"] as? [String: Int])
            #expect((failing["CC8.1-traceable"] != nil) == run.fleet.directPushes.contains(name), "\(name): \(failing)")
        }
        let report = try String(contentsOfFile: output + "/report.md", encoding: .utf8)
        #expect(report.contains("| `CC8.1-traceable` Changes arrive through pull requests | 16 | 8 | 0 |"), "\(report)")
        let verify = try Binary.run(["verify", output, "--key", run.publicKey])
        #expect(verify.status == 0, "\(verify.stdout)")
        let stock = try Command.run("/bin/sh", ["VERIFY.txt"], environment: ["TRUSTED": run.publicKey, "PATH": "/usr/bin:/bin"], currentDirectory: output)
        #expect(stock.status == 0 && stock.stdout.contains("verified: SHA256SUMS is signed"), "\(stock.stdout)\(stock.stderr)")
        #expect(verify.stdout.contains("rollup: 24 repositories: 24 verified, 0 not verified, 0 missing"))
    }

    @Test func aTamperedBundleIsNotVerifiedAndAMissingRepositoryIsListed() throws {
        let run = try Run.shared.get()
        let copy = try copyOfBundles(run)
        // svc-03 had a direct push: its findings are made to say everything passed.
        let findings = copy + "/acme_svc-03/findings.json"
        let text = try String(contentsOfFile: findings, encoding: .utf8).replacingOccurrences(of: "\"fail\"", with: "\"pass\"")
        try Data(text.utf8).write(to: URL(fileURLWithPath: findings))
        let expect = try TemporaryFolder.make("expect") + "/repos.txt"
        try Data((run.fleet.names + ["acme/billing  # onboarded late"]).map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: expect))
        let bundles = run.fleet.names.map { copy + "/" + $0.replacingOccurrences(of: "/", with: "_") }
        let (result, output) = try rollup(run, bundles, extra: ["--expect", expect])
        #expect(result.status == 1)
        #expect(result.stdout.contains("25 repositories, 23 verified, 1 not verified, 1 missing"), "\(result.stdout)")
        #expect(result.stdout.contains("NOT VERIFIED  acme/svc-03: files: do not match SHA256SUMS: findings.json"))
        #expect(result.stdout.contains("MISSING       acme/billing"))
        let rows = Dictionary(uniqueKeysWithValues: try entries(output).map { ($0["name"] as! String, $0) })
        let tampered = try #require(rows["acme/svc-03"])
        #expect(tampered["status"] as? String == "not-verified")
        #expect(tampered["findings"] is NSNull)  // nothing an unverified bundle says is counted
        #expect((tampered["failing_controls"] as? [String: Int])?.isEmpty == true)
        #expect(rows["acme/billing"]?["status"] as? String == "missing")
        // The roll-up itself is sound: it records the failure honestly.
        #expect(try Binary.run(["verify", output, "--key", run.publicKey]).status == 0)
    }

    @Test func aRollupIsByteIdenticalWhenMadeAgainAndItsRecordCannotBeAltered() throws {
        let run = try Run.shared.get()
        // A .tar.gz member: export --archive's archive of the fifth repository's bundle.
        let fifth = run.fleet.names[4], place = try #require(run.fleet.repositories[fifth])
        let again = try TemporaryFolder.make("archive") + "/svc-05"
        let archive = try Binary.run(["export", "--repo", place.path, "--github", place.github, "--window", "2026-Q3", "--key", run.key, "--out", again,
                                      "--as-of", "2026-10-01T00:00:00Z", "--repo-name", fifth, "--archive"])
        #expect(archive.status == 0, "\(archive.stderr)")
        let bundles = Array(run.fleet.names.prefix(4).map(run.bundle)) + [again + ".tar.gz"]
        let (first, one) = try rollup(run, bundles, extra: ["--oscal"])
        let (second, two) = try rollup(run, bundles, extra: ["--oscal"])
        #expect(first.status == 0 && second.status == 0, "\(first.stdout)\(first.stderr)")
        for file in ["SHA256SUMS", "SHA256SUMS.sig", "attestation.intoto.json", "rollup.json", "report.html", "repositories.csv", "oscal/assessment-results.json"] {
            #expect(FileManager.default.contents(atPath: one + "/" + file) == FileManager.default.contents(atPath: two + "/" + file), "\(file)")
        }
        #expect(try entries(one).contains { ($0["bundle"] as? String ?? "").hasSuffix(".tar.gz") && $0["status"] as? String == "verified" })
        // A repository renamed in the record is caught: SHA256SUMS, signed, no longer matches it.
        let altered = try String(contentsOfFile: one + "/rollup.json", encoding: .utf8).replacingOccurrences(of: "acme/svc-01", with: "acme/svc-99")
        try Data(altered.utf8).write(to: URL(fileURLWithPath: one + "/rollup.json"))
        let verify = try Binary.run(["verify", one, "--key", run.publicKey])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("FAIL  files: do not match SHA256SUMS: rollup.json"), "\(verify.stdout)")
        #expect(verify.stdout.contains("FAIL  rollup: rollup.json is missing, altered or not a roll-up"))
    }

    @Test func oscalAssessmentResultsValidateWithComplianceTrestle() throws {
        let run = try Run.shared.get()
        let (result, output) = try rollup(run, Array(run.fleet.names.prefix(3).map(run.bundle)), extra: ["--oscal"])
        #expect(result.status == 0)
        let workspace = try TemporaryFolder.make("trestle")
        let trestle = try GRCTools.path("trestle")
        #expect(try Command.run(trestle, ["init"], currentDirectory: workspace).status == 0)
        for (name, file) in [("export", run.bundle(run.fleet.names[2]) + "/oscal/assessment-results.json"), ("rollup", output + "/oscal/assessment-results.json")] {
            let model = workspace + "/assessment-results/\(name)/assessment-results.json"
            try FileManager.default.createDirectory(atPath: (model as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: file, toPath: model)
            let validated = try Command.run(trestle, ["validate", "-f", model], currentDirectory: workspace)
            #expect(validated.status == 0 && validated.stdout.contains("VALID"), "\(name): \(validated.stdout)\(validated.stderr)")
        }
        // One observation per finding, each citing its bundle's SHA256SUMS digest; only passes are satisfied.
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/oscal/assessment-results.json"))) as? [String: Any])
        let results = try #require((document["assessment-results"] as? [String: Any])?["results"] as? [[String: Any]])
        #expect(results.count == 3)
        for (index, oscal) in results.enumerated() {
            let bundle = run.bundle(run.fleet.names[index])
            let findings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/findings.json"))) as? [[String: Any]])
            let observations = try #require(oscal["observations"] as? [[String: Any]])
            #expect(observations.count == findings.count)
            let digest = String(try Command.run("/usr/bin/env", ["sha256sum", bundle + "/SHA256SUMS"]).stdout.prefix(64))
            #expect(observations.allSatisfy { (($0["relevant-evidence"] as? [[String: Any]])?.first?["description"] as? String ?? "").contains(digest) })
            let states = (oscal["findings"] as? [[String: Any]] ?? []).compactMap { (($0["target"] as? [String: Any])?["status"] as? [String: Any])?["state"] as? String }
            #expect(states.filter { $0 == "satisfied" }.count == findings.filter { $0["status"] as? String == "pass" }.count)
        }
    }

    @Test func anExportsOSCALDocumentIsDerivedAgainByVerify() throws {
        let run = try Run.shared.get()
        let copy = try copyOfBundles(run) + "/acme_svc-06"
        #expect(try Binary.run(["verify", copy, "--key", run.publicKey]).stdout.contains("ok    oscal: oscal/assessment-results.json is what the signed findings"))
        // Stock tools too: VERIFY.txt leaves the derived document out of the unlisted check and asks that it name
        // this SHA256SUMS.
        let stock = try Command.run("/bin/sh", ["VERIFY.txt"], environment: ["TRUSTED": run.publicKey, "PATH": "/usr/bin:/bin"], currentDirectory: copy)
        #expect(stock.status == 0, "\(stock.stdout)\(stock.stderr)")
        let file = copy + "/oscal/assessment-results.json"
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\"not-satisfied\"", with: "\"satisfied\"")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let verify = try Binary.run(["verify", copy, "--key", run.publicKey])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("FAIL  oscal: oscal/assessment-results.json is not what the signed findings and SHA256SUMS give"))
    }

    @Test func oneFailingRepositoryDoesNotStopTheOthers() throws {
        let run = try Run.shared.get()
        let list = try TemporaryFolder.make("org-broken") + "/repos.yml"
        let fleet = try String(contentsOfFile: run.fleet.list, encoding: .utf8)
        let entries = fleet.components(separatedBy: "  - name: ").dropFirst().prefix(2).map { "  - name: " + $0 }
        try Data(("repositories:\n  - name: acme/gone\n    path: /nonexistent/repo\n    github_export: /nonexistent/github\n" + entries.joined()).utf8)
            .write(to: URL(fileURLWithPath: list))
        let out = try TemporaryFolder.make("org-broken-out") + "/evidence"
        let result = try Binary.run(["org", "--repos", list, "--window", "2026-Q3", "--jobs", "2", "--key", run.key, "--out", out])
        #expect(result.status == 1)
        #expect(result.stdout.contains("acme/gone: FAILED: /nonexistent/repo: not a git repository"), "\(result.stdout)")
        #expect(result.stdout.contains("2 of 3 bundles written to \(out)/bundles; failed: acme/gone"))
        #expect(FileManager.default.fileExists(atPath: out + "/bundles/acme_svc-01/SHA256SUMS"))
    }

    @Test func aKeyEveryExportWouldRefuseIsOneErrorBeforeAnyWork() throws {
        let run = try Run.shared.get()
        let out = try TemporaryFolder.make("org-no-key") + "/evidence"
        let result = try Binary.run(["org", "--repos", run.fleet.list, "--window", "2026-Q3", "--key", "/nonexistent/signing.key.pem", "--out", out])
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: /nonexistent/signing.key.pem: cannot read: no such file or directory\n")
        #expect(result.stdout.isEmpty && !FileManager.default.fileExists(atPath: out))
    }

    @Test(arguments: [
        ("repositories:\n  - name: a/b\n    path: x\n", "repos.yml: repositories[0]: give one review source: github, github_export, gitlab or gitlab_export"),
        ("repositories:\n  - name: a/b\n    github: a/b\n", "repos.yml: repositories[0]: give the repository's path or its url (one of them)"),
        ("repositories:\n  - name: a/b\n    url: https://user:secret@example.com/a/b.git\n    github: a/b\n", "repos.yml: repositories[0].url: credentials do not belong in repos.yml"),
        ("repositories:\n  - name: a/b\n    path: x\n    github: a/b\n    colour: red\n", "repos.yml: repositories[0].colour: unknown key"),
        ("repositories:\n  - name: a/b\n    path: x\n    github: a/b\n  - name: a/b\n    path: y\n    github: a/b\n", "repos.yml: repositories[1].name: a/b is listed twice"),
    ])
    func anUnusableListIsOneLineNamingThePlace(text: String, message: String) throws {
        let folder = try TemporaryFolder.make("bad-repos")
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/repos.yml"))
        let out = folder + "/out"
        let result = try Command.run(Binary.path, ["org", "--repos", "repos.yml", "--window", "2026-Q3", "--key", "k.pem", "--out", out], currentDirectory: folder)
        #expect(result.status == 2)
        #expect(result.stderr.hasSuffix("\n") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("secret"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
