/// `CC8.1-tested`: the checks on the pull request's head (or, for a direct push, on the commit) all succeeded.
public struct Tested: ChangeControl {
    public static let id = "CC8.1-tested"
    /// Why a failure: no check recorded at all, or a check that did not succeed (or a required one missing).
    public static let noChecks = "no-checks"
    public static let checkFailed = "check-failed"

    /// Check-run conclusions that count as success.
    static let passingConclusions: Set<String> = ["success", "neutral", "skipped"]

    public init() {}

    public func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding {
        guard let checks = change.pullRequest?.checks ?? change.commitChecks else {
            if let missing = change.missingEvidence {
                return Finding(control: Self.id, status: .fail, on: change, detail: missing.described(change.forge)
                               + ", so its checks are not shown; none are recorded on the commit.", reason: Traceable.evidenceMissing)
            }
            return Finding(control: Self.id, status: .fail, on: change, detail: "No merged \(change.forge.noun) and no checks recorded on the commit.",
                           reason: Traceable.directPush)
        }
        let results = Self.latestResults(checks)
        let where_ = change.pullRequest == nil ? "commit" : "head"
        guard !results.isEmpty else {
            return Finding(control: Self.id, status: .fail, on: change, detail: "No checks recorded on \(where_) \(checks.sha.prefix(12)).", reason: Self.noChecks)
        }
        var considered = results
        var missing = [String]()
        if !policy.requiredChecks.isEmpty {
            considered = results.filter { policy.requiredChecks.contains($0.name) }
            missing = policy.requiredChecks.filter { name in !results.contains { $0.name == name } }
        }
        let failed = considered.filter { !$0.passed }
        if failed.isEmpty && missing.isEmpty {
            return Finding(control: Self.id, status: .pass, on: change,
                           detail: "\(considered.count) check\(considered.count == 1 ? "" : "s") succeeded on \(where_) \(checks.sha.prefix(12)): "
                               + considered.map(\.name).joined(separator: ", ") + ".")
        }
        var problems = failed.map { "\($0.name) (\($0.outcome))" }
        problems += missing.map { "\($0) (required, not recorded)" }
        return Finding(control: Self.id, status: .fail, on: change,
                       detail: "Not successful on \(where_) \(checks.sha.prefix(12)): " + problems.joined(separator: ", ") + ".", reason: Self.checkFailed)
    }

    /// Sort key for "which is newer": time, then GitHub's increasing id.
    private static func order(_ time: GitHubTime?, _ id: Int?) -> (Int64, Int) { (time?.seconds ?? .min, id ?? 0) }

    /// One result per check name or status context: the latest run wins (a re-run replaces a failure).
    static func latestResults(_ checks: CheckEvidence) -> [(name: String, outcome: String, passed: Bool)] {
        var runs = [String: CheckRun]()
        for run in checks.runs {
            if let previous = runs[run.name], order(previous.completedAt ?? previous.startedAt, previous.id) > order(run.completedAt ?? run.startedAt, run.id) {
                continue
            }
            runs[run.name] = run
        }
        var statuses = [String: CommitStatus]()
        for status in checks.statuses {
            if let previous = statuses[status.context], order(previous.updatedAt, previous.id) > order(status.updatedAt, status.id) { continue }
            statuses[status.context] = status
        }
        let fromRuns = runs.values.map { run -> (name: String, outcome: String, passed: Bool) in
            let outcome = run.status == "completed" ? (run.conclusion ?? "no conclusion") : run.status
            return (run.name, outcome, run.status == "completed" && passingConclusions.contains(run.conclusion ?? ""))
        }
        let fromStatuses = statuses.values.map { (name: $0.context, outcome: $0.state, passed: $0.state == "success") }
        return (fromRuns + fromStatuses).sorted { $0.name < $1.name }
    }

    public static let examples: [ControlExample] = [
        ControlExample("all checks succeeded", Example.reviewed(runs: [Example.run("build", "success"), Example.run("lint", "neutral"),
                                                                       Example.run("e2e", "skipped")]), expect: .pass),
        ControlExample("a failing check", Example.reviewed(runs: [Example.run("build", "success"), Example.run("test", "failure")]), expect: .fail),
        ControlExample("a check still running", Example.reviewed(runs: [Example.run("test", nil, status: "in_progress")]), expect: .fail),
        ControlExample("a failure re-run to success", Example.reviewed(runs: [
            Example.run("test", "failure", at: "2026-07-02T10:00:00Z"), Example.run("test", "success", at: "2026-07-02T11:00:00Z"),
        ]), expect: .pass),
        ControlExample("a failing commit status", Example.reviewed(runs: [], statuses: [
            CommitStatus(id: 1, context: "ci/jenkins", state: "failure", updatedAt: Example.time("2026-07-02T10:00:00Z")),
        ]), expect: .fail),
        ControlExample("no checks recorded", Example.reviewed(runs: []), expect: .fail),
        ControlExample("only the required check counts", Example.reviewed(runs: [Example.run("test", "success"), Example.run("flaky", "failure")]),
                       policy: ReviewPolicy(requiredChecks: ["test"]), expect: .pass),
        ControlExample("a required check not recorded", Example.reviewed(runs: [Example.run("lint", "success")]),
                       policy: ReviewPolicy(requiredChecks: ["test"]), expect: .fail),
        ControlExample("direct push with green checks on the commit",
                       Example.directPush(checks: CheckEvidence(sha: "5a5a000000000000000000000000000000000001", runs: [Example.run("test", "success")], statuses: [])),
                       expect: .pass),
        ControlExample("direct push with nothing recorded", Example.directPush(), expect: .fail),
        ControlExample("pull request evidence missing", Example.directPush(subject: "Add index (#99)", missing: .pullRequest(99)), expect: .fail),
    ]
}
