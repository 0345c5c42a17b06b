import EvidenceCrypto
import Foundation

/// Whether the CloudTrail log files `CC8.1-iac-out-of-band` judged are all there is, as CloudTrail delivered them
/// (`aws cloudtrail validate-logs`, offline): each trail's hourly digest files are chained by
/// `previousDigestS3Object`, `previousDigestHashValue` and `previousDigestSignature`, each signed (SHA256withRSA,
/// over its end time, location, SHA-256 and the previous signature) with a key `--cloudtrail-keys` holds, and
/// list every log file delivered with its SHA-256. A digest's own signature lives only in S3 metadata, so it is
/// taken from the next digest's `previousDigestSignature` (which the next signature covers). Findings are
/// `CC8.1-iac-out-of-band`'s, with no change: a hole in the trail is an hour whose changes nobody can see.
enum CloudTrailIntegrity {
    static let id = IacOutOfBand.id
    /// The reason its findings give, so the report asks the auditor about the trail, not about a console change.
    static let reason = "trail-incomplete"

    /// A digest file given, with the name it was delivered under.
    struct Given {
        let name: String
        let digest: TrailDigest
    }

    static func findings(_ correlated: CorrelatedEvidence) -> [Finding] {
        let window = correlated.window
        let logs = correlated.ledgers.filter { $0.kind == .cloudtrail }
        let digestLedgers = correlated.ledgers.filter { $0.kind == .cloudtrailDigest }
        guard !logs.isEmpty || !digestLedgers.isEmpty else { return [] }
        var findings = [Finding]()
        func finding(_ status: FindingStatus, _ detail: String) {
            findings.append(Finding(control: id, status: status, change: nil, pullRequest: nil, paths: [], detail: detail,
                                    reason: status == .pass ? nil : reason))
        }
        guard !digestLedgers.isEmpty else {
            finding(.info, "The \(logs.count) CloudTrail log file(s) come without the trail's digest files (CloudTrail-Digest/): that they are all "
                + "CloudTrail delivered, unaltered, is not evidenced. Give the trail's folder with log file validation on.")
            return findings
        }
        // Bytes were read and checked when the inputs were; a ledger always holds its digest's bytes.
        let given = digestLedgers.compactMap { ledger in
            (try? CloudTrailDigestLedger.digest(ledger.bytes ?? [], file: ledger.bundlePath)).map { Given(name: name(of: ledger.bundlePath), digest: $0) }
        }
        // Each key parsed once, for every digest it signed; one that does not load verifies nothing.
        var keys = [String: (key: TrailKey, public: PublicKey?)]()
        for ledger in correlated.ledgers where ledger.kind == .cloudtrailKeys {
            for key in (try? CloudTrailKeysLedger.keys(ledger.bytes ?? [], file: ledger.bundlePath)) ?? [] {
                keys[key.fingerprint] = (key, try? PublicKey(rsaPKCS1: key.der, source: "CloudTrail key \(key.fingerprint)"))
            }
        }
        var logHashes = [String: (path: String, sha256: String)]()
        for ledger in logs {
            let hash = (try? CloudTrailLedger.inflated(ledger.bytes ?? [], file: ledger.bundlePath)).flatMap { try? SHA256.hash($0).hex } ?? ""
            logHashes[name(of: ledger.bundlePath)] = (ledger.bundlePath, hash)
        }
        func overlaps(_ start: Int64, _ end: Int64) -> Bool {
            (window.end.map { start < $0 } ?? true) && (window.start.map { end > $0 } ?? true)
        }
        func at(_ time: Int64) -> String { Timestamp.iso8601UTC(time) }

        var listed = Set<String>()
        var covered = [(start: Int64, end: Int64)]()
        var unsignedChecked = 0
        let chains = Dictionary(grouping: given.filter { !$0.digest.isBackfill }, by: { series(of: $0.name) })
        for (trail, chain) in chains.sorted(by: { $0.key < $1.key }) {
            let chain = chain.sorted { $0.digest.end < $1.digest.end }
            let problemsBefore = findings.count
            var verified = 0
            for (index, current) in chain.enumerated() {
                let digest = current.digest
                let described = "CloudTrail digest \(current.name) (\(at(digest.start)) to \(at(digest.end)))"
                let inWindow = overlaps(digest.start, digest.end)
                if name(of: digest.object) != current.name {
                    finding(.fail, "\(described) says it was delivered as \(digest.object): it is not where CloudTrail put it.")
                }
                // The link to the digest before it in the chain.
                if index == 0 {
                    if let start = window.start, digest.start > start {
                        finding(.fail, "Trail \(trail): no digest file covers \(at(start)) to \(at(digest.start)); give the digest files of those hours"
                            + " (the changes made then are not evidenced).")
                    }
                } else {
                    let previous = chain[index - 1]
                    if digest.previousObject == nil {
                        if overlaps(previous.digest.end, digest.start) {
                            finding(.fail, "Trail \(trail): the digest chain restarts at \(current.name): log file validation or logging was off from "
                                + "\(at(previous.digest.end)) to \(at(digest.start)); changes made then are not evidenced.")
                        }
                    } else if name(of: digest.previousObject!) != previous.name {
                        if overlaps(previous.digest.end, digest.start) {
                            finding(.fail, "Trail \(trail): \(current.name) follows \(name(of: digest.previousObject!)), which was not given: the hours "
                                + "\(at(previous.digest.end)) to \(at(digest.start)) are not evidenced.")
                        }
                    } else if digest.previousSHA256 != previous.digest.sha256 {
                        finding(.fail, "CloudTrail digest \(previous.name) differs from what \(current.name) recorded of it "
                            + "(SHA-256 \(previous.digest.sha256), recorded \(digest.previousSHA256 ?? "none")): it was altered.")
                    }
                }
                // Its signature: the next digest's record of it.
                let next = index + 1 < chain.count && chain[index + 1].digest.previousObject.map(name(of:)) == current.name ? chain[index + 1] : nil
                if let next, let signature = next.digest.previousSignature {
                    if keys.isEmpty {
                        unsignedChecked += 1
                    } else if digest.algorithm != "SHA256withRSA" {
                        finding(.fail, "\(described) is signed with \(digest.algorithm), not SHA256withRSA.")
                    } else if let (key, loaded) = keys[digest.fingerprint] {
                        let valid = (key.validFrom.map { $0 <= digest.end } ?? true) && (key.validTo.map { digest.end <= $0 } ?? true)
                        let signed = bytes(fromHex: signature).flatMap { signature in
                            loaded.flatMap { try? $0.verifyRS256(signature, over: Array(digest.signedText.utf8)) }
                        } ?? false
                        if !signed {
                            finding(.fail, "\(described): its signature does not verify with CloudTrail's key \(digest.fingerprint): it was altered or not signed by CloudTrail.")
                        } else if !valid {
                            finding(.fail, "\(described) is signed with CloudTrail's key \(digest.fingerprint) outside the time that key was valid.")
                        } else {
                            verified += 1
                        }
                    } else {
                        finding(.fail, "\(described) is signed with CloudTrail's key \(digest.fingerprint), which --cloudtrail-keys does not hold.")
                    }
                } else if inWindow {
                    finding(.fail, "\(described): its signature is kept only in S3 metadata and no later digest file records it; give the digest file "
                        + "of the next hour so the log files it lists can be verified.")
                }
                covered.append((digest.start, digest.end))
                for log in digest.logFiles {
                    let file = name(of: log.object)
                    listed.insert(file)
                    guard let held = logHashes[file] else {
                        if inWindow {
                            finding(.fail, "CloudTrail log file \(file), which \(current.name) lists, was not given: the calls it holds are not judged.")
                        }
                        continue
                    }
                    if held.sha256 != log.sha256 {
                        finding(.fail, "CloudTrail log file \(held.path) differs from what CloudTrail delivered (SHA-256 \(held.sha256), "
                            + "\(current.name) records \(log.sha256)): it was altered.")
                    }
                }
                if index == chain.count - 1, let end = window.end, digest.end < end {
                    finding(.fail, "Trail \(trail): no digest file covers \(at(digest.end)) to \(at(end)); give the digest files of those hours "
                        + "(the changes made then are not evidenced).")
                }
            }
            if findings.count == problemsBefore, !keys.isEmpty {
                let first = chain.first!.digest, last = chain.last!.digest
                finding(.pass, "Trail \(trail): \(chain.count) digest files from \(at(first.start)) to \(at(last.end)) are one unbroken chain, "
                    + "\(verified) signed by CloudTrail's keys and the last vouched for by its successor; every log file they list is here, unaltered.")
            }
        }
        if unsignedChecked > 0 {
            finding(.info, "\(unsignedChecked) CloudTrail digest file(s) were chained and hashed, but their signatures were not checked: give the trail's "
                + "public keys with --cloudtrail-keys (the output of aws cloudtrail list-public-keys).")
        }
        let backfill = given.filter(\.digest.isBackfill)
        for current in backfill {
            for log in current.digest.logFiles { listed.insert(name(of: log.object)) }
        }
        if !backfill.isEmpty {
            finding(.info, "\(backfill.count) backfill digest file(s): their signatures are kept only in S3 metadata, so the log files they list are "
                + "hash-checked by name only.")
        }
        for (file, held) in logHashes.sorted(by: { $0.key < $1.key }) where !listed.contains(file) {
            let delivered = deliveryTime(of: file)
            if let delivered, covered.contains(where: { $0.start <= delivered && delivered <= $0.end }) {
                finding(.fail, "CloudTrail log file \(held.path) is listed by no digest file of the hour it names: CloudTrail did not deliver it as it is.")
            } else {
                finding(.info, "CloudTrail log file \(held.path) is covered by no digest file given: that it is unaltered is not evidenced.")
            }
        }
        return findings
    }

    /// A path's last component.
    static func name(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The trail a digest file belongs to: its name without the end time, `111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1`.
    static func series(of name: String) -> String {
        name.replacing(#/_\d{8}T\d{6}Z(_backfill)?\.json(\.gz)?$/#, with: "")
    }

    /// When a log file was delivered, from its name (`..._20260716T1400Z_...`).
    static func deliveryTime(of name: String) -> Int64? {
        guard let match = name.firstMatch(of: #/_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_/#) else { return nil }
        return Timestamp.parse("\(match.1)-\(match.2)-\(match.3)T\(match.4):\(match.5):00Z")
    }
}
