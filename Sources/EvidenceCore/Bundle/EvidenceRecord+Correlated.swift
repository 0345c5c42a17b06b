extension EvidenceRecord {
    /// The record of a correlated change: approvers as the policy counts them, the latest result of each check.
    public init(_ correlated: CorrelatedChange, policy: ReviewPolicy) {
        let pullRequest = correlated.pullRequest.map { evidence in
            let pull = evidence.pullRequest
            let approvers = evidence.reviews == nil ? [] :
                ApprovalAnalysis(evidence: evidence, change: correlated.change, policy: policy).qualifying.map(\.login)
            var summary = PullRequestSummary(
                number: pull.number, title: pull.title, url: pull.htmlURL, author: pull.user?.login, mergedAt: pull.mergedAt?.text,
                match: correlated.match ?? .subject, headSHA: evidence.headSHA, approvers: approvers,
                checks: Tested.latestResults(evidence.checks).map { CheckSummary(name: $0.name, outcome: $0.outcome, passed: $0.passed) })
            summary.forge = pull.forge == .github ? nil : pull.forge
            return summary
        }
        self.init(change: correlated.change, pullRequest: pullRequest, untrustedReference: correlated.untrustedReference,
                  migrations: correlated.migrations, terraform: correlated.terraform)
    }
}
