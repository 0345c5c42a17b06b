import EvidenceTestSupport
import Foundation
import Testing

@Suite struct SampleCommandTests {
    /// A folder shaped like a bundle as far as `sample` reads one: changes.jsonl, findings.json and their SHA256SUMS lines.
    static func population(_ count: Int) throws -> String {
        let folder = try TemporaryFolder.make("sample-population")
        let lines = (0..<count).map { index in
            // A whole changes.jsonl record, as export writes one (sample reads them typed).
            let person = #"{"email":"alice@example.com","name":"Alice","time":"2026-07-01T00:00:00+00:00"}"#
            return #"{"author":\#(person),"authors":["alice@example.com"],"commit":"\#(String(format: "%040x", index + 1))","committed_at":"2026-07-01T00:00:00Z","committer":\#(person),"merged_commits":[],"message":"change \#(index)","migrations":[],"parents":[],"paths":[],"pull_request":null,"subject":"change \#(index)","terraform":[],"untrusted_reference":null}"#
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/changes.jsonl"))
        let table = ["commit,committed_at,subject"] + (0..<count).map { String(format: "%040x", $0 + 1) + ",2026-07-01T00:00:00Z,change \($0)" }
        try Data((table.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/changes.csv"))
        try Data("[]\n".utf8).write(to: URL(fileURLWithPath: folder + "/findings.json"))
        let sums = try BundleFixture.shell("sha256sum changes.csv changes.jsonl findings.json > SHA256SUMS", in: folder)
        #expect(sums.status == 0)
        try sign(folder)
        return folder
    }

    /// Signs a folder's SHA256SUMS as export does (raw Ed25519 over its bytes), with openssl and the key of `keys`.
    static func sign(_ folder: String) throws {
        let keys = try keys.get()
        let signed = try BundleFixture.shell("openssl pkeyutl -sign -rawin -inkey \"$1\" -in SHA256SUMS -out SHA256SUMS.sig "
                                             + "&& cp \"$2\" signer.pub.pem", in: folder, keys.privateKey, keys.publicKey)
        #expect(signed.status == 0, "\(signed.stderr)")
    }

    /// One Ed25519 key pair for every test of the suite.
    static let keys = Result { try BundleFixture.keys("ed25519") }

    /// The commits `sample ARGUMENTS --json` draws, with the auditor's seed `auditor-2026` unless the arguments give one.
    static func drawn(_ arguments: [String]) throws -> [String] {
        try sampled(arguments).commits
    }

    static func sampled(_ arguments: [String]) throws -> (commits: [String], object: [String: Any]) {
        let seeded = arguments.contains("--seed") || arguments.contains("--seed-from-bundle") ? arguments : arguments + ["--seed", "auditor-2026"]
        let result = try Binary.run(["sample"] + seeded + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return ((object["sample"] as? [[String: Any]] ?? []).compactMap { ($0["change"] as? [String: Any])?["commit"] as? String }, object)
    }

    @Test func sizeFollowsThePopulation() throws {
        #expect(try Self.drawn([try Self.population(7)]).count == 7, "all of a population of 25 or fewer")
        #expect(try Self.drawn([try Self.population(25)]).count == 25)
        let large = try Self.population(60)
        #expect(try Self.drawn([large]).count == 25, "25 of a larger one")
        #expect(try Self.drawn([large, "--size", "40"]).count == 40)
        #expect(try Self.drawn([large, "--size", "100"]).count == 60)
        let zero = try Binary.run(["sample", large, "--size", "0", "--seed", "auditor-2026"])
        #expect(zero.status == 2 && zero.stderr.contains("--size '0': expected 1 or more"))
    }

    @Test func theSampleIsReproducibleWithoutGitEvidence() throws {
        let folder = try Self.population(40)
        let (first, object) = try Self.sampled([folder, "--seed", "roll 3-1-4, it's mine"])
        #expect(try Self.drawn([folder, "--seed", "roll 3-1-4, it's mine"]) == first, "the same seed gives the same sample")
        #expect(try Self.drawn([folder, "--seed", "auditor-2027"]) != first, "another seed, another sample")
        #expect(object["seed"] as? String == "roll 3-1-4, it's mine" && object["seed_source"] as? String == "auditor")
        // The commands sample prints, run literally under POSIX sh with coreutils only, draw the same commits.
        let commands = try #require(object["commands"] as? String)
        let independent = try Command.run("/bin/sh", ["-c", "cd \"$1\" && " + commands, "sh", folder])
        #expect(independent.status == 0, "\(independent.stderr)")
        #expect(independent.stdout.split(separator: "\n").map(String.init) == first, "\(commands)")
        let text = try Binary.run(["sample", folder, "--seed", "roll 3-1-4, it's mine"])
        #expect(text.stdout.contains("seed: roll 3-1-4, it's mine\nmethod: each of the 40 changes is ranked by the SHA-256 of \"SEED:COMMIT\""))
        #expect(text.stdout.contains("reproduce, inside the bundle folder, with coreutils alone:\n  \(commands)\n"))
    }

    /// The auditor's seed, never a default the bundle fixes: without one, sample refuses; --seed-from-bundle is
    /// explicit and warned.
    @Test func theSeedIsTheAuditorsOrExplicitlyTheBundles() throws {
        let folder = try Self.population(30)
        let missing = try Binary.run(["sample", folder])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--seed is required: the auditor chooses it after the bundle is made"), "\(missing.stderr)")
        let demo = try Binary.run(["sample", folder, "--seed-from-bundle", "--json"])
        #expect(demo.status == 0)
        #expect(demo.stderr.contains("warning: the seed is the bundle's own SHA256SUMS digest, which whoever made the bundle can steer"))
        let digest = try BundleFixture.shell("sha256sum SHA256SUMS | cut -c1-64", in: folder).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(demo.stdout.utf8)) as? [String: Any])
        #expect(object["seed"] as? String == digest && object["seed_source"] as? String == "bundle")
        let before = try BundleFixture.shell("sha256sum SHA256SUMS changes.csv changes.jsonl findings.json; ls -A", in: folder).stdout
        _ = try Self.drawn([folder])
        #expect(try BundleFixture.shell("sha256sum SHA256SUMS changes.csv changes.jsonl findings.json; ls -A", in: folder).stdout == before, "nothing is recorded in the bundle")
    }

    /// Re-exporting with a harmless difference (here only --as-of) changes the bundle's digest, and with it a
    /// bundle-fixed seed's sample; the auditor's seed draws the same changes from both.
    @Test func reExportingCannotSteerTheAuditorsSample() throws {
        let keys = try BundleFixture.keys("ed25519")
        let (first, one) = try BundleFixture.export(key: keys.privateKey, extra: ["--as-of", "2026-10-02T00:00:00Z"])
        let (second, other) = try BundleFixture.export(key: keys.privateKey, extra: ["--as-of", "2026-10-03T00:00:00Z"])
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        let sums = { (bundle: String) in try BundleFixture.shell("sha256sum SHA256SUMS | cut -c1-64", in: bundle).stdout }
        #expect(try sums(one) != sums(other), "the two bundles differ")
        #expect(try Self.drawn([one, "--key", keys.publicKey, "--size", "3", "--seed-from-bundle"])
                != Self.drawn([other, "--key", keys.publicKey, "--size", "3", "--seed-from-bundle"]), "a seed the bundle fixes follows the re-export")
        for size in ["3", "5"] {
            #expect(try Self.drawn([one, "--key", keys.publicKey, "--size", size, "--seed", "auditor-2026"])
                    == Self.drawn([other, "--key", keys.publicKey, "--size", size, "--seed", "auditor-2026"]))
        }
    }

