import EvidenceTestSupport
import Foundation
import Testing

/// Runs git-evidence export on the review scenario and checks the bundle with stock tools.
enum BundleFixture {
    static func keys(_ algorithm: String) throws -> (privateKey: String, publicKey: String) {
        let folder = try TemporaryFolder.make("bundle-key-\(algorithm)")
        let result = try Binary.run(["keygen", "--out", folder, "--algorithm", algorithm])
        guard result.status == 0 else { throw FixtureError.commandFailed(result.stderr) }
        return (folder + "/signing.key.pem", folder + "/signing.pub.pem")
    }

    static func export(key: String, out: String? = nil, extra: [String] = []) throws -> (Command.Result, String) {
        let scenario = try ReviewScenario.shared.get()
        let output = try out ?? (TemporaryFolder.make("bundle") + "/evidence")
        let result = try Binary.run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                     "--key", key, "--out", output] + extra)
        return (result, output)
    }

    /// Every file below `folder`, relative, sorted.
    static func files(_ folder: String) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var files = [String]()
        while let path = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isFolder), !isFolder.boolValue { files.append(path) }
        }
        return files.sorted()
    }

    /// Runs a bash script in `folder`; `arguments` are its `$1`, `$2`, ...
    static func shell(_ script: String, in folder: String, _ arguments: String...) throws -> Command.Result {
        try Command.run("/bin/bash", ["-c", "cd \"$0\" && " + script, folder] + arguments)
    }

    /// The interpreter of the venv with securesystemslib that `make test` prepares.
    static var interopPython: String? {
        if let explicit = ProcessInfo.processInfo.environment["SSLIB_PYTHON"] { return explicit }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = root.appendingPathComponent(".build/interop-venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }
}

@Suite struct BundleTests {
    @Test func theBundleHasExactlyTheLayoutOfTheSpec() throws {
        let (privateKey, _) = try BundleFixture.keys("ed25519")
        let (result, output) = try BundleFixture.export(key: privateKey)
        #expect(result.status == 0, "\(result.stderr)")
        let files = try BundleFixture.files(output)
        let top = Set(files.filter { !$0.contains("/") })
        #expect(top == ["manifest.json", "changes.jsonl", "changes.csv", "findings.json", "report.html", "report.md", "SHA256SUMS",
                        "SHA256SUMS.sig", "attestation.intoto.json", "signer.pub.pem", "VERIFY.txt"])
        let scenario = try ReviewScenario.shared.get()
        #expect(files.contains("inputs/github/pulls.json"))
        #expect(files.contains("inputs/github/pulls/1/reviews.json"))
        #expect(files.contains("diffs/\(scenario.commits["merge"]!).patch"))
        #expect(files.filter { $0.hasPrefix("diffs/") }.count == 9)
        // Inputs are verbatim copies.
        #expect(FileManager.default.contents(atPath: output + "/inputs/github/pulls.json")
                == FileManager.default.contents(atPath: scenario.github.folder + "/pulls.json"))
        let csv = try String(contentsOfFile: output + "/changes.csv", encoding: .utf8)
        #expect(csv.hasPrefix("commit,committed_at,author_name,author_email,subject,paths,pull_request,"))
        #expect(csv.split(separator: "\r\n").count == 10)
    }

    @Test func theManifestRecordsWhatAnAuditorNeeds() throws {
        let (privateKey, _) = try BundleFixture.keys("ed25519")
        let (_, output) = try BundleFixture.export(key: privateKey, extra: ["--as-of", "2026-10-02T09:00:00Z"])
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/manifest.json"))) as? [String: Any])
        #expect(manifest["retain_until"] as? String == "2032-10-01T00:00:00Z")
        #expect(manifest["generated_at"] as? String == "2026-10-02T09:00:00Z")
        #expect((manifest["window"] as? [String: String]) == ["start": "2026-07-01T00:00:00Z", "end": "2026-10-01T00:00:00Z"])
        #expect((manifest["repository"] as? [String: Any])?["branch"] as? String == "refs/heads/main")
        let signer = try #require(manifest["signer"] as? [String: Any])
        #expect(signer["algorithm"] as? String == "ed25519")
        #expect(signer["provenance"] as? [String: String] == ["kind": "pem-file"])
        #expect((manifest["counts"] as? [String: Any])?["changes"] as? Int == 9)
        let inputs = try #require(manifest["inputs"] as? [[String: String]])
        #expect(inputs.contains { $0["path"] == "inputs/github/pulls.json" })
        #expect(manifest["previous"] is NSNull)
        // The Merkle root is over the SHA256SUMS lines of every file but the manifest.
        let sums = try String(contentsOfFile: output + "/SHA256SUMS", encoding: .utf8)
        let lines = sums.split(separator: "\n").filter { !$0.hasSuffix("  manifest.json") }
        #expect(lines.count + 1 == (manifest["counts"] as? [String: Any])?["files"] as? Int)
    }

    /// Without --as-of or SOURCE_DATE_EPOCH, generated_at is when the export ran (the manifest and the report say
    /// so), and verify --repo, which re-derives the population, does not compare it.
    @Test func generatedAtIsTheTimeOfTheExportUnlessFixed() throws {
        let (privateKey, publicKey) = try BundleFixture.keys("ed25519")
        let before = Int64(Date().timeIntervalSince1970)
        let (result, output) = try BundleFixture.export(key: privateKey)
        let after = Int64(Date().timeIntervalSince1970)
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/manifest.json"))) as? [String: Any])
        let recorded = try #require(manifest["generated_at"] as? String)
        let formatter = ISO8601DateFormatter()
        let seconds = try #require(formatter.date(from: recorded)).timeIntervalSince1970
        #expect(Int64(seconds) >= before && Int64(seconds) <= after, "\(recorded)")
        #expect(try String(contentsOfFile: output + "/report.md", encoding: .utf8).contains("| Generated at | \(recorded) |"))
        let scenario = try ReviewScenario.shared.get()
        let verified = try Binary.run(["verify", output, "--key", publicKey, "--repo", scenario.repository.path])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("ok    population: re-derived 9 changes"))
    }

    @Test(arguments: [
        ("ed25519", "openssl pkeyutl -verify -pubin -inkey \"$1\" -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig"),
        ("ecdsa-p256", "openssl dgst -sha256 -verify \"$1\" -signature SHA256SUMS.sig SHA256SUMS"),
        ("rsa", "openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -verify \"$1\" -signature SHA256SUMS.sig SHA256SUMS"),
    ])
    func stockToolsVerifyTheBundle(algorithm: String, command: String) throws {
        let (privateKey, publicKey) = try BundleFixture.keys(algorithm)
        let (result, output) = try BundleFixture.export(key: privateKey)
        #expect(result.status == 0, "\(result.stderr)")
        let signature = try Command.run("/bin/bash", ["-c", "cd \"$0\" && " + command, output, publicKey])
        #expect(signature.status == 0, "\(signature.stdout) \(signature.stderr)")
        #expect(try BundleFixture.shell("sha256sum --check --strict --quiet SHA256SUMS", in: output).status == 0)
        // VERIFY.txt gives this very command, and runs literally under dash with OpenSSL and coreutils.
        let instructions = try String(contentsOfFile: output + "/VERIFY.txt", encoding: .utf8)
        #expect(instructions.contains(command.replacingOccurrences(of: "\"$1\"", with: "\"$TRUSTED\"")))
        let dash = { () throws -> Command.Result in
            try Command.run("/bin/sh", ["-c", "cd \"$0\" && TRUSTED=\"$1\" dash VERIFY.txt", output, publicKey])
        }
        let literal = try dash()
        #expect(literal.status == 0, "\(literal.stdout)\(literal.stderr)")
        #expect(literal.stdout.hasSuffix("verified: SHA256SUMS is signed by the key in \(publicKey) and lists exactly the files here, unchanged\n"))
        let keyID = try #require(instructions.split(separator: "\n").first { $0.hasPrefix("# Signed with") }?.split(separator: " ").last)
        #expect(literal.stdout.hasPrefix(keyID + "\n"), "step 1 prints the key id VERIFY.txt names")
        // Each failure stops it with exit 1: an added file, then an altered one, then another key.
        try Data("x".utf8).write(to: URL(fileURLWithPath: output + "/diffs/extra.patch"))
        let added = try dash()
        #expect(added.status == 1 && added.stderr.contains("not listed in SHA256SUMS: diffs/extra.patch"), "\(added.stderr)")
        try FileManager.default.removeItem(atPath: output + "/diffs/extra.patch")
        let original = try #require(FileManager.default.contents(atPath: output + "/report.md"))
        try (original + Data("x".utf8)).write(to: URL(fileURLWithPath: output + "/report.md"))
        let altered = try dash()
        #expect(altered.status == 1 && altered.stdout.contains("report.md: FAILED"), "\(altered.stdout)")
        try original.write(to: URL(fileURLWithPath: output + "/report.md"))
        let other = try BundleFixture.keys(algorithm)
        let wrongKey = try Command.run("/bin/sh", ["-c", "cd \"$0\" && TRUSTED=\"$1\" dash VERIFY.txt", output, other.publicKey])
        #expect(wrongKey.status == 1 && !wrongKey.stdout.contains("verified:"))
        let unset = try Command.run("/bin/sh", ["-c", "cd \"$0\" && dash VERIFY.txt", output])
        #expect(unset.status != 0 && unset.stderr.contains("set TRUSTED to your own trusted copy"))
    }

    @Test(arguments: ["ed25519", "ecdsa-p256", "rsa"])
    func securesystemslibVerifiesTheAttestation(algorithm: String) throws {
        guard let python = BundleFixture.interopPython else {
            Issue.record("no Python with securesystemslib: run `make test` (it prepares .build/interop-venv) or set SSLIB_PYTHON")
            return
        }
        let (privateKey, publicKey) = try BundleFixture.keys(algorithm)
        let (_, output) = try BundleFixture.export(key: privateKey)
        let script = """
            import base64, json, sys
            from cryptography.hazmat.primitives.serialization import load_pem_public_key
            from securesystemslib.dsse import Envelope
            from securesystemslib.signer import SSlibKey
            bundle, pub = sys.argv[1], sys.argv[2]
            envelope = Envelope.from_dict(json.load(open(bundle + "/attestation.intoto.json")))
            keyid = json.load(open(bundle + "/attestation.intoto.json"))["signatures"][0]["keyid"]
            key = SSlibKey.from_crypto(load_pem_public_key(open(pub, "rb").read()), keyid=keyid)
            envelope.verify([key], 1)
            statement = json.loads(base64.b64decode(json.load(open(bundle + "/attestation.intoto.json"))["payload"]))
            assert statement["_type"] == "https://in-toto.io/Statement/v1", statement["_type"]
            print(len(statement["subject"]))
            """
        let result = try Command.run(python, ["-c", script, output, publicKey])
        #expect(result.status == 0, "\(result.stderr)")
        let listed = try String(contentsOfFile: output + "/SHA256SUMS", encoding: .utf8).split(separator: "\n").count
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(listed + 2))  // + SHA256SUMS and its .sig
    }

    /// generated_at fixed (by --as-of or SOURCE_DATE_EPOCH), a re-export gives the same bytes.
    @Test func twoExportsOfTheSameInputsAtTheSameTimeAreByteIdentical() throws {
        let (privateKey, _) = try BundleFixture.keys("ed25519")
        let (_, first) = try BundleFixture.export(key: privateKey, extra: ["--as-of", "2026-10-02T09:00:00Z"])
        let second = try TemporaryFolder.make("bundle") + "/evidence"
        let scenario = try ReviewScenario.shared.get()
        let again = try Command.run(Binary.path, ["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                                  "--key", privateKey, "--out", second], environment: ProcessInfo.processInfo.environment.merging(["SOURCE_DATE_EPOCH": "1790931600"]) { $1 })
        #expect(again.status == 0, "\(again.stderr)")
        let files = try BundleFixture.files(first)
        #expect(files == (try BundleFixture.files(second)))
        for file in files {
            #expect(FileManager.default.contents(atPath: first + "/" + file) == FileManager.default.contents(atPath: second + "/" + file), "\(file)")
        }
    }

    @Test func anExportKilledAtAnyMomentLeavesNoBundleOrAWholeOne() throws {
        let (privateKey, _) = try BundleFixture.keys("ed25519")
        let scenario = try ReviewScenario.shared.get()
        let parent = try TemporaryFolder.make("killed")
        for attempt in 0..<12 {
            let output = parent + "/evidence-\(attempt)"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Binary.path)
            process.arguments = ["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                 "--key", privateKey, "--out", output]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(attempt) * 4_000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if FileManager.default.fileExists(atPath: output) {
                // Renamed into place only when complete: every listed file is there and matches.
                #expect(try BundleFixture.shell("sha256sum --check --strict --quiet SHA256SUMS", in: output).status == 0, "attempt \(attempt)")
                #expect(FileManager.default.fileExists(atPath: output + "/attestation.intoto.json"))
            }
        }
        // Whatever was interrupted is hidden and never named like a bundle.
        for name in try FileManager.default.contentsOfDirectory(atPath: parent) where !name.hasPrefix("evidence-") {
            #expect(name.hasPrefix(".evidence-") && name.contains(".partial-"), "\(name)")
        }
    }
}

