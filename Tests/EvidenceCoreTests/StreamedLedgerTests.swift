import ArchiveKit
@testable import EvidenceCore
import EvidenceCrypto
import EvidenceTestSupport
import Foundation
import Testing

/// An event log file is read a block at a time and copied into the bundle from the file, not held in memory: what
/// it reads must be what reading it whole gives, and what the bundle keeps must be what was judged.
@Suite struct StreamedLedgerTests {
    /// A log of `count` events with lines of varied length (so lines straddle the 1 MiB blocks at many offsets), CRLF
    /// endings on some, blank lines, events of other kinds, and a BOM.
    static func log(count: Int, malformedAt: Int? = nil) -> [UInt8] {
        var text = "\u{FEFF}"
        for index in 1...count {
            let padding = String(repeating: "x", count: (index * 7919) % 1500)
            if index == malformedAt { text += "{\"event_type\": \"MigrationApplied\", oops\n"; continue }
            switch index % 10 {
            case 3: text += "\r\n"
            case 5: text += "{\"event_type\":\"UserSignedUp\",\"timestamp\":\"2026-08-01T00:00:00Z\",\"metadata\":\"\(padding)\"}\n"
            default:
                let ending = index % 4 == 0 ? "\r\n" : "\n"
                text += "{\"event_type\":\"MigrationApplied\",\"timestamp\":\(1_785_000_000 + (index % 50) * 60),\"user_id\":\"deploy\","
                    + "\"payload\":{\"migration\":\"000\(index % 3)_init\",\"hash\":\"\(String(repeating: "ab", count: 32))\","
                    + "\"environment\":\"\(index % 2 == 0 ? "production" : "staging")\",\"run_id\":\"run-\(index)\"},"
                    + "\"metadata\":\"\(padding)\"}" + ending
            }
        }
        return Array(text.utf8)
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let path = try TemporaryFolder.make("streamed-ledger") + "/events.jsonl"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func readFile(_ path: String) throws -> Ledger {
        try LedgerReader.read(fileAt: path, kind: nil, source: path) { "inputs/ledgers/\($0.rawValue)/events.jsonl" }
    }

    @Test func aLogReadAsAStreamIsTheLogReadWhole() throws {
        let bytes = Self.log(count: 4000)
        #expect(bytes.count > 2 << 20, "the log spans several blocks")
        let path = try Self.write(bytes)
        let streamed = try Self.readFile(path)
        let whole = try LedgerReader.read(bytes, file: path, kind: nil, source: path) { "inputs/ledgers/\($0.rawValue)/events.jsonl" }
        #expect(streamed.kind == .events)
        #expect(streamed.records == whole.records)
        #expect(streamed.otherEvents == whole.otherEvents && whole.otherEvents == 400)
        #expect(streamed.records.reduce(0) { $0 + ($1.repeats?.rows.count ?? 1) } == 3200, "every event line but the blank and other ones")
        #expect(streamed.bytes == nil, "the log is not held")
        guard case .copy(let copy) = streamed.content else { Issue.record("not read as a stream"); return }
        #expect(copy.size == bytes.count)
        #expect(copy.sha256 == (try SHA256.hash(bytes).hex))
    }

    @Test func aBadLineIsNamedAsReadingWholeNamesIt() throws {
        let bytes = Self.log(count: 3000, malformedAt: 2711)
        let path = try Self.write(bytes)
        var messages = [String]()
        do { _ = try Self.readFile(path) } catch { messages.append(String(describing: error)) }
        do { _ = try LedgerReader.read(bytes, file: path, kind: nil, source: path) { _ in "x" } } catch { messages.append(String(describing: error)) }
        #expect(messages.count == 2)
        #expect(messages.first == messages.last)
        #expect(messages.first?.contains("\(path): line 2711") == true, "\(messages)")
    }

    /// Only a whole BOM is skipped when telling a log from a table, as reading the bytes whole does: a stray 0xEF
    /// before `{` is a table that names no kind, not a log whose first line is broken.
    @Test func aFileIsToldALogOrATableAsReadingWholeTellsIt() throws {
        for lead: [UInt8] in [[0xEF], [0xEF, 0xBB], [0xEF, 0xBB, 0xBF], [0x20, 0x0A]] {
            let bytes = lead + Array(Self.log(count: 3).dropFirst(3))
            let path = try Self.write(bytes)
            var messages = [String]()
            var kinds = [LedgerKind]()
            do { kinds.append(try Self.readFile(path).kind) } catch { messages.append(String(describing: error)) }
            do { kinds.append(try LedgerReader.read(bytes, file: path, kind: nil, source: path) { _ in "x" }.kind) } catch {
                messages.append(String(describing: error))
            }
            #expect(kinds.count == 2 ? kinds[0] == kinds[1] : messages.count == 2 && messages[0] == messages[1], "\(lead): \(kinds) \(messages)")
            #expect(lead.count != 1 || messages.first?.contains("cannot tell the ledger kind") == true, "\(messages)")
        }
    }

    @Test func aLogThatChangesBeforeTheBundleIsWrittenIsRefused() throws {
        let bytes = Self.log(count: 300)
        let path = try Self.write(bytes)
        guard case .copy(let copy) = try Self.readFile(path).content else { Issue.record("not read as a stream"); return }
        let folder = try TemporaryFolder.make("streamed-copy")
        let kept = try StagedFolder(target: folder + "/kept", replacing: false)
        try kept.copy("inputs/events.jsonl", from: copy)
        #expect(FileManager.default.contents(atPath: kept.staging + "/inputs/events.jsonl") == Data(bytes))

        // One more deploy logged between reading and writing: the bundle would keep rows that were never judged.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"event_type\":\"MigrationApplied\"}\n".utf8))
        try handle.close()
        let changed = try StagedFolder(target: folder + "/changed", replacing: false)
        #expect {
            try changed.copy("inputs/events.jsonl", from: copy)
        } throws: { error in
            let text = (error as? EvidenceError)?.description ?? ""
            return text.hasPrefix(path + ": ") && text.contains("changed while the export read it") && !text.contains("\n")
        }
        changed.discard()
    }

    @Test func anArchiveTakesACopiedFileAsItsBytes() throws {
        let bytes = Self.log(count: 500)
        let path = try Self.write(bytes)
        let folder = try TemporaryFolder.make("streamed-archive")
        func archive(size: Int) throws -> [TarGz.Entry] {
            let output = folder + "/bundle-\(size).tar.gz"
            let descriptor = open(output, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            defer { close(descriptor) }
            try TarArchive.write(folder: "bundle", files: [("inputs/ledgers/events/events.jsonl", .file(path: path, size: size)),
                                                           ("manifest.json", .bytes(Array("{}\n".utf8)))], time: 0, to: descriptor)
            return try TarGz.read([UInt8](try Data(contentsOf: URL(fileURLWithPath: output))), limit: 1 << 30)
        }
        let entries = try archive(size: bytes.count)
        #expect(entries.map { String(decoding: $0.name, as: UTF8.self) } == [
            "bundle/", "bundle/inputs/", "bundle/inputs/ledgers/", "bundle/inputs/ledgers/events/",
            "bundle/inputs/ledgers/events/events.jsonl", "bundle/manifest.json",
        ])
        #expect(entries[4].bytes == bytes)
        #expect(throws: EvidenceError.self) { try archive(size: bytes.count - 1) }
    }
}
