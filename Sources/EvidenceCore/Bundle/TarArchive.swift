import ArchiveKit
import Foundation

/// A deterministic `.tar.gz` of a bundle, written with libarchive: POSIX ustar entries in byte order of their
/// paths, each folder before its first file, owner 0:0, modes 0644/0755, every time stamp the same given time,
/// gzip header without time or name. The same bundle always gives the same bytes, so the archive's own SHA-256
/// can be recorded and compared.
public enum TarArchive {
    /// Writes the archive of `files` (relative path → what it holds, in the bundle's order) under a top folder named
    /// `folder` to the open file `descriptor`, each folder before its first file.
    static func write(folder: String, files: [(path: String, contents: TarGz.Contents)], time: Int64, to descriptor: Int32) throws(EvidenceError) {
        var entries = [(name: String, contents: TarGz.Contents)]()
        var folders = Set<String>()
        for (path, contents) in files {
            var prefix = folder
            for part in [""] + path.split(separator: "/").dropLast().map(String.init) {
                if !part.isEmpty { prefix += "/" + part }
                if folders.insert(prefix).inserted { entries.append((prefix + "/", .folder)) }
            }
            entries.append((folder + "/" + path, contents))
        }
        do {
            try TarGz.write(entries, time: time, to: descriptor)
        } catch {
            throw EvidenceError.unwritable(path: folder + ".tar.gz", reason: error.description)
        }
    }
}

/// A bundle's `.tar.gz` (as `export --archive` writes it), unpacked for `verify` and `sample` into a private
/// folder, every entry checked first: only files and folders under one top folder, names as bytes with no
/// absolute path, `.`, `..` or empty part, none twice. Anything else is refused as a bundle that does not verify.
public struct BundleTarball {
    private let copy: ScratchBundle
    /// The bundle folder inside the private folder.
    public var folder: String { copy.folder }

    /// The most an archive may expand to.
    public static let limit = 2 << 30

    static let suffixes = [".tar.gz", ".tgz"]

    public static func isTarball(_ path: String) -> Bool { suffixes.contains { path.hasSuffix($0) } }

    /// The bundle folder an archive at `path` was written beside (`export --archive` puts `OUT.tar.gz` by `OUT`).
    static func folderBeside(_ path: String) -> String {
        suffixes.first { path.hasSuffix($0) }.map { String(path.dropLast($0.count)) } ?? path
    }

    public init(unpacking path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw EvidenceError.unreadable(file: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw EvidenceError.unreadable(file: path, reason: "not a regular file") }
        guard let bytes = FileManager.default.contents(atPath: path) else { throw EvidenceError.unreadable(file: path, reason: "cannot read it") }
        let entries: [TarGz.Entry]
        do { entries = try TarGz.read([UInt8](bytes), limit: Self.limit) } catch {
            throw EvidenceError.malformed(file: path, location: "archive", reason: "not a readable .tar.gz (\(error.description))")
        }
        let (top, files) = try Self.checked(entries, archive: path)
        copy = try ScratchBundle(named: top)
        do {
            for (name, contents) in files { try copy.write(name, contents, failure: "cannot unpack the archive") }
        } catch {
            copy.remove()
            throw error
        }
    }

    /// `verify` of a `.tar.gz`: unpacked, checked as a folder is, reported under the archive's name.
    public static func verify(_ path: String, request: VerificationRequest) throws -> VerificationReport {
        let unpacked = try BundleTarball(unpacking: path)
        defer { unpacked.remove() }
        return try unpacked.copy.verify(request, naming: path)
    }

    /// Removes the private folder.
    public func remove() { copy.remove() }

    /// The top folder's name and each file (path inside it → contents), or the first entry refused.
    static func checked(_ entries: [TarGz.Entry], archive: String) throws -> (String, [(String, [UInt8])]) {
        func refuse(_ name: [UInt8], _ reason: String) -> EvidenceError {
            EvidenceError.notVerified(bundle: archive, failed: "archive: entry '\(String(decoding: name, as: UTF8.self))' \(reason)")
        }
        var top: String?
        var names = Set<[UInt8]>()
        var files = [(String, [UInt8])]()
        for entry in entries {
            var name = entry.name
            if entry.kind == .directory, name.last == UInt8(ascii: "/") { name.removeLast() }
            guard let text = String(validating: name, as: UTF8.self) else { throw refuse(entry.name, "is not a UTF-8 name") }
            guard name.first != UInt8(ascii: "/") else { throw refuse(entry.name, "is an absolute path") }
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard SumsListing.isSafe(text) else { throw refuse(entry.name, "is not a plain path inside the bundle") }
            switch entry.kind {
            case .file, .directory: break
            case .symlink: throw refuse(entry.name, "is a symbolic link")
            case .hardlink: throw refuse(entry.name, "is a hard link")
            case .other: throw refuse(entry.name, "is a device, FIFO or socket")
            }
            guard names.insert(name).inserted else { throw refuse(entry.name, "appears twice") }
            if top == nil { top = String(parts[0]) }
            guard String(parts[0]) == top else { throw refuse(entry.name, "is outside the archive's one top folder '\(top!)'") }
            if entry.kind == .file {
                guard parts.count > 1 else { throw refuse(entry.name, "is a file beside the bundle folder") }
                files.append((parts.dropFirst().joined(separator: "/"), entry.bytes))
            }
        }
        guard let top else { throw EvidenceError.notVerified(bundle: archive, failed: "archive: it holds no entries") }
        return (top, files)
    }
}
