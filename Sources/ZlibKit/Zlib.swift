import CZlib

/// What went wrong in zlib, with its status code.
public enum ZlibError: Error, Equatable, Sendable, CustomStringConvertible {
    case failed(function: String, status: Int32)

    public var description: String {
        switch self {
        case .failed(let function, let status): "zlib \(function) failed (\(status))"
        }
    }
}

/// CRC-32 (ISO-HDLC, as zlib computes it), fed in pieces.
public struct CRC32: Sendable {
    /// The checksum of everything fed so far.
    public private(set) var value: UInt32

    public init() { value = UInt32(truncatingIfNeeded: crc32(0, nil, 0)) }

    /// Feeds more bytes.
    public mutating func update(_ bytes: ArraySlice<UInt8>) {
        value = bytes.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32(uLong(value), buffer.baseAddress, uInt(buffer.count)))
        }
    }
}

/// gzip compression in one call, with no time or file name in the header, so equal input gives equal bytes.
public enum Gzip {
    /// `input` compressed at `level` (0–9) in a gzip wrapper.
    public static func compress(_ input: [UInt8], level: Int32 = 9) throws(ZlibError) -> [UInt8] {
        var stream = z_stream()
        let started = git_evidence_deflate_init_gzip(&stream, level)
        guard started == Z_OK else { throw ZlibError.failed(function: "deflateInit2", status: started) }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw ZlibError.failed(function: "deflate", status: status) }
        return Array(output.prefix(Int(stream.total_out)))
    }
}
