import Foundation
import ZlibKit

/// A deterministic `.tar.gz` of a bundle: POSIX ustar entries in byte order of their paths, owner 0:0, modes
/// 0644/0755, every time stamp the same given time, gzip header without time or name. The same bundle always
/// gives the same bytes, so the archive's own SHA-256 can be recorded and compared.
public enum TarArchive {
    /// The archive bytes for `files` (relative path → contents) under a top folder named `folder`.
    public static func gzip(folder: String, files: [String: [UInt8]], time: Int64) throws -> [UInt8] {
        var tar = [UInt8]()
        var folders = Set<String>()
        for path in BundleLayout.sorted(files.keys) {
            // Each folder once, before its first file.
            var prefix = folder
            for part in [""] + path.split(separator: "/").dropLast().map(String.init) {
                if !part.isEmpty { prefix += "/" + part }
                if folders.insert(prefix).inserted { tar += try header(name: prefix + "/", size: 0, mode: 0o755, type: "5", time: time) }
            }
            let bytes = files[path]!
            tar += try header(name: folder + "/" + path, size: bytes.count, mode: 0o644, type: "0", time: time)
            tar += bytes
            tar += [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
        }
        tar += [UInt8](repeating: 0, count: 1024)  // end of archive: two zero blocks
        return try deflate(tar)
    }

    /// A ustar header block; names over 100 bytes are split into prefix and name at a slash.
    private static func header(name: String, size: Int, mode: Int, type: Character, time: Int64) throws -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        let bytes = Array(name.utf8)
        var namePart = bytes, prefixPart = [UInt8]()
        if bytes.count > 100 {
            guard let split = bytes.indices.filter({ bytes[$0] == UInt8(ascii: "/") && $0 <= 155 && bytes.count - $0 - 1 <= 100 }).last else {
                throw EvidenceError.unwritable(path: name, reason: "path too long for a tar archive")
            }
            prefixPart = Array(bytes[..<split])
            namePart = Array(bytes[(split + 1)...])
        }
        func put(_ value: [UInt8], at offset: Int) { for (index, byte) in value.enumerated() { block[offset + index] = byte } }
        func octal(_ value: Int, width: Int) -> [UInt8] { Array((String(repeating: "0", count: max(0, width - 1 - String(value, radix: 8).count)) + String(value, radix: 8)).utf8) + [0] }
        put(namePart, at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)          // uid
        put(octal(0, width: 8), at: 116)          // gid
        put(octal(size, width: 12), at: 124)
        put(octal(Int(time), width: 12), at: 136)
        put(Array("        ".utf8), at: 148)      // checksum counted as spaces
        put(Array(String(type).utf8), at: 156)
        put(Array("ustar\0".utf8), at: 257)
        put(Array("00".utf8), at: 263)
        put(prefixPart, at: 345)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return block
    }

    private static func deflate(_ input: [UInt8]) throws -> [UInt8] {
        do { return try Gzip.compress(input) } catch {
            throw EvidenceError.unwritable(path: "archive", reason: error.description)
        }
    }
}