    @Test func anAlteredPopulationIsRefused() throws {
        let folder = try Self.population(3)
        try Data("{\"commit\":\"0000000000000000000000000000000000000009\"}\n".utf8).write(to: URL(fileURLWithPath: folder + "/changes.jsonl"))
        let result = try Binary.run(["sample", folder, "--seed", "auditor-2026"])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("git-evidence: error: \(folder): not verified: changes.jsonl does not match SHA256SUMS; run git-evidence verify\n"))
    }

    /// Listing the altered file anew is not enough: the SHA256SUMS it changes must still carry the signature.
    @Test func aRelistedPopulationWhoseSignatureFailsIsRefused() throws {
        let folder = try Self.population(3)
        try Data("{\"commit\":\"0000000000000000000000000000000000000009\"}\n".utf8).write(to: URL(fileURLWithPath: folder + "/changes.jsonl"))
        #expect(try BundleFixture.shell("sha256sum changes.jsonl findings.json > SHA256SUMS", in: folder).status == 0)
        let result = try Binary.run(["sample", folder, "--seed", "auditor-2026"])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("\(folder): not verified: SHA256SUMS.sig does not verify with the bundle's signer.pub.pem; run git-evidence verify\n"))
        try FileManager.default.removeItem(atPath: folder + "/SHA256SUMS.sig")
        let unsigned = try Binary.run(["sample", folder, "--seed", "auditor-2026"])
        #expect(unsigned.status == 1)
        #expect(unsigned.stderr.contains("SHA256SUMS.sig is missing: the population is not signed"))
    }

    /// With a trusted key, the bundle must pass every check of verify: here, signed by another key.
    @Test func withATrustedKeyTheBundleMustVerifyWithIt() throws {
        let folder = try Self.population(3)
        let other = try BundleFixture.keys("ed25519")
        let result = try Binary.run(["sample", folder, "--key", other.publicKey, "--seed", "auditor-2026"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(folder): not verified: "))
        #expect(result.stderr.contains("signature: SHA256SUMS.sig does not verify with any trusted key"))
        #expect(result.stdout.isEmpty)
    }

    @Test func aRealBundleSamplePrintsTheEvidenceToCheck() throws {
        let keys = try BundleFixture.keys("ed25519")
        let (export, bundle) = try BundleFixture.export(key: keys.privateKey)
        #expect(export.status == 0, "\(export.stderr)")
        let result = try Binary.run(["sample", bundle, "--key", keys.publicKey, "--seed", "auditor-2026"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "a bundle checked with a trusted key needs no note")
        let selfChecked = try Binary.run(["sample", bundle, "--seed", "auditor-2026"])
        #expect(selfChecked.stdout == result.stdout)
        #expect(selfChecked.stderr.contains("checked against the bundle's own signer.pub.pem only"))
        #expect(result.stdout.hasPrefix("sample of 9 from 9 changes in \(bundle)\nseed: auditor-2026\n"))
        #expect(result.stdout.contains("   FAIL CC8.1-traceable: No merged pull request: pushed directly to the branch."))
        #expect(result.stdout.contains("   approvers: bob"))
    }
}
