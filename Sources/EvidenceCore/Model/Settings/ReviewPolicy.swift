/// What the review controls require, from `.git-evidence.yml` (SPEC §2); the defaults need no file.
///
/// ```yaml
/// approvals:
///   required: 2                  # default 1
///   bots: ["deploy-robot"]       # besides type Bot and logins ending in [bot]
///   authorised: ["alice", "bob"] # optional: only these approvals count
/// checks:
///   required: ["build", "test"]  # default: every reported check must succeed
/// ```
public struct ReviewPolicy: Sendable, Hashable {
    /// How many independent approvals a change needs.
    public var requiredApprovals: Int
    /// Extra logins that are bots.
    public var bots: Set<String>
    /// When not empty, only these logins' approvals count.
    public var authorisedApprovers: Set<String>
    /// When not empty, only these checks are required (each must be recorded and succeed).
    public var requiredChecks: [String]
    /// `terraform.drift: fail`: a nightly plan that finds drift fails `CC8.1-iac-drift` (default: info).
    public var driftFails = false
    /// `terraform.deploy_roles`: the principals (ARN globs) Terraform applies as; any other principal's change
    /// CloudTrail records is out of band.
    public var deployRoles: [String] = []

    public init(requiredApprovals: Int = 1, bots: Set<String> = [], authorisedApprovers: Set<String> = [], requiredChecks: [String] = []) {
        self.requiredApprovals = requiredApprovals
        self.bots = bots
        self.authorisedApprovers = authorisedApprovers
        self.requiredChecks = requiredChecks
    }

    /// The defaults of SPEC §2.
    public static let defaults = ReviewPolicy()

    /// True for a bot by GitHub's marks or by configuration.
    public func isBot(_ account: GitHubAccount) -> Bool {
        account.isBot || bots.contains(account.login)
    }
}
