import Foundation
import ZlibKit

extension LedgerKind {
    /// AWS CloudTrail log files.
    public static let cloudtrail = LedgerKind(rawValue: "cloudtrail")
}

/// An AWS API call as CloudTrail records it: who (the role a session assumed, else the identity's ARN), what
/// (`eventSource`, `eventName`, the first resource), when, from where, and whether it changed anything (`readOnly`,
/// `errorCode`).
public struct CloudCall: Codable, Sendable, Hashable {
    public let principal: String
    /// `userIdentity.type`: `IAMUser`, `AssumedRole`, `Root`, `AWSService`, ...
    public let identityType: String
    public let eventSource: String
    public let eventName: String
    public let resource: String?
    public let sourceIP: String?
    public let userAgent: String?
    public let readOnly: Bool
    public let errorCode: String?
    /// A console sign-in, not a change.
    public let signIn: Bool
}

/// A CloudTrail log file as S3 delivers it (`.json`, or `.json.gz`): `{"Records": [...]}`, one record per API call.
/// A call by a deploy role whose user agent carries a commit (`TF_APPEND_USER_AGENT="commit/<sha>"`) names it.
public enum CloudTrailLedger: LedgerFormat {
    public static let kind = LedgerKind.cloudtrail
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: false, applier: true, history: true, flavours: [],
                                                        recordNoun: "event")
    public static let matching = LedgerMatch.checksum([])
    public static let requiredColumns: [String]? = nil
    public static let liveTable: LiveTable? = nil
    /// No log file S3 delivers comes near this; more is refused as a decompression bomb.
    static let inflatedLimit = 1 << 30

    /// The JSON a file holds: its bytes, or inflated when gzipped as S3 delivers it. CloudTrail's digests hash
    /// the inflated bytes.
    static func inflated(_ bytes: some Collection<UInt8>, file: String) throws(EvidenceError) -> [UInt8] {
        guard bytes.starts(with: [0x1F, 0x8B]) else { return Array(bytes) }
        do { return try Gzip.decompress(Array(bytes), limit: inflatedLimit) } catch {
            let reason = switch error {
            case .truncated: "a truncated gzip stream"
            case .corrupt: "not a readable gzip stream"
            case .tooLarge(let limit): "inflates past \(limit >> 20) MiB"
            }
            throw EvidenceError.malformed(file: file, location: "", reason: reason)
        }
    }

    public static func read(_ bytes: ArraySlice<UInt8>, file: String, ledger: String) throws(EvidenceError) -> LedgerContents {
        let json = try inflated(bytes, file: file)
        guard let document = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any], let records = document["Records"] as? [Any] else {
            throw EvidenceError.malformed(file: file, location: "", reason: "not a CloudTrail log file ({\"Records\": [...]})")
        }
        var groups = LedgerRecordGroups()
        for (index, element) in records.enumerated() {
            func malformed(_ field: String, _ reason: String) -> EvidenceError {
                .malformed(file: file, location: "Records[\(index)]\(field.isEmpty ? "" : "." + field)", reason: reason)
            }
            guard let event = element as? [String: Any] else { throw malformed("", "expected an object") }
            guard let text = event["eventTime"] as? String, let time = Timestamp.parseDatabase(text) else { throw malformed("eventTime", "missing or not a time") }
            guard let source = event["eventSource"] as? String, let name = event["eventName"] as? String else {
                throw malformed("eventSource", "an event names its source and name")
            }
            let identity = event["userIdentity"] as? [String: Any] ?? [:]
            let type = identity["type"] as? String ?? "Unknown"
            let issuer = ((identity["sessionContext"] as? [String: Any])?["sessionIssuer"] as? [String: Any])?["arn"] as? String
            let principal = (type == "AssumedRole" ? issuer : nil) ?? identity["arn"] as? String ?? identity["invokedBy"] as? String
                ?? identity["principalId"] as? String ?? "unknown principal"
            let resource = ((event["resources"] as? [[String: Any]])?.first?["ARN"] as? String)
            let agent = event["userAgent"] as? String
            let readOnly = (event["readOnly"] as? Bool) ?? ["Get", "List", "Describe", "Head", "Lookup"].contains { name.hasPrefix($0) }
            let commit = agent.flatMap { $0.firstMatch(of: #/commit[/=:]([0-9a-fA-F]{7,40})\b/#).map { String($0.1).lowercased() } }
            let call = CloudCall(principal: principal, identityType: type, eventSource: source, eventName: name, resource: resource,
                                 sourceIP: event["sourceIPAddress"] as? String, userAgent: agent, readOnly: readOnly,
                                 errorCode: event["errorCode"] as? String, signIn: event["eventType"] as? String == "AwsConsoleSignIn")
            groups.add(LedgerRecord(ledger: ledger, row: index + 1, kind: kind, event: .cloudCall, appliedAt: time, appliedBy: principal,
                                    runID: event["eventID"] as? String, commit: commit, cloud: call, succeeded: call.errorCode == nil))
        }
        return LedgerContents(records: groups.records, otherEvents: 0)
    }
}
