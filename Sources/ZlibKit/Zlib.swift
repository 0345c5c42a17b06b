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

/// What stopped a gzip stream from being read.
public enum GunzipError: Error, Equatable, Sendable {
    /// The stream ends before its end (a truncated download).
    case truncated
    /// Not gzip, or corrupt.
    case corrupt
    /// It would inflate to more than the limit.
    case tooLarge(limit: Int)
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

extension Gzip {
    /// The bytes a gzip stream holds, refusing a stream that is truncated, corrupt, or would inflate past `limit`
    /// (a decompression bomb); concatenated members are read on.
    public static func decompress(_ input: [UInt8], limit: Int) throws(GunzipError) -> [UInt8] {
        var output = [UInt8]()
        var offset = 0
        while offset < input.count {
            var stream = z_stream()
            guard git_evidence_inflate_init_gzip(&stream) == Z_OK else { throw .corrupt }
            defer { inflateEnd(&stream) }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            var status: Int32 = Z_OK
            var input = input
            let consumed: Int = input.withUnsafeMutableBufferPointer { source in
                stream.next_in = source.baseAddress! + offset
                stream.avail_in = uInt(source.count - offset)
                repeat {
                    status = chunk.withUnsafeMutableBufferPointer { target in
                        stream.next_out = target.baseAddress
                        stream.avail_out = uInt(target.count)
                        return inflate(&stream, Z_NO_FLUSH)
                    }
                    output += chunk.prefix(chunk.count - Int(stream.avail_out))
                } while status == Z_OK && output.count <= limit
                return source.count - offset - Int(stream.avail_in)
            }
            if output.count > limit { throw .tooLarge(limit: limit) }
            switch status {
            case Z_STREAM_END: offset += consumed
            case Z_BUF_ERROR: throw .truncated
            default: throw .corrupt
            }
        }
        return output
    }
}
