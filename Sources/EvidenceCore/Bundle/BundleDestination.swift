import Foundation

/// Where a sealed bundle is kept. One conforming type per destination: a local folder today; a write-once S3
/// bucket next.
public protocol BundleDestination {
    /// Stores every file of `bundle`; returns where it now is.
    func store(_ bundle: SealedBundle) throws -> String
}

/// A local folder, written in a hidden folder beside the target and renamed into place when complete, so an
/// interrupted export leaves nothing that looks like a bundle; with `archive`, also a deterministic
/// `<folder>.tar.gz` whose time stamps are `archiveTime` (the window's end).
public struct FolderDestination: BundleDestination {
    public let target: String
    public let replacing: Bool
    public let archive: Bool
    public let archiveTime: Int64

    public init(target: String, replacing: Bool, archive: Bool = false, archiveTime: Int64 = 0) {
        self.target = target
        self.replacing = replacing
        self.archive = archive
        self.archiveTime = archiveTime
    }

    public func store(_ bundle: SealedBundle) throws -> String {
        let staged = try StagedFolder(target: target, replacing: replacing)
        do {
            for path in BundleLayout.sorted(bundle.files.keys) { try staged.write(path, bundle.files[path]!) }
            try staged.commit()
        } catch {
            staged.discard()
            throw error
        }
        if archive { try writeArchive(of: bundle.files, folder: staged.target) }
        return staged.target
    }

    /// Writes `<folder>.tar.gz` beside the folder, through a temporary name renamed into place.
    private func writeArchive(of files: [String: [UInt8]], folder: String) throws {
        let url = URL(fileURLWithPath: folder)
        let target = folder + ".tar.gz"
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tar.gz.partial").path
        let bytes = try TarArchive.gzip(folder: url.lastPathComponent, files: files, time: archiveTime)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw EvidenceError.unwritable(path: target, reason: error.localizedDescription)
        }
        guard rename(temporary, target) == 0 else {
            unlink(temporary)
            throw EvidenceError.unwritable(path: target, reason: String(cString: strerror(errno)))
        }
    }
}
