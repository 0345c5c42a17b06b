import EvidenceCrypto
import Foundation

/// An output folder written in a hidden temporary folder beside its target and put in place at the end, so an
/// interrupted or failed export leaves nothing that looks like evidence.
///
/// `--force` replaces only a folder that is itself a git-evidence bundle (a real folder, not a link, holding our
/// `manifest.json` and `SHA256SUMS`, no `.git`, and holding none of the paths it must protect), and swaps it in one
/// step (`renameat2(RENAME_EXCHANGE)`), so at any moment the target is the old bundle or the new one.
public struct StagedFolder {
    /// Where the finished folder goes.
    public let target: String
    /// Where it is written meanwhile: `.<name>.partial-XXXXXX` beside the target.
    public let staging: String

    /// Creates the staging folder. An existing target is refused unless `replacing` is set and it is a bundle;
    /// `protecting` are paths (the repository) it must not hold.
    public init(target: String, replacing: Bool, protecting: [String] = []) throws(EvidenceError) {
        let url = URL(fileURLWithPath: target).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        var info = stat()
        if lstat(url.path, &info) == 0 {
            if !replacing { throw EvidenceError.unwritable(path: target, reason: "already exists (use --force to replace it)") }
            if let reason = Self.notReplaceable(url.path, info: info, protecting: protecting) {
                throw EvidenceError.unwritable(path: target, reason: reason + "; --force replaces only a git-evidence bundle")
            }
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

    /// Why an existing path may not be replaced; nil for a git-evidence bundle.
    static func notReplaceable(_ path: String, info: stat, protecting: [String]) -> String? {
        guard info.st_mode & S_IFMT == S_IFDIR else {
            return info.st_mode & S_IFMT == S_IFLNK ? "is a symbolic link" : "is not a folder"
        }
        let folder = URL(fileURLWithPath: path).resolvingSymlinksInPath().path + "/"
        for protected in protecting {
            let inside = URL(fileURLWithPath: protected).resolvingSymlinksInPath().path + "/"
            if inside.hasPrefix(folder) { return "holds \(protected)" }
        }
        var entry = stat()
        if lstat(path + "/.git", &entry) == 0 { return "is a git repository" }
        // A roll-up is replaced as a bundle is: by its own record in place of the manifest.
        let rollup = RollupLayout.isRollup(path)
        for name in [rollup ? RollupLayout.record : BundleLayout.manifest, BundleLayout.sums] {
            guard lstat(path + "/" + name, &entry) == 0, entry.st_mode & S_IFMT == S_IFREG else { return "is not a git-evidence bundle (no \(name))" }
        }
        if rollup {
            guard let record = try? BundleReader(folder: path).rollup(), record.schema == RollupRecord.schemaName else {
                return "is not a git-evidence roll-up (its rollup.json is not ours)"
            }
            return nil
        }
        guard let manifest = try? BundleReader(folder: path).manifest(), manifest.schema == Manifest.schemaName else {
            return "is not a git-evidence bundle (its manifest.json is not ours)"
        }
        return nil
    }

    /// Writes one file (creating its folders) inside the staging folder.
    public func write(_ relativePath: String, _ bytes: [UInt8]) throws(EvidenceError) {
        let file = try create(relativePath)
        defer { close(file.descriptor) }
        // Written from the bytes as they are (a `Data` of them would be a second copy of a long ledger).
        try bytes.withUnsafeBytes { buffer in Result { () throws(EvidenceError) in try file.write(buffer) } }.get()
    }

    /// Copies an input into the staging folder a block at a time, and fails unless what it copied has the size
    /// and SHA-256 the export read: a ledger that changed in between would otherwise be judged on one content and
    /// kept with another.
    func copy(_ relativePath: String, from input: InputCopy) throws(EvidenceError) {
        func unreadable(_ reason: String) -> EvidenceError { .unreadable(file: input.source, reason: reason) }
        let source = open(input.source, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw unreadable(String(cString: strerror(errno)).lowercased()) }
        defer { close(source) }
        let file = try create(relativePath)
        defer { close(file.descriptor) }
        var hasher: SHA256
        do { hasher = try SHA256() } catch { throw unreadable(error.description) }
        var size = 0
        try eachBlock(of: source, file: input.source) { (block) throws(EvidenceError) in
            do throws(CryptoError) { try hasher.update(block) } catch { throw unreadable(error.description) }
            try file.write(block)
            size += block.count
        }
        let digest: String
        do { digest = try hasher.finish().hex } catch { throw unreadable(error.description) }
        guard size == input.size, digest == input.sha256 else {
            throw unreadable("changed while the export read it (now \(size) bytes, SHA-256 \(digest.prefix(12))…); run the export again")
        }
    }

    /// A new file in the staging folder (its folders created), never one already there nor through a link.
    private func create(_ relativePath: String) throws(EvidenceError) -> StagedFile {
        let url = URL(fileURLWithPath: staging).appendingPathComponent(relativePath)
        let named = target + "/" + relativePath
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw EvidenceError.unwritable(path: named, reason: error.localizedDescription)
        }
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw StagedFile.failed(named) }
        return StagedFile(descriptor: descriptor, named: named)
    }

    /// Puts the finished folder in place: a plain rename when there is nothing there, else one exchange with the old
    /// bundle (checked again just before), which is then removed.
    public func commit(protecting: [String] = []) throws(EvidenceError) {
        // Private while it is written (mkdtemp makes it 0700), readable like its files (0644) once in place.
        chmod(staging, 0o755)
        var info = stat()
        guard lstat(target, &info) == 0 else {
            guard rename(staging, target) == 0 else { throw EvidenceError.unwritable(path: target, reason: String(cString: strerror(errno))) }
            return
        }
        if let reason = Self.notReplaceable(target, info: info, protecting: protecting) {
            throw EvidenceError.unwritable(path: target, reason: reason + "; --force replaces only a git-evidence bundle")
        }
        guard Self.exchange(staging, target) else {
            throw EvidenceError.unwritable(path: target, reason: "cannot swap the new bundle in: " + String(cString: strerror(errno)))
        }
        // The staging name now holds the old bundle.
        try? FileManager.default.removeItem(atPath: staging)
    }

    /// Removes the staging folder (after a failure).
    public func discard() {
        try? FileManager.default.removeItem(atPath: staging)
    }

    /// `renameat2(from, to, RENAME_EXCHANGE)`: both paths swap in one step. Glibc declares it only for C callers,
    /// so it is looked up by name (glibc 2.28 and later have it).
    static func exchange(_ first: String, _ second: String) -> Bool {
        typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(nil, "renameat2") else {
            errno = ENOSYS
            return false
        }
        let renameat2 = unsafeBitCast(symbol, to: Renameat2.self)
        let renameExchange: UInt32 = 1 << 1  // RENAME_EXCHANGE in <linux/fs.h>
        return renameat2(AT_FDCWD, first, AT_FDCWD, second, renameExchange) == 0
    }
}

/// A file being written in the staging folder, named in errors as the target will hold it.
private struct StagedFile {
    let descriptor: Int32
    let named: String

    static func failed(_ named: String) -> EvidenceError {
        .unwritable(path: named, reason: String(cString: strerror(errno)).lowercased())
    }

    /// Writes all of `bytes`, through short writes and interruptions.
    func write(_ bytes: UnsafeRawBufferPointer) throws(EvidenceError) {
        var written = 0
        while written < bytes.count {
            let count = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.failed(named)
            }
            written += count
        }
    }
}
