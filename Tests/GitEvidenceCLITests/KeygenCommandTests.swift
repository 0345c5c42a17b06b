import EvidenceTestSupport
import Foundation
import Testing

@Suite struct KeygenCommandTests {
    @Test(arguments: [("ed25519", "ED25519 Private-Key"), ("ecdsa-p256", "ASN1 OID: prime256v1"), ("rsa", "Private-Key: (3072 bit")])
    func writesAPrivateKeyOnlyItsOwnerCanReadAndAPublicKey(algorithm: String, opensslName: String) throws {
        let folder = try TemporaryFolder.make("keygen") + "/keys"
        let result = try Binary.run(["keygen", "--out", folder, "--algorithm", algorithm])
        #expect(result.status == 0, "\(result.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/signing.key.pem")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // openssl reads both and agrees on the key id (SHA-256 of the DER public key).
        let text = try Command.run("/usr/bin/env", ["openssl", "pkey", "-in", folder + "/signing.key.pem", "-noout", "-text"])
        #expect(text.status == 0)
        #expect(text.stdout.contains(opensslName), "\(text.stdout.prefix(200))")
        _ = try Command.run("/usr/bin/env", ["openssl", "pkey", "-pubin", "-in", folder + "/signing.pub.pem", "-outform", "DER", "-out", folder + "/pub.der"])
        let digest = try Command.run("/usr/bin/env", ["sha256sum", folder + "/pub.der"]).stdout.prefix(64)
        #expect(result.stdout.contains("key id: \(digest)"))
    }

    @Test func refusesToOverwriteAKey() throws {
        let folder = try TemporaryFolder.make("keygen-twice")
        #expect(try Binary.run(["keygen", "--out", folder]).status == 0)
        let before = FileManager.default.contents(atPath: folder + "/signing.key.pem")
        let again = try Binary.run(["keygen", "--out", folder])
        #expect(again.status == 2)
        #expect(again.stderr == "git-evidence: error: \(folder)/signing.key.pem: cannot write: already exists; refusing to overwrite a key\n")
        #expect(FileManager.default.contents(atPath: folder + "/signing.key.pem") == before)
    }

    @Test func theKeyItMakesIsAcceptedByExport() throws {
        let folder = try TemporaryFolder.make("keygen-export")
        #expect(try Binary.run(["keygen", "--out", folder]).status == 0)
        let scenario = try ReviewScenario.shared.get()
        let result = try Binary.run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                     "--key", folder + "/signing.key.pem", "--out", folder + "/evidence"])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
