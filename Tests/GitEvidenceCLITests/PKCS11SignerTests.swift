import EvidenceTestSupport
import Foundation
import Testing

/// `export --key pkcs11:...` against a SoftHSM2 token: each algorithm signs through C_Sign, stock openssl and our
/// verify accept the bundle, the manifest says where the key lives, the PIN reaches no output, and a wrong PIN or
/// an unknown key is exit 2 with one line and nothing written.
@Suite struct PKCS11SignerTests {
    let scenario: ReviewScenario
    let hsm: SoftHSM

    init() throws {
        scenario = try ReviewScenario.shared.get()
        hsm = try SoftHSM.shared.get()
    }

    private func export(_ object: String, pin: String = SoftHSM.pin, uri: String? = nil) throws -> (Command.Result, String) {
        let out = try TemporaryFolder.make("pkcs11-export") + "/evidence"
        let result = try Command.run(Binary.path, ["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                                   "--key", uri ?? hsm.uri(object), "--out", out], environment: hsm.environment(pin: pin))
        return (result, out)
    }

    @Test(arguments: [("ed", "ed25519", [String]()), ("ec", "ecdsa-p256", ["-digest", "sha256"]),
                      ("rsa", "rsa-pss", ["-digest", "sha256", "-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", "rsa_pss_saltlen:32"])])
    func eachAlgorithmSignsOnTheTokenAndOpenSSLAgrees(object: String, algorithm: String, options: [String]) throws {
        let (result, out) = try export(object)
        #expect(result.status == 0, "\(result.stderr)")
        let openssl = try Command.run("/usr/bin/env", ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", out + "/signer.pub.pem", "-rawin",
                                                        "-in", out + "/SHA256SUMS", "-sigfile", out + "/SHA256SUMS.sig"] + options)
        #expect(openssl.status == 0, "\(openssl.stdout)\(openssl.stderr)")
        let verified = try Binary.run(["verify", out, "--key", out + "/signer.pub.pem"])
        #expect(verified.status == 0, "\(verified.stdout)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as? [String: Any])
        let signer = try #require(manifest["signer"] as? [String: Any])
        #expect(signer["algorithm"] as? String == algorithm)
        let provenance = try #require(signer["provenance"] as? [String: String])
        #expect(provenance["kind"] == "pkcs11" && provenance["token"] == hsm.token && provenance["object"] == object)
        #expect((provenance["token_serial"] ?? "").count == 16)
        // The key id is SHA-256 of the DER public key, as for a PEM key.
        let der = try Command.run("/usr/bin/env", ["sh", "-c", "openssl pkey -pubin -in '\(out)/signer.pub.pem' -outform DER | sha256sum"])
        #expect(der.stdout.hasPrefix(signer["key_id"] as? String ?? "-"))
        // The PIN is nowhere in the bundle.
        for name in FileManager.default.enumerator(atPath: out)?.compactMap({ $0 as? String }) ?? [] {
            guard let bytes = FileManager.default.contents(atPath: out + "/" + name) else { continue }
            #expect(bytes.range(of: Data(SoftHSM.pin.utf8)) == nil, "the PIN is in \(name)")
        }
        #expect(!result.stdout.contains(SoftHSM.pin) && !result.stderr.contains(SoftHSM.pin))
    }

    @Test func aWrongPINIsExitTwoWithOneLineAndNothingWritten() throws {
        let (result, out) = try export("ed", pin: "00000000")
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: pkcs11:token=evidence;object=ed: the token refused the PIN (CKR_PIN_INCORRECT)\n")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test(arguments: [
        ("pkcs11:token=evidence;object=missing?module-path=\(SoftHSM.module)&pin-source=env:PKCS11_PIN",
         "pkcs11:token=evidence;object=missing: no private key labelled 'missing' on token 'evidence'"),
        ("pkcs11:token=other;object=ed?module-path=\(SoftHSM.module)&pin-source=env:PKCS11_PIN",
         "pkcs11:token=other;object=ed: no token labelled 'other' in \(SoftHSM.module)"),
        ("pkcs11:token=evidence;object=ed?module-path=\(SoftHSM.module)&pin-value=48151623",
         "--key 'pkcs11:token=evidence;object=ed?module-path=\(SoftHSM.module)&pin-value=REDACTED': pin-value puts the PIN in the command line; give pin-source=env:VAR instead"),
        ("pkcs11:token=evidence;object=ed?module-path=/nonexistent/module.so&pin-source=env:PKCS11_PIN",
         "pkcs11:token=evidence;object=ed: cannot load the PKCS #11 module /nonexistent/module.so: /nonexistent/module.so: cannot open shared object file: No such file or directory"),
        ("pkcs11:token=evidence;object=ed?module-path=\(SoftHSM.module)&pin-source=env:NOT_SET_ANYWHERE",
         "--key 'pkcs11:token=evidence;object=ed': pin-source names NOT_SET_ANYWHERE, which is not set"),
    ])
    func unusableKeysAreExitTwoNamingTheProblem(uri: String, message: String) throws {
        let (result, out) = try export("ed", uri: uri)
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: \(message)\n")
        #expect(!result.stderr.contains(SoftHSM.pin))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
