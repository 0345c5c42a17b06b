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
        try Data("[]\n".utf8).write(to: URL(fileURLWithPath: folder + "/findings.json"))
        let sums = try BundleFixture.shell("sha256sum changes.jsonl findings.json > SHA256SUMS", in: folder)
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

    static func drawn(_ arguments: [String]) throws -> [String] {
        let result = try Binary.run(["sample"] + arguments + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (object["sample"] as? [[String: Any]] ?? []).compactMap { ($0["change"] as? [String: Any])?["commit"] as? String }
    }

    @Test func sizeFollowsThePopulation() throws {
        #expect(try Self.drawn([try Self.population(7)]).count == 7, "all of a population of 25 or fewer")
        #expect(try Self.drawn([try Self.population(25)]).count == 25)
        let large = try Self.population(60)
        #expect(try Self.drawn([large]).count == 25, "25 of a larger one")
        #expect(try Self.drawn([large, "--size", "40"]).count == 40)
        #expect(try Self.drawn([large, "--size", "100"]).count == 60)
        let zero = try Binary.run(["sample", large, "--size", "0"])
        #expect(zero.status == 2 && zero.stderr.contains("--size '0': expected 1 or more"))
    }

    @Test func theSampleIsReproducibleWithoutGitEvidence() throws {
        let folder = try Self.population(40)
        let first = try Self.drawn([folder])
        #expect(try Self.drawn([folder]) == first, "the same bundle gives the same sample")
        #expect(try Self.drawn([folder, "--seed", "auditor-2026"]) != first, "another seed, another sample")
        // The documented recipe, with coreutils only: rank by sha256("SEED:COMMIT"), seed = sha256 of SHA256SUMS.
        let script = """
            seed=$(sha256sum SHA256SUMS | cut -c1-64)
            sed 's/.*"commit":"\\([0-9a-f]*\\)".*/\\1/' changes.jsonl | while read c; do
              printf '%s %s\\n' "$(printf '%s:%s' "$seed" "$c" | sha256sum | cut -c1-64)" "$c"
            done | sort | head -25 | cut -d' ' -f2
            """
        let independent = try BundleFixture.shell(script, in: folder)
        #expect(independent.stdout.split(separator: "\n").map(String.init) == first)
    }

    @Test func anAlteredPopulationIsRefused() throws {
        let folder = try Self.population(3)
        try Data("{\"commit\":\"0000000000000000000000000000000000000009\"}\n".utf8).write(to: URL(fileURLWithPath: folder + "/changes.jsonl"))
        let result = try Binary.run(["sample", folder])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("git-evidence: error: \(folder): not verified: changes.jsonl does not match SHA256SUMS; run git-evidence verify\n"))
    }

    /// Listing the altered file anew is not enough: the SHA256SUMS it changes must still carry the signature.
    @Test func aRelistedPopulationWhoseSignatureFailsIsRefused() throws {
        let folder = try Self.population(3)
        try Data("{\"commit\":\"0000000000000000000000000000000000000009\"}\n".utf8).write(to: URL(fileURLWithPath: folder + "/changes.jsonl"))
        #expect(try BundleFixture.shell("sha256sum changes.jsonl findings.json > SHA256SUMS", in: folder).status == 0)
        let result = try Binary.run(["sample", folder])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("\(folder): not verified: SHA256SUMS.sig does not verify with the bundle's signer.pub.pem; run git-evidence verify\n"))
        try FileManager.default.removeItem(atPath: folder + "/SHA256SUMS.sig")
        let unsigned = try Binary.run(["sample", folder])
        #expect(unsigned.status == 1)
        #expect(unsigned.stderr.contains("SHA256SUMS.sig is missing: the population is not signed"))
    }

    /// With a trusted key, the bundle must pass every check of verify: here, signed by another key.
    @Test func withATrustedKeyTheBundleMustVerifyWithIt() throws {
        let folder = try Self.population(3)
        let other = try BundleFixture.keys("ed25519")
        let result = try Binary.run(["sample", folder, "--key", other.publicKey])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(folder): not verified: "))
        #expect(result.stderr.contains("signature: SHA256SUMS.sig does not verify with any trusted key"))
        #expect(result.stdout.isEmpty)
    }

    @Test func aRealBundleSamplePrintsTheEvidenceToCheck() throws {
        let keys = try BundleFixture.keys("ed25519")
        let (export, bundle) = try BundleFixture.export(key: keys.privateKey)
        #expect(export.status == 0, "\(export.stderr)")
        let result = try Binary.run(["sample", bundle, "--key", keys.publicKey])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "a bundle checked with a trusted key needs no note")
        let selfChecked = try Binary.run(["sample", bundle])
        #expect(selfChecked.stdout == result.stdout)
        #expect(selfChecked.stderr.contains("checked against the bundle's own signer.pub.pem only"))
        let digest = try BundleFixture.shell("sha256sum SHA256SUMS | cut -c1-64", in: bundle).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(result.stdout.hasPrefix("sample of 9 from 9 changes in \(bundle) (seed \(digest))\n"))
        #expect(result.stdout.contains("   FAIL CC8.1-traceable: No merged pull request: pushed directly to the branch."))
        #expect(result.stdout.contains("   approvers: bob"))
    }
}
