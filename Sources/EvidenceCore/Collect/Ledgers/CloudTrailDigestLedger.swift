import EvidenceCrypto
import Foundation

extension LedgerKind {
    /// CloudTrail's hourly digest files (log file integrity validation).
    public static let cloudtrailDigest = LedgerKind(rawValue: "cloudtrail-digest")
    /// The public keys CloudTrail signs digest files with, as `aws cloudtrail list-public-keys` prints them.
    public static let cloudtrailKeys = LedgerKind(rawValue: "cloudtrail-keys")
}

/// One CloudTrail digest file as S3 delivers it (`CloudTrail-Digest/.../<account>_CloudTrail-Digest_<region>_<trail>_<home
/// region>_<end>.json.gz`): the hour it covers, where it was delivered, the log files delivered in that hour with the
/// SHA-256 of each (inflated), and the previous digest's location, SHA-256 and signature. Its own signature is kept
/// only in the S3 object's metadata (`x-amz-meta-signature`), so offline it is known from the next digest's
/// `previousDigestSignature`.
public struct TrailDigest: Sendable, Hashable {
    public struct LogFile: Sendable, Hashable {
        public let bucket: String
        public let object: String
        public let sha256: String
    }

    public let account: String
    public let start: Int64
    public let end: Int64
    /// `digestEndTime` exactly as written: the signed string holds it so.
    public let endText: String
    public let bucket: String
    public let object: String
    public let fingerprint: String
    public let algorithm: String
    public let previousBucket: String?
    public let previousObject: String?
    public let previousSHA256: String?
    public let previousSignature: String?
    public let logFiles: [LogFile]
    /// Hex SHA-256 of the inflated file, which the next digest's `previousDigestHashValue` and the signature cover.
    public let sha256: String

    /// `previousDigestSignature` is JSON `null` in the first digest of a chain; the signed string then holds `null`.
    public var signedText: String {
        "\(endText)\n\(bucket)/\(object)\n\(sha256)\n\(previousSignature ?? "null")"
    }

    /// A backfill digest (`..._backfill.json.gz`), delivered late for log files an hourly one missed; it is in no chain.
    public var isBackfill: Bool { object.hasSuffix("_backfill.json.gz") }
}

/// Reads digest files: each is checked to be one and read whole; it holds no ledger records, its chain is judged
/// with the trail's log files (`CloudTrailIntegrity`).
public enum CloudTrailDigestLedger: LedgerFormat {
    public static let kind = LedgerKind.cloudtrailDigest
    public static let capabilities = LedgerCapabilities(applyTime: false, checksum: false, applier: false, history: true, flavours: [],
                                                        recordNoun: "digest")
    public static let matching = LedgerMatch.checksum([])
    public static let requiredColumns: [String]? = nil
    public static let liveTable: LiveTable? = nil

    public static func read(_ bytes: ArraySlice<UInt8>, file: String, ledger: String) throws(EvidenceError) -> LedgerContents {
        _ = try digest(bytes, file: file)
        return LedgerContents(records: [], otherEvents: 0)
    }

    /// The digest a file holds.
    public static func digest(_ bytes: some Collection<UInt8>, file: String) throws(EvidenceError) -> TrailDigest {
        let json = try CloudTrailLedger.inflated(bytes, file: file)
        guard let document = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any], document["digestS3Object"] != nil else {
            throw EvidenceError.malformed(file: file, location: "", reason: "not a CloudTrail digest file (no digestS3Object)")
        }
        func text(_ key: String) throws(EvidenceError) -> String {
            guard let value = document[key] as? String, !value.isEmpty else { throw EvidenceError.malformed(file: file, location: key, reason: "missing") }
            return value
        }
        func time(_ key: String) throws(EvidenceError) -> Int64 {
            guard let value = Timestamp.parseDatabase(try text(key)) else { throw EvidenceError.malformed(file: file, location: key, reason: "not a time") }
            return value
        }
        var logs = [TrailDigest.LogFile]()
        for (index, entry) in ((document["logFiles"] as? [Any]) ?? []).enumerated() {
            guard let entry = entry as? [String: Any], let bucket = entry["s3Bucket"] as? String, let object = entry["s3Object"] as? String,
                  let hash = entry["hashValue"] as? String else {
                throw EvidenceError.malformed(file: file, location: "logFiles[\(index)]", reason: "a log file names its s3Bucket, s3Object and hashValue")
            }
            logs.append(TrailDigest.LogFile(bucket: bucket, object: object, sha256: hash.lowercased()))
        }
        let sha256: String
        do { sha256 = try SHA256.hash(json).hex } catch { throw EvidenceError.malformed(file: file, location: "", reason: "\(error)") }
        return TrailDigest(account: try text("awsAccountId"), start: try time("digestStartTime"), end: try time("digestEndTime"),
                           endText: try text("digestEndTime"), bucket: try text("digestS3Bucket"), object: try text("digestS3Object"),
                           fingerprint: try text("digestPublicKeyFingerprint").lowercased(), algorithm: try text("digestSignatureAlgorithm"),
                           previousBucket: document["previousDigestS3Bucket"] as? String, previousObject: document["previousDigestS3Object"] as? String,
                           previousSHA256: (document["previousDigestHashValue"] as? String)?.lowercased(),
                           previousSignature: document["previousDigestSignature"] as? String, logFiles: logs, sha256: sha256)
    }
}

/// A public key CloudTrail signs digest files with in a region: `Value` (base64 PKCS #1 DER), its validity, and the
/// `Fingerprint` digest files name it by.
public struct TrailKey: Sendable, Hashable {
    public let fingerprint: String
    public let der: [UInt8]
    public let validFrom: Int64?
    public let validTo: Int64?
}

/// The output of `aws cloudtrail list-public-keys` (`{"PublicKeyList": [...]}`), one file per region asked.
public enum CloudTrailKeysLedger: LedgerFormat {
    public static let kind = LedgerKind.cloudtrailKeys
    public static let capabilities = LedgerCapabilities(applyTime: false, checksum: false, applier: false, history: true, flavours: [],
                                                        recordNoun: "key")
    public static let matching = LedgerMatch.checksum([])
    public static let requiredColumns: [String]? = nil
    public static let liveTable: LiveTable? = nil

    public static func read(_ bytes: ArraySlice<UInt8>, file: String, ledger: String) throws(EvidenceError) -> LedgerContents {
        _ = try keys(bytes, file: file)
        return LedgerContents(records: [], otherEvents: 0)
    }

    public static func keys(_ bytes: some Collection<UInt8>, file: String) throws(EvidenceError) -> [TrailKey] {
        guard let document = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any], let list = document["PublicKeyList"] as? [Any] else {
            throw EvidenceError.malformed(file: file, location: "", reason: "not the output of aws cloudtrail list-public-keys ({\"PublicKeyList\": [...]})")
        }
        return try list.enumerated().map { (index, element) throws(EvidenceError) in
            guard let key = element as? [String: Any], let fingerprint = key["Fingerprint"] as? String, let value = key["Value"] as? String,
                  let der = Data(base64Encoded: value) else {
                throw EvidenceError.malformed(file: file, location: "PublicKeyList[\(index)]", reason: "a key has a Fingerprint and a base64 Value")
            }
            return TrailKey(fingerprint: fingerprint.lowercased(), der: [UInt8](der), validFrom: key["ValidityStartTime"].flatMap(EventLog.eventTime),
                            validTo: key["ValidityEndTime"].flatMap(EventLog.eventTime))
        }
    }
}
