import EvidenceTestSupport
import Foundation
import Testing

/// RFC 3161 timestamps against TSAs on loopback (`openssl ts -reply` behind `tsa_server.py`): the token is asked
/// for at export and checked at once, verified under `--tsa-roots` with its chain judged at its own genTime, and the
/// signing key is then judged at that time, not the one the bundle claims.
@Suite struct TimestampTests {
    let keys: (privateKey: String, publicKey: String)
    let tsa: TimestampAuthority

    init() throws {
        keys = try BundleFixture.keys("ed25519")
        tsa = try TimestampAuthority.shared.get()
    }

    private func export(_ urls: [String]) throws -> (Command.Result, String) {
        // generated_at, the time the bundle claims, is fixed just after the window's end.
        try BundleFixture.export(key: keys.privateKey, extra: urls.flatMap { ["--tsa-url", $0] } + ["--as-of", "2026-10-02T00:00:00Z"])
    }

    private func verify(_ bundle: String, _ extra: [String]) throws -> Command.Result {
        try Binary.run(["verify", bundle] + (extra.contains("--trusted-keys") ? [] : ["--key", keys.publicKey]) + extra)
    }

    private func line(_ result: Command.Result, _ check: String) -> String {
        result.stdout.split(separator: "\n").first { $0.contains(" \(check): ") }.map(String.init) ?? "(no \(check) line)"
    }

    @Test func aTokenIsStoredOutsideTheSumsAndVerifiesWithOursAndStockOpenSSL() throws {
        let (exported, bundle) = try export([tsa.url("good")])
        #expect(exported.status == 0, "\(exported.stderr)")
        let sums = try String(contentsOfFile: bundle + "/SHA256SUMS", encoding: .utf8)
        #expect(!sums.contains("SHA256SUMS.sig.tsr") && !sums.contains("tsa-chain.pem"))
        #expect(try String(contentsOfFile: bundle + "/tsa-chain.pem", encoding: .utf8).contains("BEGIN CERTIFICATE"))
        let verified = try verify(bundle, ["--tsa-roots", tsa.roots, "--require-timestamp"])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(line(verified, "timestamp").contains("ok    timestamp: signed by 20"), "\(verified.stdout)")
        #expect(line(verified, "key period").contains("the time the RFC 3161 token proves"))
        let stock = try Command.run("/usr/bin/env", ["openssl", "ts", "-verify", "-in", bundle + "/SHA256SUMS.sig.tsr", "-data", bundle + "/SHA256SUMS.sig",
                                                     "-CAfile", tsa.roots, "-untrusted", bundle + "/tsa-chain.pem"])
        #expect(stock.status == 0 && stock.stdout.contains("Verification: OK"), "\(stock.stdout)\(stock.stderr)")
        #expect(try String(contentsOfFile: bundle + "/report.md", encoding: .utf8).contains("| Signing time | proven by the RFC 3161 token"))
        let instructions = try String(contentsOfFile: bundle + "/VERIFY.txt", encoding: .utf8)
        #expect(instructions.contains("openssl ts -verify -in SHA256SUMS.sig.tsr -data SHA256SUMS.sig"))
        let literal = try Command.run("/bin/sh", ["-c", "cd \"$0\" && TRUSTED=\"$1\" TSA_ROOTS=\"$2\" dash VERIFY.txt", bundle, keys.publicKey, tsa.roots])
        #expect(literal.status == 0 && literal.stdout.contains("Verification: OK") && literal.stdout.contains("Time stamp: "), "\(literal.stdout)\(literal.stderr)")

        // Without roots the token is not taken on trust: the time stays claimed, and --require-timestamp fails.
        let unchecked = try verify(bundle, [])
        #expect(unchecked.status == 0 && line(unchecked, "timestamp").contains("only claimed"))
        #expect(try verify(bundle, ["--require-timestamp"]).status == 1)
    }

    @Test func withoutATokenTheTimeIsOnlyClaimed() throws {
        let (_, bundle) = try export([])
        #expect(try String(contentsOfFile: bundle + "/report.md", encoding: .utf8).contains("| Signing time | only claimed: no RFC 3161 timestamp"))
        let verified = try verify(bundle, [])
        #expect(verified.status == 0)
        #expect(line(verified, "timestamp") == "  ok    timestamp: no RFC 3161 token: the signing time is only claimed")
        let required = try verify(bundle, ["--tsa-roots", tsa.roots, "--require-timestamp"])
        #expect(required.status == 1)
        #expect(line(required, "timestamp").contains("FAIL  timestamp: no RFC 3161 token"))
    }

