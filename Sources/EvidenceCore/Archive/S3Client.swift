import AWSSigV4
import EvidenceCrypto
import EvidenceErrors
import Foundation
import HTTPKit

/// `s3://BUCKET/PREFIX` as `archive --to` and `verify` take it.
public struct S3Location: Sendable, Equatable {
    public let bucket: String
    /// Without leading or trailing slashes; may be empty.
    public let prefix: String

    public static func isURI(_ text: String) -> Bool { text.hasPrefix("s3://") }

    public init(_ text: String, flag: String) throws(EvidenceError) {
        guard Self.isURI(text) else { throw EvidenceError.invalidArgument(flag: flag, value: text, reason: "expected s3://BUCKET/PREFIX") }
        let rest = text.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        guard bucket.count >= 3, bucket.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }) else {
            throw EvidenceError.invalidArgument(flag: flag, value: text, reason: "'\(bucket)' is not an S3 bucket name")
        }
        self.bucket = bucket
        prefix = rest.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
    }

    /// The key of `path` under the prefix.
    public func key(_ path: String) -> String { prefix.isEmpty ? path : prefix + "/" + path }
}

/// The few S3 REST calls the archive needs, SigV4-signed by `AWSSigV4` (service `s3`: no path normalisation, the
/// key encoded once, `x-amz-content-sha256` on every request). Path-style addressing on an `--endpoint-url`
/// (MinIO, moto, a VPC endpoint), virtual-hosted on AWS. 5xx, `SlowDown` and dropped connections are retried with
/// backoff, four tries in all. Credentials are never written or shown.
public final class S3Client {
    public let endpoint: String?
    public let region: String
    private let requester: AWSRequester