@Suite struct ArchiveTests {
    @Test func theArchiveIsDeterministicAndExtractsToAVerifiableBundle() throws {
        let (privateKey, publicKey) = try BundleFixture.keys("ed25519")
        let (first, output) = try BundleFixture.export(key: privateKey, extra: ["--archive", "--as-of", "2026-10-02T00:00:00Z"])
        #expect(first.status == 0, "\(first.stderr)")
        Thread.sleep(forTimeInterval: 1.1)  // a gzip header with the time of writing would differ
        let (_, again) = try BundleFixture.export(key: privateKey, extra: ["--archive", "--as-of", "2026-10-02T00:00:00Z"])
        let archive = try #require(FileManager.default.contents(atPath: output + ".tar.gz"))
        #expect(archive == FileManager.default.contents(atPath: again + ".tar.gz"))
        #expect(Array(archive.prefix(10)) == [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0x03], "gzip, no name, no time, maximum compression")

        // GNU tar reads it; what it extracts is the bundle, and verifies.
        let folder = try TemporaryFolder.make("extracted")
        let extract = try Command.run("/usr/bin/env", ["tar", "-xzf", output + ".tar.gz", "-C", folder])
        #expect(extract.status == 0, "\(extract.stderr)")
        #expect(try BundleFixture.files(folder + "/evidence") == (try BundleFixture.files(output)))
        let listing = try Command.run("/usr/bin/env", ["tar", "-tvzf", output + ".tar.gz"],
                                      environment: ["TZ": "UTC", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        let lines = listing.stdout.split(separator: "\n")
        #expect(lines.first == "drwxr-xr-x 0/0               0 2026-10-01 00:00 evidence/")
        // Owner 0:0 and the window's end as the time of every entry, in byte order of the paths.
        #expect(lines.allSatisfy { $0.contains(" 0/0 ") && $0.contains(" 2026-10-01 00:00 evidence/") })
        #expect(lines.dropFirst().first?.hasSuffix(" evidence/SHA256SUMS") == true)
        let verified = try Binary.run(["verify", folder + "/evidence", "--key", publicKey])
        #expect(verified.status == 0, "\(verified.stdout)")
    }

    /// verify and sample take the .tar.gz export --archive writes, as they take the folder.
    @Test func verifyAndSampleTakeTheArchive() throws {
        let (privateKey, publicKey) = try BundleFixture.keys("ed25519")
        let (result, output) = try BundleFixture.export(key: privateKey, extra: ["--archive"])
        #expect(result.status == 0, "\(result.stderr)")
        let verified = try Binary.run(["verify", output + ".tar.gz", "--key", publicKey])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("verified: \(output).tar.gz\n"))
        let folder = try Binary.run(["sample", output, "--key", publicKey, "--seed", "auditor-2026", "--size", "4"])
        let archived = try Binary.run(["sample", output + ".tar.gz", "--key", publicKey, "--seed", "auditor-2026", "--size", "4"])
        #expect(archived.status == 0, "\(archived.stderr)")
        #expect(archived.stdout == folder.stdout.replacingOccurrences(of: "changes in \(output)\n", with: "changes in \(output).tar.gz\n"))
        // A file of the archive altered is caught like one of the folder.
        let bytes = try #require(FileManager.default.contents(atPath: output + ".tar.gz"))
        let unpacked = try TemporaryFolder.make("archive-edit")
        #expect(try Command.run("/usr/bin/env", ["tar", "-xzf", output + ".tar.gz", "-C", unpacked]).status == 0)
        try Data("altered\n".utf8).write(to: URL(fileURLWithPath: unpacked + "/evidence/report.md"))
        #expect(try Command.run("/usr/bin/env", ["tar", "-czf", unpacked + "/altered.tar.gz", "-C", unpacked, "evidence"]).status == 0)
        let altered = try Binary.run(["verify", unpacked + "/altered.tar.gz", "--key", publicKey])
        #expect(altered.status == 1 && altered.stdout.contains("FAIL  files: do not match SHA256SUMS: report.md"), "\(altered.stdout)")
        #expect(!bytes.isEmpty)
    }

    /// The previous bundle of a chain may be given as its .tar.gz too.
    @Test func thePreviousBundleMayBeTheArchive() throws {
        let (privateKey, publicKey) = try BundleFixture.keys("ed25519")
        let (first, q2) = try BundleFixture.export(key: privateKey, extra: ["--window", "2026-Q2", "--archive"])
        #expect(first.status == 0, "\(first.stderr)")
        let (second, q3) = try BundleFixture.export(key: privateKey, extra: ["--previous", q2])
        #expect(second.status == 0, "\(second.stderr)")
        let chained = try Binary.run(["verify", q3, "--key", publicKey, "--previous", q2 + ".tar.gz"])
        #expect(chained.status == 0, "\(chained.stdout)\(chained.stderr)")
        #expect(chained.stdout.contains("ok    chain: follows the previous bundle"))
    }

    /// An archive whose entries could escape or confuse the unpacking is refused before anything is written:
    /// links, `..`, absolute names, devices, a name twice, a second top folder. Each is exit 1 naming the entry.
    @Test(arguments: [
        ("symlink", "entry 'evidence/VERIFY.txt' is a symbolic link"),
        ("hardlink", "entry 'evidence/VERIFY.txt' is a hard link"),
        ("dotdot", "entry 'evidence/../outside.txt' is not a plain path inside the bundle"),
        ("absolute", "entry '/tmp/absolute.txt' is an absolute path"),
        ("fifo", "entry 'evidence/pipe' is a device, FIFO or socket"),
        ("device", "entry 'evidence/null' is a device, FIFO or socket"),
        ("duplicate", "entry 'evidence/report.md' appears twice"),
        ("second-top", "entry 'other/report.md' is outside the archive's one top folder 'evidence'"),
    ])
    func aHostileArchiveIsRefused(kind: String, message: String) throws {
        let (privateKey, publicKey) = try BundleFixture.keys("ed25519")
        let (result, output) = try BundleFixture.export(key: privateKey)
        #expect(result.status == 0)
        let archive = try TemporaryFolder.make("hostile-archive") + "/evidence.tar.gz"
        let script = """
            import io, sys, tarfile
            kind, bundle, out = sys.argv[1:4]
            with tarfile.open(out, "w:gz", format=tarfile.USTAR_FORMAT) as tar:
                tar.add(bundle, arcname="evidence")
                def entry(name, type=tarfile.REGTYPE, data=b"x", **fields):
                    info = tarfile.TarInfo(name); info.type = type; info.size = len(data) if type == tarfile.REGTYPE else 0
                    for key, value in fields.items(): setattr(info, key, value)
                    tar.addfile(info, io.BytesIO(data) if type == tarfile.REGTYPE else None)
                if kind == "symlink": entry("evidence/VERIFY.txt", tarfile.SYMTYPE, linkname="/etc/passwd")
                if kind == "hardlink": entry("evidence/VERIFY.txt", tarfile.LNKTYPE, linkname="evidence/report.md")
                if kind == "dotdot": entry("evidence/../outside.txt")
                if kind == "absolute": entry("/tmp/absolute.txt")
                if kind == "fifo": entry("evidence/pipe", tarfile.FIFOTYPE)
                if kind == "device": entry("evidence/null", tarfile.CHRTYPE, devmajor=1, devminor=3)
                if kind == "duplicate": entry("evidence/report.md")
                if kind == "second-top": entry("other/report.md")
            """
        let made = try Command.run("/usr/bin/env", ["python3", "-c", script, kind, output, archive])
        #expect(made.status == 0, "\(made.stderr)")
        let verified = try Binary.run(["verify", archive, "--key", publicKey])
        #expect(verified.status == 1, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stderr == "git-evidence: error: \(archive): not verified: archive: \(message); run git-evidence verify\n", "\(verified.stderr)")
        let sampled = try Binary.run(["sample", archive, "--key", publicKey, "--seed", "s"])
        #expect(sampled.status == 1 && sampled.stderr.contains("archive: \(message)"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/absolute.txt") && !FileManager.default.fileExists(atPath: output + "/../outside.txt"))
        let broken = (archive as NSString).deletingLastPathComponent + "/broken.tar.gz"
        try Data("not gzip".utf8).write(to: URL(fileURLWithPath: broken))
        let unreadable = try Binary.run(["verify", broken, "--key", publicKey])
        #expect(unreadable.status == 2 && unreadable.stderr.hasPrefix("git-evidence: error: \(broken): "), "\(unreadable.stderr)")
    }
}
