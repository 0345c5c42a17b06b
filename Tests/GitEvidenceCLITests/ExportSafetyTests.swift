import EvidenceTestSupport
import Foundation
import Testing

/// Export never destroys what it did not write and never leaves half a bundle.
@Suite struct ExportSafetyTests {
    let keys: (privateKey: String, publicKey: String)

    init() throws { keys = try BundleFixture.keys("ed25519") }

    private func export(out: String, _ extra: [String] = []) throws -> Command.Result {
        try BundleFixture.export(key: keys.privateKey, out: out, extra: extra).0
    }

    private func entries(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test func anExistingArchiveIsNeverOverwrittenWithoutForce() throws {
        let parent = try TemporaryFolder.make("archive-kept")
        try Data("an older archive".utf8).write(to: URL(fileURLWithPath: parent + "/evidence.tar.gz"))
        let result = try export(out: parent + "/evidence", ["--archive"])
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: \(parent)/evidence.tar.gz: cannot write: already exists (use --force to replace it)\n")
        #expect(try entries(parent) == ["evidence.tar.gz"], "no folder written beside it")
        #expect(try String(contentsOfFile: parent + "/evidence.tar.gz", encoding: .utf8) == "an older archive")
        #expect(try export(out: parent + "/evidence", ["--archive", "--force"]).status == 0)
        #expect(try entries(parent) == ["evidence", "evidence.tar.gz"])
    }

    @Test func aLinkPlantedAtTheArchivesTemporaryNameIsNeverWrittenThrough() throws {
        let parent = try TemporaryFolder.make("archive-link")
        let victim = try TemporaryFolder.make("victim") + "/precious.txt"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createSymbolicLink(atPath: parent + "/.evidence.tar.gz.partial", withDestinationPath: victim)
        let result = try export(out: parent + "/evidence", ["--archive"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        let archive = try Data(contentsOf: URL(fileURLWithPath: parent + "/evidence.tar.gz"))
        #expect(archive.starts(with: [0x1f, 0x8b]), "a gzip file, not the link")
    }

    @Test func forceReplacesOnlyABundle() throws {
        let parent = try TemporaryFolder.make("force")
        let notes = parent + "/notes"
        try FileManager.default.createDirectory(atPath: notes, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: notes + "/todo.txt"))
        let refused = try export(out: notes, ["--force"])
        #expect(refused.status == 2)
        #expect(refused.stderr == "git-evidence: error: \(notes): cannot write: is not a git-evidence bundle (no manifest.json); --force replaces only a git-evidence bundle\n")
        #expect(try entries(notes) == ["todo.txt"])

        let scenario = try ReviewScenario.shared.get()
        let repository = try export(out: scenario.repository.path, ["--force"])
        #expect(repository.status == 2)
        #expect(repository.stderr.contains("\(scenario.repository.path): cannot write: holds "), "\(repository.stderr)")
        #expect(FileManager.default.fileExists(atPath: scenario.repository.path + "/.git"))

        let bundle = parent + "/evidence"
        #expect(try export(out: bundle).status == 0)
        try FileManager.default.createSymbolicLink(atPath: parent + "/linked", withDestinationPath: bundle)
        let linked = try export(out: parent + "/linked", ["--force"])
        #expect(linked.status == 2)
        #expect(linked.stderr.contains("is a symbolic link; --force replaces only a git-evidence bundle"))

        #expect(try export(out: bundle, ["--force", "--as-of", "2026-10-02T00:00:00Z"]).status == 0)
        #expect(try String(contentsOfFile: bundle + "/manifest.json", encoding: .utf8).contains("\"generated_at\" : \"2026-10-02T00:00:00Z\""))
        #expect(try entries(parent) == ["evidence", "linked", "notes"], "no staging or displaced folder left behind")
    }

    @Test func aFullDiskLeavesNeitherFolderNorArchive() throws {
        let parent = try TemporaryFolder.make("full-disk")
        let scenario = try ReviewScenario.shared.get()
        // Files over 8 KiB cannot be written (ulimit -f counts 1 KiB blocks): the write fails as on a full disk.
        let command = ["ulimit -f 8; exec \"$0\" \"$@\"", Binary.path, "export", "--repo", scenario.repository.path, "--window", "2026-Q3",
                       "--github", scenario.github.folder, "--key", keys.privateKey, "--out", parent + "/evidence", "--archive"]
        let result = try Command.run("/bin/bash", ["-c"] + command)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("git-evidence: error: \(parent)/evidence"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try entries(parent).isEmpty, "nothing half-written")
    }

    /// OpenSSL's own passphrase prompt would read the terminal; an encrypted key is refused with a reason instead,
    /// and so is an RSA key too weak to sign evidence, before anything is written.
    @Test(arguments: [
        (["genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:secret"], "the private key is encrypted with a passphrase"),
        (["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"], "an RSA key of 1024 bits is too weak; at least 2048 are needed"),
        (["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_pss_keygen_md:sha512",
          "-pkeyopt", "rsa_pss_keygen_mgf1_md:sha512", "-pkeyopt", "rsa_pss_keygen_saltlen:64"],
         "the RSA-PSS key is restricted to SHA2-512, MGF1 with SHA2-512, salt of at least 64 bytes, and git-evidence signs with SHA-256"),
        (["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_pss_keygen_md:sha256", "-pkeyopt", "rsa_pss_keygen_saltlen:64"],
         "salt of at least 64 bytes"),
    ])
    func unusableKeysAreRefusedBeforeAnyWork(generate: [String], message: String) throws {
        let parent = try TemporaryFolder.make("weak-key")
        let key = parent + "/key.pem"
        #expect(try Command.run("/usr/bin/env", ["openssl"] + generate + ["-out", key]).status == 0)
        #expect(chmod(key, 0o600) == 0)
        let result = try export(out: parent + "/evidence", ["--key", key])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(key): "), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try entries(parent) == ["key.pem"])
    }
}
