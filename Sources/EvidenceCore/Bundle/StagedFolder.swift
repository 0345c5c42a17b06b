import Foundation

/// An output folder written in a hidden temporary folder beside its target and renamed into place at the end,
/// so an interrupted or failed export leaves nothing that looks like evidence.
public struct StagedFolder {
    /// Where the finished folder goes.
    public let target: String
    /// Where it is written meanwhile: `.<name>.partial-XXXXXX` beside the target.
    public let staging: String

    /// Creates the staging folder. An existing target is refused unless `replacing` is set.
    public init(target: String, replacing: Bool) throws(EvidenceError) {
        let url = URL(fileURLWithPath: target).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        if FileManager.default.fileExists(atPath: url.path) && !replacing {
            throw EvidenceError.unwritable(path: target, reason: "already exists (use --force to replace it)")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
            throw EvidenceError.unwritable(path: target, reason: "the folder \(parent) does not exist")
        }
        var template = Array("\(parent)/.\(url.lastPathComponent).partial-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw EvidenceError.unwritable(path: target, reason: String(cString: strerror(errno)))
        }
        self.target = url.path
        self.staging = String(cString: made)
    }

    /// Writes one file (creating its folders) inside the staging folder.
    public func write(_ relativePath: String, _ bytes: [UInt8]) throws(EvidenceError) {
        let url = URL(fileURLWithPath: staging).appendingPathComponent(relativePath)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        } catch {
            throw EvidenceError.unwritable(path: target + "/" + relativePath, reason: error.localizedDescription)
        }
    }

    /// Renames the finished folder into place, replacing an old one only after the new one is complete.
    public func commit() throws(EvidenceError) {
        let fileManager = FileManager.default
        var displaced: String?
        if fileManager.fileExists(atPath: target) {
            let aside = staging.replacingOccurrences(of: ".partial-", with: ".old-")
            guard rename(target, aside) == 0 else {
                throw EvidenceError.unwritable(path: target, reason: String(cString: strerror(errno)))
            }
            displaced = aside
        }
        guard rename(staging, target) == 0 else {
            let reason = String(cString: strerror(errno))
            if let displaced { _ = rename(displaced, target) }
            throw EvidenceError.unwritable(path: target, reason: reason)
        }
        if let displaced { try? fileManager.removeItem(atPath: displaced) }
    }

    /// Removes the staging folder (after a failure).
    public func discard() {
        try? FileManager.default.removeItem(atPath: staging)
    }
}
