import EvidenceTestSupport
import Foundation
import Testing

/// Bundles an adversary (or a buggy exporter) shaped to pass `verify`: each must be refused, exit 1, naming the check.
extension VerifyCommandTests {
    /// A bundle whose event log is named `déploiements.jsonl` (NFC), so a listed name has a canonical variant.
    private func accentedBundle() throws -> (bundle: String, listed: String) {
        let folder = try TemporaryFolder.make("accented")
        let log = folder + "/d\u{E9}ploiements.jsonl"
        try Data(#"{"event_id":1,"event_type":"Other","timestamp":"2026-07-01T00:00:00Z"}"#.utf8).write(to: URL(fileURLWithPath: log))
        return (try bundle(["--ledger", "events:" + log]), "inputs/ledgers/events/d\u{E9}ploiements.jsonl")
    }

    @Test func anUnlistedFileNamedLikeAListedOneIsSeen() throws {
        let (output, listed) = try accentedBundle()
        #expect(try verify(output).status == 0)
        let variant = "inputs/ledgers/events/de\u{301}ploiements.jsonl"  // NFD: the same text to Swift's ==, other bytes
        #expect(variant == listed && Array(variant.utf8) != Array(listed.utf8))
        try Data("planted".utf8).write(to: URL(fileURLWithPath: output + "/" + variant))
        expectRefused(try verify(output), check: "unlisted", "files not in SHA256SUMS: " + variant)
    }

    @Test func aListingThatNamesAVariantIsRefusedNotAnError() throws {
        let (output, listed) = try accentedBundle()
        let sums = output + "/SHA256SUMS"
        let text = try String(contentsOfFile: sums, encoding: .utf8)
        let variant = "inputs/ledgers/events/de\u{301}ploiements.jsonl"
        try Data(text.replacingOccurrences(of: "  " + listed + "\n", with: "  " + variant + "\n", options: .literal).utf8)
            .write(to: URL(fileURLWithPath: sums))
        #expect(try String(contentsOfFile: sums, encoding: .utf8).utf8.count == text.utf8.count + 1, "the line now names the NFD bytes")
        let result = try verify(output)
        expectRefused(result, check: "files", "missing: " + variant)
        expectRefused(result, check: "unlisted", "files not in SHA256SUMS: " + listed)
    }

    @Test func aKeyRetiredBeforeTheWindowEndedNeverVouchesWhateverGeneratedAtClaims() throws {
        // The window ends 2026-10-01; the bundle claims to have been made in August, while the key was still valid.
        let output = try bundle(["--as-of", "2026-08-01T00:00:00Z", "--allow-open-window"])
        let folder = try TemporaryFolder.make("retired")
        try FileManager.default.copyItem(atPath: keys.publicKey, toPath: folder + "/old.pem")
        try Data("not_before: 2026-01-01\nnot_after: 2026-09-01\n".utf8).write(to: URL(fileURLWithPath: folder + "/old.yml"))
        expectRefused(try verify(output, ["--trusted-keys", folder]), check: "key period",
                      "was not valid at 2026-10-01T00:00:00Z (valid 2026-01-01T00:00:00Z to 2026-09-01T00:00:00Z) "
                      + "(generated_at claims 2026-08-01T00:00:00Z, before the window ended)")
    }

    @Test func aKeyringHoldingTheSameKeyTwiceTriesEveryEntry() throws {
        let output = try bundle()
        let folder = try TemporaryFolder.make("twice")
        for (name, period) in [("a-retired", "not_after: 2026-09-01\n"), ("b-current", "not_before: 2026-09-01\n")] {
            try FileManager.default.copyItem(atPath: keys.publicKey, toPath: folder + "/\(name).pem")
            try Data(period.utf8).write(to: URL(fileURLWithPath: folder + "/\(name).yml"))
        }
        let result = try verify(output, ["--trusted-keys", folder])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("/b-current.pem)"))
    }

    @Test func aPreviousBundleThatDoesNotVerifyBreaksTheChain() throws {
        let first = try bundle(["--window", "2026-Q2"])
        let second = try bundle(["--window", "2026-Q3", "--previous", first])
        // Altering a file of the previous bundle leaves its SHA256SUMS (and so the recorded digest) as it was.
        let findings = first + "/findings.json"
        let text = try String(contentsOfFile: findings, encoding: .utf8).replacingOccurrences(of: "\"fail\"", with: "\"pass\"")
        try Data(text.utf8).write(to: URL(fileURLWithPath: findings))
        expectRefused(try verify(second, ["--previous", first]), check: "chain",
                      "the previous bundle does not verify: files: do not match SHA256SUMS: findings.json")
    }

    @Test func reDerivingNeverReadsThroughASymlinkOrFailsOnATamperedInput() throws {
        let scenario = try ReviewScenario.shared.get()
        let output = try bundle()
        let pulls = output + "/inputs/github/pulls.json"
        let outside = (output as NSString).deletingLastPathComponent + "/pulls-outside.json"
        try FileManager.default.moveItem(atPath: pulls, toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: pulls, withDestinationPath: outside)
        let linked = try verify(output, ["--repo", scenario.repository.path])
        expectRefused(linked, check: "entries", "inputs/github/pulls.json (symlink)")
        expectRefused(linked, check: "population", "not checked: the bundle did not verify (entries, files)")

        let tampered = try bundle()
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: tampered + "/inputs/github/pulls.json"))
        let result = try verify(tampered, ["--repo", scenario.repository.path])
        expectRefused(result, check: "files", "do not match SHA256SUMS: inputs/github/pulls.json")
        expectRefused(result, check: "population", "not checked: the bundle did not verify (files)")
    }

    @Test func reDerivingRefusesAHeadThatIsNotOnTheBranch() throws {
        let scenario = try ReviewScenario.shared.get()
        let output = try bundle()
        let copy = try TemporaryFolder.make("moved-head") + "/repo"
        _ = try Command.run("/usr/bin/env", ["git", "clone", "-q", scenario.repository.path, copy])
        // The branch rewritten to drop its last commit: the bundle's head is no longer a state of it.
        _ = try Command.run("/usr/bin/env", ["git", "-C", copy, "reset", "-q", "--hard", "HEAD~1"])
        let head = try Command.run("/usr/bin/env", ["git", "-C", scenario.repository.path, "rev-parse", "main"]).stdout.prefix(12)
        expectRefused(try verify(output, ["--repo", copy]), check: "population", "the bundle's head \(head) is not on main in \(copy)")
    }

    @Test func aHugeBrokenListingGivesAShortReport() throws {
        let output = try bundle()
        let junk = String(repeating: "not a line\n", count: 200_000)
        try Data(junk.utf8).write(to: URL(fileURLWithPath: output + "/SHA256SUMS"))
        let result = try verify(output)
        expectRefused(result, check: "listing", "SHA256SUMS line 20 is not '<sha256>  <path>'; and 199980 more")
        #expect(result.stdout.utf8.count < 10_000, "bounded output")
    }
}
