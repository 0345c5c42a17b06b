import EvidenceCore
import EvidenceTestSupport
import Foundation
import Testing

@Suite struct VerifierTamperTests {
    /// A small, complete bundle: one change, an empty GitHub export.
    static func smallBundle() throws -> (bundle: String, trusted: [TrustedKey]) {
        let repo = try FixtureRepository("tamper")
        try repo.write("drizzle/0001_init.sql", "CREATE TABLE a (id int);\n")
        try repo.commit("Initial schema", date: "2026-07-02T10:00:00Z")
        let folder = (repo.path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder + "/github", withIntermediateDirectories: true)
        try Data("[]\n".utf8).write(to: URL(fileURLWithPath: folder + "/github/pulls.json"))
        _ = try KeyFiles.generate(.ed25519, in: folder + "/keys")
        let bundle = folder + "/bundle"
        _ = try EvidenceExport.run(ExportRequest(repository: repo.path, branch: nil, configPath: nil, window: AuditWindow.named("2026-Q3"),
                                                 github: folder + "/github", keyPath: folder + "/keys/signing.key.pem", output: bundle, force: false))
        return (bundle, try TrustStore.load(keyFile: folder + "/keys/signing.pub.pem"))
    }

    /// Every byte of the files verify parses (SHA256SUMS, its signature, the manifest, the attestation, the key)
    /// and of every file up to 1 KiB is flipped in turn; of a larger file (the reports, the templates, the
    /// findings), its first and last 64 bytes and 128 spread evenly between: verify reads such a file only to hash
    /// it, so a flip anywhere in it takes the same path, and flipping all of it would make the test quadratic in
    /// the report's size.
    @Test func everySingleByteFlipOfEveryFileIsRefused() throws {
        let (bundle, trusted) = try Self.smallBundle()
        let request = VerificationRequest(bundle: bundle, trusted: trusted)
        #expect(try BundleVerifier.verify(request).verified)
        let files = FileManager.default.enumerator(atPath: bundle)!.allObjects.compactMap { $0 as? String }
            .filter { var isFolder: ObjCBool = false; return FileManager.default.fileExists(atPath: bundle + "/" + $0, isDirectory: &isFolder) && !isFolder.boolValue }
            .sorted()
        #expect(files.count >= 10)
        var flips = 0
        for file in files {
            let url = URL(fileURLWithPath: bundle + "/" + file)
            let original = try Data(contentsOf: url)
            let parsed = ["SHA256SUMS", "SHA256SUMS.sig", "manifest.json", "attestation.intoto.json", "signer.pub.pem"].contains(file)
            let positions = parsed || original.count <= 1024 ? Array(0..<original.count)
                : Array(Set(Array(0..<64) + Array(original.count - 64..<original.count) + (0..<128).map { $0 * original.count / 128 })).sorted()
            for index in positions {
                var flipped = original
                flipped[index] ^= 0x01
                try flipped.write(to: url)
                let report = try BundleVerifier.verify(request)
                #expect(!report.verified, "flipping byte \(index) of \(file) went unnoticed")
                flips += 1
            }
            try original.write(to: url)
        }
        #expect(flips > 8_000)
        #expect(try BundleVerifier.verify(request).verified)
    }
}
