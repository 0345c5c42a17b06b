import Foundation

/// Reads a bundle's own files back as the typed values export wrote: the manifest, the population
/// (`changes.jsonl`), the findings, and a roll-up's record. What `verify`, `sample` and a chained export read; nothing parses bundle
/// files any other way.
public struct BundleReader: Sendable {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// `manifest.json`.
    public func manifest() throws(EvidenceError) -> Manifest {
        let file = folder + "/" + BundleLayout.manifest
        guard FileManager.default.fileExists(atPath: file) else { throw EvidenceError.unreadable(file: file, reason: "missing") }
        return try Self.manifest(from: [UInt8](try readInput(file)), file: file)
    }

    /// A roll-up's `rollup.json`.
    public func rollup() throws(EvidenceError) -> RollupRecord {
        let file = folder + "/" + RollupLayout.record
        return try Self.rollup(from: [UInt8](try readInput(file)), file: file)
    }

    /// A roll-up's record from its bytes; `file` names it in errors.
    public static func rollup(from bytes: [UInt8], file: String) throws(EvidenceError) -> RollupRecord {
        do { return try JSONDecoder().decode(RollupRecord.self, from: Data(bytes)) } catch {
            throw EvidenceError.malformed(file: file, location: "", reason: "not a git-evidence roll-up record")
        }
    }

    /// A manifest from its bytes; `file` names it in errors.
    public static func manifest(from bytes: [UInt8], file: String) throws(EvidenceError) -> Manifest {
        do { return try JSONDecoder().decode(Manifest.self, from: Data(bytes)) } catch {
            throw EvidenceError.malformed(file: file, location: "", reason: "not a git-evidence manifest")
        }
    }

    /// The records of `changes.jsonl` bytes, one per line; `file` names it in errors.
    public static func changes(from bytes: [UInt8], file: String) throws(EvidenceError) -> [EvidenceRecord] {
        var records = [EvidenceRecord]()
        for (index, line) in bytes.split(separator: 0x0a).enumerated() {
            do { records.append(try JSONDecoder().decode(EvidenceRecord.self, from: Data(line))) } catch {
                throw EvidenceError.malformed(file: file, location: "line \(index + 1)", reason: "not a change")
            }
        }
        return records
    }

    /// The findings of `findings.json` bytes; `file` names it in errors.
    public static func findings(from bytes: [UInt8], file: String) throws(EvidenceError) -> [Finding] {
        do { return try JSONDecoder().decode([Finding].self, from: Data(bytes)) } catch {
            throw EvidenceError.malformed(file: file, location: "", reason: "not a list of findings")
        }
    }
}
