import EvidenceCrypto
import Foundation

/// Reads an input file whole; an unreadable one is an error naming the file and why. Anything but a regular file
/// (a folder, a FIFO, a device) is refused without being opened, so a planted FIFO can never hang a run.
func readInput(_ path: String) throws(EvidenceError) -> Data {
    try requireRegularFile(path)
    guard let data = FileManager.default.contents(atPath: path) else {
        throw EvidenceError.unreadable(file: path, reason: "permission denied")
    }
    return data
}

/// Reads an input file whole straight into bytes, as `readInput` does but without the copy a `Data` needs to
/// become `[UInt8]`: for inputs as large as a long ledger, which is kept as read for the bundle.
func readInputBytes(_ path: String) throws(EvidenceError) -> [UInt8] {
    try requireRegularFile(path)
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw EvidenceError.unreadable(file: path, reason: String(cString: strerror(errno)).lowercased()) }
    defer { close(descriptor) }
    var info = stat()
    var bytes = [UInt8]()
    if fstat(descriptor, &info) == 0 { bytes.reserveCapacity(Int(info.st_size)) }
    try eachBlock(of: descriptor, file: path) { (block) throws(EvidenceError) in bytes.append(contentsOf: block) }
    return bytes
}

/// Calls `body` with the open file's bytes 1 MiB at a time, through interrupted reads; a failed read is an
/// error naming `file`.
func eachBlock(of descriptor: Int32, file: String, _ body: (UnsafeRawBufferPointer) throws(EvidenceError) -> Void) throws(EvidenceError) {
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { chunk.deallocate() }
    while true {
        let count = read(descriptor, chunk.baseAddress, chunk.count)
        if count < 0 {
            if errno == EINTR { continue }
            throw EvidenceError.unreadable(file: file, reason: String(cString: strerror(errno)).lowercased())
        }
        if count == 0 { return }
        try body(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
    }
}

/// Calls `body` with each line of `bytes` and its number (1 = the first): lines end at LF, a CR before the LF is
/// dropped, so CRLF text reads like LF text.
func eachLine<E: Error>(of bytes: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>, Int) throws(E) -> Void) throws(E) {
    var number = 0
    var rest = bytes
    while !rest.isEmpty {
        number += 1
        let end = rest.firstIndex(of: 0x0A) ?? rest.endIndex
        let line = rest[rest.startIndex..<end]
        rest = end == rest.endIndex ? [] : rest[(end + 1)...]
        try body(line.last == 0x0D ? line.dropLast() : line, number)
    }
}

/// Calls `body` with each line of the file at `path` as `eachLine(of:)` does, a UTF-8 BOM skipped, reading 1 MiB at
/// a time and hashing as it goes: memory stays at the longest line whatever the file's length. Returns the file
/// as read (size and SHA-256), for the bundle to copy it and check the copy against.
func eachLine(ofFile path: String, _ body: (ArraySlice<UInt8>, Int) throws(EvidenceError) -> Void) throws(EvidenceError) -> InputCopy {
    try requireRegularFile(path)
    func unreadable() -> EvidenceError { .unreadable(file: path, reason: String(cString: strerror(errno)).lowercased()) }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw unreadable() }
    defer { close(descriptor) }
    var hasher: SHA256
    do { hasher = try SHA256() } catch { throw EvidenceError.unreadable(file: path, reason: error.description) }
    var pending = [UInt8]()
    var size = 0
    var number = 0
    func lines(_ bytes: ArraySlice<UInt8>) throws(EvidenceError) {
        try eachLine(of: bytes) { (line, _) throws(EvidenceError) in
            number += 1
            try body(line, number)
        }
    }
    try eachBlock(of: descriptor, file: path) { (block) throws(EvidenceError) in
        do throws(CryptoError) { try hasher.update(block) } catch { throw EvidenceError.unreadable(file: path, reason: error.description) }
        pending.append(contentsOf: block)
        if size == 0, pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3) }
        size += block.count
        // Every whole line now, the part after the last LF kept for the next block.
        guard let last = pending.lastIndex(of: 0x0A) else { return }
        try lines(pending[...last])
        pending.removeSubrange(...last)
    }
    try lines(pending[...])
    do { return InputCopy(source: path, size: size, sha256: try hasher.finish().hex) } catch {
        throw EvidenceError.unreadable(file: path, reason: error.description)
    }
}

/// Throws unless `path` (followed through links) is a regular file, saying what it is instead.
func requireRegularFile(_ path: String) throws(EvidenceError) {
    var info = stat()
    guard stat(path, &info) == 0 else {
        throw EvidenceError.unreadable(file: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)).lowercased())
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: throw EvidenceError.unreadable(file: path, reason: "is a folder, not a file")
    case S_IFIFO: throw EvidenceError.unreadable(file: path, reason: "is a FIFO, not a file")
    case S_IFSOCK: throw EvidenceError.unreadable(file: path, reason: "is a socket, not a file")
    default: throw EvidenceError.unreadable(file: path, reason: "is a device, not a file")
    }
}
