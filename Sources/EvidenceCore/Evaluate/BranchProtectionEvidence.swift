/// `CC8.1-branch-protection`: the branch's protection settings as exported, recorded as `info` for the window.
/// GitHub returns the settings at export time, not their history, and the detail says so.
public enum BranchProtectionEvidence {
    public static let id = "CC8.1-branch-protection"

    /// Every setting the export holds, named as an auditor reads them, in GitHub's order.
    public static func settings(_ protection: BranchProtection) -> [(name: String, value: String)] {
        func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "not set" }
        let reviews = protection.requiredPullRequestReviews
        let checks = protection.requiredStatusChecks.map { checks in
            Set((checks.contexts ?? []) + (checks.checks ?? []).map(\.context)).sorted()
        }
        return [
            ("required approving reviews", reviews?.requiredApprovingReviewCount.map(String.init) ?? (reviews == nil ? "none (reviews not required)" : "not set")),
            ("dismiss stale reviews", yesNo(reviews?.dismissStaleReviews)),
            ("require review from code owners", yesNo(reviews?.requireCodeOwnerReviews)),
            ("require approval of the last push", yesNo(reviews?.requireLastPushApproval)),
            ("required checks", checks.map { $0.isEmpty ? "none listed" : $0.joined(separator: ", ") } ?? "none (not required)"),
            ("require branches up to date before merging", yesNo(protection.requiredStatusChecks?.strict)),
            ("enforce for admins", yesNo(protection.enforceAdmins?.enabled)),
            ("require linear history", yesNo(protection.requiredLinearHistory?.enabled)),
            ("force pushes allowed", yesNo(protection.allowForcePushes?.enabled)),
            ("deletions allowed", yesNo(protection.allowDeletions?.enabled)),
        ]
    }

    public static func finding(_ protection: BranchProtection?, rules: [BranchRule]? = nil, branch: String) -> Finding {
        // Rules of rulesets in force, when exported, are named after the classic settings: both apply to the branch.
        // (None in force adds nothing; the report says whether rulesets were exported at all.)
        let rulesets = (rules ?? []).isEmpty ? "" : " Rulesets in force: " + rules!.map { rule in
            rule.type + (rule.parameters.isEmpty ? "" : " (" + rule.parameters.joined(separator: ", ") + ")")
        }.joined(separator: "; ") + "."
        guard let protection else {
            return Finding(control: id, status: .info, change: nil, pullRequest: nil, paths: [],
                           detail: "No branch protection exported for \(branch) (branches/\(branch)/protection.json)." + rulesets)
        }
        let parts = settings(protection).map { "\($0.name): \($0.value)" }
        return Finding(control: id, status: .info, change: nil, pullRequest: nil, paths: [],
                       detail: "Protection of \(branch) at export time (GitHub keeps no history of these settings): "
                           + parts.joined(separator: "; ") + "." + rulesets)
    }
}
