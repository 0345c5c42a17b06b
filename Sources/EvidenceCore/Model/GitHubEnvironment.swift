/// A deployment environment as `GET /repos/{o}/{r}/environments` lists it (`environments.json` in a GitHub export):
/// whether a job deploying to it waits for required reviewers, a timer, or a branch policy.
public struct GitHubEnvironment: Decodable, Sendable, Hashable {
    public struct ProtectionRule: Decodable, Sendable, Hashable {
        public let type: String
        public let waitTimer: Int?
        /// The required reviewers' logins or team slugs.
        public let reviewers: [String]

        enum CodingKeys: String, CodingKey {
            case type, reviewers
            case waitTimer = "wait_timer"
        }

        struct Reviewer: Decodable {
            struct Named: Decodable {
                let login: String?
                let slug: String?
            }
            let reviewer: Named?
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decode(String.self, forKey: .type)
            waitTimer = try container.decodeIfPresent(Int.self, forKey: .waitTimer)
            reviewers = (try container.decodeIfPresent([Reviewer].self, forKey: .reviewers) ?? []).compactMap { $0.reviewer?.login ?? $0.reviewer?.slug }
        }
    }

    public struct BranchPolicy: Decodable, Sendable, Hashable {
        public let protectedBranches: Bool
        public let customBranchPolicies: Bool

        enum CodingKeys: String, CodingKey {
            case protectedBranches = "protected_branches"
            case customBranchPolicies = "custom_branch_policies"
        }
    }

    public let name: String
    public let protectionRules: [ProtectionRule]
    public let deploymentBranchPolicy: BranchPolicy?

    enum CodingKeys: String, CodingKey {
        case name
        case protectionRules = "protection_rules"
        case deploymentBranchPolicy = "deployment_branch_policy"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        protectionRules = try container.decodeIfPresent([ProtectionRule].self, forKey: .protectionRules) ?? []
        deploymentBranchPolicy = try container.decodeIfPresent(BranchPolicy.self, forKey: .deploymentBranchPolicy)
    }

    /// The required reviewers, when the environment has that rule.
    public var requiredReviewers: [String]? { protectionRules.first { $0.type == "required_reviewers" }?.reviewers }

    /// Its gates in words: "2 required reviewers (alice, ops), a 30-minute wait, protected branches only".
    public var gates: String {
        var parts = [String]()
        if let reviewers = requiredReviewers {
            parts.append("\(reviewers.count) required reviewer\(reviewers.count == 1 ? "" : "s")" + (reviewers.isEmpty ? "" : " (\(reviewers.joined(separator: ", ")))"))
        }
        if let wait = protectionRules.compactMap(\.waitTimer).first, wait > 0 { parts.append("a \(wait)-minute wait") }
        if let policy = deploymentBranchPolicy {
            parts.append(policy.protectedBranches ? "protected branches only" : policy.customBranchPolicies ? "selected branches only" : "any branch")
        }
        return parts.isEmpty ? "no protection rules" : parts.joined(separator: ", ")
    }
}

/// One page of `GET /repos/{o}/{r}/environments`.
struct GitHubEnvironmentPage: Decodable {
    let environments: [GitHubEnvironment]
}
