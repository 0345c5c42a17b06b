import EvidenceTestSupport
import Foundation
import Testing

/// report.md against a golden file, and report.html's structure, on the review and ledger scenarios.
@Suite struct ReportTests {
    /// RFC 8032's first test key, so the key id in the golden file is fixed.
    static let fixedKey = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n"
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func export(repository: String, github: String, window: String = "2026-Q3", ledgers: [String] = []) throws -> String {
        let folder = try TemporaryFolder.make("report")
        let key = folder + "/signing.key.pem"
        try Data(fixedKey.utf8).write(to: URL(fileURLWithPath: key))
        #expect(chmod(key, 0o600) == 0)
        let result = try Binary.run(["export", "--repo", repository, "--window", window, "--github", github, "--key", key,
                                     "--out", folder + "/evidence", "--as-of", "2026-10-01T08:00:00Z"] + ledgers.flatMap { ["--ledger", $0] })
        #expect(result.status == 0, "\(result.stderr)")
        return folder + "/evidence"
    }

    /// How many exception blocks the report should have: one per control and change of the population with a
    /// failing finding, one per failing finding about no change of it (a ledger row).
    static func exceptionBlocks(_ findings: [[String: Any]], bundle: String) -> Int {
        let failing = findings.filter { $0["status"] as? String == "fail" }
        let population = { (commit: String?) in commit.map { FileManager.default.fileExists(atPath: bundle + "/diffs/\($0).patch") } ?? false }
        let changes = Set(failing.filter { population($0["change"] as? String) }.map { "\($0["control"] as? String ?? "") \($0["change"] as? String ?? "")" })
        return changes.count + failing.filter { !population($0["change"] as? String) }.count
    }

    /// Compares with `Golden/NAME`; a mismatch shows `diff -u`. `UPDATE_GOLDEN=1` rewrites the file.
    static func expectGolden(_ text: String, _ name: String) throws {
        let file = golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        guard expected != text else { return }
        let actual = try TemporaryFolder.make("golden") + "/" + name.replacingOccurrences(of: "/", with: "-")
        try Data(text.utf8).write(to: URL(fileURLWithPath: actual))
        let diff = try Command.run("/usr/bin/diff", ["-u", file.path, actual])
        Issue.record("\(name) differs from its golden file (UPDATE_GOLDEN=1 rewrites it):\n\(diff.stdout)")
    }

    @Test func theMarkdownReportMatchesItsGoldenFile() throws {
        let scenario = try ReviewScenario.shared.get()
        let bundle = try Self.export(repository: scenario.repository.path, github: scenario.github.folder)
        let report = try String(contentsOfFile: bundle + "/report.md", encoding: .utf8)
        try Self.expectGolden(report.replacingOccurrences(of: scenario.repository.path, with: "REPO"), "review-scenario.report.md")
    }

    @Test func theLedgerReconciliationMatchesItsGoldenFile() throws {
        let scenario = try LedgerScenario.shared.get()
        let bundle = try Self.export(repository: scenario.repository.path, github: scenario.github.folder,
                                     ledgers: ["drizzle", "prisma", "flyway", "events"].map { scenario.ledgers[$0]! })
        let report = try String(contentsOfFile: bundle + "/report.md", encoding: .utf8)
        let section = report.components(separatedBy: "## Ledger reconciliation")[1].components(separatedBy: "<a id=\"timeline\"></a>")[0]
        try Self.expectGolden(section, "ledger-scenario.reconciliation.md")
    }