    /// A token altered, or from a TSA outside the roots, or one whose TSA certificate was not valid when it was
    /// made, is exit 1 naming the timestamp check.
    @Test func aTokenThatDoesNotHoldIsRefusedNamingWhy() throws {
        let (_, good) = try export([tsa.url("good")])
        var token = try Data(contentsOf: URL(fileURLWithPath: good + "/SHA256SUMS.sig.tsr"))
        token[token.count - 10] ^= 0x01
        try token.write(to: URL(fileURLWithPath: good + "/SHA256SUMS.sig.tsr"))
        let tampered = try verify(good, ["--tsa-roots", tsa.roots])
        #expect(tampered.status == 1)
        #expect(line(tampered, "timestamp").contains("FAIL  timestamp: SHA256SUMS.sig.tsr does not verify"), "\(tampered.stdout)")

        // Another bundle's token, genuine but over another signature: the imprint does not match.
        let (_, other) = try export([tsa.url("good")])
        let (_, plain) = try export([])
        try FileManager.default.copyItem(atPath: other + "/SHA256SUMS.sig.tsr", toPath: plain + "/SHA256SUMS.sig.tsr")
        try FileManager.default.copyItem(atPath: other + "/tsa-chain.pem", toPath: plain + "/tsa-chain.pem")
        let borrowed = try verify(plain, ["--tsa-roots", tsa.roots])
        #expect(borrowed.status == 1)
        #expect(line(borrowed, "timestamp").contains("its imprint is not the SHA-256 of SHA256SUMS.sig"), "\(borrowed.stdout)")

        let (_, stranger) = try export([tsa.url("stranger")])
        let foreign = try verify(stranger, ["--tsa-roots", tsa.roots])
        #expect(foreign.status == 1)
        #expect(line(foreign, "timestamp").contains("does not verify"), "\(foreign.stdout)")

        // The old TSA's certificate expired on 2025-06-01: a token it makes now is refused ...
        let (_, late) = try export([tsa.url("old")])
        let expired = try verify(late, ["--tsa-roots", tsa.roots])
        #expect(expired.status == 1)
        #expect(line(expired, "timestamp").contains("expired"), "\(expired.stdout)")
        // ... while one it made when its certificate was valid still verifies: the chain is judged at genTime.
        let (_, early) = try export([tsa.url("old", at: "2025-01-15T12:00:00Z")])
        let outlived = try verify(early, ["--tsa-roots", tsa.roots])
        #expect(outlived.status == 0, "\(outlived.stdout)")
        #expect(line(outlived, "timestamp").contains("signed by 2025-01-15T12:00"))
    }

    /// The reply is checked before anything is written: a replayed token (another request's nonce and imprint) is
    /// exit 2 and no bundle; a later TSA in the list is tried when one fails.
    @Test func aReplayedReplyIsRefusedAtExportAndTheNextTSAIsTried() throws {
        _ = try export([tsa.url("good")])  // the TSA's first reply, which /replay gives back
        let (refused, out) = try export([tsa.url("good", replay: true)])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("imprint is not the SHA-256 of SHA256SUMS.sig") || refused.stderr.contains("nonce"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let (fallback, bundle) = try export([tsa.url("good", replay: true), tsa.url("good")])
        #expect(fallback.status == 0, "\(fallback.stderr)")
        #expect(try verify(bundle, ["--tsa-roots", tsa.roots]).status == 0)
    }

    /// Rotation: a keyring key retired on 2026-11-01 vouches for a bundle whose token proves it was signed in
    /// October, and not for one whose token proves March 2027, whatever the bundle claims; without a token the
    /// claimed time (generated_at, 2026-10-02) is all there is.
    @Test func theKeyIsJudgedAtTheTimeTheTokenProves() throws {
        let folder = try TemporaryFolder.make("timestamp-keyring")
        try FileManager.default.copyItem(atPath: keys.publicKey, toPath: folder + "/2026-signer.pem")
        try Data("not_before: 2026-01-01\nnot_after: 2026-11-01\n".utf8).write(to: URL(fileURLWithPath: folder + "/2026-signer.yml"))
        let (_, october) = try export([tsa.url("good", at: "2026-10-15T09:00:00Z")])
        #expect(try verify(october, ["--trusted-keys", folder, "--tsa-roots", tsa.roots]).status == 0)
        let (_, march) = try export([tsa.url("good", at: "2027-03-01T09:00:00Z")])
        let late = try verify(march, ["--trusted-keys", folder, "--tsa-roots", tsa.roots])
        #expect(late.status == 1)
        #expect(line(late, "key period").contains("was not valid at 2027-03-01T09:00"), "\(late.stdout)")
        let claimed = try verify(march, ["--trusted-keys", folder])
        #expect(claimed.status == 0, "without --tsa-roots only the claimed time is judged: \(claimed.stdout)")
        #expect(line(claimed, "key period").contains("claimed, not proven"))
    }
}
