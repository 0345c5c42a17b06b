import EvidenceCore
import EvidenceTestSupport
import Foundation
import GitKit
import Testing

/// CloudTrail log file validation, offline: a trail signed on the spot (`CloudTrailTrail`), then broken the ways a
/// trail is broken — a log altered, deleted or slipped in, a digest deleted or altered, the newest digest missing, the
/// keys of someone else — each judged over the window 2026-07-16 00:00 to 04:00.
@Suite struct CloudTrailIntegrityTests {
    let scenario: LedgerScenario

    init() throws { scenario = try LedgerScenario.shared.get() }

    /// The trail's out-of-band findings that are about the trail itself (no change, no call).
    func integrity(_ trail: CloudTrailTrail, keys: Bool = true) throws -> [Finding] {
        let sources = try LedgerSource.cloudTrailLogs(at: trail.folder) + (keys ? [try LedgerSource.cloudTrailKeys(at: trail.keys)] : [])
        let ledgers = try LedgerLoader.load(sources)
        let repository = try Repository(path: scenario.repository.path)
        let window = AuditWindow(start: Timestamp.parse("2026-07-16T00:00:00Z"), end: Timestamp.parse("2026-07-16T04:00:00Z"))
        let evidence = try Derived.derive(repository: repository, branch: try repository.resolveBranch("main"), config: .defaults,
                                          github: scenario.github.folder, ledgers: ledgers, window: window)
        return evidence.findings.filter { $0.control == "CC8.1-iac-out-of-band" && $0.change == nil && !$0.detail.contains(" called ") }
    }

    func failures(_ findings: [Finding]) -> [String] { findings.filter { $0.status == .fail }.map(\.detail) }

