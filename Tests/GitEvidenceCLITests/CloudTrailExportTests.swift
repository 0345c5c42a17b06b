import EvidenceTestSupport
import Foundation
import Testing

/// `export --cloudtrail`: CloudTrail log files in the documented record shape, gzipped as S3 delivers them —
/// an engineer's console change through an assumed role, Terraform's deploy role applying a commit, an AWS service,
/// a read-only call, a refused call and a console sign-in — judged against `terraform.deploy_roles`.
@Suite struct CloudTrailExportTests {
    let scenario: LedgerScenario
    let key: String
    let publicKey: String

    init() throws {
        scenario = try LedgerScenario.shared.get()
        let keys = try SigningKeyPair("cloudtrail-key")
        key = keys.key
        publicKey = keys.publicKey
    }

    static func record(_ name: String, source: String = "ec2.amazonaws.com", at time: String, identity: [String: Any], agent: String = "console.ec2.amazonaws.com",
                       readOnly: Bool = false, error: String? = nil, type: String = "AwsApiCall", resource: String? = nil) -> [String: Any] {
        var record: [String: Any] = [
            "eventVersion": "1.09", "userIdentity": identity, "eventTime": time, "eventSource": source, "eventName": name, "awsRegion": "eu-west-1",
            "sourceIPAddress": "203.0.113.7", "userAgent": agent, "requestParameters": ["groupId": "sg-0abc"], "responseElements": NSNull(),
            "requestID": UUID().uuidString, "eventID": "ev-" + name, "readOnly": readOnly, "eventType": type, "managementEvent": true,
            "recipientAccountId": "111122223333", "eventCategory": "Management",
        ]
        if let error { record["errorCode"] = error; record["errorMessage"] = "You are not authorized to perform this operation." }
        if let resource { record["resources"] = [["accountId": "111122223333", "type": "AWS::EC2::SecurityGroup", "ARN": resource]] }
        return record
    }

    static func assumed(_ role: String, session: String) -> [String: Any] {
        ["type": "AssumedRole", "principalId": "AROAEXAMPLE:\(session)", "arn": "arn:aws:sts::111122223333:assumed-role/\(role)/\(session)",
         "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLE",
         "sessionContext": ["sessionIssuer": ["type": "Role", "principalId": "AROAEXAMPLE", "arn": "arn:aws:iam::111122223333:role/\(role)",
                                              "accountId": "111122223333", "userName": role],
                            "attributes": ["creationDate": "2026-07-16T13:00:00Z", "mfaAuthenticated": "true"]]]
    }

    /// A log folder as S3 delivers it: `AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<file>.json.gz`.
    func logs() throws -> String {
        let root = try TemporaryFolder.make("cloudtrail") + "/AWSLogs"
        let day = root + "/111122223333/CloudTrail/eu-west-1/2026/07/16"
        try FileManager.default.createDirectory(atPath: day, withIntermediateDirectories: true)
        let records: [[String: Any]] = [
            Self.record("AuthorizeSecurityGroupIngress", at: "2026-07-16T14:00:00Z", identity: Self.assumed("AdministratorAccess", session: "carol@acme.example"),
                        resource: "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc"),
            Self.record("CreateBucket", source: "s3.amazonaws.com", at: "2026-07-16T13:05:00Z", identity: Self.assumed("terraform-prod", session: "deploy"),
                        agent: "APN/1.0 HashiCorp/1.0 Terraform/1.11.4 (+https://www.terraform.io) terraform-provider-aws/5.31.0 commit/\(scenario.commits["prod"]!)"),
            Self.record("UpdateAutoScalingGroup", source: "autoscaling.amazonaws.com", at: "2026-07-16T15:00:00Z",
                        identity: ["type": "AWSService", "invokedBy": "autoscaling.amazonaws.com"], agent: "autoscaling.amazonaws.com"),
            Self.record("DescribeInstances", at: "2026-07-16T15:10:00Z", identity: Self.assumed("AdministratorAccess", session: "carol@acme.example"), readOnly: true),
            Self.record("TerminateInstances", at: "2026-07-16T15:20:00Z",
                        identity: ["type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": "arn:aws:iam::111122223333:user/mallory", "userName": "mallory"],
                        error: "Client.UnauthorizedOperation"),
            Self.record("ConsoleLogin", source: "signin.amazonaws.com", at: "2026-07-16T13:59:00Z",
                        identity: ["type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/carol"], type: "AwsConsoleSignIn"),
        ]
        let json = try JSONSerialization.data(withJSONObject: ["Records": records], options: [.sortedKeys])
        let file = day + "/111122223333_CloudTrail_eu-west-1_20260716T1400Z_a1b2c3.json.gz"
        let raw = try Command.run("/usr/bin/env", ["sh", "-c", "gzip -c > '\(file)'"], input: json)
        #expect(raw.status == 0)
        return root
    }