    public init(endpoint: String?, region: String?, environment: [String: String]) throws(EvidenceError) {
        let aws = AWSEnvironment(environment)
        guard let region = region ?? aws.region ?? (endpoint != nil ? "us-east-1" : nil) else {
            throw EvidenceError.invalidArgument(flag: "--region", value: "", reason: "no AWS region: give --region or set AWS_REGION")
        }
        guard let credentials = aws.credentials else {
            throw EvidenceError.invalidArgument(flag: "--to", value: "", reason: "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials")
        }
        if let endpoint {
            guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw EvidenceError.invalidArgument(flag: "--endpoint-url", value: endpoint, reason: "expected an http(s) URL")
            }
        }
        self.endpoint = endpoint.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.region = region
        // The waits between tries; tests shorten them through GIT_EVIDENCE_S3_WAIT_SCALE.
        let scale = environment["GIT_EVIDENCE_S3_WAIT_SCALE"].flatMap(Double.init) ?? 1
        requester = AWSRequester(credentials: credentials, region: region, service: "s3", timeout: 120, attempts: 4,
                                 wait: { 0.5 * pow(2, Double($0 - 1)) * scale })
    }

    /// Where the requests go, for receipts.
    public var endpointDescription: String { endpoint ?? "https://s3.\(region).amazonaws.com" }

    /// One request; `key` nil addresses the bucket. Retried as the class says; the last answer is returned.
    public func send(_ method: String, bucket: String, key: String? = nil, query: String = "", headers extra: [(String, String)] = [],
                     body: [UInt8] = []) throws -> HTTPResponse {
        let base: String
        let path: String
        if let endpoint {
            base = endpoint
            path = "/" + bucket + (key.map { "/" + $0 } ?? "")
        } else {
            base = "https://\(bucket).s3.\(region).amazonaws.com"
            path = "/" + (key ?? "")
        }
        do {
            return try requester.send(method, base: URL(string: base)!, path: path, query: query, headers: extra, body: body, normalize: false, signBody: true) {
                $0.status >= 500 || AWSRequester.errorCode($0) == "SlowDown"
            }
        } catch let error as HTTPTransportError {
            throw S3Error.unreachable(object: "s3://\(bucket)/\(key ?? "")", reason: error.reason)
        }
    }

    /// Whether the bucket has Object Lock enabled (`GetObjectLockConfiguration`).
    public func objectLockEnabled(_ bucket: String) throws -> Bool {
        let response = try send("GET", bucket: bucket, query: "object-lock=")
        try Self.rejectCredentials(response, bucket: bucket)
        if response.status == 200 { return String(decoding: response.body, as: UTF8.self).contains("<ObjectLockEnabled>Enabled</ObjectLockEnabled>") }
        if AWSRequester.errorCode(response) == "ObjectLockConfigurationNotFoundError" { return false }
        throw S3Error.failed(object: "s3://\(bucket)", operation: "GetObjectLockConfiguration", status: response.status, code: AWSRequester.errorCode(response))
    }

    /// Every key under `prefix` (ListObjectsV2, followed through its continuation tokens).
    public func keys(_ bucket: String, prefix: String) throws -> [String] {
        var keys = [String]()
        var token: String?
        repeat {
            var query = "list-type=2&prefix=" + SigV4.encode(prefix)
            if let token { query = "continuation-token=" + SigV4.encode(token) + "&" + query }
            let response = try send("GET", bucket: bucket, query: query)
            try Self.rejectCredentials(response, bucket: bucket)
            guard response.status == 200 else {
                throw S3Error.failed(object: "s3://\(bucket)/\(prefix)", operation: "ListObjectsV2", status: response.status, code: AWSRequester.errorCode(response))
            }
            let text = String(decoding: response.body, as: UTF8.self)
            keys += Self.values("Key", in: text).map(Self.unescape)
            token = text.contains("<IsTruncated>true</IsTruncated>") ? Self.values("NextContinuationToken", in: text).first : nil
        } while token != nil
        return keys
    }

    /// A 403 for bad credentials is unusable input: exit 2, naming the bucket, never the credentials.
    static func rejectCredentials(_ response: HTTPResponse, bucket: String) throws {
        let code = AWSRequester.errorCode(response) ?? ""
        if ["InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"].contains(code) {
            throw EvidenceError.invalidArgument(flag: "--to", value: "s3://\(bucket)", reason: "S3 rejected the credentials: \(code)")
        }
    }

    static func values(_ element: String, in text: String) -> [String] {
        var found = [String]()
        var rest = text[...]
        while let start = rest.range(of: "<\(element)>"), let end = rest.range(of: "</\(element)>", range: start.upperBound..<rest.endIndex) {
            found.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// A local file as S3 will hold it. Up to `multipartThreshold` it goes up in one PutObject and S3's
/// `x-amz-checksum-sha256` is the file's SHA-256; over it, a multipart upload of `partSize` parts, each sent with its
/// own SHA-256, and S3 reports the composite checksum: the SHA-256 of the parts' SHA-256s, base64, then `-N`.
/// Read once, in parts, so memory stays at one part whatever the file's size.
public struct S3Upload: Sendable {
    /// Files larger than this go up in parts.
    public static let multipartThreshold = 64 << 20
    /// 16 MiB, or larger when the file would need more than S3's 10,000 parts.
    public static func partSize(for size: Int) -> Int {
        let mebibyte = 1 << 20
        let least = (size + 9_999) / 10_000
        return max(16 * mebibyte, (least + mebibyte - 1) / mebibyte * mebibyte)
    }

    public let path: String
    public let size: Int
    public let sha256: [UInt8]
    /// Each part's SHA-256, in order; empty for a single PutObject.
    public let partDigests: [[UInt8]]
    /// What S3 reports as the object's `x-amz-checksum-sha256`.
    public let checksum: String
    public var partSize: Int { Self.partSize(for: size) }
    public var isMultipart: Bool { !partDigests.isEmpty }

    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw EvidenceError.unreadable(file: path, reason: "cannot read it") }
        defer { try? handle.close() }
        let size = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        let multipart = size > Self.multipartThreshold
        var whole = try SHA256()
        var parts = [[UInt8]]()
        var read = 0
        while true {
            let part = try Self.read(handle, count: multipart ? Self.partSize(for: size) : max(size, 1), file: path)
            if part.isEmpty { break }
            try whole.update(part)
            if multipart { parts.append(try SHA256.hash(part).bytes) }
            read += part.count
        }
        guard read == size else { throw EvidenceError.unreadable(file: path, reason: "changed while it was read") }
        self.path = path
        self.size = size
        sha256 = try whole.finish().bytes
        partDigests = parts
        checksum = multipart ? Data(try SHA256.hash(parts.flatMap { $0 }).bytes).base64EncodedString() + "-\(parts.count)"
            : Data(sha256).base64EncodedString()
    }

    /// Whether `stored` (a HeadObject's checksum) is this file's. moto's HeadObject leaves off a composite's `-N`.
    public func isStored(as stored: String?) -> Bool {
        guard let stored else { return false }
        return stored == checksum || (isMultipart && stored + "-\(partDigests.count)" == checksum)
    }

    /// Part `number` (from 1), or the whole file for a single PutObject.
    func bytes(part number: Int = 1) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw EvidenceError.unreadable(file: path, reason: "cannot read it") }
        defer { try? handle.close() }
        let length = isMultipart ? partSize : size
        try handle.seek(toOffset: UInt64((number - 1) * length))
        return try Self.read(handle, count: length, file: path)
    }

    private static func read(_ handle: FileHandle, count: Int, file: String) throws -> [UInt8] {
        do { return [UInt8](try handle.read(upToCount: count) ?? Data()) } catch {
            throw EvidenceError.unreadable(file: file, reason: error.localizedDescription)
        }
    }
}

