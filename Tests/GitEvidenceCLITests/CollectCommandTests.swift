import EvidenceTestSupport
import Foundation
import Testing

/// `collect github` and `export --github-repo` against the fake GitHub on loopback, serving the review scenario's
/// hand-made export folder as GitHub would. Each test serves it under its own repository name, so the fake's
/// per-path faults never cross tests.
@Suite struct CollectCommandTests {
    static let token = "ghp_LIVE_TOKEN_do_not_leak_7f3a9c"
    let scenario: ReviewScenario
    let fake: FakeGitHub
    let key: String

    init() throws {
        scenario = try ReviewScenario.shared.get()
        fake = try FakeGitHub.shared.get()
        key = try TemporaryFolder.make("collect-key") + "/signing.key.pem"
        #expect(try Command.run("/usr/bin/env", ["openssl", "genpkey", "-algorithm", "ed25519", "-out", key]).status == 0)
        #expect(chmod(key, 0o600) == 0)
    }

    /// Serves the scenario's export as `acme/NAME`.
    private func serve(_ name: String) throws -> String {
        try fake.load(folder: scenario.github.folder, repo: "acme/\(name)", token: Self.token)
        return "acme/\(name)"
    }

    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GITHUB_TOKEN"] = Self.token
        environment["GIT_EVIDENCE_GITHUB_WAIT_SCALE"] = "0.02"
        return environment
    }

    private func run(_ arguments: [String], token: String? = token) throws -> Command.Result {
        var environment = environment
        environment["GITHUB_TOKEN"] = token
        return try Command.run(Binary.path, arguments, environment: environment)
    }

    private func collect(_ repo: String, extra: [String] = [], token: String? = token) throws -> (Command.Result, String) {
        let out = try TemporaryFolder.make("collect") + "/github"
        let result = try run(["collect", "github", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github-repo", repo,
                              "--api-url", fake.apiURL, "--out", out] + extra, token: token)
        return (result, out)
    }

    private func export(_ arguments: [String]) throws -> (Command.Result, String) {
        let out = try TemporaryFolder.make("collect-export") + "/evidence"
        let result = try run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--key", key, "--out", out,
                              "--as-of", "2026-10-01T00:00:00Z"] + arguments)
        return (result, out)
    }

    private func findings(_ bundle: String) throws -> [[String: String]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: bundle + "/findings.json"))
        let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return list.map { $0.compactMapValues { $0 as? String } }
    }

    /// The findings of `found` and of `expected` that the other does not have, each marked.
    private func difference(_ found: [[String: String]], _ expected: [[String: String]]) -> [String] {
        found.filter { !expected.contains($0) }.map { "+ \($0)" } + expected.filter { !found.contains($0) }.map { "- \($0)" }
    }

    private func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// Every byte under `folder`, with the file it came from.
    private func everyFile(under folder: String) throws -> [(String, Data)] {
        let names = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        return try names.sorted().compactMap { name in
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder)
            return isFolder.boolValue ? nil : (name, try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
        }
    }

    /// End to end: collecting then exporting gives the same findings as exporting the hand-made folder, and the
    /// one-step export gives them too, with the collected bodies in `inputs/github/`.
    @Test func collectThenExportEqualsTheHandMadeFolderFindingForFinding() throws {
        let repo = try serve("api-live")
        let (collected, folder) = try collect(repo)
        #expect(collected.status == 0, "\(collected.stderr)")
        #expect(collected.stdout.contains("complete"))
        let (fromFolder, handMade) = try export(["--github", scenario.github.folder])
        let (fromCollected, viaCollect) = try export(["--github", folder])
        let (oneStep, live) = try export(["--github-repo", repo, "--api-url", fake.apiURL])
        #expect(fromFolder.status == 0 && fromCollected.status == 0 && oneStep.status == 0, "\(fromCollected.stderr) \(oneStep.stderr)")
        let expected = try findings(handMade)
        #expect(!expected.isEmpty)
        let viaCollectDifference = difference(try findings(viaCollect), expected)
        let liveDifference = difference(try findings(live), expected)
        #expect(viaCollectDifference.isEmpty, "\(viaCollectDifference)")
        #expect(liveDifference.isEmpty, "\(liveDifference)")
        // What was asked for: the list, and for each needed PR its reviews, commits, check runs and status.
        let provenance = try json(folder + "/collection.json")
        #expect(provenance["complete"] as? Bool == true)
        #expect(provenance["identity"] as? String == "fake-collector")
        let requests = try #require(provenance["requests"] as? [[String: Any]])
        #expect(requests.allSatisfy { ($0["request_id"] as? String)?.hasPrefix("FAKE:") == true })
        #expect(FileManager.default.fileExists(atPath: live + "/inputs/github/collection.json"))
        #expect(FileManager.default.fileExists(atPath: live + "/inputs/github/pulls/1/reviews.json"))
        #expect(try json(live + "/inputs/github/collection.json")["repository"] as? String == repo, "the bundle says where the evidence came from")
        let publicKey = key + ".pub.pem"
        #expect(try Command.run("/usr/bin/env", ["openssl", "pkey", "-in", key, "-pubout", "-out", publicKey]).status == 0)
        let verified = try Command.run(Binary.path, ["verify", live, "--key", publicKey, "--repo", scenario.repository.path])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
    }

    /// The token reaches no file, no message and no cache: every byte written is searched for it.
    @Test func theTokenAppearsInNoOutputByte() throws {
        let repo = try serve("api-secret")
        let cache = try TemporaryFolder.make("collect-cache") + "/cache"
        let (collected, folder) = try collect(repo, extra: ["--cache", cache, "--json"])
        #expect(collected.status == 0, "\(collected.stderr)")
        let (exported, bundle) = try export(["--github-repo", repo, "--api-url", fake.apiURL, "--cache", cache])
        #expect(exported.status == 0, "\(exported.stderr)")
        let (rejected, _) = try collect(repo, token: Self.token + "x")
        let needle = Data(Self.token.utf8)
        var searched = 0
        for root in [folder, bundle, cache] {
            for (name, bytes) in try everyFile(under: root) {
                searched += 1
                #expect(bytes.range(of: needle) == nil, "the token is in \(root)/\(name)")
            }
        }
        #expect(searched > 20)
        for text in [collected.stdout, collected.stderr, exported.stdout, exported.stderr, rejected.stdout, rejected.stderr] {
            #expect(!text.contains(Self.token))
        }
        var mode = stat()
        #expect(stat(cache, &mode) == 0 && mode.st_mode & 0o777 == 0o700)
    }

    /// A token GitHub rejects is unusable input: exit 2, one line naming the repository, nothing written.
    @Test func aRejectedTokenIsExitTwoAndWritesNothing() throws {
        let repo = try serve("api-401")
        let (result, out) = try collect(repo, token: "ghp_wrong")
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: GitHub rejected the token for \(repo) (401); check GITHUB_TOKEN or GH_TOKEN\n")
        #expect(!FileManager.default.fileExists(atPath: out))
        let parent = (out as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty, "no staging folder left behind")
    }

    /// What cannot be collected after retries is named (URL and status), the folder is written and marked
    /// incomplete, the exit is 1; `export --github-repo` still writes the bundle and its manifest and report say
    /// which evidence is missing, and the change it concerns fails for missing reviews rather than passing.
    @Test func anUnanswerableRequestMarksTheCollectionIncomplete() throws {
        let repo = try serve("api-404")
        try fake.fault("/repos/\(repo)/pulls/1/reviews", "404", count: 2)
        let (result, folder) = try collect(repo)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("INCOMPLETE"))
        #expect(result.stderr.contains("GET repos/\(repo)/pulls/1/reviews answered 404"))
        let provenance = try json(folder + "/collection.json")
        #expect(provenance["complete"] as? Bool == false)
        #expect(!FileManager.default.fileExists(atPath: folder + "/pulls/1/reviews.json"))
        #expect(FileManager.default.fileExists(atPath: folder + "/pulls/1/commits.json"))

        let (exported, bundle) = try export(["--github-repo", repo, "--api-url", fake.apiURL])
        #expect(exported.status == 1, "written, and incomplete: \(exported.stderr)")
        #expect(exported.stderr.contains("the live collection is INCOMPLETE: GitHub did not answer 1 request;"))
        let manifest = try json(bundle + "/manifest.json")
        let completeness = try #require(manifest["completeness"] as? [String: Any], "\(manifest.keys)")
        let missing = try #require(completeness["not_collected"] as? [String])
        #expect(missing.count == 1 && missing[0].contains("pulls/1/reviews answered 404"))
        let report = try String(contentsOfFile: bundle + "/report.md", encoding: .utf8)
        #expect(report.contains("The live collection is incomplete"))
        #expect(report.contains("pulls/1/reviews answered 404"))
        let approval = try findings(bundle).first { $0["control"] == "CC8.1-independent-approval" && $0["change"] == scenario.commits["merge"] }
        #expect(approval?["status"] == "fail", "\(String(describing: approval))")
    }

    /// Faults GitHub documents are waited out and retried, and the collection still completes: a secondary limit
    /// with Retry-After, a 502 with an HTML body and a connection dropped mid-body.
    @Test func faultsAreRetriedAndTheCollectionCompletes() throws {
        let repo = try serve("api-faults")
        try fake.fault("/repos/\(repo)/pulls", "retry-after")
        try fake.fault("/repos/\(repo)/pulls/2/reviews", "502")
        try fake.fault("/repos/\(repo)/pulls/3/commits", "drop")
        let (result, folder) = try collect(repo)
        #expect(result.status == 0, "\(result.stderr)")
        let provenance = try json(folder + "/collection.json")
        #expect(provenance["complete"] as? Bool == true)
        let statuses = (provenance["requests"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? Int }
        #expect(statuses.contains(403) && statuses.contains(502))
        let (fromFolder, handMade) = try export(["--github", scenario.github.folder])
        let (fromCollected, viaCollect) = try export(["--github", folder])
        #expect(fromFolder.status == 0 && fromCollected.status == 0)
        #expect(try difference(findings(viaCollect), findings(handMade)).isEmpty)
    }

    /// A re-run with the same cache sends `If-None-Match` for everything it has and is answered by 304s; an
    /// interrupted run (here: one that failed part-way) resumes from what its cache holds.
    @Test func aRerunWithTheCacheAsksOnlyConditionally() throws {
        let repo = try serve("api-warm")
        let cache = try TemporaryFolder.make("collect-warm") + "/cache"
        try fake.fault("/repos/\(repo)/pulls/3/reviews", "404", count: 1)
        let (first, _) = try collect(repo, extra: ["--cache", cache])
        #expect(first.status == 1, "the first run is incomplete: \(first.stderr)")
        let before = try fake.requests().count
        let (second, folder) = try collect(repo, extra: ["--cache", cache])
        #expect(second.status == 0, "\(second.stderr)")
        let asked = try fake.requests().dropFirst(before).filter { ($0["path"] as? String)?.hasPrefix("/repos/\(repo)") == true }
        let unconditional = asked.filter { $0["conditional"] as? Bool != true }.compactMap { $0["path"] as? String }
        #expect(unconditional == ["/repos/\(repo)/pulls/3/reviews"], "only what the first run did not get is fetched afresh")
        let provenance = try json(folder + "/collection.json")
        let totals = try #require(provenance["totals"] as? [String: Int])
        #expect(totals["not_modified"]! * 100 >= totals["requests"]! * 90, "\(totals)")
    }

    /// The auditor re-collects with their own token: an untouched bundle matches GitHub; once GitHub's record
    /// differs from the bundle (an approval the bundle holds is gone, a failing check now reads success), each
    /// difference is a failed check naming the file and the item, exit 1.
    @Test func recollectionReportsEveryDifferenceFromGitHub() throws {
        let repo = try serve("api-recollect")
        let (exported, bundle) = try export(["--github-repo", repo, "--api-url", fake.apiURL])
        #expect(exported.status == 0, "\(exported.stderr)")
        let publicKey = key + ".recollect.pub.pem"
        #expect(try Command.run("/usr/bin/env", ["openssl", "pkey", "-in", key, "-pubout", "-out", publicKey]).status == 0)
        let verify = ["verify", bundle, "--key", publicKey, "--recollect", "--github-repo", repo, "--api-url", fake.apiURL]
        let clean = try run(verify, token: "ghp_AUDITOR_own_token")
        #expect(clean.status == 2, "the auditor's token must be one GitHub accepts: \(clean.stderr)")
        try fake.load(token: "ghp_AUDITOR_own_token", data: [:])
        let matched = try run(verify, token: "ghp_AUDITOR_own_token")
        #expect(matched.status == 0, "\(matched.stdout.replacingOccurrences(of: "\n", with: " | "))\(matched.stderr)")
        #expect(matched.stdout.contains("recollect:") && matched.stdout.contains("match the bundle"))

        // GitHub now tells another story.
        let reviews = try #require(try fake.data("/repos/\(repo)/pulls/1/reviews") as? [[String: Any]])
        #expect(reviews.contains { $0["id"] as? Int == 12 })
        let failing = try #require(try everyFile(under: bundle + "/inputs/github/commits").first {
            $0.0.hasSuffix("check-runs.json") && String(decoding: $0.1, as: UTF8.self).contains("\"failure\"")
        })
        let runsPath = "/repos/\(repo)/commits/\(failing.0.dropLast("/check-runs.json".count))/check-runs"
        var runs = try #require(try fake.data(runsPath) as? [String: Any])
        runs["check_runs"] = (runs["check_runs"] as? [[String: Any]] ?? []).map { run in
            var run = run
            if run["conclusion"] as? String == "failure" { run["conclusion"] = "success" }
            return run
        }
        try fake.load(token: "ghp_AUDITOR_own_token", data: [
            "/repos/\(repo)/pulls/1/reviews": reviews.filter { $0["id"] as? Int != 12 },
            runsPath: runs,
        ])
        let differs = try run(verify, token: "ghp_AUDITOR_own_token")
        #expect(differs.status == 1, "\(differs.stdout)\(differs.stderr)")
        #expect(differs.stdout.contains("FAIL  recollect: inputs/github/pulls/1/reviews.json: review 12 by bob APPROVED at 2026-07-01T12:00:00Z"), "\(differs.stdout)")
        #expect(differs.stdout.contains("is in the bundle, not on GitHub"))
        #expect(differs.stdout.contains("'test' completed failure on"), "\(differs.stdout)")
        #expect(differs.stdout.contains("GitHub says 'test' completed success"))
        #expect(!differs.stdout.contains("ghp_AUDITOR_own_token") && !differs.stderr.contains("ghp_AUDITOR_own_token"))
    }

    /// Collected as a GitHub App: collection.json names the app and installation, and neither the installation
    /// token nor the key reaches any output; the findings are those of the token collection.
    @Test func collectAsAGitHubApp() throws {
        let repo = try serve("api-app")
        let folder = try TemporaryFolder.make("collect-app")
        #expect(try Command.run("/usr/bin/env", ["openssl", "genrsa", "-traditional", "-out", folder + "/app.pem", "2048"]).status == 0)
        #expect(try Command.run("/usr/bin/env", ["openssl", "rsa", "-in", folder + "/app.pem", "-pubout", "-out", folder + "/app.pub.pem"]).status == 0)
        try fake.app(id: 99, installation: 1234, publicKey: folder + "/app.pub.pem")
        let out = folder + "/github"
        let result = try run(["collect", "github", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github-repo", repo,
                              "--api-url", fake.apiURL, "--out", out, "--app-id", "99", "--app-key", folder + "/app.pem", "--installation-id", "1234"],
                             token: nil)
        #expect(result.status == 0, "\(result.stderr)")
        let provenance = try json(out + "/collection.json")
        #expect(provenance["identity"] as? String == "GitHub App 99, installation 1234")
        let key = try String(contentsOfFile: folder + "/app.pem", encoding: .utf8).split(separator: "\n")[1]
        for (name, bytes) in try everyFile(under: out) {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("ghs_installation_") && !text.contains(key), "a secret is in \(name)")
        }
        #expect(!result.stdout.contains("ghs_installation_") && !result.stderr.contains("ghs_installation_"))
        let (fromFolder, handMade) = try export(["--github", scenario.github.folder])
        let (fromApp, viaApp) = try export(["--github", out])
        #expect(fromFolder.status == 0 && fromApp.status == 0)
        #expect(difference(try findings(viaApp), try findings(handMade)).isEmpty)
    }

    @Test func collectRefusesAFolderThatExistsBeforeAskingGitHub() throws {
        let repo = try serve("api-exists")
        let out = try TemporaryFolder.make("collect-exists")
        let result = try run(["collect", "github", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github-repo", repo,
                              "--api-url", fake.apiURL, "--out", out])
        #expect(result.status == 2)
        #expect(result.stderr.contains(out) && result.stderr.contains("already exists"))
        #expect(try fake.requests().allSatisfy { ($0["path"] as? String)?.hasPrefix("/repos/\(repo)") != true })
    }
}
