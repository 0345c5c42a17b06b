import EvidenceTestSupport
import Foundation
import Testing

/// The command line as a script and a person meet it: --json on every command that reports, colour only on a
/// terminal, progress and notes on separate lines, plain errors for wrong keys, and bundle modes.
@Suite struct CommandLineTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Runs the binary under `script`, so stdout and stderr are a terminal; returns what the terminal saw.
    static func onATerminal(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let folder = try TemporaryFolder.make("pty")
        // NO_COLOR is cleared unless given: the test runner may set it.
        let settings = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        let command = "env -u NO_COLOR " + settings + " " + ([Binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        _ = try Command.run("/usr/bin/script", ["-qec", command, folder + "/typescript"])
        return try String(contentsOfFile: folder + "/typescript", encoding: .utf8)
    }

    @Test func exportRulesAndKeygenAnswerInJSON() throws {
        let keys = try TemporaryFolder.make("keygen-json") + "/keys"
        let keygen = try Binary.run(["keygen", "--out", keys, "--json"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let written = try Self.json(keygen.stdout)
        let keyID = try BundleFixture.shell("openssl pkey -pubin -in signing.pub.pem -outform DER | sha256sum | cut -c1-64", in: keys).stdout
        #expect(written["key_id"] as? String == keyID.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(written["private_key"] as? String == keys + "/signing.key.pem" && written["algorithm"] as? String == "ed25519")

        let (export, output) = try BundleFixture.export(key: keys + "/signing.key.pem", extra: ["--json", "--archive"])
        #expect(export.status == 0, "\(export.stderr)")
        let outcome = try Self.json(export.stdout)
        #expect(outcome["output"] as? String == output && outcome["archive"] as? String == output + ".tar.gz")
        #expect(outcome["changes"] as? Int == 9)
        let recorded = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/findings.json"))) as? [[String: Any]])
        #expect((outcome["findings"] as? [String: Int])?["fail"] == recorded.filter { $0["status"] as? String == "fail" }.count)
        #expect((outcome["failing"] as? [String: Int])?["CC8.1-traceable"] == recorded.filter { $0["status"] as? String == "fail" && $0["control"] as? String == "CC8.1-traceable" }.count)

        let scenario = try ReviewScenario.shared.get()
        let rules = try Binary.run(["rules", "--repo", scenario.repository.path, "--json"])
        #expect(rules.status == 0)
        let listed = try Self.json(rules.stdout)
        #expect((listed["migrations"] as? [String])?.contains("**/drizzle/**") == true)
        #expect((listed["infrastructure"] as? [String])?.contains("**/*.tf") == true)
    }

    /// Unusable input is exit 2 with the one-line error on stderr, and --json still answers on stdout.
    @Test func verifyAnswersInJSONOnUnusableInputToo() throws {
        let keys = try BundleFixture.keys("ed25519")
        let result = try Binary.run(["verify", "/nonexistent/bundle", "--key", keys.publicKey, "--json"])
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: /nonexistent/bundle: cannot read: not a bundle folder\n", "\(result.stderr)")
        let answer = try Self.json(result.stdout)
        #expect(answer["verified"] as? Bool == false && answer["exit_code"] as? Int == 2)
        #expect(answer["error"] as? String == "/nonexistent/bundle: cannot read: not a bundle folder")
    }

    @Test func passAndFailAreColouredOnlyOnATerminalWithoutNoColor() throws {
        let keys = try BundleFixture.keys("ed25519")
        let (_, output) = try BundleFixture.export(key: keys.privateKey)
        let terminal = try Self.onATerminal(["verify", output, "--key", keys.publicKey], environment: ["TERM": "xterm"])
        #expect(terminal.contains("\u{1B}[32mverified:\u{1B}[0m") && terminal.contains("\u{1B}[32mok  \u{1B}[0m"), "\(terminal)")
        let plain = try Self.onATerminal(["verify", output, "--key", keys.publicKey], environment: ["TERM": "xterm", "NO_COLOR": "1"])
        #expect(!plain.contains("\u{1B}[") && plain.contains("verified: "), "\(plain)")
        let piped = try Binary.run(["verify", output, "--key", keys.publicKey])
        #expect(!piped.stdout.contains("\u{1B}[") && piped.stdout.hasPrefix("verified: "))
        try Data("altered\n".utf8).write(to: URL(fileURLWithPath: output + "/report.md"))
        #expect(try Self.onATerminal(["verify", output, "--key", keys.publicKey], environment: ["TERM": "xterm"]).contains("\u{1B}[31mFAIL\u{1B}[0m"))
    }

    /// A note printed after a walk that showed progress starts on a line of its own.
    @Test func progressAndNotesNeverShareALine() throws {
        let repo = try ProgressTests.repository.get()
        let folder = try TemporaryFolder.make("progress-notes")
        try FileManager.default.createDirectory(atPath: folder + "/github", withIntermediateDirectories: true)
        try Data("[]\n".utf8).write(to: URL(fileURLWithPath: folder + "/github/pulls.json"))
        _ = try Binary.run(["keygen", "--out", folder + "/keys"])
        let terminal = try Self.onATerminal(["export", "--repo", repo, "--window", "2026-Q3", "--github", folder + "/github",
                                             "--key", folder + "/keys/signing.key.pem", "--out", folder + "/evidence"])
        #expect(terminal.contains("commits"), "progress was shown: \(terminal.prefix(300))")
        // The terminal ends each line with "\r\n", which Swift takes as one character.
        let notes = terminal.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n").filter { $0.contains("git-evidence: note:") }
        #expect(!notes.isEmpty, "\(terminal.suffix(600))")
        for line in notes {
            let shown = line.components(separatedBy: "\r").last ?? line  // what stays on screen after the carriage returns
            #expect(shown.replacingOccurrences(of: "\u{1B}[K", with: "").hasPrefix("git-evidence: note:"), "\(line.debugDescription)")
        }
    }

    /// A public key where the private one belongs says so; an unreadable PEM says what it is not, without
    /// OpenSSL's decoder strings.
    @Test func wrongKeyFilesAreNamedPlainly() throws {
        let keys = try BundleFixture.keys("ed25519")
        let copy = try TemporaryFolder.make("wrong-key") + "/signing.pub.pem"
        try FileManager.default.copyItem(atPath: keys.publicKey, toPath: copy)
        #expect(chmod(copy, 0o644) == 0)
        let (publicKey, _) = try BundleFixture.export(key: copy)
        #expect(publicKey.status == 2)
        #expect(publicKey.stderr == "git-evidence: error: \(copy): is a public key; export signs with the private key (keygen writes it as signing.key.pem)\n")
        let garbage = (copy as NSString).deletingLastPathComponent + "/garbage.pem"
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect(chmod(garbage, 0o600) == 0)
        let (unreadable, _) = try BundleFixture.export(key: garbage)
        #expect(unreadable.status == 2 && unreadable.stderr == "git-evidence: error: \(garbage): not a PEM private key\n", "\(unreadable.stderr)")
    }

    /// Bundle folders 0755, files and the archive 0644 once in place (the staging folder is private while
    /// written); the private key stays 0600.
    @Test func bundleFilesAreReadableAndTheKeyIsNot() throws {
        let folder = try TemporaryFolder.make("modes")
        _ = try Binary.run(["keygen", "--out", folder + "/keys"])
        let (result, output) = try BundleFixture.export(key: folder + "/keys/signing.key.pem", extra: ["--archive"])
        #expect(result.status == 0)
        func mode(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }
        #expect(try mode(output) == 0o755)
        #expect(try mode(output + "/diffs") == 0o755)
        for file in try BundleFixture.files(output) { #expect(try mode(output + "/" + file) == 0o644, "\(file)") }
        #expect(try mode(output + ".tar.gz") == 0o644)
        #expect(try mode(folder + "/keys/signing.key.pem") == 0o600)
    }
}
