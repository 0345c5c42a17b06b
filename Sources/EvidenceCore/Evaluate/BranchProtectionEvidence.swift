/// `CC8.1-branch-protection`: the branch's protection settings as exported, recorded as `info` for the window.
/// GitHub returns the settings at export time, not their history, and the detail says so.
public enum BranchProtectionEvidence {
    public static let id = "CC8.1-branch-protection"

    public static func finding(_ protection: BranchProtection?, branch: String) -> Finding {
        guard let protection else {
            return Finding(control: id, status: .info, change: nil, pullRequest: nil, paths: [],
                           detail: "No branch protection exported for \(branch) (branches/\(branch)/protection.json).")
        }
        func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "not set" }
        let reviews = protection.requiredPullRequestReviews
        let checks = protection.requiredStatusChecks.map { checks in
            Set((checks.contexts ?? []) + (checks.checks ?? []).map(\.context)).sorted()
        }
        let parts = [
            "required approving reviews: \(reviews?.requiredApprovingReviewCount.map(String.init) ?? (reviews == nil ? "none (reviews not required)" : "not set"))",
            "dismiss stale reviews: \(yesNo(reviews?.dismissStaleReviews))",
            "require approval of the last push: \(yesNo(reviews?.requireLastPushApproval))",
            "required checks: \(checks.map { $0.isEmpty ? "none listed" : $0.joined(separator: ", ") } ?? "none (not required)")",
            "enforce for admins: \(yesNo(protection.enforceAdmins?.enabled))",
            "force pushes allowed: \(yesNo(protection.allowForcePushes?.enabled))",
            "deletions allowed: \(yesNo(protection.allowDeletions?.enabled))",
        ]
        return Finding(control: id, status: .info, change: nil, pullRequest: nil, paths: [],
                       detail: "Protection of \(branch) at export time (GitHub keeps no history of these settings): "
                           + parts.joined(separator: "; ") + ".")
    }
}