    @Test func theHTMLReportIsSelfContainedWithExceptionsFirst() throws {
        let scenario = try ReviewScenario.shared.get()
        let bundle = try Self.export(repository: scenario.repository.path, github: scenario.github.folder)
        let html = try String(contentsOfFile: bundle + "/report.html", encoding: .utf8)
        let headings = html.matches(of: #/<h2>([^<]+)</h2>/#).map { String($0.1) }
        #expect(headings == ["Contents", "Management assertion", "Completeness of the population and the review evidence", "Results per control", "Exceptions",
                             "How changes reach production", "Branch protection", "Population", "Ledger reconciliation", "Changes per week", "Controls tested", "How to verify this bundle"])
        for forbidden in ["<script", "<link", "<img", "<iframe", "src=", "@import", "url("] {
            #expect(!html.contains(forbidden), "a self-contained report has no \(forbidden)")
        }
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(html.contains("@media print"))
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/findings.json"))) as? [[String: Any]])
        #expect(html.matches(of: #/<div class="exception" id="x-/#).count == Self.exceptionBlocks(findings, bundle: bundle),
                "one block per control and change with a failing finding, and per ledger finding")
        #expect(html.contains("<li><span class=\"fail\">Finding:</span> No merged pull request: pushed directly to the branch.</li>"))
        #expect(html.contains("<strong>Auditor:</strong> A direct push bypasses review."), "the prompt fits the case")
        #expect(!html.contains("{{"), "every tag rendered")
        // The report is part of the signed bundle.
        let sums = try String(contentsOfFile: bundle + "/SHA256SUMS", encoding: .utf8)
        #expect(sums.contains("  report.html\n") && sums.contains("  report.md\n"))
        #expect(sums.contains("  inputs/templates/report.html.mustache\n"))
    }

    /// The report as an auditor opens and prints it: headless Chromium (Debian's, which `make test` installs)
    /// prints report.html to PDF, whose text has every section, each on its own pages, and every change and
    /// exception unclipped; and its DOM has a target for every in-page link and a bundle file for every diff link.
    @Test func theHTMLReportPrintsToPDFWithItsSectionsAndLinks() throws {
        let chromium = "/usr/bin/chromium"
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            Issue.record("\(chromium) is missing: `make test` installs Debian's chromium")
            return
        }
        let scenario = try ReviewScenario.shared.get()
        let bundle = try Self.export(repository: scenario.repository.path, github: scenario.github.folder)
        let profile = try TemporaryFolder.make("chromium")
        let page = "file://" + bundle + "/report.html"
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile]
        let printed = try Command.run(chromium, flags + ["--no-pdf-header-footer", "--print-to-pdf=" + profile + "/report.pdf", page])
        #expect(printed.status == 0, "\(printed.stderr)")
        let text = try Command.run("/usr/bin/pdftotext", [profile + "/report.pdf", "-"]).stdout
        let sections = ["Management assertion", "Completeness of the population and the review evidence", "Results per control", "Exceptions",
                        "Branch protection", "Population", "Ledger reconciliation", "Changes per week", "Controls tested", "How to verify this bundle"]
        for section in sections { #expect(text.contains(section), "the PDF has \(section)") }
        let pages = try Command.run("/usr/bin/pdfinfo", [profile + "/report.pdf"]).stdout
        let count = Int(pages.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
        #expect(count >= sections.count, "each section starts a page: \(count) pages")
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/findings.json"))) as? [[String: Any]])
        let changes = Set(findings.compactMap { $0["change"] as? String })
        for commit in changes where FileManager.default.fileExists(atPath: bundle + "/diffs/\(commit).patch") {
            #expect(text.contains(String(commit.prefix(12))), "change \(commit.prefix(12)) is printed, not clipped")
        }
        #expect(text.contains("CC8.1-migration-reversible") && text.contains("pushed directly"))

        let dom = try Command.run(chromium, flags + ["--dump-dom", page])
        #expect(dom.status == 0)
        let ids = Set(dom.stdout.matches(of: #/ id="([^"]+)"/#).map { String($0.1) })
        let local = dom.stdout.matches(of: #/href="#([^"]+)"/#).map { String($0.1) }
        #expect(local.count > 20, "the contents and the exception links")
        for target in local { #expect(ids.contains(target), "#\(target) has a target") }
        for section in ["assertion", "completeness", "results", "exceptions", "branch-protection", "population", "ledgers", "timeline", "catalogue", "verify"] {
            #expect(local.contains(section) && ids.contains(section), "the contents link to #\(section)")
        }
        let diffs = dom.stdout.matches(of: #/href="(diffs/[0-9a-f]+\.patch)"/#).map { String($0.1) }
        #expect(!diffs.isEmpty)
        for diff in diffs { #expect(FileManager.default.fileExists(atPath: bundle + "/" + diff), "\(diff) is in the bundle") }
        #expect(dom.stdout.matches(of: #/class="exception" id="x-/#).count == Self.exceptionBlocks(findings, bundle: bundle))
    }

    /// Branch protection in full: every classic setting, and the rules of the rulesets in force (GitHub's
    /// `rules/branches/{branch}` answer), each with its ruleset and parameters.
    @Test func branchProtectionAndRulesetsAreShownInFull() throws {
        let scenario = try ReviewScenario.shared.get()
        let github = try TemporaryFolder.make("rulesets") + "/github"
        try FileManager.default.copyItem(atPath: scenario.github.folder, toPath: github)
        try FileManager.default.createDirectory(atPath: github + "/rules/branches", withIntermediateDirectories: true)
        try Data(#"""
            [{"type":"pull_request","ruleset_source_type":"Repository","ruleset_source":"acme/api","ruleset_id":42,
              "parameters":{"required_approving_review_count":2,"dismiss_stale_reviews_on_push":true,"require_last_push_approval":true}},
             {"type":"required_status_checks","ruleset_source_type":"Organization","ruleset_source":"acme","ruleset_id":7,
              "parameters":{"strict_required_status_checks_policy":false,"required_status_checks":[{"context":"test"}]}},
             {"type":"non_fast_forward","ruleset_source_type":"Repository","ruleset_source":"acme/api","ruleset_id":42}]
            """#.utf8).write(to: URL(fileURLWithPath: github + "/rules/branches/main.json"))
        let bundle = try Self.export(repository: scenario.repository.path, github: github)
        let markdown = try String(contentsOfFile: bundle + "/report.md", encoding: .utf8)
        #expect(markdown.contains("| require approval of the last push | no |"))
        #expect(markdown.contains("| require branches up to date before merging | yes |"))
        #expect(markdown.contains("| `pull_request` | ruleset 42 of acme/api (Repository) | dismiss_stale_reviews_on_push: true; require_last_push_approval: true; required_approving_review_count: 2 |"), "\(markdown)")
        #expect(markdown.contains("| `required_status_checks` | ruleset 7 of acme (Organization) | required_status_checks: [{context: test}]; strict_required_status_checks_policy: false |"))
        #expect(markdown.contains("| `non_fast_forward` | ruleset 42 of acme/api (Repository) | none |"))
        let findings = try String(contentsOfFile: bundle + "/findings.json", encoding: .utf8)
        #expect(findings.contains("Rulesets in force: pull_request (dismiss_stale_reviews_on_push: true, "))
        #expect(try String(contentsOfFile: bundle + "/SHA256SUMS", encoding: .utf8).contains("  inputs/github/rules/branches/main.json\n"))
        let without = try Self.export(repository: scenario.repository.path, github: scenario.github.folder)
        #expect(try String(contentsOfFile: without + "/report.md", encoding: .utf8).contains("No rulesets were exported for main (rules/branches/main.json)."))
    }

    /// A migration a ledger ran many times is one exception per control, listing every failing row, with a
    /// timeline that shows the first 20 applies and counts the rest, so the report grows with the rows, not with
    /// their square.
    /// A migration run 100 times the same way is one finding naming its rows; run in 25 other ways it is one
    /// exception block listing each, with the first 20 applies in the timeline.
    @Test func aMigrationRunOftenIsOneExceptionWithABoundedTimeline() throws {
        let repo = try FixtureRepository("report-often")
        let sql = "CREATE TABLE users (id serial PRIMARY KEY);\n"
        try repo.write("drizzle/0000_init.sql", sql)
        try repo.commit("Initial schema", date: "2026-07-02T12:00:00Z")
        let folder = (repo.path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder + "/github", withIntermediateDirectories: true)
        try Data("[]\n".utf8).write(to: URL(fileURLWithPath: folder + "/github/pulls.json"))
        let digest = try Command.run("/usr/bin/env", ["sha256sum", repo.path + "/drizzle/0000_init.sql"]).stdout.prefix(64)
        func row(_ index: Int, environment: String) -> String {
            #"{"event_id":"e\#(index)","aggregate_id":"d","event_type":"MigrationApplied","timestamp":"2026-07-\#(String(format: "%02d", 3 + index % 25))T10:00:00Z","user_id":"deploy-bot","payload":{"migration":"0000_init","hash":"\#(digest)","environment":"\#(environment)","run_id":"r\#(index)"}}"#
        }
        let rows = (0..<100).map { row($0, environment: "production") } + (0..<25).map { row($0, environment: "env-\($0)") }
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/events.jsonl"))
        let bundle = try Self.export(repository: repo.path, github: folder + "/github", ledgers: ["events:" + folder + "/events.jsonl"])
        let markdown = try String(contentsOfFile: bundle + "/report.md", encoding: .utf8)
        let section = markdown.components(separatedBy: "### `CC8.1-applied-after-approval`")[1].components(separatedBy: "\n### ")[0]
        #expect(section.components(separatedBy: "<a id=\"x-CC8.1-applied-after-approval-").count == 2, "one block for the one change")
        #expect(section.components(separatedBy: "\n- Finding: ").count == 27, "the repeated run once, and each other apply")
        #expect(section.contains("- Finding: inputs/ledgers/events/events.jsonl lines 1-100 (100 lines) (production, 2026-07-03T10:00:00Z to "
            + "2026-07-27T10:00:00Z, by deploy-bot) ran drizzle/0000_init.sql; the change reached the branch without a merged pull request."))
        #expect(section.contains("drizzle/0000_init.sql applied in production by deploy-bot (inputs/ledgers/events/events.jsonl rows 1-100 (100 rows))"))
        #expect(section.components(separatedBy: "drizzle/0000_init.sql applied in ").count == 21, "the first 20 applies in the timeline")
        #expect(section.contains("| and 6 more applies in the ledgers (changes.jsonl lists every one) |"))
        let population = try String(contentsOfFile: bundle + "/changes.jsonl", encoding: .utf8)
        #expect(population.contains(#""count":100,"environment":"production","last_applied_at":"2026-07-27T10:00:00Z","last_row":100"#))
        let findings = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/findings.json"))) as! [[String: Any]]
        #expect(findings.filter { $0["control"] as? String == "CC8.1-applied-as-reviewed" }.count == 26)
    }

    @Test func aWindowWithoutChangesSaysSo() throws {
        let scenario = try ReviewScenario.shared.get()
        let bundle = try Self.export(repository: scenario.repository.path, github: scenario.github.folder, window: "2025-Q1")
        let markdown = try String(contentsOfFile: bundle + "/report.md", encoding: .utf8)
        #expect(markdown.contains("| Population | 0 changes, 0 with a failing control |"))
        #expect(markdown.contains("No control failed in this window."))
        #expect(markdown.contains("No ledger of applied migrations was given for this window."))
    }

    @Test func customTemplatesBrandTheReport() throws {
        let scenario = try ReviewScenario.shared.get()
        let folder = try TemporaryFolder.make("templates")
        let defaults = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("evidence-templates").path
        for name in ["assertion.mustache", "controls.yml", "report.md.mustache"] { try FileManager.default.copyItem(atPath: defaults + "/" + name, toPath: folder + "/" + name) }
        try Data("<h1>ACME Corp change evidence</h1><p>{{changes}} changes</p>\n".utf8).write(to: URL(fileURLWithPath: folder + "/report.html.mustache"))
        let key = try TemporaryFolder.make("templates-key") + "/k.pem"
        try Data(Self.fixedKey.utf8).write(to: URL(fileURLWithPath: key))
        #expect(chmod(key, 0o600) == 0)
        let out = folder + "/evidence"
        let result = try Binary.run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                     "--key", key, "--out", out, "--templates", folder])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: out + "/report.html", encoding: .utf8) == "<h1>ACME Corp change evidence</h1><p>9 changes</p>\n")
        let broken = try Binary.run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                     "--key", key, "--out", folder + "/other", "--templates", folder + "/missing"])
        #expect(broken.status == 2)
        #expect(broken.stderr == "git-evidence: error: \(folder)/missing/assertion.mustache: cannot read: no such file\n")
    }

    @Test func anInstalledBinaryRunFromPATHFindsItsTemplates() throws {
        let scenario = try ReviewScenario.shared.get()
        let prefix = try TemporaryFolder.make("prefix")
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("evidence-templates").path
        try FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: prefix + "/share/git-evidence", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Binary.path, toPath: prefix + "/bin/git-evidence")
        try FileManager.default.copyItem(atPath: templates, toPath: prefix + "/share/git-evidence/evidence-templates")
        try Data("<p>installed: {{changes}}</p>\n".utf8).write(to: URL(fileURLWithPath: prefix + "/share/git-evidence/evidence-templates/report.html.mustache"))
        let key = prefix + "/k.pem"
        try Data(Self.fixedKey.utf8).write(to: URL(fileURLWithPath: key))
        #expect(chmod(key, 0o600) == 0)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = prefix + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        let result = try Command.run("/usr/bin/env", ["git-evidence", "export", "--repo", scenario.repository.path, "--window", "2026-Q3",
                                                      "--github", scenario.github.folder, "--key", key, "--out", prefix + "/evidence"],
                                     environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: prefix + "/evidence/report.html", encoding: .utf8) == "<p>installed: 9</p>\n")
    }
}
