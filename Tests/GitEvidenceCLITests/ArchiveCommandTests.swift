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

    /// A roll-up reads bundles where archive keeps them, verifying each from the bucket as verify s3:// does; a
    /// location holding nothing is a member that did not verify, named, and the roll-up is still written.
    @Test func aRollupVerifiesBundlesStraightFromTheBucket() throws {
        // A bundle with the OSCAL document export --oscal derives after sealing: archived with it.
        let folder = try TemporaryFolder.make("archive") + "/evidence-q3-rollup"
        #expect(try BundleFixture.export(key: keys.privateKey, out: folder, extra: ["--oscal"]).0.status == 0)
        #expect(try run(["archive", folder, "--to", "s3://evidence-locked/acme/rollup", "--endpoint-url", endpoint]).status == 0)
        let out = try TemporaryFolder.make("rollup-s3") + "/rollup"
        let result = try run(["rollup", "s3://evidence-locked/acme/rollup/evidence-q3-rollup", "s3://evidence-locked/acme/rollup/never-archived",
                              "--endpoint-url", endpoint, "--trusted-key", keys.publicKey, "--key", keys.privateKey, "--out", out,
                              "--as-of", "2026-10-02T00:00:00Z"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("2 repositories, 1 verified, 1 not verified, 0 missing"), "\(result.stdout)")
        #expect(result.stdout.contains("NOT VERIFIED  s3://evidence-locked/acme/rollup/never-archived: unreadable: "), "\(result.stdout)")
        let record = try String(contentsOfFile: out + "/rollup.json", encoding: .utf8)
        let digest = String(try Command.run("/usr/bin/env", ["sha256sum", folder + "/SHA256SUMS"]).stdout.prefix(64))
        #expect(record.contains("\"sha256sums\" : \"\(digest)\""))
        #expect(record.contains("\"bundle\" : \"s3://evidence-locked/acme/rollup/evidence-q3-rollup\""))
        let member = try run(["verify", "s3://evidence-locked/acme/rollup/evidence-q3-rollup", "--endpoint-url", endpoint, "--key", keys.publicKey])
        #expect(member.stdout.contains("ok    oscal: "), "\(member.stdout)")
        // The roll-up is kept as a bundle is: locked until its retain_until, and verified from the bucket.
        #expect(try run(["archive", out, "--to", "s3://evidence-locked/acme/rollups", "--endpoint-url", endpoint]).status == 0)
        let kept = try run(["verify", "s3://evidence-locked/acme/rollups/rollup", "--endpoint-url", endpoint, "--key", keys.publicKey, "--check-retention"])
        #expect(kept.status == 0, "\(kept.stdout)\(kept.stderr)")
        #expect(kept.stdout.contains("ok    rollup: 2 repositories: 1 verified, 1 not verified, 0 missing"))
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
        // Pinned to the receipt's versions, the archived (locked) bundle is what is read, and it verifies.
        let pinned = try run(["verify", "s3://evidence-locked/acme/evidence-q3-b", "--endpoint-url", endpoint, "--key", keys.publicKey, "--check-retention",
                              "--receipt", folder + ".archive-receipt.json"])
        #expect(pinned.status == 0, "\(pinned.stdout)\(pinned.stderr)")
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

extension ArchiveCommandTests {
    /// S3 failing one PutObject past every retry: exit 1 naming the object, no receipt, no SHA256SUMS in the bucket
    /// (the seal goes last); once S3 recovers, a re-run completes and uploads only what was missing.
    @Test func anInterruptedArchiveIsResumedByARerun() throws {
        let folder = try bundle("evidence-q3-f")
        let failing = "acme/evidence-q3-f/report.md"
        let fault = aws.faults + "/evidence-q3-f"
        try Data((failing + "\n").utf8).write(to: URL(fileURLWithPath: fault))
        defer { try? FileManager.default.removeItem(atPath: fault) }
        let interrupted = try run(["archive", folder, "--to", "s3://evidence-locked/acme", "--endpoint-url", endpoint])
        #expect(interrupted.status == 1)
        #expect(interrupted.stderr == "git-evidence: error: s3://evidence-locked/\(failing): PutObject failed: HTTP 500 InternalError\n", "\(interrupted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + ".archive-receipt.json"))
        let listing = """
            import json
            versions = s3.list_object_versions(Bucket="evidence-locked", Prefix="acme/evidence-q3-f/").get("Versions", [])
            print(json.dumps(sorted([v["Key"] for v in versions])))
            """
        let before = try #require(try JSONSerialization.jsonObject(with: Data(aws.boto3(listing).stdout.utf8)) as? [String])
        #expect(!before.isEmpty && !before.contains("acme/evidence-q3-f/SHA256SUMS") && !before.contains(failing), "\(before)")

        try FileManager.default.removeItem(atPath: fault)
        let resumed = try run(["archive", folder, "--to", "s3://evidence-locked/acme", "--endpoint-url", endpoint])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let after = try #require(try JSONSerialization.jsonObject(with: Data(aws.boto3(listing).stdout.utf8)) as? [String])
        #expect(Set(after) == Set(try BundleFixture.files(folder).map { "acme/evidence-q3-f/" + $0 }))
        #expect(after.count == Set(after).count, "one version per object: what the first run stored was not uploaded again")
    }

    /// A file over 64 MiB (here the `.tar.gz` beside the bundle) goes up as a multipart upload of 16 MiB parts,
    /// each with its SHA-256, locked like the rest; a part that fails aborts the upload, leaving no parts behind,
    /// and a re-run completes it.
    @Test func aLargeFileGoesUpInLockedPartsAndAFailedPartIsAbortedThenResumed() throws {
        let folder = try bundle("evidence-q3-m")
        let size = 70 << 20
        var bytes = [UInt8](repeating: 0, count: size)
        for index in stride(from: 0, to: size, by: 4096) { bytes[index] = UInt8(truncatingIfNeeded: index >> 12) }
        try Data(bytes).write(to: URL(fileURLWithPath: folder + ".tar.gz"))
        let key = "big/evidence-q3-m.tar.gz"
        let fault = aws.faults + "/evidence-q3-m"
        try Data((key + "#part3\n").utf8).write(to: URL(fileURLWithPath: fault))
        defer { try? FileManager.default.removeItem(atPath: fault) }
        let interrupted = try run(["archive", folder, "--to", "s3://evidence-locked/big", "--endpoint-url", endpoint])
        #expect(interrupted.status == 1)
        #expect(interrupted.stderr == "git-evidence: error: s3://evidence-locked/\(key): UploadPart 3 failed: HTTP 500 InternalError\n", "\(interrupted.stderr)")
        let pending = try aws.boto3("""
            print(len(s3.list_multipart_uploads(Bucket="evidence-locked", Prefix="big/").get("Uploads", [])))
            """)
        #expect(pending.stdout == "0\n", "the failed upload was aborted: \(pending.stdout)\(pending.stderr)")

        try FileManager.default.removeItem(atPath: fault)
        let resumed = try run(["archive", folder, "--to", "s3://evidence-locked/big", "--endpoint-url", endpoint])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let object = try #require((try receipt(folder)["objects"] as? [[String: Any]])?.first { $0["key"] as? String == key })
        let digest = String(try Command.run("/usr/bin/env", ["sha256sum", folder + ".tar.gz"]).stdout.prefix(64))
        #expect(object["sha256"] as? String == digest)
        #expect(object["parts"] as? Int == 5, "70 MiB in 16 MiB parts")
        #expect(object["mode"] as? String == "COMPLIANCE")
        let stored = try aws.boto3("""
            import hashlib
            head = s3.head_object(Bucket="evidence-locked", Key="\(key)")
            body = s3.get_object(Bucket="evidence-locked", Key="\(key)")["Body"].read()
            print(head["ObjectLockMode"], head["ObjectLockRetainUntilDate"].strftime("%Y-%m-%dT%H:%M:%SZ"), hashlib.sha256(body).hexdigest())
            """)
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))) as? [String: Any])
        #expect(stored.stdout == "COMPLIANCE \(manifest["retain_until"] as? String ?? "") \(digest)\n", "\(stored.stdout)\(stored.stderr)")
        // Stored whole with its composite checksum, the re-run uploads nothing again.
        let again = try run(["archive", folder, "--to", "s3://evidence-locked/big", "--endpoint-url", endpoint])
        #expect(again.status == 0)
        #expect((try receipt(folder)["objects"] as? [[String: Any]])?.first { $0["key"] as? String == key }?["version_id"] as? String == object["version_id"] as? String)
    }

    /// `export --archive-to` archives the new bundle in the same step; `--previous` records the earlier bundle's
    /// receipt digest, and verify --previous checks it.
    @Test func exportArchivesInOneStepAndChainsToTheReceipt() throws {
        let parent = try TemporaryFolder.make("archive-chain")
        let scenario = try ReviewScenario.shared.get()
        func export(_ window: String, _ name: String, _ extra: [String]) throws -> Command.Result {
            try run(["export", "--repo", scenario.repository.path, "--window", window, "--github", scenario.github.folder, "--key", keys.privateKey,
                     "--out", parent + "/" + name, "--archive-to", "s3://evidence-locked/chain", "--endpoint-url", endpoint] + extra)
        }
        let q2 = try export("2026-Q2", "evidence-2026-Q2", [])
        #expect(q2.status == 0, "\(q2.stderr)")
        #expect(q2.stdout.contains("archived "))
        #expect(FileManager.default.fileExists(atPath: parent + "/evidence-2026-Q2.archive-receipt.json"))
        let q3 = try export("2026-Q3", "evidence-2026-Q3", ["--previous", parent + "/evidence-2026-Q2"])
        #expect(q3.status == 0, "\(q3.stderr)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: parent + "/evidence-2026-Q3/manifest.json"))) as? [String: Any])
        let recorded = (manifest["previous"] as? [String: Any])?["receipt_sha256"] as? String
        let digest = try Command.run("/usr/bin/env", ["sha256sum", parent + "/evidence-2026-Q2.archive-receipt.json"]).stdout.prefix(64)
        #expect(recorded == String(digest))
        let chained = try run(["verify", parent + "/evidence-2026-Q3", "--key", keys.publicKey, "--previous", parent + "/evidence-2026-Q2"])
        #expect(chained.status == 0, "\(chained.stdout)")
        #expect(chained.stdout.contains("its archive receipt as recorded"))
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: parent + "/evidence-2026-Q2.archive-receipt.json"))
        let altered = try run(["verify", parent + "/evidence-2026-Q3", "--key", keys.publicKey, "--previous", parent + "/evidence-2026-Q2"])
        #expect(altered.status == 1)
        #expect(altered.stdout.contains("FAIL  chain: the previous bundle's archive receipt is"), "\(altered.stdout)")

        let plain = try run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder, "--key", keys.privateKey,
                             "--out", parent + "/never", "--archive-to", "s3://evidence-plain/x", "--endpoint-url", endpoint])
        #expect(plain.status == 2)
        #expect(!FileManager.default.fileExists(atPath: parent + "/never"), "a bucket without Object Lock is refused before anything is written")
    }
}
