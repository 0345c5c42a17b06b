import EvidenceTestSupport
import Foundation
import Testing

/// `archive` and `verify s3://` against S3 on moto_server, every request authenticated (SigV4 checked against an
/// IAM access key). moto does not enforce every COMPLIANCE rule (it lets retention be shortened), so these prove
/// our requests, not S3's guarantee.
@Suite struct ArchiveCommandTests {
    let aws: AWSKMS
    let keys: (privateKey: String, publicKey: String)

    init() throws {
        aws = try AWSKMS.shared.get()
        keys = try BundleFixture.keys("ed25519")
    }

    private var endpoint: String { "http://127.0.0.1:\(aws.port)" }

    private func run(_ arguments: [String], secret: String? = nil) throws -> Command.Result {
        try Command.run(Binary.path, arguments, environment: aws.environment(secret: secret))
    }

    private func bundle(_ name: String) throws -> String {
        let out = try TemporaryFolder.make("archive") + "/" + name
        let (result, _) = try BundleFixture.export(key: keys.privateKey, out: out)
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    private func receipt(_ bundle: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + ".archive-receipt.json"))) as? [String: Any])
    }

    @Test func aBundleIsArchivedLockedReadBackAndVerifiedFromTheBucket() throws {
        let folder = try bundle("evidence-q3-a")
        let archived = try run(["archive", folder, "--to", "s3://evidence-locked/acme/api", "--endpoint-url", endpoint])
        #expect(archived.status == 0, "\(archived.stderr)")
        let receipt = try receipt(folder)
        let objects = try #require(receipt["objects"] as? [[String: Any]])
        let files = try BundleFixture.files(folder)
        #expect(objects.count == files.count)
        #expect(objects.last?["key"] as? String == "acme/api/evidence-q3-a/SHA256SUMS", "the list of files goes last")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))) as? [String: Any])
        for object in objects {
            #expect(object["mode"] as? String == "COMPLIANCE")
            #expect(object["retain_until"] as? String == manifest["retain_until"] as? String)
            #expect((object["version_id"] as? String)?.isEmpty == false)
        }
        let verified = try run(["verify", "s3://evidence-locked/acme/api/evidence-q3-a", "--endpoint-url", endpoint, "--key", keys.publicKey, "--check-retention"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("verified: s3://evidence-locked/acme/api/evidence-q3-a"))
        #expect(verified.stdout.contains("ok    retention: \(objects.count) objects locked in COMPLIANCE mode"))

        // A locked version cannot be deleted.
        let version = try #require(objects.first { ($0["key"] as? String)?.hasSuffix("/report.md") == true }?["version_id"] as? String)
        let delete = try aws.boto3("""
            try:
                s3.delete_object(Bucket="evidence-locked", Key="acme/api/evidence-q3-a/report.md", VersionId="\(version)")
                print("deleted")
            except Exception as error:
                print("refused", error.response["Error"]["Code"])
            """)
        #expect(delete.stdout.hasPrefix("refused AccessDenied"), "\(delete.stdout)\(delete.stderr)")

        // A re-run finds every object stored and locked with its checksum, and uploads nothing again.
        let again = try run(["archive", folder, "--to", "s3://evidence-locked/acme/api", "--endpoint-url", endpoint])
        #expect(again.status == 0)
        #expect((try self.receipt(folder)["objects"] as? [[String: Any]])?.map { $0["version_id"] as? String } == objects.map { $0["version_id"] as? String })
    }

    @Test func anObjectReplacedInTheBucketIsCaughtByVerify() throws {
        let folder = try bundle("evidence-q3-b")
        #expect(try run(["archive", folder, "--to", "s3://evidence-locked/acme", "--endpoint-url", endpoint]).status == 0)
        let replaced = try aws.boto3("""
            s3.put_object(Bucket="evidence-locked", Key="acme/evidence-q3-b/report.md", Body=b"# All controls passed\\n")
            print("replaced")
            """)
        #expect(replaced.stdout.hasPrefix("replaced"), "\(replaced.stderr)")
        let verified = try run(["verify", "s3://evidence-locked/acme/evidence-q3-b", "--endpoint-url", endpoint, "--key", keys.publicKey, "--check-retention"])
        #expect(verified.status == 1)
        #expect(verified.stdout.contains("FAIL  files: do not match SHA256SUMS: report.md"), "\(verified.stdout)")
        #expect(verified.stdout.contains("FAIL  retention: not locked in COMPLIANCE mode"), "the new version is not locked: \(verified.stdout)")
    }

    @Test func aBucketWithoutObjectLockIsRefusedBeforeAnyUpload() throws {
        let folder = try bundle("evidence-q3-c")
        let refused = try run(["archive", folder, "--to", "s3://evidence-plain/acme", "--endpoint-url", endpoint])
        #expect(refused.status == 2)
        #expect(refused.stderr == "git-evidence: error: --to 's3://evidence-plain': the bucket does not have Object Lock enabled; nothing was uploaded\n")
        let listed = try aws.boto3("print(s3.list_objects_v2(Bucket=\"evidence-plain\").get(\"KeyCount\", 0))")
        #expect(listed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(!FileManager.default.fileExists(atPath: folder + ".archive-receipt.json"))
    }

    @Test func credentialsS3RejectsAreExitTwoAndLeaveNoReceipt() throws {
        let folder = try bundle("evidence-q3-d")
        let refused = try run(["archive", folder, "--to", "s3://evidence-locked/acme", "--endpoint-url", endpoint], secret: "not-the-secret")
        #expect(refused.status == 2)
        #expect(refused.stderr == "git-evidence: error: --to 's3://evidence-locked': S3 rejected the credentials: SignatureDoesNotMatch\n", "\(refused.stderr)")
        #expect(!refused.stderr.contains("not-the-secret"))
        #expect(!FileManager.default.fileExists(atPath: folder + ".archive-receipt.json"))
    }

    @Test func aTamperedBundleIsNotArchived() throws {
        let folder = try bundle("evidence-q3-e")
        try Data("changed\n".utf8).write(to: URL(fileURLWithPath: folder + "/report.md"))
        let refused = try run(["archive", folder, "--to", "s3://evidence-locked/acme", "--endpoint-url", endpoint])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("report.md") && refused.stderr.contains("does not match SHA256SUMS"), "\(refused.stderr)")
    }
}
