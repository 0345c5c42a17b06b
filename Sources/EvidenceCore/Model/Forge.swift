/// Where review evidence is hosted: its nouns, so every message says what the host's users say.
public enum Forge: String, Codable, Sendable, Hashable {
    case github, gitlab

    /// `pull request` or `merge request`.
    public var noun: String { self == .github ? "pull request" : "merge request" }
    /// `PR` or `MR`.
    public var abbreviation: String { self == .github ? "PR" : "MR" }
    /// How the host writes a number: `#7` or `!7`.
    public func number(_ number: Int) -> String { (self == .github ? "#" : "!") + String(number) }
    /// `GitHub` or `GitLab`.
    public var name: String { self == .github ? "GitHub" : "GitLab" }
    /// The bundle's folder of the review source's files (`inputs/github`, `inputs/gitlab`).
    public var inputsFolder: String { "inputs/" + rawValue }
}

extension PullRequest {
    /// `pull request #7` or `merge request !7`, as the report and `why` name it.
    public var reference: String { forge.noun + " " + forge.number(number) }
    /// `PR #7` or `MR !7`, for diagnostics and details.
    public var shortReference: String { forge.abbreviation + " " + forge.number(number) }
}