extension S3Client {
    /// Stores `upload` at `key` with `headers` (the lock): one PutObject, or CreateMultipartUpload, an UploadPart
    /// per part with its SHA-256, and CompleteMultipartUpload (whose 200 may carry an error), aborted on failure
    /// so no parts are left behind. Throws `S3Error` naming the object and the call that failed.
    public func put(_ upload: S3Upload, bucket: String, key: String, headers: [(String, String)]) throws {
        let object = "s3://\(bucket)/\(key)"
        guard upload.isMultipart else {
            let put = try send("PUT", bucket: bucket, key: key, headers: headers + [
                ("x-amz-checksum-sha256", upload.checksum), ("x-amz-sdk-checksum-algorithm", "SHA256"), ("Content-Type", "application/octet-stream"),
            ], body: try upload.bytes())
            try Self.rejectCredentials(put, bucket: bucket)
            guard put.status == 200 else { throw S3Error.failed(object: object, operation: "PutObject", status: put.status, code: AWSRequester.errorCode(put)) }
            return
        }
        let created = try send("POST", bucket: bucket, key: key, query: "uploads=", headers: headers + [
            ("x-amz-checksum-algorithm", "SHA256"), ("Content-Type", "application/octet-stream"),
        ])
        try Self.rejectCredentials(created, bucket: bucket)
        guard created.status == 200, let id = Self.values("UploadId", in: String(decoding: created.body, as: UTF8.self)).first else {
            throw S3Error.failed(object: object, operation: "CreateMultipartUpload", status: created.status, code: AWSRequester.errorCode(created))
        }
        let uploadID = "uploadId=" + SigV4.encode(Self.unescape(id))
        do {
            var completion = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            for (index, digest) in upload.partDigests.enumerated() {
                let number = index + 1
                let checksum = Data(digest).base64EncodedString()
                let part = try send("PUT", bucket: bucket, key: key, query: "partNumber=\(number)&" + uploadID,
                                    headers: [("x-amz-checksum-sha256", checksum), ("x-amz-sdk-checksum-algorithm", "SHA256"), ("Content-Type", "application/octet-stream")],
                                    body: try upload.bytes(part: number))
                guard part.status == 200, let etag = part.header("etag") else {
                    throw S3Error.failed(object: object, operation: "UploadPart \(number)", status: part.status, code: AWSRequester.errorCode(part))
                }
                completion += "<Part><ChecksumSHA256>\(checksum)</ChecksumSHA256><ETag>\(Self.escape(etag))</ETag><PartNumber>\(number)</PartNumber></Part>"
            }
            completion += "</CompleteMultipartUpload>"
            let completed = try send("POST", bucket: bucket, key: key, query: uploadID, headers: [("Content-Type", "application/xml")], body: Array(completion.utf8))
            guard completed.status == 200, !String(decoding: completed.body.prefix(200), as: UTF8.self).contains("<Error>") else {
                throw S3Error.failed(object: object, operation: "CompleteMultipartUpload", status: completed.status, code: AWSRequester.errorCode(completed))
            }
        } catch {
            _ = try? send("DELETE", bucket: bucket, key: key, query: uploadID)
            throw error
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// What an archive operation can end in beyond unusable input: exit 1, naming the object.
public enum S3Error: ReportableError, Equatable {
    case unreachable(object: String, reason: String)
    case failed(object: String, operation: String, status: Int, code: String?)
    case notLocked(object: String, reason: String)

    public var exitCode: Int32 { 1 }

    public var description: String {
        switch self {
        case .unreachable(let object, let reason): "\(object): S3 could not be reached after retries: \(reason)"
        case .failed(let object, let operation, let status, let code): "\(object): \(operation) failed: HTTP \(status)" + (code.map { " \($0)" } ?? "")
        case .notLocked(let object, let reason): "\(object): \(reason)"
        }
    }
}