    func export(_ extra: [String]) throws -> (Command.Result, String) {
        let output = try TemporaryFolder.make("cloudtrail-export") + "/evidence"
        let settings = try TemporaryFolder.make("cloudtrail-settings") + "/settings.yml"
        try "terraform:\n  deploy_roles: [\"arn:aws:iam::111122223333:role/terraform-*\"]\n".write(toFile: settings, atomically: true, encoding: .utf8)
        let result = try Binary.run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder, "--key", key,
                                     "--out", output, "--config", settings, "--as-of", "2026-10-01T08:00:00Z"] + extra)
        return (result, output)
    }

    @Test func changesOutsideTheDeployRolesAreExceptionsAndTheDeployRolesApplyCommits() throws {
        let (result, output) = try export(["--cloudtrail", try logs()])
        #expect(result.status == 0, "\(result.stderr)")
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/findings.json"))) as? [[String: Any]])
        let outOfBand = findings.filter { $0["control"] as? String == "CC8.1-iac-out-of-band" }
        let calls = outOfBand.filter { ($0["detail"] as? String)?.contains(" called ") == true }
        #expect(calls.count == 2, "\(calls)")
        // Without digest files the logs are not called complete.
        #expect(outOfBand.count == 3 && outOfBand.contains { $0["status"] as? String == "info" && ($0["detail"] as? String)?.contains("without the trail's digest files") == true })
        let console = try #require(calls.first { $0["status"] as? String == "fail" })
        #expect(console["change"] is NSNull)
        #expect((console["detail"] as? String)?.hasSuffix("arn:aws:iam::111122223333:role/AdministratorAccess called ec2.amazonaws.com AuthorizeSecurityGroupIngress "
            + "on arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc from 203.0.113.7: a change outside Terraform; the principal is not one of "
            + "terraform.deploy_roles.") == true, "\(console)")
        #expect((console["detail"] as? String)?.contains("2026-07-16T14:00:00Z") == true)
        let deploy = try #require(calls.first { $0["status"] as? String == "pass" })
        #expect(deploy["change"] as? String == scenario.commits["prod"])
        // The logs travel verbatim, gzipped, and verify re-derives the same findings from them.
        let verify = try Binary.run(["verify", output, "--key", publicKey, "--repo", scenario.repository.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func aSignedTrailTravelsInTheBundleAndVerifiesAgain() throws {
        let trail = try CloudTrailTrail("cloudtrail-signed")
        let (result, output) = try export(["--cloudtrail", trail.folder, "--cloudtrail-keys", trail.keys])
        #expect(result.status == 0, "\(result.stderr)")
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/findings.json"))) as? [[String: Any]])
        let trails = findings.filter { $0["control"] as? String == "CC8.1-iac-out-of-band" && ($0["detail"] as? String)?.hasPrefix("Trail ") == true }
        // The window is the quarter: the six hours given are one signed chain, and the rest of the quarter is not evidenced.
        #expect(trails.map { $0["status"] as? String } == ["fail", "fail"], "\(trails)")
        #expect((trails.first?["detail"] as? String)?.contains("no digest file covers 2026-07-01T00:00:00Z to 2026-07-15T23:01:31Z") == true)
        let held = try FileManager.default.contentsOfDirectory(atPath: output + "/inputs/ledgers/cloudtrail-digest")
        #expect(held.count == 6)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output + "/inputs/ledgers/cloudtrail-keys") == ["public-keys.json"])
        // The report lists a file per delivery as one row per kind, not a row per hour.
        let report = try String(contentsOfFile: output + "/report.html", encoding: .utf8)
        #expect(report.contains("<code>inputs/ledgers/cloudtrail-digest/ (6 files)</code>") && report.contains("<code>inputs/ledgers/cloudtrail/ (4 files)</code>"))
        let verify = try Binary.run(["verify", output, "--key", publicKey, "--repo", scenario.repository.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        // A key list that is not one is refused before anything is written.
        let (bad, badOutput) = try export(["--cloudtrail", trail.folder, "--cloudtrail-keys", trail.log(0)])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("git-evidence: error: \(trail.log(0)): not the output of aws cloudtrail list-public-keys"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: badOutput))
    }

    @Test func anUnreadableLogIsOneLineNamingTheFile() throws {
        let folder = try TemporaryFolder.make("cloudtrail-bad")
        let notRecords = folder + "/not-records.json"
        try #"{"records": []}"#.write(toFile: notRecords, atomically: true, encoding: .utf8)
        let (first, output) = try export(["--cloudtrail", notRecords])
        #expect(first.status == 2)
        #expect(first.stderr == "git-evidence: error: \(notRecords): not a CloudTrail log file ({\"Records\": [...]})\n", "\(first.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
        // A download cut short: the gzip stream stops part way.
        let whole = try Command.run("/usr/bin/env", ["sh", "-c", "head -c 20000 /dev/urandom | base64 | gzip -c | head -c 3000 > '\(folder)/cut.json.gz'"])
        #expect(whole.status == 0)
        let (second, _) = try export(["--cloudtrail", folder + "/cut.json.gz"])
        #expect(second.status == 2)
        #expect(second.stderr == "git-evidence: error: \(folder)/cut.json.gz: a truncated gzip stream\n", "\(second.stderr)")
    }
}
