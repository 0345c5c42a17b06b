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

    /// GitLab's settings, named as an auditor reads them: who may push and merge, force pushes, code owners, and
    /// the project's approval rules.
    public static func settings(_ protection: GitLabBranchProtection) -> [(name: String, value: String)] {
        func levels(_ levels: [GitLabProtectedBranch.AccessLevel]?) -> String {
            guard let levels else { return "not exported" }
            return levels.isEmpty ? "none listed" : levels.map { $0.description ?? "access level \($0.accessLevel.map(String.init) ?? "?")" }.joined(separator: ", ")
        }
        var settings = [(name: String, value: String)]()
        if let branch = protection.branch {
            settings += [("allowed to push", levels(branch.pushAccessLevels)), ("allowed to merge", levels(branch.mergeAccessLevels)),
                         ("force pushes allowed", branch.allowForcePush.map { $0 ? "yes" : "no" } ?? "not set"),
                         ("code owner approval required", branch.codeOwnerApprovalRequired.map { $0 ? "yes" : "no" } ?? "not set")]
        } else {
            settings.append(("protected branch", "not exported (protected_branches/BRANCH.json)"))
        }
        if let rules = protection.approvalRules {
            settings.append(("approval rules", rules.isEmpty ? "none" : rules.map { rule in
                "\(rule.name): \(rule.approvalsRequired.map(String.init) ?? "?") required" + (rule.ruleType.map { " (\($0))" } ?? "")
            }.joined(separator: "; ")))
        } else {
            settings.append(("approval rules", "not exported (approval_rules.json)"))
        }
        return settings
    }

    public static func finding(_ protection: BranchProtection?, rules: [BranchRule]? = nil, gitLab: GitLabBranchProtection? = nil, forge: Forge = .github,
                               branch: String) -> Finding {
        if forge == .gitlab {
            guard let gitLab else {
                return Finding(control: id, status: .info, change: nil, pullRequest: nil, paths: [],
                               detail: "No branch protection exported for \(branch) (protected_branches/\(branch).json, approval_rules.json).")
            }
            return Finding(control: id, status: .info, change: nil, pullRequest: nil, paths: [],
                           detail: "Protection of \(branch) at export time (GitLab keeps no history of these settings): "
                               + settings(gitLab).map { "\($0.name): \($0.value)" }.joined(separator: "; ") + ".")
        }
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
