@testable import EvidenceCore
import Testing

/// What `why` says of a change that shows no pull request: a direct push only where the export given could have
/// shown one, as CC8.1-traceable tells a direct push from missing evidence.
@Suite struct WhyWithoutPullRequestTests {
    static let noExport = "no GitHub or GitLab export was given (--github DIR or --gitlab DIR)"

    @Test(arguments: [
        (MissingReviewEvidence?.none, UntrustedReference?.none, true, Forge.github, "none: pushed directly to the branch"),
        (nil, UntrustedReference(number: 99, reason: "the subject names PR #99, which was not merged"), true, .github,
         "none: pushed directly to the branch; the subject names PR #99, which was not merged"),
        (.pullRequest(141), nil, false, .github, "not shown: the subject names #141, and " + noExport),
        (.pullRequest(141), nil, true, .github, "not shown: the subject names #141, and the GitHub export given does not hold it"),
        (.noPullRequests, nil, false, .github, "not known: " + noExport),
        (.noPullRequests, nil, true, .gitlab, "not shown: the GitLab export given holds no merge requests"),
        (.pullRequest(7), nil, true, .gitlab, "not shown: the message names !7, and the GitLab export given does not hold it"),
        (.pullRequest(7), UntrustedReference(number: 7, reason: "another project", project: "other/app"), true, .gitlab,
         "not shown: the message names other/app!7, another project's merge request"),
    ])
    func eachCaseIsSaidAsItIs(missing: MissingReviewEvidence?, untrusted: UntrustedReference?, given: Bool, forge: Forge, said: String) {
        var change = Example.directPush(untrusted: untrusted, missing: missing)
        change.forge = forge
        #expect(WhyQuery.withoutPullRequest(change, reviewsGiven: given) == said)
    }
}