    @Test func anIntactTrailIsOneUnbrokenSignedChain() throws {
        let trail = try CloudTrailTrail()
        let ledgers = try LedgerLoader.load(try LedgerSource.cloudTrailLogs(at: trail.folder))
        #expect(ledgers.map(\.kind.rawValue).sorted() == Array(repeating: "cloudtrail", count: 4) + Array(repeating: "cloudtrail-digest", count: 6))
        let findings = try integrity(trail)
        #expect(findings.count == 1, "\(findings.map(\.detail))")
        #expect(findings.first?.status == .pass)
        #expect(findings.first?.detail == "Trail 111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1: 6 digest files from 2026-07-15T23:01:31Z to "
            + "2026-07-16T05:01:31Z are one unbroken chain, 5 signed by CloudTrail's keys and the last vouched for by its successor; every log file "
            + "they list is here, unaltered.")
    }

    @Test func withoutTheKeysTheChainIsHashedButNotCalledVerified() throws {
        let findings = try integrity(try CloudTrailTrail(), keys: false)
        #expect(findings.map(\.status) == [.info])
        #expect(findings.first?.detail.hasPrefix("5 CloudTrail digest file(s) were chained and hashed, but their signatures were not checked") == true)
    }

    @Test func logsWithoutDigestsAreNotCalledComplete() throws {
        let trail = try CloudTrailTrail()
        try FileManager.default.removeItem(atPath: trail.folder + "/AWSLogs/111122223333/CloudTrail-Digest")
        let findings = try integrity(trail, keys: false)
        #expect(findings.map(\.status) == [.info])
        #expect(findings.first?.detail.hasPrefix("The 4 CloudTrail log file(s) come without the trail's digest files") == true)
    }

    @Test func anAlteredLogFileFails() throws {
        let trail = try CloudTrailTrail()
        try trail.rewrite(trail.log(1), "d['Records'] = []")
        let failed = failures(try integrity(trail))
        #expect(failed.count == 1, "\(failed)")
        #expect(failed.first?.contains("CloudTrail log file inputs/ledgers/cloudtrail/111122223333_CloudTrail_eu-west-1_20260716T0130Z_log1.json.gz "
            + "differs from what CloudTrail delivered") == true)
        #expect(failed.first?.hasSuffix("111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1_20260716T020131Z.json.gz records "
            + "\(failed.first!.firstMatch(of: #/records ([0-9a-f]{64})/#)!.1)): it was altered.") == true)
    }

    @Test func aDeletedLogFileFails() throws {
        let trail = try CloudTrailTrail()
        try FileManager.default.removeItem(atPath: trail.log(2))
        #expect(failures(try integrity(trail)) == ["CloudTrail log file 111122223333_CloudTrail_eu-west-1_20260716T0230Z_log2.json.gz, which "
            + "111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1_20260716T030131Z.json.gz lists, was not given: the calls it holds are not judged."])
    }

    @Test func aLogFileNoDigestListsFails() throws {
        let trail = try CloudTrailTrail()
        let forged = trail.log(1).replacingOccurrences(of: "0130Z_log1", with: "0145Z_forged")
        try FileManager.default.copyItem(atPath: trail.log(1), toPath: forged)
        #expect(failures(try integrity(trail)) == ["CloudTrail log file inputs/ledgers/cloudtrail/111122223333_CloudTrail_eu-west-1_20260716T0145Z_forged.json.gz "
            + "is listed by no digest file of the hour it names: CloudTrail did not deliver it as it is."])
    }

    @Test func aMissingDigestIsAGapInTheChain() throws {
        let trail = try CloudTrailTrail()
        try FileManager.default.removeItem(atPath: trail.digest(2))
        let findings = try integrity(trail)
        let failed = failures(findings)
        // The hour it covered is not evidenced, the digest before it is vouched for by none, and the log it listed is
        // covered by no digest given.
        #expect(failed.count == 2, "\(failed)")
        #expect(failed.contains { $0.contains("20260716T010131Z.json.gz (2026-07-16T00:01:31Z to 2026-07-16T01:01:31Z): its signature is kept only") })
        #expect(findings.contains { $0.status == .info && $0.detail.contains("log1.json.gz is covered by no digest file given") })
        #expect(failed.contains("Trail 111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1: 111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1_"
            + "20260716T030131Z.json.gz follows 111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1_20260716T020131Z.json.gz, which was not given: "
            + "the hours 2026-07-16T01:01:31Z to 2026-07-16T02:01:31Z are not evidenced."), "\(failed)")
    }

    @Test func anAlteredDigestFailsItsSignatureAndItsSuccessorsRecord() throws {
        let trail = try CloudTrailTrail()
        // Someone hides a log file: drops it from its digest and deletes it.
        try trail.rewrite(trail.digest(3), "d['logFiles'] = []")
        try FileManager.default.removeItem(atPath: trail.log(2))
        let failed = failures(try integrity(trail))
        #expect(failed.contains { $0.hasPrefix("CloudTrail digest 111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1_20260716T030131Z.json.gz "
            + "(2026-07-16T02:01:31Z to 2026-07-16T03:01:31Z): its signature does not verify") }, "\(failed)")
        #expect(failed.contains { $0.hasPrefix("CloudTrail digest 111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1_20260716T030131Z.json.gz differs "
            + "from what 111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1_20260716T040131Z.json.gz recorded of it") })
        #expect(failed.count == 2)
    }

    @Test func theNewestDigestInTheWindowNeedsItsSuccessor() throws {
        let trail = try CloudTrailTrail()
        try FileManager.default.removeItem(atPath: trail.digest(5))
        try FileManager.default.removeItem(atPath: trail.digest(4))
        let failed = failures(try integrity(trail))
        #expect(failed.contains { $0.contains("20260716T030131Z.json.gz (2026-07-16T02:01:31Z to 2026-07-16T03:01:31Z): its signature is kept only in S3 "
            + "metadata and no later digest file records it") }, "\(failed)")
        #expect(failed.contains("Trail 111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1: no digest file covers 2026-07-16T03:01:31Z to "
            + "2026-07-16T04:00:00Z; give the digest files of those hours (the changes made then are not evidenced)."))
        #expect(failed.contains { $0.contains("log3.json.gz is covered by no digest") } == false)
    }

    @Test func anotherKeysSignaturesDoNotVerify() throws {
        let failed = failures(try integrity(try CloudTrailTrail(keysOfAnotherKey: true)))
        #expect(failed.count == 5, "\(failed)")
        #expect(failed.allSatisfy { $0.contains("its signature does not verify with CloudTrail's key") })
    }

    @Test(arguments: [
        (#"{"Records": []}"#, "d.json.gz: not a CloudTrail digest file (no digestS3Object)"),
        (#"{"digestS3Object": "x", "awsAccountId": "1"}"#, "d.json.gz: digestStartTime: missing"),
    ])
    func unusableDigestFilesNameTheFile(text: String, message: String) throws {
        do {
            _ = try LedgerReader.read(Array(text.utf8), file: "d.json.gz", kind: .cloudtrailDigest, source: "d.json.gz") { "inputs/ledgers/\($0.rawValue)/d.json.gz" }
            Issue.record("accepted: \(text)")
        } catch { #expect("\(error)" == message) }
        do {
            _ = try LedgerReader.read(Array(#"{"PublicKeys": []}"#.utf8), file: "keys.json", kind: .cloudtrailKeys, source: "keys.json") { _ in "k" }
            Issue.record("accepted a key list without PublicKeyList")
        } catch {
            #expect("\(error)" == "keys.json: not the output of aws cloudtrail list-public-keys ({\"PublicKeyList\": [...]})")
        }
    }
}
