/// Ties each change to its pull request and gathers the review and check evidence for it.
public struct Correlator {
    private var export: GitHubExport
    private let matcher: PullRequestMatcher

    /// Things noticed while correlating: missing files, untrusted subject references.
    public private(set) var diagnostics: [Diagnostic] = []

    public init(export: GitHubExport) {
        self.export = export
        self.matcher = PullRequestMatcher(export: export)
    }

    /// The GitHub files read so far (relative to the export folder), sorted.
    public var filesRead: [String] { export.filesRead }
    /// The folder the GitHub files are in.
    public var folder: String { export.folder }

    public mutating func correlate(_ change: Change) throws(EvidenceError) -> CorrelatedChange {
        let (match, untrusted) = matcher.match(change)
        if let untrusted {
            diagnostics.append(Diagnostic(subject: "commit \(change.commit.prefix(12))", message: untrusted.reason + "; not trusted"))
        }
        guard let match, let pull = export.pullRequests[match.number] else {
            // A direct push may still have CI results on the commit itself.
            let checks = try export.checks(for: change.commit, reportMissing: false)
            return CorrelatedChange(change: change, pullRequest: nil, match: nil, untrustedReference: untrusted,
                                    commitChecks: checks.runs.isEmpty && checks.statuses.isEmpty ? nil : checks)
        }
        let reviews = export.reviews[pull.number]
        let commits = export.commits[pull.number]
        let head = pull.head?.sha ?? commits?.last?.sha
        let checks = try head.map { sha throws(EvidenceError) in try export.checks(for: sha, reportMissing: true) }
            ?? CheckEvidence(sha: "unknown", runs: [], statuses: [])
        let evidence = PullRequestEvidence(pullRequest: pull, reviews: reviews, commits: commits, checks: checks)
        return CorrelatedChange(change: change, pullRequest: evidence, match: match.rule, untrustedReference: untrusted)
    }

    /// The audited branch's protection, as exported.
    public mutating func protection(branch: String) throws(EvidenceError) -> BranchProtection? {
        try export.protection(branch: branch)
    }

    /// Diagnostics from reading the export and from correlating.
    public var allDiagnostics: [Diagnostic] { export.diagnostics + diagnostics }
}
