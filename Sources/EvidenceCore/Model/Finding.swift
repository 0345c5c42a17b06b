/// A control's verdict on one change (or on the window, when `change` is nil).
public enum FindingStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case pass, fail, info
    case notApplicable = "not_applicable"
}

/// One control result (SPEC §4): `{control, status, change, pull_request, paths, detail}`.
public struct Finding: Codable, Sendable, Hashable {
    /// The control id, verbatim from the catalogue, e.g. `CC8.1-independent-approval`.
    public let control: String
    public let status: FindingStatus
    /// Full commit id of the change; nil for findings about the window or an input (an orphan ledger row).
    public let change: String?
    /// The pull request number, when there is one.
    public let pullRequest: Int?
    /// The migration and infrastructure paths concerned.
    public let paths: [String]
    /// What was found, in words an auditor can check.
    public let detail: String
    /// Where a control can fail for different reasons that ask different things of the auditor, which one
    /// (`pull-request-evidence-missing`); the catalogue's `auditor_when` gives its prompt. Nil for most findings.
    public let reason: String?

    enum CodingKeys: String, CodingKey {
        case control, status, change, paths, detail, reason
        case pullRequest = "pull_request"
    }

    public init(control: String, status: FindingStatus, change: String?, pullRequest: Int?, paths: [String], detail: String, reason: String? = nil) {
        self.control = control
        self.status = status
        self.change = change
        self.pullRequest = pullRequest
        self.paths = paths
        self.detail = detail
        self.reason = reason
    }

    /// A finding about a correlated change, carrying its commit, pull request and paths.
    public init(control: String, status: FindingStatus, on change: CorrelatedChange, detail: String, reason: String? = nil) {
        self.init(control: control, status: status, change: change.change.commit, pullRequest: change.pullRequest?.pullRequest.number,
                  paths: change.change.paths.map(\.path), detail: detail, reason: reason)
    }

    /// Writes `change`, `pull_request` and `reason` as null rather than leaving them out, so every finding has the same keys.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(control, forKey: .control)
        try container.encode(status, forKey: .status)
        try container.encode(change, forKey: .change)
        try container.encode(pullRequest, forKey: .pullRequest)
        try container.encode(paths, forKey: .paths)
        try container.encode(detail, forKey: .detail)
        try container.encode(reason, forKey: .reason)
    }
}
