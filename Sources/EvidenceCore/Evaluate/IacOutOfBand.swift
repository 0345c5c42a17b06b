/// `CC8.1-iac-out-of-band`: no change to the cloud account outside Terraform's deploy roles. Every successful,
/// non-read-only API call CloudTrail recorded in the window by a principal that matches none of
/// `terraform.deploy_roles` (ARN globs) and is not an AWS service fails, naming principal, call, resource, time
/// and source IP; a deploy role's calls whose user agent names a commit pass, tied to that commit.
public struct IacOutOfBand: LedgerControl {
    public static let id = "CC8.1-iac-out-of-band"

    public init() {}

    public func evaluate(_ reconciled: ReconciledRecord, policy: ReviewPolicy) -> [Finding] {
        let record = reconciled.record
        guard record.event == .cloudCall, let call = record.cloud, record.succeeded, !call.readOnly, !call.signIn,
              call.identityType != "AWSService" else { return [] }
        let what = "\(call.principal) called \(call.eventSource) \(call.eventName)" + (call.resource.map { " on \($0)" } ?? "")
            + (call.sourceIP.map { " from \($0)" } ?? "")
        if policy.deployRoles.contains(where: { Self.matches($0, call.principal) }) {
            guard let commit = record.commit else { return [] }
            return [Finding(control: Self.id, status: .pass, on: reconciled, commit: commit,
                            detail: "\(record.described): \(what), a deploy role, applying commit \(commit.prefix(12)) (its user agent says so).")]
        }
        let roles = policy.deployRoles.isEmpty ? "no deploy role is set (terraform.deploy_roles)" : "not one of terraform.deploy_roles"
        return [Finding(control: Self.id, status: .fail, on: reconciled, detail: "\(record.described): \(what): a change outside Terraform; "
            + "the principal is \(roles).")]
    }

    /// Whether `arn` matches `pattern`, where `*` stands for any run of characters (`/` too) and `?` for one.
    static func matches(_ pattern: String, _ arn: String) -> Bool {
        let pattern = Array(pattern), text = Array(arn)
        var memo = [[Bool?]](repeating: [Bool?](repeating: nil, count: text.count + 1), count: pattern.count + 1)
        func match(_ p: Int, _ t: Int) -> Bool {
            if let known = memo[p][t] { return known }
            let result: Bool
            if p == pattern.count { result = t == text.count }
            else if pattern[p] == "*" { result = match(p + 1, t) || (t < text.count && match(p, t + 1)) }
            else { result = t < text.count && (pattern[p] == "?" || pattern[p] == text[t]) && match(p + 1, t + 1) }
            memo[p][t] = result
            return result
        }
        return match(0, 0)
    }

    static func call(_ principal: String, type: String = "AssumedRole", name: String = "AuthorizeSecurityGroupIngress", readOnly: Bool = false,
                     error: String? = nil, commit: String? = nil) -> ReconciledRecord {
        let call = CloudCall(principal: principal, identityType: type, eventSource: "ec2.amazonaws.com", eventName: name,
                             resource: "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc", sourceIP: "203.0.113.7",
                             userAgent: commit.map { "APN/1.0 HashiCorp/1.0 Terraform/1.11.4 commit/\($0)" } ?? "console.amazonaws.com",
                             readOnly: readOnly, errorCode: error, signIn: false)
        return ReconciledRecord(record: LedgerRecord(ledger: "inputs/ledgers/cloudtrail/111122223333_CloudTrail_eu-west-1.json.gz", row: 4,
                                                     kind: .cloudtrail, event: .cloudCall, appliedAt: Timestamp.parse("2026-07-16T14:00:00Z"),
                                                     appliedBy: principal, commit: commit, cloud: call, succeeded: error == nil))
    }

    static let deploy: ReviewPolicy = { var policy = ReviewPolicy.defaults; policy.deployRoles = ["arn:aws:iam::111122223333:role/terraform-*"]; return policy }()

    public static let examples: [LedgerControlExample] = [
        LedgerControlExample("a console change by an engineer's role", call("arn:aws:iam::111122223333:role/AdministratorAccess"), policy: deploy, expect: .fail),
        LedgerControlExample("a deploy role applying a commit", call("arn:aws:iam::111122223333:role/terraform-prod", commit: "74b958f93821"),
                             policy: deploy, expect: .pass),
        LedgerControlExample("a read-only call", call("arn:aws:iam::111122223333:role/AdministratorAccess", name: "DescribeInstances", readOnly: true),
                             policy: deploy, expect: nil),
        LedgerControlExample("a call that was refused", call("arn:aws:iam::111122223333:user/mallory", type: "IAMUser", error: "AccessDenied"),
                             policy: deploy, expect: nil),
        LedgerControlExample("an AWS service acting for itself", call("autoscaling.amazonaws.com", type: "AWSService"), policy: deploy, expect: nil),
        LedgerControlExample("any change when no deploy role is set", call("arn:aws:iam::111122223333:role/terraform-prod"), expect: .fail),
    ]
}
