import EvidenceCrypto
@testable import EvidenceCore
import EvidenceTestSupport
import Foundation
import GitKit
import Testing

/// Bundles a buggy exporter or a dishonest signer could make: every file listed, intact and signed by the trusted
/// key, yet contradicting one another. Made by the pipeline's own assemble and seal stages with one edit between.
@Suite struct InconsistentBundleTests {
    /// A fixed Ed25519 key, made anew for each use (a `SigningKey` is not `Sendable`).
    static var key: SigningKey { try! SigningKey(ed25519Seed: Array(repeating: 7, count: 32)) }

    /// The review scenario's Q3 bundle, with `edit` applied to the assembled files and manifest JSON before sealing;
    /// `attest` may replace the sealed files (for an attestation signed over other claims). Returns the verification.
    static func verify(edit: (inout [String: [UInt8]], inout [String: Any]) throws -> Void,
                       attest: (inout [String: [UInt8]], PEMFileSigner) throws -> Void = { _, _ in },
                       repository checked: String? = nil) throws -> VerificationReport {
        let scenario = try ReviewScenario.shared.get()
        let repository = try Repository(path: scenario.repository.path)
        let evaluated = try EvidencePipeline.derive(EvidenceInputs(
            repository: repository, branch: try repository.resolveBranch("main"), config: .defaults, scope: .window(try AuditWindow.named("2026-Q3")),
            pullRequests: try GitHubExport.load(folder: scenario.github.folder)))
        let signer = try PEMFileSigner(key: key)
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let templates = try ReportTemplates.load(folder: checkout.appendingPathComponent("evidence-templates").path)
        let unsigned = try EvidencePipeline.assemble(evaluated, context: AssemblyContext(
            repository: repository, identity: try RepositoryIdentity(repository: repository, given: "acme/api", path: scenario.repository.path),
            signer: try signer.identity(), templates: templates,
            previous: nil, diagnostics: [], generatedAt: nil))
        var files = unsigned.files
        var manifest = try #require(try JSONSerialization.jsonObject(with: try BundleLayout.jsonEncoder.encode(unsigned.manifest)) as? [String: Any])
        try edit(&files, &manifest)
        let edited = try BundleReader.manifest(from: [UInt8](try JSONSerialization.data(withJSONObject: manifest)), file: "edited manifest")
        var sealed = try EvidencePipeline.seal(UnsignedBundle(files: files, manifest: edited), signer: signer).files
        try attest(&sealed, signer)
        let folder = try TemporaryFolder.make("inconsistent") + "/evidence"
        _ = try FolderDestination(target: folder, replacing: false).store(SealedBundle(files: sealed, manifest: edited))
        let keyFile = folder + ".pub.pem"
        try Data(try signer.publicKey.pem().utf8).write(to: URL(fileURLWithPath: keyFile))
        return try BundleVerifier.verify(VerificationRequest(bundle: folder, trusted: try TrustStore.load(keyFile: keyFile), repository: checked))
    }

    static func expectRefused(_ report: VerificationReport, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!report.verified, sourceLocation: sourceLocation)
        let failed = report.checks.filter { !$0.passed }
        #expect(failed.map(\.name) == ["consistency"], "\(failed)", sourceLocation: sourceLocation)
        #expect(failed.first?.detail.contains(message) == true, "\(failed)", sourceLocation: sourceLocation)
    }

    /// A signer who leaves a change out of the population, consistently everywhere the bundle counts it, is caught
    /// only by deriving the population again from the repository.
    @Test func aChangeLeftOutIsFoundByReDerivingThePopulation() throws {
        let scenario = try ReviewScenario.shared.get()
        let dropped = scenario.commits["direct"]!
        let report = try Self.verify(edit: { files, manifest in
            let lines = files[BundleLayout.changes]!.split(separator: 0x0a).filter { !String(decoding: $0, as: UTF8.self).contains("\"commit\":\"\(dropped)\"") }
            files[BundleLayout.changes] = lines.flatMap { Array($0) + [0x0a] }
            var counts = manifest["counts"] as! [String: Any]
            counts["changes"] = lines.count
            manifest["counts"] = counts
        }, repository: scenario.repository.path)
        let failed = report.checks.filter { !$0.passed }
        #expect(failed.map(\.name) == ["population"], "\(failed)")
        #expect(failed.first?.detail.contains("changes in the repository but not in the bundle: \(dropped.prefix(12))") == true, "\(failed.map(\.detail))")
    }

    @Test func anUneditedBundleIsConsistent() throws {
        let report = try Self.verify(edit: { _, _ in })
        #expect(report.verified, "\(report.checks.filter { !$0.passed })")
    }

    @Test func theBundledPublicKeyMustBeTheSigningKey() throws {
        let other = try SigningKey.generate(.ed25519).publicKey().pem()
        Self.expectRefused(try Self.verify(edit: { files, _ in files[BundleLayout.publicKey] = Array(other.utf8) }),
                           "signer.pub.pem is not the key that signed")
    }

    @Test func verifyTxtMustNameTheSigningKey() throws {
        let keyID = try PEMFileSigner(key: Self.key).keyID
        Self.expectRefused(try Self.verify(edit: { files, _ in
            let text = String(decoding: files[BundleLayout.instructions]!, as: UTF8.self)
            files[BundleLayout.instructions] = Array(text.replacingOccurrences(of: keyID, with: String(repeating: "0", count: 64)).utf8)
        }), "VERIFY.txt does not name the signing key")
    }

    @Test func theAttestationMustClaimWhatTheManifestSays() throws {
        Self.expectRefused(try Self.verify(edit: { _, _ in }, attest: { files, signer in
            let envelope = try JSONDecoder().decode(DSSE.Envelope.self, from: Data(files[BundleLayout.attestation]!))
            var statement = try #require(try JSONSerialization.jsonObject(with: Data(envelope.payloadBytes!)) as? [String: Any])
            var predicate = try #require(statement["predicate"] as? [String: Any])
            predicate["head"] = String(repeating: "a", count: 40)
            statement["predicate"] = predicate
            let payload = [UInt8](try JSONSerialization.data(withJSONObject: statement, options: [.sortedKeys]))
            let forged = try DSSE.sign(payload: payload, payloadType: DSSE.inTotoPayloadType, signer: signer)
            files[BundleLayout.attestation] = [UInt8](try BundleLayout.jsonEncoder.encode(forged)) + [0x0a]
        }), "the attestation's predicate differs from the manifest in head")
    }

    @Test func theRecordedPolicyMustBeTheOneTheSettingsGive() throws {
        Self.expectRefused(try Self.verify(edit: { _, manifest in
            var parameters = manifest["parameters"] as! [String: Any]
            parameters["required_approvals"] = 0
            manifest["parameters"] = parameters
        }), "the manifest's parameters are not the rules and policy of the defaults")
    }

    @Test func retentionMustCoverSixYears() throws {
        Self.expectRefused(try Self.verify(edit: { _, manifest in manifest["retain_until"] = "2027-10-01T00:00:00Z" }),
                           "retain_until 2027-10-01T00:00:00Z is earlier than the window's end + 6 years (2032-10-01T00:00:00Z)")
    }

    @Test func theManifestMustRecordEveryInput() throws {
        Self.expectRefused(try Self.verify(edit: { _, manifest in manifest["inputs"] = [Any]() }),
                           "inputs not recorded in the manifest as listed: inputs/github/branches/main/protection.json")
    }
}
