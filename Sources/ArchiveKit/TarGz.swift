import CLibarchive
#if canImport(Glibc)
import Glibc
#endif

/// Why an archive could not be written or read: libarchive's own message, for the caller to name the file.
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    public let function: String
    public let message: String
    public var description: String { message.isEmpty ? "\(function) failed" : message }
}

/// `.tar.gz` through libarchive (POSIX ustar in gzip). No libarchive type leaves this module.
public enum TarGz {
    /// libarchive is opened on first use, not at start; a machine without it gets one line saying so.
    static func libraryLoads() throws(ArchiveError) {
        if let problem = git_evidence_archive_library_unavailable() { throw ArchiveError(function: "dlopen", message: String(cString: problem)) }
    }

    /// What an entry is.
    public enum Kind: Sendable, Equatable {
        case file, directory, symlink, hardlink
        /// A device, FIFO or socket: its file type bits.
        case other(UInt32)
    }

    /// One entry as read: its name exactly as stored (bytes, not normalised), kind, and contents for a file.
    public struct Entry: Sendable {
        public let name: [UInt8]
        public let kind: Kind
        public let bytes: [UInt8]
    }

    /// What an entry to write holds: nothing (a folder), bytes, or a file's bytes read a block at a time.
    public enum Contents: Sendable {
        case folder
        case bytes([UInt8])
        /// The file at `path`, which must be `size` bytes long.
        case file(path: String, size: Int)
    }

    /// Writes `entries` in their order as a deterministic archive to the open file `descriptor`: owner 0:0 with no
    /// names, modes 0644 and 0755, every time `time`, and a gzip header with neither time nor file name, so the same
    /// entries always give the same bytes. Memory stays at a block whatever the files' sizes.
    public static func write(_ entries: [(name: String, contents: Contents)], time: Int64, to descriptor: Int32) throws(ArchiveError) {
        let writer = try OwnedWriter(descriptor: descriptor)
        for (name, contents) in entries {
            let entry = OwnedEntry()
            switch contents {
            case .folder: entry.set(name: name, isDirectory: true, size: 0, time: time)
            case .bytes(let bytes): entry.set(name: name, isDirectory: false, size: bytes.count, time: time)
            case .file(_, let size): entry.set(name: name, isDirectory: false, size: size, time: time)
            }
            try writer.check(git_evidence_archive_write_header()(writer.pointer, entry.pointer), "archive_write_header")
            switch contents {
            case .folder: break
            case .bytes(let bytes):
                let failure = bytes.withUnsafeBytes { buffer in Result { () throws(ArchiveError) in try writer.data(buffer) } }
                try failure.get()
            case .file(let path, let size): try writer.data(fromFile: path, size: size)
            }
        }
        try writer.finish()
    }

    /// Every entry of the `.tar.gz` in `bytes`, contents read in memory, refusing to expand past `limit` bytes.
    public static func read(_ bytes: [UInt8], limit: Int) throws(ArchiveError) -> [Entry] {
        try libraryLoads()
        guard let pointer = git_evidence_archive_read_new()() else { throw ArchiveError(function: "archive_read_new", message: "out of memory") }
        defer { git_evidence_archive_read_free()(pointer) }
        func fail(_ function: String) -> ArchiveError {
            ArchiveError(function: function, message: git_evidence_archive_error_string()(pointer).map { String(cString: $0) } ?? "")
        }
        guard git_evidence_archive_read_support_filter_gzip()(pointer) == ARCHIVE_OK, git_evidence_archive_read_support_format_tar()(pointer) == ARCHIVE_OK else {
            throw fail("archive_read_support_format_tar")
        }
        // libarchive reads from the buffer until the archive is freed, so all of it happens inside.
        let result = bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Result<[Entry], ArchiveError> in
            Result { () throws(ArchiveError) -> [Entry] in
                guard git_evidence_archive_read_open_memory()(pointer, buffer.baseAddress, buffer.count) == ARCHIVE_OK else { throw fail("archive_read_open_memory") }
                var entries = [Entry]()
                var total = 0
                var header: OpaquePointer?
                while true {
                    let status = git_evidence_archive_read_next_header()(pointer, &header)
                    if status == ARCHIVE_EOF { break }
                    guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let header else { throw fail("archive_read_next_header") }
                    let name = git_evidence_archive_entry_pathname()(header).map { Array(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: strlen($0))) } ?? []
                    let type = UInt32(git_evidence_archive_entry_filetype()(header))
                    let kind: Kind = git_evidence_archive_entry_hardlink()(header) != nil ? .hardlink
                        : type == git_evidence_archive_regular() ? .file
                        : type == git_evidence_archive_directory() ? .directory
                        : type == git_evidence_archive_symlink() ? .symlink : .other(type)
                    var contents = [UInt8]()
                    if kind == .file {
                        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
                        while true {
                            let count = chunk.withUnsafeMutableBytes { git_evidence_archive_read_data()(pointer, $0.baseAddress, $0.count) }
                            if count == 0 { break }
                            guard count > 0 else { throw fail("archive_read_data") }
                            total += count
                            guard total <= limit else { throw ArchiveError(function: "archive_read_data", message: "expands past \(limit) bytes") }
                            contents += chunk[0..<count]
                        }
                    }
                    entries.append(Entry(name: name, kind: kind, bytes: contents))
                }
                return entries
            }
        }
        return try result.get()
    }
}

