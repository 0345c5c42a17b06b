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
    guard fstat(descriptor, &info) == 0 else { throw EvidenceError.unreadable(file: path, reason: String(cString: strerror(errno)).lowercased()) }
    var bytes = [UInt8]()
    bytes.reserveCapacity(Int(info.st_size))
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count == 0 { return bytes }
        if count < 0 {
            if errno == EINTR { continue }
            throw EvidenceError.unreadable(file: path, reason: String(cString: strerror(errno)).lowercased())
        }
        bytes.append(contentsOf: chunk[..<count])
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
