import ArchiveKit
import Foundation

/// Where a sealed bundle is kept. One conforming type per destination: a local folder today; a write-once S3
/// bucket next.
public protocol BundleDestination {
    /// Stores every file of `bundle`; returns where it now is.
    func store(_ bundle: SealedBundle) throws -> String
}

/// A local folder, written in a hidden folder beside the target and put in place when complete, so an interrupted
/// export leaves nothing that looks like a bundle; with `archive`, also a deterministic `<folder>.tar.gz` whose time
/// stamps are `archiveTime` (the window's end). The archive is written (to a new file of a random name, never through
/// a link) before the folder is put in place, so a failure — a full disk — leaves neither.
public struct FolderDestination: BundleDestination {
    public let target: String
    public let replacing: Bool
    public let archive: Bool
    public let archiveTime: Int64
    /// Paths the target must not hold (the repository): `--force` never replaces them.
    public let protecting: [String]

    public init(target: String, replacing: Bool, archive: Bool = false, archiveTime: Int64 = 0, protecting: [String] = []) {
        self.target = target
        self.replacing = replacing
        self.archive = archive
        self.archiveTime = archiveTime
        self.protecting = protecting
    }

    public func store(_ bundle: SealedBundle) throws -> String {
        let staged = try StagedFolder(target: target, replacing: replacing, protecting: protecting)
        let archivePath = staged.target + ".tar.gz"
        var pendingArchive: String?
        do {
            if archive {
                var info = stat()
                if lstat(archivePath, &info) == 0 {
                    if !replacing { throw EvidenceError.unwritable(path: archivePath, reason: "already exists (use --force to replace it)") }
                    if info.st_mode & S_IFMT != S_IFREG {
                        throw EvidenceError.unwritable(path: archivePath, reason: "is not a file; --force replaces only a bundle's archive")
                    }
                }
            }
            for path in bundle.paths {
                if let bytes = bundle.files[path] { try staged.write(path, bytes) } else { try staged.copy(path, from: bundle.copies[path]!) }
            }
            if archive {
                let name = URL(fileURLWithPath: staged.target).lastPathComponent
                // A copied input goes into the archive from the bundle's own checked copy, not from where it was read.
                let files = bundle.paths.map { path in
                    (path, bundle.files[path].map(TarGz.Contents.bytes) ?? .file(path: staged.staging + "/" + path, size: bundle.copies[path]!.size))
                }
                pendingArchive = try Self.writeNewFile(beside: archivePath) { (descriptor) throws(EvidenceError) in
                    try TarArchive.write(folder: name, files: files, time: archiveTime, to: descriptor)
                }
            }
            try staged.commit(protecting: protecting)
        } catch {
            staged.discard()
            if let pendingArchive { unlink(pendingArchive) }
            throw error
        }
        if let pendingArchive, rename(pendingArchive, archivePath) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(pendingArchive)
            throw EvidenceError.unwritable(path: archivePath, reason: "the bundle folder was written, the archive was not: \(reason)")
        }
        return staged.target
    }

    /// Has `fill` write to a new file `.<name>.partial-XXXXXX` in `path`'s folder (created exclusively: a name
    /// planted there, or a link, is never written through; 0644 when done) and returns its path; on any failure
    /// nothing is left.
    static func writeNewFile(beside path: String, _ fill: (Int32) throws(EvidenceError) -> Void) throws(EvidenceError) -> String {
        let url = URL(fileURLWithPath: path)
        var template = Array(url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-XXXXXX").path.utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw EvidenceError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            try fill(descriptor)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        var failure: Int32 = 0
        // Readable as the bundle's files are (mkstemp makes it 0600).
        if fchmod(descriptor, 0o644) != 0 { failure = errno }
        if failure == 0 && fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw EvidenceError.unwritable(path: path, reason: String(cString: strerror(failure)).lowercased())
        }
        return temporary
    }
}
