import AWSSigV4
import EvidenceCrypto
import Foundation
import HTTPKit

/// `archive` (SPEC §11): a bundle's files into an S3 Object Lock bucket, each locked until the manifest's
/// `retain_until` in COMPLIANCE (or GOVERNANCE) mode with its SHA-256 checksum, the seal last; then every object
/// read back with HeadObject and a receipt written beside the bundle.
public enum BundleArchive {
    public struct Receipt: Codable, Sendable {
        public struct Object: Codable, Sendable {
            public let key: String
            public let versionID: String?
            public let etag: String?
            public let sha256: String
            /// How many parts a multipart upload sent it in; absent for one PutObject.
            public let parts: Int?
            public let mode: String
            public let retainUntil: String

            enum CodingKeys: String, CodingKey {
                case key, etag, sha256, parts, mode
                case versionID = "version_id"
                case retainUntil = "retain_until"
            }
        }

        public let bucket: String
        public let endpoint: String
        public let bundle: String
        public let mode: String
        public let retainUntil: String
        public let archivedAt: String
        public let objects: [Object]

        enum CodingKeys: String, CodingKey {
            case bucket, endpoint, bundle, mode, objects
            case retainUntil = "retain_until"
            case archivedAt = "archived_at"
        }
    }

    /// The files last uploaded: an interrupted archive never holds a signed list of files.
    static let sealFiles = [BundleLayout.attestation, BundleLayout.timestampChain, BundleLayout.timestampToken, BundleLayout.signature, BundleLayout.sums]

    /// How long the folder's objects are kept: its manifest's `retain_until`, or a roll-up's.
    static func retention(of folder: String) throws -> String {
        let reader = BundleReader(folder: folder)
        return RollupLayout.isRollup(folder) ? try reader.rollup().retainUntil : try reader.manifest().retainUntil
    }

