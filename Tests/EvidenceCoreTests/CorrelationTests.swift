@testable import EvidenceCore
import EvidenceTestSupport
import GitKit
import Testing

@Suite struct CorrelationTests {
    let scenario: ReviewScenario
    let correlated: [String: CorrelatedChange]
    let diagnostics: [Diagnostic]

    init() throws {
        scenario = try ReviewScenario.shared.get()
        let repository = try Repository(path: scenario.repository.path)
        let evidence = try Derived.derive(repository: repository, branch: repository.resolveBranch("main"), config: .defaults,
                                          github: scenario.github.folder, window: AuditWindow.named("2026-Q3")).evaluated.correlated
        correlated = Dictionary(uniqueKeysWithValues: evidence.changes.map { ($0.change.commit, $0) })
        diagnostics = evidence.diagnostics
    }

    private func change(_ name: String) throws -> CorrelatedChange { try #require(correlated[scenario.commits[name]!]) }

    @Test func eachChangeFindsItsPullRequestByTheFirstRuleThatApplies() throws {
        let expected: [(String, Int?, MatchRule?)] = [
            ("merge", 1, .mergeCommitSHA), ("squash", 2, .mergeCommitSHA), ("rebase-1", 3, .rebaseEquivalent),
            ("rebase-2", 3, .mergeCommitSHA), ("revoked", 4, .mergeCommitSHA), ("pr-commits", 5, .pullRequestCommits),
            ("subject", 7, .subject), ("direct", nil, nil), ("unknown-pr", nil, nil),
        ]
        #expect(correlated.count == expected.count)
        for (name, number, rule) in expected {
            let change = try change(name)
            #expect(change.pullRequest?.pullRequest.number == number, "\(name)")
            #expect(change.match == rule, "\(name)")
        }
    }

    @Test func aSubjectNamingAnUnknownPullRequestIsReportedNotTrusted() throws {
        let change = try change("unknown-pr")
        #expect(change.untrustedReference == UntrustedReference(number: 99, reason: "the subject names PR #99, which the GitHub export does not contain"))
        #expect(change.missingEvidence == .pullRequest(99), "missing evidence, not a direct push")
        #expect(diagnostics.contains { $0.message.hasPrefix("pull request evidence missing for #99") })
    }

    @Test func anUnmergedPullRequestsTestMergeShaIsNeverTrusted() throws {
        // PR #6 was closed unmerged, with merge_commit_sha equal to the direct push's id.
        #expect(try change("direct").pullRequest == nil)
    }

    @Test func evidenceIsGatheredFromPaginatedFiles() throws {
        let merge = try #require(try change("merge").pullRequest)
        #expect(merge.reviews?.count == 3)                       // two pages of reviews
        #expect(merge.checks.runs.map(\.name) == ["build", "test"])  // two back-to-back check-run pages
        let rebase = try #require(try change("rebase-1").pullRequest)
        #expect(rebase.checks.statuses.map(\.context) == ["ci/jenkins"])
    }

    @Test func subjectConventions() {
        #expect(PullRequestMatcher.referencedNumber(in: "Add VPC (#2)") == 2)
        #expect(PullRequestMatcher.referencedNumber(in: "Add VPC (#2) ") == 2)
        #expect(PullRequestMatcher.referencedNumber(in: "Merge pull request #41 from acme/x") == 41)
        #expect(PullRequestMatcher.referencedNumber(in: "Fix #12 in parser") == nil)
        #expect(PullRequestMatcher.referencedNumber(in: "Revert (#3) handling") == nil)
        #expect(PullRequestMatcher.referencedNumber(in: "Add VPC (#2)\n") == 2)
        #expect(PullRequestMatcher.referencedNumber(in: "Add VPC (#)") == nil)
        #expect(PullRequestMatcher.referencedNumber(in: "Add VPC #2)") == nil)
        #expect(PullRequestMatcher.referencedNumber(in: "Merge pull request #41from acme/x") == nil)
        #expect(PullRequestMatcher.referencedNumber(in: "Merge pull request # from acme/x") == nil)
        #expect(PullRequestMatcher.referencedNumber(in: "Merge pull request #7 from acme/x (#9)") == 7)
    }
}
