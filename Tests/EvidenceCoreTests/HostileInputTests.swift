@testable import EvidenceCore
import EvidenceTestSupport
import Foundation
import Testing

/// Inputs shaped to hang, blow up or slip past a reader.
@Suite struct HostileInputTests {
    /// A billion-laughs alias bomb, and the form `make fuzz` found that took 19 s even unexpanded (an alias used as
    /// a mapping key is hashed whole by Yams' duplicate-key check): every YAML input refuses aliases before composing.
    @Test(arguments: ["", "b: [*a11: 1]\n"])
    func aliasBombsAreRefusedAtOnce(tail: String) {
        var yaml = "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for level in 1...12 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n" }
        yaml += tail
        #expect(throws: EvidenceError.malformed(file: "controls.yml", location: "line 2", reason: "YAML aliases (*name) are not accepted in the catalogue")) {
            _ = try ReportTemplates.controlTexts("controls.yml", Array(yaml.utf8))
        }
        #expect(throws: EvidenceError.invalidConfig(file: "s.yml", location: "line 2", reason: "YAML aliases (*name) are not accepted in settings")) {
            _ = try EvidenceConfig.parse(yaml, source: "s.yml")
        }
        #expect(throws: EvidenceError.self) { _ = try TrustStore.period(of: Array(yaml.utf8), file: "k.yml") }
    }

    /// What looks like an alias inside quotes or a comment, or in the middle of a plain word, is not one.
    @Test func onlyRealAliasesAreRefused() {
        #expect(YAMLAliases.firstAlias(in: "paths:\n  ignore: [\"**/vendor/**\", '*.gen.sql']  # *not an alias\n  a: b*c\n") == nil)
        #expect(YAMLAliases.firstAlias(in: "approvals:\n  bots: *list\n") == 2)
        #expect(YAMLAliases.firstAlias(in: "- *x\n") == 1)
    }

    @Test func aFIFOOrAFolderWhereAFileIsExpectedIsRefusedWithoutOpeningIt() throws {
        let folder = try TemporaryFolder.make("fifo")
        let fifo = folder + "/pulls.json"
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opening a FIFO for reading blocks until a writer comes: reaching it would hang this test.
        #expect(throws: EvidenceError.unreadable(file: fifo, reason: "is a FIFO, not a file")) { _ = try GitHubExport.load(folder: folder) }
        #expect(throws: EvidenceError.unreadable(file: folder, reason: "is a folder, not a file")) { _ = try readInput(folder) }
        try FileManager.default.createDirectory(atPath: folder + "/previous", withIntermediateDirectories: true)
        #expect(mkfifo(folder + "/previous/SHA256SUMS", 0o600) == 0)
        #expect(throws: EvidenceError.unreadable(file: folder + "/previous/SHA256SUMS", reason: "is a FIFO, not a file")) {
            _ = try BundleLayout.sumsDigest(ofBundle: folder + "/previous")
        }
    }
}