    /// Uploads `bundle` (a folder: a bundle or a roll-up) to `location`; returns the receipt, also written as `BUNDLE.archive-receipt.json`.
    public static func run(bundle: String, to location: S3Location, client: S3Client, mode: String) throws -> Receipt {
        let folder = bundle.hasSuffix("/") ? String(bundle.dropLast()) : bundle
        let name = URL(fileURLWithPath: folder).lastPathComponent
        guard let sums = FileManager.default.contents(atPath: folder + "/" + BundleLayout.sums) else {
            throw EvidenceError.unreadable(file: folder, reason: "not a bundle (no SHA256SUMS)")
        }
        let retainUntil = try retention(of: folder)
        let listing = SumsListing([UInt8](sums))
        guard listing.problems.isEmpty else { throw EvidenceError.malformed(file: folder + "/SHA256SUMS", location: "listing", reason: listing.problems[0]) }
        // Only what verifies as listed is archived: every listed file is present and matches.
        var files = [(path: String, upload: S3Upload)]()
        for entry in listing.entries {
            let path = folder + "/" + entry.path
            guard FileManager.default.fileExists(atPath: path) else { throw EvidenceError.unreadable(file: path, reason: "listed in SHA256SUMS and missing") }
            let upload = try S3Upload(path: path)
            guard Digest(bytes: upload.sha256).hex == entry.digest else {
                throw EvidenceError.malformed(file: path, location: "contents", reason: "does not match SHA256SUMS; the bundle is not archived")
            }
            files.append((entry.path, upload))
        }
        // The OSCAL document export --oscal derives after sealing goes with the bundle (verify derives it again).
        if FileManager.default.fileExists(atPath: folder + "/" + OSCALAssessment.bundlePath) {
            files.append((OSCALAssessment.bundlePath, try S3Upload(path: folder + "/" + OSCALAssessment.bundlePath)))
        }
        for path in sealFiles where FileManager.default.fileExists(atPath: folder + "/" + path) {
            files.append((path, try S3Upload(path: folder + "/" + path)))
        }
        var order = files.filter { !sealFiles.contains($0.path) }.sorted { $0.path < $1.path }.map { (key: location.key(name + "/" + $0.path), $0.upload) }
        // The .tar.gz beside the bundle, when export wrote one, goes up before the seal too.
        if FileManager.default.fileExists(atPath: folder + ".tar.gz") {
            order.append((location.key(name + ".tar.gz"), try S3Upload(path: folder + ".tar.gz")))
        }
        order += sealFiles.compactMap { seal in files.first { $0.path == seal } }.map { (key: location.key(name + "/" + $0.path), $0.upload) }

        guard try client.objectLockEnabled(location.bucket) else {
            throw EvidenceError.invalidArgument(flag: "--to", value: "s3://\(location.bucket)", reason: "the bucket does not have Object Lock enabled; nothing was uploaded")
        }
        var objects = [Receipt.Object]()
        for (key, upload) in order {
            var head = try client.send("HEAD", bucket: location.bucket, key: key, headers: [("x-amz-checksum-mode", "ENABLED")])
            // A re-run skips what an interrupted one already stored, locked, with the right checksum.
            if !(head.status == 200 && upload.isStored(as: head.header("x-amz-checksum-sha256")) && head.header("x-amz-object-lock-mode") == mode) {
                try client.put(upload, bucket: location.bucket, key: key,
                               headers: [("x-amz-object-lock-mode", mode), ("x-amz-object-lock-retain-until-date", retainUntil)])
                head = try client.send("HEAD", bucket: location.bucket, key: key, headers: [("x-amz-checksum-mode", "ENABLED")])
            }
            // The receipt says what S3 says it holds, checked against what was asked.
            let object = "s3://\(location.bucket)/\(key)"
            guard head.status == 200 else { throw S3Error.failed(object: object, operation: "HeadObject", status: head.status, code: nil) }
            guard head.header("x-amz-object-lock-mode") == mode else {
                throw S3Error.notLocked(object: object, reason: "stored without \(mode) Object Lock (mode: \(head.header("x-amz-object-lock-mode") ?? "none"))")
            }
            guard let until = head.header("x-amz-object-lock-retain-until-date"), let seconds = Timestamp.parse(until),
                  let wanted = Timestamp.parse(retainUntil), seconds >= wanted else {
                throw S3Error.notLocked(object: object, reason: "retained until \(head.header("x-amz-object-lock-retain-until-date") ?? "nothing"), not \(retainUntil)")
            }
            if let stored = head.header("x-amz-checksum-sha256"), !upload.isStored(as: stored) {
                throw S3Error.notLocked(object: object, reason: "its stored SHA-256 is not the file's")
            }
            objects.append(.init(key: key, versionID: head.header("x-amz-version-id"), etag: head.header("etag"), sha256: Digest(bytes: upload.sha256).hex,
                                 parts: upload.isMultipart ? upload.partDigests.count : nil, mode: mode, retainUntil: until))
        }
        let receipt = Receipt(bucket: location.bucket, endpoint: client.endpointDescription, bundle: name, mode: mode, retainUntil: retainUntil,
                              archivedAt: Timestamp.iso8601UTC(Int64(Date().timeIntervalSince1970)), objects: objects)
        let bytes = [UInt8](try BundleLayout.jsonEncoder.encode(receipt)) + [0x0a]
        let path = receiptPath(beside: folder)
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)), rename(temporary, path) == 0 else {
            unlink(temporary)
            throw EvidenceError.unwritable(path: path, reason: "the bundle is archived, its receipt could not be written")
        }
        return receipt
    }

    /// Where `archive` writes the receipt of `bundle`: `BUNDLE.archive-receipt.json` beside it.
    public static func receiptPath(beside bundle: String) -> String {
        (bundle.hasSuffix("/") ? String(bundle.dropLast()) : bundle) + ".archive-receipt.json"
    }

    /// The receipt `archive` wrote beside `bundle`, if any: its SHA-256, lowercase hex.
    public static func receiptDigest(beside bundle: String) throws -> String? {
        let path = receiptPath(beside: bundle)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try SHA256.hash(fileAt: path).hex
    }

    /// `verify s3://BUCKET/PREFIX/NAME`: the bundle read into a private folder (exactly the versions `receiptPath`
    /// names, when given) and checked as a folder is, reported under its s3:// name; with `checkRetention`, a
    /// `retention` check on each object's lock.
    public static func verify(_ location: S3Location, client: S3Client, request: VerificationRequest, receipt receiptPath: String?,
                              checkRetention: Bool) throws -> VerificationReport {
        let receipt = try receiptPath.map { path -> Receipt in
            guard let bytes = FileManager.default.contents(atPath: path) else { throw EvidenceError.unreadable(file: path, reason: "cannot read it") }
            do { return try JSONDecoder().decode(Receipt.self, from: bytes) } catch {
                throw EvidenceError.malformed(file: path, location: "top", reason: "not an archive receipt")
            }
        }
        let copy = try ScratchBundle(named: URL(fileURLWithPath: location.prefix).lastPathComponent)
        defer { copy.remove() }
        let keys = try download(location, client: client, into: copy, receipt: receipt)
        var report = try copy.verify(request, naming: "s3://\(location.bucket)/\(location.prefix)")
        if checkRetention {
            let retainUntil = (try? retention(of: copy.folder)) ?? ""
            let problems = try retentionProblems(location, keys: keys, retainUntil: retainUntil, client: client, receipt: receipt)
            report = report.adding(VerificationCheck(name: "retention", passed: problems.isEmpty && !retainUntil.isEmpty,
                                                     detail: problems.isEmpty ? "\(keys.count) objects locked in COMPLIANCE mode until \(retainUntil) or later"
                                                         : "not locked in COMPLIANCE mode until \(retainUntil): " + problems.joined(separator: ", ")))
        }
        return report
    }

    /// Downloads the latest version of every object of the bundle at `location` (`s3://BUCKET/PREFIX/NAME`) into
    /// `copy`; with `receipt`, exactly the object versions it names there, nothing else. Returns the keys read.
    static func download(_ location: S3Location, client: S3Client, into copy: ScratchBundle, receipt: Receipt? = nil) throws -> [String] {
        var versions = [String: String]()
        for object in receipt?.objects ?? [] where object.key.hasPrefix(location.prefix + "/") { versions[object.key] = object.versionID ?? "" }
        let keys = receipt == nil ? try client.keys(location.bucket, prefix: location.prefix + "/") : versions.keys.sorted()
        guard !keys.isEmpty else {
            throw EvidenceError.unreadable(file: "s3://\(location.bucket)/\(location.prefix)", reason: receipt == nil ? "no objects there" : "the receipt names no object there")
        }
        for key in keys {
            let relative = String(key.dropFirst(location.prefix.count + 1))
            guard SumsListing.isSafe(relative) else {
                throw EvidenceError.malformed(file: "s3://\(location.bucket)/\(key)", location: "key", reason: "not a safe path inside the bundle")
            }
            let version = versions[key].flatMap { $0.isEmpty ? nil : "versionId=" + $0 } ?? ""
            let response = try client.send("GET", bucket: location.bucket, key: key, query: version)
            guard response.status == 200 else {
                throw S3Error.failed(object: "s3://\(location.bucket)/\(key)", operation: "GetObject", status: response.status, code: AWSRequester.errorCode(response))
            }
            try copy.write(relative, response.body, failure: "cannot write the downloaded object")
        }
        return keys
    }

    /// Which objects are not locked in COMPLIANCE mode until `retainUntil` (HeadObject), named.
    /// With `receipt`, the versions it names are the ones judged.
    static func retentionProblems(_ location: S3Location, keys: [String], retainUntil: String, client: S3Client, receipt: Receipt? = nil) throws -> [String] {
        var problems = [String]()
        let versions = Dictionary((receipt?.objects ?? []).compactMap { object in object.versionID.map { (object.key, $0) } }, uniquingKeysWith: { first, _ in first })
        for key in keys {
            let head = try client.send("HEAD", bucket: location.bucket, key: key, query: versions[key].map { "versionId=" + $0 } ?? "")
            let mode = head.header("x-amz-object-lock-mode")
            let until = head.header("x-amz-object-lock-retain-until-date").flatMap(Timestamp.parse)
            if mode != "COMPLIANCE" || until == nil || until! < (Timestamp.parse(retainUntil) ?? .max) {
                problems.append("\(key) (\(mode ?? "no lock")" + (until.map { ", until \(Timestamp.iso8601UTC($0))" } ?? "") + ")")
            }
        }
        return problems
    }
}