/// Owns one `struct archive *` opened for writing a gzip'd ustar archive into memory, freed when this value's
/// lifetime ends.
private final class OwnedWriter {
    let pointer: OpaquePointer
    /// Where the compressed bytes go.
    let descriptor: Int32
    /// The errno of a failed write to it, for the message (libarchive's own is generic).
    var failure: Int32 = 0

    init(descriptor: Int32) throws(ArchiveError) {
        try TarGz.libraryLoads()
        guard let pointer = git_evidence_archive_write_new()() else { throw ArchiveError(function: "archive_write_new", message: "out of memory") }
        self.pointer = pointer
        self.descriptor = descriptor
        try check(git_evidence_archive_write_set_format_ustar()(pointer), "archive_write_set_format_ustar")
        try check(git_evidence_archive_write_add_filter_gzip()(pointer), "archive_write_add_filter_gzip")
        // No time and no name in the gzip header (a NULL value turns the option off), maximum compression, and
        // no padding of the last block: the bytes depend on the files alone.
        try check(git_evidence_archive_write_set_filter_option()(pointer, "gzip", "timestamp", nil), "archive_write_set_filter_option")
        try check(git_evidence_archive_write_set_filter_option()(pointer, "gzip", "compression-level", "9"), "archive_write_set_filter_option")
        try check(git_evidence_archive_write_set_bytes_in_last_block()(pointer, 1), "archive_write_set_bytes_in_last_block")
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(git_evidence_archive_write_open()(pointer, context, nil, { _, context, buffer, length in
            guard let context, let buffer else { return -1 }
            let writer = Unmanaged<OwnedWriter>.fromOpaque(context).takeUnretainedValue()
            var written = 0
            while written < length {
                let count = Glibc.write(writer.descriptor, buffer + written, length - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    writer.failure = errno
                    return -1
                }
                written += count
            }
            return la_ssize_t(length)
        }, nil), "archive_write_open")
    }

    deinit { git_evidence_archive_write_free()(pointer) }

    func check(_ status: Int32, _ function: String) throws(ArchiveError) {
        guard status == ARCHIVE_OK else { throw error(function) }
    }

    func error(_ function: String) -> ArchiveError {
        if failure != 0 { return ArchiveError(function: function, message: String(cString: strerror(failure)).lowercased()) }
        return ArchiveError(function: function, message: git_evidence_archive_error_string()(pointer).map { String(cString: $0) } ?? "")
    }

    /// Adds bytes to the current entry.
    func data(_ bytes: UnsafeRawBufferPointer) throws(ArchiveError) {
        guard bytes.count > 0 else { return }
        guard git_evidence_archive_write_data()(pointer, bytes.baseAddress, bytes.count) == bytes.count else { throw error("archive_write_data") }
    }

    /// Adds the file at `path` to the current entry a block at a time; it must hold `size` bytes.
    func data(fromFile path: String, size: Int) throws(ArchiveError) {
        func failed() -> ArchiveError { ArchiveError(function: "read", message: path + ": " + String(cString: strerror(errno)).lowercased()) }
        let source = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard source >= 0 else { throw failed() }
        defer { close(source) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        var total = 0
        while true {
            let count = read(source, chunk.baseAddress, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw failed()
            }
            if count == 0 { break }
            total += count
            guard total <= size else { break }
            try data(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
        guard total == size else { throw ArchiveError(function: "read", message: "\(path): changed size while being archived") }
    }

    /// Closes the archive (flushing gzip).
    func finish() throws(ArchiveError) {
        try check(git_evidence_archive_write_close()(pointer), "archive_write_close")
    }
}

/// Owns one `struct archive_entry *`, freed when this value's lifetime ends.
private final class OwnedEntry {
    let pointer: OpaquePointer

    /// NULL only when memory is exhausted.
    init() { pointer = git_evidence_archive_entry_new()()! }
    deinit { git_evidence_archive_entry_free()(pointer) }

    func set(name: String, isDirectory: Bool, size: Int, time: Int64) {
        git_evidence_archive_entry_set_pathname()(pointer, name)
        git_evidence_archive_entry_set_filetype()(pointer, isDirectory ? git_evidence_archive_directory() : git_evidence_archive_regular())
        git_evidence_archive_entry_set_perm()(pointer, isDirectory ? 0o755 : 0o644)
        git_evidence_archive_entry_set_size()(pointer, isDirectory ? 0 : la_int64_t(size))
        git_evidence_archive_entry_set_mtime()(pointer, time_t(time), 0)
        git_evidence_archive_entry_set_uid()(pointer, 0)
        git_evidence_archive_entry_set_gid()(pointer, 0)
    }
}
