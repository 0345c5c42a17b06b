import EvidenceTestSupport
import Foundation
import Testing

@Suite struct VerifyCommandTests {
    let keys: (privateKey: String, publicKey: String)

    init() throws { keys = try BundleFixture.keys("ed25519") }

    func bundle(_ extra: [String] = []) throws -> String {
        let (result, output) = try BundleFixture.export(key: keys.privateKey, extra: extra)
        guard result.status == 0 else { throw FixtureError.commandFailed(result.stderr) }
        return output
    }

    func verify(_ bundle: String, _ extra: [String] = []) throws -> Command.Result {
        try Binary.run(["verify", bundle] + (extra.contains("--trusted-keys") ? [] : ["--key", keys.publicKey]) + extra)
    }

    /// Exit 1, a NOT VERIFIED headline, and a FAIL line for the named check that contains `message`.
    func expectRefused(_ result: Command.Result, check: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "\(result.stdout) \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.hasPrefix("NOT VERIFIED: "), sourceLocation: sourceLocation)
        let line = result.stdout.split(separator: "\n").first { $0.contains("FAIL  \(check):") }
        #expect(line?.contains(message) == true, "\(result.stdout)", sourceLocation: sourceLocation)
    }

    @Test func anUntouchedBundleVerifies() throws {
        let output = try bundle()
        let result = try verify(output)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.hasPrefix("verified: \(output)\n"))
        #expect(!result.stdout.contains("FAIL"))
        let json = try verify(output, ["--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["verified"] as? Bool == true)
        let names = (report["checks"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["entries", "listing", "files", "unlisted", "timestamp", "signature", "key period", "attestation", "manifest", "consistency"])
    }

    @Test func anAddedFileIsRefused() throws {
        let output = try bundle()
        try Data("note".utf8).write(to: URL(fileURLWithPath: output + "/diffs/extra.patch"))
        expectRefused(try verify(output), check: "unlisted", "files not in SHA256SUMS: diffs/extra.patch")
    }

    @Test func aRemovedFileIsRefused() throws {
        let output = try bundle()
        try FileManager.default.removeItem(atPath: output + "/changes.csv")
        expectRefused(try verify(output), check: "files", "missing: changes.csv")
    }

    @Test func aChangedFileIsRefused() throws {
        let output = try bundle()
        let findings = output + "/findings.json"
        let text = try String(contentsOfFile: findings, encoding: .utf8).replacingOccurrences(of: "\"fail\"", with: "\"pass\"")
        try Data(text.utf8).write(to: URL(fileURLWithPath: findings))
        expectRefused(try verify(output), check: "files", "do not match SHA256SUMS: findings.json")
    }

    @Test func aPathThatEscapesTheBundleIsNeverFollowed() throws {
        let output = try bundle()
        let sums = output + "/SHA256SUMS"
        let outside = (output as NSString).deletingLastPathComponent + "/outside.txt"
        try Data("secret".utf8).write(to: URL(fileURLWithPath: outside))
        var text = try String(contentsOfFile: sums, encoding: .utf8)
        text += String(repeating: "0", count: 64) + "  ../outside.txt\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: sums))
        let result = try verify(output)
        expectRefused(result, check: "listing", "names a path outside the bundle: ../outside.txt")
        expectRefused(result, check: "signature", "does not verify with any trusted key")
    }

    @Test func aSymlinkIsRefusedAndNotOpened() throws {
        let output = try bundle()
        try FileManager.default.removeItem(atPath: output + "/VERIFY.txt")
        try FileManager.default.createSymbolicLink(atPath: output + "/VERIFY.txt", withDestinationPath: "/etc/hostname")
        let result = try verify(output)
        expectRefused(result, check: "entries", "VERIFY.txt (symlink)")
        expectRefused(result, check: "files", "missing: VERIFY.txt")
    }

    @Test func aWrongKeyIsRefused() throws {
        let output = try bundle()
        let other = try BundleFixture.keys("ed25519")
        let result = try Binary.run(["verify", output, "--key", other.publicKey])
        expectRefused(result, check: "signature", "SHA256SUMS.sig does not verify with any trusted key")
        // The auditor learns whose key did sign: the bundle's own signer.pub.pem, named by its key id.
        let signedBy = try BundleFixture.shell("openssl pkey -pubin -in signer.pub.pem -outform DER | sha256sum | cut -c1-64", in: output).stdout
        expectRefused(result, check: "signature", "; it was signed by key \(signedBy.trimmingCharacters(in: .whitespacesAndNewlines)) (the bundle's signer.pub.pem)")
        expectRefused(result, check: "attestation", "not checked: no trusted key verified the bundle")
    }

    /// Trusting the key the bundle carries proves nothing about who signed: verify says so (and still checks).
    @Test func theBundlesOwnKeyAsTrustedKeyIsWarnedAbout() throws {
        let output = try bundle()
        let own = try Binary.run(["verify", output, "--key", output + "/signer.pub.pem"])
        #expect(own.status == 0)
        #expect(own.stderr.hasPrefix("warning: \(output)/signer.pub.pem is inside the bundle: trusting the key a bundle carries proves only"), "\(own.stderr)")
        let trusted = try verify(output)
        #expect(trusted.status == 0 && trusted.stderr.isEmpty, "your own copy of the same key is not warned about")
    }

    @Test func aKeyIsTrustedOnlyWithinItsPeriodSoRotationKeepsOldBundlesValid() throws {
        let output = try bundle(["--as-of", "2026-10-01T00:00:00Z"])  // window 2026-Q3, made as it ended
        let folder = try TemporaryFolder.make("trusted")
        try FileManager.default.copyItem(atPath: keys.publicKey, toPath: folder + "/2026-signer.pem")
        let newer = try BundleFixture.keys("ecdsa-p256")
        try FileManager.default.copyItem(atPath: newer.publicKey, toPath: folder + "/2027-signer.pem")
        try Data("not_before: 2027-01-01\n".utf8).write(to: URL(fileURLWithPath: folder + "/2027-signer.yml"))

        try Data("not_before: 2026-01-01\nnot_after: 2027-01-01\n".utf8).write(to: URL(fileURLWithPath: folder + "/2026-signer.yml"))
        let rotated = try verify(output, ["--trusted-keys", folder])
        #expect(rotated.status == 0, "\(rotated.stdout)")

        try Data("not_before: 2026-01-01\nnot_after: 2026-09-01\n".utf8).write(to: URL(fileURLWithPath: folder + "/2026-signer.yml"))
        expectRefused(try verify(output, ["--trusted-keys", folder]), check: "key period",
                      "was not valid at 2026-10-01T00:00:00Z (valid 2026-01-01T00:00:00Z to 2026-09-01T00:00:00Z)")
    }

    @Test func theChainIsCheckedAndGapsAreNamed() throws {
        let first = try bundle(["--window", "2026-Q2"])
        let second = try bundle(["--window", "2026-Q3", "--previous", first])
        #expect(try verify(second, ["--previous", first]).status == 0)

        let unrelated = try bundle(["--window", "2026-Q2", "--as-of", "2026-07-01T00:00:00Z"])
        expectRefused(try verify(second, ["--previous", unrelated]), check: "chain", "previous bundle's SHA256SUMS is")

        let early = try bundle(["--window", "2026-Q1"])
        let (gapExport, gapped) = try BundleFixture.export(key: keys.privateKey, extra: ["--window", "2026-Q3", "--previous", early])
        #expect(gapExport.status == 0)
        #expect(gapExport.stderr.contains("gap between windows: the previous bundle ends 2026-04-01T00:00:00Z, this one starts 2026-07-01T00:00:00Z"))
        expectRefused(try verify(gapped, ["--previous", early]), check: "chain",
                      "gap between windows: previous ends 2026-04-01T00:00:00Z, this starts 2026-07-01T00:00:00Z")
        expectRefused(try verify(first, ["--previous", early]), check: "chain", "the bundle records no previous bundle")
    }

    @Test func theRepositoryCanReDeriveThePopulation() throws {
        let output = try bundle()
        let scenario = try ReviewScenario.shared.get()
        let same = try verify(output, ["--repo", scenario.repository.path])
        #expect(same.status == 0, "\(same.stdout)")
        #expect(same.stdout.contains("ok    population: re-derived 9 changes and their findings"))

        // A change that reached the branch after the bundle was made (dated in the window) is not the bundle's:
        // the population is derived at the head the manifest records. (A change left out before that head is
        // InconsistentBundleTests' case.)
        let copy = try TemporaryFolder.make("rederive") + "/repo"
        _ = try Command.run("/usr/bin/env", ["git", "clone", "-q", scenario.repository.path, copy])
        let clone = FixtureRepository(existing: copy)
        try clone.write("drizzle/0099_late.sql", "CREATE TABLE late (id int);\n")
        try clone.commit("Late change", date: "2026-09-30T12:00:00Z")
        #expect(try verify(output, ["--repo", copy]).status == 0)
    }

    @Test(arguments: [
        (["/nonexistent/bundle", "--key", "KEY"], "/nonexistent/bundle: cannot read: not a bundle folder"),
        (["BUNDLE"], "give the trusted key"),
        (["BUNDLE", "--key", "/nonexistent/key.pem"], "/nonexistent/key.pem: cannot read"),
    ])
    func unusableInputExitsTwo(arguments: [String], message: String) throws {
        let output = try bundle()
        let result = try Binary.run(["verify"] + arguments.map { $0 == "BUNDLE" ? output : $0 == "KEY" ? keys.publicKey : $0 })
        #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
