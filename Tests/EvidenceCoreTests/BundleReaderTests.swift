import EvidenceCore
import Foundation
import Testing

/// `BundleReader` reads back exactly what export wrote: decoding the golden bundles' files and encoding them again
/// gives the same bytes, so verify and sample judge the values the bundle holds, not a reading of them.
@Suite struct BundleReaderTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("GitEvidenceCLITests/Golden")

    static func bytes(_ bundle: String, _ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: golden.appendingPathComponent(bundle).appendingPathComponent(file)))
    }

    @Test(arguments: ["review-bundle", "ledger-bundle"])
    func recordsFindingsAndManifestRoundTripByteForByte(bundle: String) throws {
        let changes = try Self.bytes(bundle, BundleLayout.changes)
        let records = try BundleReader.changes(from: changes, file: BundleLayout.changes)
        #expect(!records.isEmpty)
        #expect(try BundleAssembly.changesJSONLines(records) == changes)

        let findings = try Self.bytes(bundle, BundleLayout.findings)
        #expect(try BundleAssembly.findingsJSON(try BundleReader.findings(from: findings, file: BundleLayout.findings)) == findings)

        let manifest = try Self.bytes(bundle, BundleLayout.manifest)
        let decoded = try BundleReader.manifest(from: manifest, file: BundleLayout.manifest)
        #expect([UInt8](try BundleLayout.jsonEncoder.encode(decoded)) + [0x0a] == manifest)
    }

    @Test func aLineThatIsNotAChangeIsNamed() throws {
        #expect(throws: EvidenceError.malformed(file: "changes.jsonl", location: "line 2", reason: "not a change")) {
            let good = try Self.bytes("review-bundle", BundleLayout.changes).split(separator: 0x0a)[0]
            _ = try BundleReader.changes(from: Array(good) + Array("\n{\"commit\":\"abc\"}\n".utf8), file: "changes.jsonl")
        }
    }
}
