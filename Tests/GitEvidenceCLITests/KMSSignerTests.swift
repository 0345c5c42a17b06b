import EvidenceTestSupport
import Foundation
import Testing

/// `export --key awskms://...` against AWS KMS on moto_server, every request authenticated (SigV4 checked by
/// moto against the IAM access key): ECDSA P-256 and RSA-PSS sign by DIGEST, stock openssl verifies with the key
/// `GetPublicKey` returned, the manifest names the key's ARN and alias, and credentials reach no output.
@Suite struct KMSSignerTests {
    let scenario: ReviewScenario
    let kms: AWSKMS

    init() throws {
        scenario = try ReviewScenario.shared.get()
        kms = try AWSKMS.shared.get()
    }

    private func export(_ key: String, environment: [String: String]) throws -> (Command.Result, String) {
        let out = try TemporaryFolder.make("kms-export") + "/evidence"
        let result = try Command.run(Binary.path, ["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                                   "--key", key, "--out", out], environment: environment)
        return (result, out)
    }

    @Test(arguments: [("alias/evidence-ec", "ecdsa-p256", [String]()),
                      ("alias/evidence-rsa", "rsa-pss", ["-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", "rsa_pss_saltlen:32"])])
    func aKMSKeySignsTheBundleAndOpenSSLAgrees(alias: String, algorithm: String, options: [String]) throws {
        let (result, out) = try export(kms.uri(alias), environment: kms.environment())
        #expect(result.status == 0, "\(result.stderr)")
        let openssl = try Command.run("/usr/bin/env", ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", out + "/signer.pub.pem", "-rawin",
                                                        "-digest", "sha256", "-in", out + "/SHA256SUMS", "-sigfile", out + "/SHA256SUMS.sig"] + options)
        #expect(openssl.status == 0, "\(openssl.stdout)\(openssl.stderr)")
        #expect(try Binary.run(["verify", out, "--key", out + "/signer.pub.pem"]).status == 0)
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as? [String: Any])
        let signer = try #require(manifest["signer"] as? [String: Any])
        #expect(signer["algorithm"] as? String == algorithm)
        #expect(signer["provenance"] as? [String: String] == ["kind": "awskms", "key_arn": kms.keys[alias]!, "alias": alias])
        for name in FileManager.default.enumerator(atPath: out)?.compactMap({ $0 as? String }) ?? [] {
            guard let bytes = FileManager.default.contents(atPath: out + "/" + name) else { continue }
            #expect(bytes.range(of: Data(kms.secretAccessKey.utf8)) == nil && bytes.range(of: Data(kms.accessKeyID.utf8)) == nil,
                    "a credential is in \(name)")
        }
    }

    @Test func credentialsKMSRejectsAreExitTwoWithNothingWritten() throws {
        let (result, out) = try export(kms.uri("alias/evidence-ec"), environment: kms.environment(secret: "not-the-secret-key"))
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: awskms:///alias/evidence-ec: AWS KMS rejected the credentials: SignatureDoesNotMatch\n", "\(result.stderr)")
        #expect(!result.stderr.contains("not-the-secret-key") && !result.stderr.contains(kms.accessKeyID))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func credentialsComeFromTheSharedFileWhenTheEnvironmentHasNone() throws {
        let folder = try TemporaryFolder.make("aws-profile")
        try "[audit]\naws_access_key_id = \(kms.accessKeyID)\naws_secret_access_key = \(kms.secretAccessKey)\n"
            .write(toFile: folder + "/credentials", atomically: true, encoding: .utf8)
        try "[profile audit]\nregion = us-east-1\n".write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        var environment = kms.environment()
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"] { environment[name] = nil }
        environment["AWS_SHARED_CREDENTIALS_FILE"] = folder + "/credentials"
        environment["AWS_CONFIG_FILE"] = folder + "/config"
        environment["AWS_PROFILE"] = "audit"
        let (result, _) = try export(kms.uri("alias/evidence-rsa"), environment: environment)
        #expect(result.status == 0, "\(result.stderr)")

        environment["AWS_PROFILE"] = "nobody"
        let (missing, out) = try export(kms.uri("alias/evidence-rsa"), environment: environment)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no AWS region") || missing.stderr.contains("no AWS credentials"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func anUnknownKeyIsExitTwoNamingIt() throws {
        let (result, _) = try export(kms.uri("alias/no-such-key"), environment: kms.environment())
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("git-evidence: error: awskms:///alias/no-such-key: KMS GetPublicKey failed: NotFoundException"), "\(result.stderr)")
    }
}
