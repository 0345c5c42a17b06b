@testable import EvidenceCore
import EvidenceTestSupport
import Foundation
import Testing

/// Inputs shaped to hang, blow up or slip past a reader.
@Suite struct HostileInputTests {
    /// A billion-laughs alias bomb: expanding it would take minutes and gigabytes; read as a node tree it is refused
    /// at its first entry, which is not a control's mapping of texts.
    @Test func anAliasBombInTheCatalogueTextIsRefusedAtOnce() {
        var yaml = "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for level in 1...12 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n" }
        #expect(throws: EvidenceError.malformed(file: "controls.yml", location: "a0", reason: "expected a mapping")) {
            _ = try ReportTemplates.controlTexts("controls.yml", Array(yaml.utf8))
        }
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
