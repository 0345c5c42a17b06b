import Foundation

/// What the report says about the bundle itself.
public struct ReportInfo: Sendable {
    public let repository: String
    public let remoteURL: String?
    public let branch: String
    public let head: String?
    public let window: Manifest.WindowInfo
    public let keyID: String
    public let algorithm: String
    public let generatedAt: String?
    /// The window had not ended when the bundle was made.
    public var provisional = false
    /// The signature is to be timestamped by an RFC 3161 authority (`--tsa-url`), else its time is only claimed.
    public var timestamped = false
    public var completeness: ReviewCompleteness?
    /// Everything noticed on the way, as the manifest lists it.
    public var diagnostics: [Diagnostic] = []
    /// Who prepared the evidence (`--prepared-by`).
    public var preparedBy: String?
    /// The signer's provenance kind: `pem-file`, `pkcs11`, `awskms`.
    public var signerKind: String?
}

/// The values the report templates render: the header, management's assertion, completeness, results per control
/// with a link to each exception, exceptions grouped by control then change (each with its pull request, diff,
/// approval timeline and the auditor's question for its case), ledger exceptions with the change and pull request
/// they concern, branch protection in full, the population, ledger reconciliation, the timeline, the catalogue and
/// how to verify. Everything is computed here; the templates only lay out.
enum ReportContext {
    /// The kinds that come as a file per delivery (CloudTrail's logs every few minutes and digests every hour, a drift
    /// run per night): a quarter of them is thousands of files, so the report gives each kind one row.
    static let delivered = Set([LedgerKind.cloudtrail, .cloudtrailDigest, .cloudtrailKeys, .drift].map(\.rawValue))

    /// The ledger rows with each delivered kind's files summed into one row, in the order each first came.
    static func foldingDeliveries(_ rows: [[String: Any]]) -> [[String: Any]] {
        var groups = [[[String: Any]]]()
        var index = [String: Int]()
        for row in rows {
            let kind = row["kind"] as? String ?? ""
            let key = delivered.contains(kind) ? "kind:" + kind : "path:" + (row["path"] as? String ?? "")
            if let at = index[key] { groups[at].append(row) } else { index[key] = groups.count; groups.append([row]) }
        }
        return groups.map { files in
            guard files.count > 1, var row = files.first else { return files[0] }
            for count in ["records", "judged", "matched", "unreviewed", "terraform", "outside", "other_events"] {
                row[count] = files.reduce(0) { $0 + ($1[count] as? Int ?? 0) }
            }
            row["has_unreviewed"] = (row["unreviewed"] as? Int ?? 0) > 0
            row["path"] = "\(BundleLayout.ledgerInputs)/\(row["kind"] as? String ?? "")/ (\(files.count) files)"
            row["source"] = "\(files.count) files"
            return row
        }
    }

    static func make(_ evaluated: EvaluatedEvidence, records: [EvidenceRecord], info: ReportInfo, controls texts: [String: ControlText],
                     verifyText: String) -> [String: Any] {
        let findings = evaluated.findings
        let correlated = evaluated.correlated
        let byChange = Dictionary(grouping: findings.filter { $0.change != nil }, by: { $0.change! })
        let population = Set(records.map(\.change.commit))
        let changes = Dictionary(correlated.changes.map { ($0.change.commit, $0) }, uniquingKeysWith: { first, _ in first })
        func text(_ id: String) -> ControlText {
            texts[id] ?? ControlText(title: id, checks: "", soc2: "", hipaa: "", auditor: "")
        }
        let ordered = records.sorted { ($0.change.committedAt, $0.change.commit) < ($1.change.committedAt, $1.change.commit) }

        // Exceptions: every failing finding, grouped by control (catalogue order), then by change (date order),
        // then the findings about no change of the population (ledger rows), each with an anchor to link to.
        var groups = [[String: Any]]()
        var anchors = [String: [[String: Any]]]()  // commit -> the exceptions about it, for the population table
        // Each change's part of the report once, however many exceptions and rows show it.
        var shown = [String: [String: Any]]()
        func part(of record: EvidenceRecord) -> [String: Any] {
            if let known = shown[record.change.commit] { return known }
            let item = changeItem(record, change: changes[record.change.commit], byChange: byChange)
            shown[record.change.commit] = item
            return item
        }
        func unique(_ texts: [String]) -> [String] {
            var seen = Set<String>()
            return texts.filter { seen.insert($0).inserted }
        }
        let pulls = PullRequests(correlated.review.held)
        var controlLinks = [String: [[String: Any]]]()
        for id in ControlCatalogue.ids + Set(findings.map(\.control)).subtracting(ControlCatalogue.ids).sorted() {
            let failing = findings.filter { $0.control == id && $0.status == .fail }
            guard !failing.isEmpty else { continue }
            var items = [[String: Any]]()
            let failingByChange = Dictionary(grouping: failing.filter { $0.change != nil }, by: { $0.change! })
            for record in ordered {
                // One item per change, however many of its findings fail this control (a ledger may run it often).
                guard let mine = failingByChange[record.change.commit] else { continue }
                let anchor = "x-\(id)-\(record.change.commit.prefix(12))"
                var item = part(of: record)
                item["anchor"] = anchor
                item["details"] = mine.map { ["detail": $0.detail] }
                item["auditor"] = unique(mine.map { text(id).prompt(for: $0) }).joined(separator: " ")
                items.append(item)
                anchors[record.change.commit, default: []].append(["anchor": anchor, "control": id])
            }
            // Not about a change: a ledger record's, or (for the design controls) the branch head's workflows and configs.
            let kind = ControlCatalogue.designIDs.contains(id) ? "design" : "ledger"
            for (index, finding) in failing.filter({ $0.change == nil || !population.contains($0.change!) }).enumerated() {
                var item: [String: Any] = ["anchor": "x-\(id)-\(kind)-\(index + 1)", "details": [["detail": finding.detail]], "auditor": text(id).prompt(for: finding),
                                           "ledger": true, "short": "\(kind) \(index + 1)",
                                           "subject": kind.prefix(1).uppercased() + kind.dropFirst() + " exception \(index + 1)"
                                               + (finding.paths.isEmpty ? "" : " (" + finding.paths.joined(separator: ", ") + ")")]
                item["concerns"] = concerns(finding, pulls: pulls)
                items.append(item)
            }
            controlLinks[id] = items.map { ["anchor": $0["anchor"]!, "label": $0["short"]!] }
            groups.append(["id": id, "title": text(id).title, "anchor": "control-\(id)", "count": items.count, "items": items])
        }

        let controls: [[String: Any]] = ControlCatalogue.ids.map { id in
            let mine = findings.filter { $0.control == id }
            let count = { (status: FindingStatus) in mine.filter { $0.status == status }.count }
            let entry = text(id)
            var row: [String: Any] = ["id": id, "title": entry.title, "checks": entry.checks, "soc2": entry.soc2, "hipaa": entry.hipaa, "auditor": entry.auditor,
                                      "pass": count(.pass), "fail": count(.fail), "info": count(.info), "not_applicable": count(.notApplicable),
                                      "failed": count(.fail) > 0, "verdict": count(.fail) > 0 ? "fail" : (mine.isEmpty ? "no findings" : "pass"),
                                      "anchor": "control-\(id)"]
            if let links = controlLinks[id] { row["exceptions"] = links }
            return row
        }

        let rows: [[String: Any]] = ordered.map { record in
            var row = part(of: record)
            let failed = (byChange[record.change.commit] ?? []).filter { $0.status == .fail }
            row["failing"] = !failed.isEmpty
            row["failures_count"] = failed.count
            if let links = anchors[record.change.commit] { row["exceptions"] = links }
            return row
        }

        let reconciliation = correlated.reconciliation
        // Rows per ledger, a delivered kind's files folded into one.
        let ledgers = foldingDeliveries(correlated.ledgers.map { ledger in
            // Rows, not records: a record stands for every repeat of the same run.
            func rows(_ records: [ReconciledRecord]) -> Int { records.reduce(0) { $0 + $1.record.count } }
            let judged = reconciliation.records.filter { $0.record.ledger == ledger.bundlePath }
            let migrations = judged.filter { [.migrationApplied, .migrationReverted].contains($0.record.event) }
            let unreviewed = rows(migrations.filter { $0.version == nil && $0.record.checksum != nil })
            return ["path": ledger.bundlePath, "kind": ledger.kind.rawValue, "source": ledger.source,
                    "records": ledger.records.reduce(0) { $0 + $1.count }, "judged": rows(judged), "matched": rows(migrations.filter { $0.version != nil }),
                    "unreviewed": unreviewed, "has_unreviewed": unreviewed > 0,  // Mustache counts 0 as true
                    "terraform": rows(judged.filter { $0.record.event == .terraformApplied }),
                    "outside": reconciliation.outsideWindow[ledger.bundlePath] ?? 0, "other_events": ledger.otherEvents] as [String: Any]
        })
        let notDeployed = findings.filter { $0.control == Deployed.id && $0.status == .info }.map { finding in
            ["short": String((finding.change ?? "").prefix(12)), "detail": finding.detail]
        }

        let statusCount = { (status: FindingStatus) in findings.filter { $0.status == status }.count }
        let failingChanges = Set(rows.filter { $0["failing"] as? Bool == true }.compactMap { $0["commit"] as? String })
        let weeks = Timeline.weeks(records, failing: failingChanges, window: info.window)
        let throughPR = records.filter { $0.pullRequest != nil }.count
        let directPushes = findings.filter { $0.control == Traceable.id && $0.reason == Traceable.directPush }.count
        let rules = correlated.config.classifier
        var context: [String: Any] = [
            "repository": info.repository, "branch": info.branch, "head": info.head ?? "(empty branch)",
            "window_start": info.window.start, "window_end": info.window.end, "key_id": info.keyID, "algorithm": info.algorithm,
            "signer_kind": info.signerKind.map(Self.signerKind) ?? "not recorded",
            "generated_at": info.generatedAt ?? "not recorded", "prepared_by": info.preparedBy ?? "not stated (export --prepared-by)",
            "status": info.provisional ? "PROVISIONAL: the window had not ended when this bundle was made; changes after that are not in it"
                : "Final: the window had ended when this bundle was made",
            "changes": records.count, "findings": findings.count, "pass": statusCount(.pass), "fail": statusCount(.fail),
            "info": statusCount(.info), "not_applicable": statusCount(.notApplicable), "failing_changes": failingChanges.count, "any_fail": statusCount(.fail) > 0,
            "controls": controls, "exception_groups": groups, "has_exceptions": !groups.isEmpty, "population": rows,
            "population_definition": "every first-parent commit on \(info.branch) committed from \(info.window.start) up to, not including, "
                + "\(info.window.end), whose change against its first parent touches a path of the migration, infrastructure or pipeline rules below",
            "migration_rules": rules.migrationRules.map(\.description).joined(separator: ", "),
            "infrastructure_rules": rules.infrastructureRules.map(\.description).joined(separator: ", "),
            "pipeline_rules": rules.pipelineRules.map(\.description).joined(separator: ", "),
            "through_pr": throughPR, "direct_pushes": directPushes,
            "pr_coverage": records.isEmpty ? "no changes" : "\(throughPR) of \(records.count) (\(throughPR * 100 / records.count)%)",
            "has_ledgers": !ledgers.isEmpty, "ledgers": ledgers, "not_deployed": notDeployed, "has_not_deployed": !notDeployed.isEmpty,
            "weeks": weeks.map { ["start": $0.start, "changes": $0.changes, "failing": $0.failing] as [String: Any] },
            "timeline_svg": Timeline.svg(weeks), "verify_text": verifyText,
        ]
        if let remote = info.remoteURL { context["remote"] = remote }  // absent, not empty: a section on "" would still show
        if info.provisional { context["provisional"] = true }
        context.merge(deployPath(correlated, findings: findings)) { _, new in new }
        context["forge_name"] = correlated.review.forge.name
        context["forge_noun"] = correlated.review.forge.noun
        context["pr_label"] = correlated.review.forge == .github ? "Pull request" : "Merge request"
        context["signing_time"] = info.timestamped
            ? "proven by the RFC 3161 token SHA256SUMS.sig.tsr (verify --tsa-roots prints its time)"
            : "only claimed: no RFC 3161 timestamp was asked for"
        if correlated.review.forge == .gitlab {
            if let protection = correlated.review.gitLabProtection {
                context["protection"] = BranchProtectionEvidence.settings(protection).map { ["name": $0.name, "value": $0.value] }
                context["has_protection"] = true
            } else {
                context["no_protection"] = "No GitLab branch protection was exported for \(correlated.hostBranch) (protected_branches/\(correlated.hostBranch).json)."
            }
        } else if let protection = correlated.review.protection {
            context["protection"] = BranchProtectionEvidence.settings(protection).map { ["name": $0.name, "value": $0.value] }
            context["has_protection"] = true
        } else {
            context["no_protection"] = "No classic branch protection was exported for \(correlated.hostBranch) (branches/\(correlated.hostBranch)/protection.json)."
        }
        if let rules = correlated.review.rules {
            context["has_rules"] = !rules.isEmpty
            context["rules"] = rules.map { rule in
                ["type": rule.type, "parameters": rule.parameters.isEmpty ? "none" : rule.parameters.joined(separator: "; "),
                 "ruleset": (rule.rulesetID.map { "ruleset \($0)" } ?? "a ruleset") + (rule.rulesetSource.map { " of \($0)" } ?? "")
                    + (rule.rulesetSourceType.map { " (\($0))" } ?? "")]
            }
            if rules.isEmpty { context["no_rules"] = "No ruleset applies to \(correlated.hostBranch) (rules/branches/\(correlated.hostBranch).json is empty)." }
        } else if correlated.review.forge == .github {
            context["no_rules"] = "No rulesets were exported for \(correlated.hostBranch) (rules/branches/\(correlated.hostBranch).json)."
        }
        if let completeness = info.completeness {
            context["completeness"] = [
                "held": completeness.held, "merged_in_window": completeness.mergedInWindow, "correlated": completeness.correlated,
                "merged_not_on_branch": completeness.mergedNotOnBranch.isEmpty ? "none" : completeness.mergedNotOnBranch.map { "#\($0)" }.joined(separator: ", "),
                "missing_evidence": completeness.missingEvidence,
            ] as [String: Any]
            if let failed = completeness.notCollected {  // absent, not empty: a section on [] would still show
                context["not_collected"] = failed.map { ["request": $0] }
                context["has_not_collected"] = true
            }
        }
        context["diagnostics"] = info.diagnostics.map { ["subject": $0.subject, "message": $0.message] }
        context["has_diagnostics"] = !info.diagnostics.isEmpty
        return context
    }

    /// What the report shows of one change: commit, subject, pull request (or why there is none), diff file,
    /// authors, approvers, and the approval timeline.
    static func changeItem(_ record: EvidenceRecord, change: CorrelatedChange?, byChange: [String: [Finding]]) -> [String: Any] {
        let commit = record.change
        var item: [String: Any] = [
            "commit": commit.commit, "short": String(commit.commit.prefix(12)), "date": String(commit.committedAt.prefix(10)),
            "subject": commit.subject, "authors": commit.authors.joined(separator: ", "), "diff": BundleLayout.diff(of: commit.commit),
            "paths": commit.paths.map(\.path).joined(separator: ", "),
            "approvers": record.pullRequest.map { $0.approvers.isEmpty ? "none that count" : $0.approvers.joined(separator: ", ") } ?? "no pull request",
        ]
        if let pull = record.pullRequest {
            let forge = pull.forge ?? .github
            item["pr"] = ["number": pull.number, "ref": forge.number(pull.number), "title": pull.title, "url": pull.url ?? ""] as [String: Any]
        } else if let missing = byChange[commit.commit]?.first(where: { $0.reason == Traceable.evidenceMissing && $0.control == Traceable.id }) {
            // Not "no pull request": the evidence of one is what is missing.
            item["missing_pr"] = String(missing.detail.prefix { $0 != ":" })
            item["approvers"] = "not shown"
        }
        let events = timeline(record, change: change)
        item["timeline"] = events
        item["has_timeline"] = !events.isEmpty
        return item
    }

    /// "How changes reach production": the branch head's workflow jobs with their role and gate, and the design
    /// findings (SPEC §15) with their status.
    static func deployPath(_ correlated: CorrelatedEvidence, findings: [Finding]) -> [String: Any] {
        let jobs: [[String: Any]] = (correlated.deployPath?.jobs ?? []).map { job in
            let role: String = switch job.role {
            case .deploy(let because): "deploys: \(because)"
            case .test(let because): "tests only: \(because)"
            case .undecided(let because): "not known: \(because)"
            }
            let environment = job.environment.flatMap { name in correlated.review.environments?.first { $0.name.lowercased() == name.lowercased() } }
            var gate = job.environment.map { name in
                job.engine != .githubActions || correlated.review.environments == nil ? "\(name) (its protection rules were not exported)"
                    : environment.map { "\(name): \($0.gates)" } ?? "\(name) (not defined in the repository: no protection rules)"
            } ?? "no environment"
            if job.manual { gate += ", started by hand" }
            if job.engine == .atlantis {
                gate = switch job.requiresApproval {
                case true?: "apply requires an approved pull request"
                case false?: "apply_requirements without approved"
                case nil: "apply_requirements not set here (the server's repos.yaml decides)"
                }
            }
            return ["file": job.file, "job": job.id, "line": job.line, "role": role, "gate": gate, "engine": job.engine.rawValue]
        }
        let design = findings.filter { ControlCatalogue.designIDs.contains($0.control) }.map { finding -> [String: Any] in
            ["control": finding.control, "status": finding.status.rawValue, "failed": finding.status == .fail, "detail": finding.detail]
        }
        return ["deploy_jobs": jobs, "has_deploy_jobs": !jobs.isEmpty, "design_findings": design]
    }

    /// The approval timeline of a change, in time order: the pull request opened, each review, the merge, the
    /// commit on the branch, each ledger apply. A direct push has only its commit and applies.
    static func timeline(_ record: EvidenceRecord, change: CorrelatedChange?) -> [[String: Any]] {
        var events = [(seconds: Int64, time: String, event: String)]()
        func add(_ time: String?, _ event: String) {
            guard let time, let seconds = Timestamp.parse(time) else { return }
            events.append((seconds, Timestamp.iso8601UTC(seconds), event))
        }
        if let evidence = change?.pullRequest {
            let pull = evidence.pullRequest
            add(pull.createdAt?.text, "\(pull.reference) opened by \(pull.user?.login ?? "a deleted account")")
            for review in evidence.reviews ?? [] {
                add(review.submittedAt?.text, "review by \(review.user?.login ?? "a deleted account"): \(review.state.rawValue)"
                    + (review.commitID.map { " on \($0.prefix(12))" } ?? ""))
            }
            add(pull.mergedAt?.text, "merged" + (pull.mergedBy.map { " by \($0.login)" } ?? " (who merged is not in the export)"))
        } else {
            add(record.change.author.time, "authored by \(record.change.author.name) <\(record.change.author.email)>")
        }
        let pushed = record.pullRequest == nil && change?.missingEvidence == nil ? ", pushed directly" : ""
        add(record.change.committedAt, "on \(record.change.commit.prefix(12)) in the branch" + pushed)
        // Every apply is in changes.jsonl (a run repeated as one, with its rows); the timeline shows the first ones, so
        // a migration ledgers ran in many ways does not make the report that many lines per exception.
        let shownApplies = 20
        var applies = 0
        for migration in record.migrations {
            for apply in migration.applies {
                applies += 1
                if applies > shownApplies { continue }
                let what = "\(migration.path) \(apply.succeeded ? "applied" : "failed")" + (apply.environment.map { " in \($0)" } ?? "")
                    + (apply.appliedBy.map { " by \($0)" } ?? "") + " (\(apply.ledger) \(apply.rows))"
                if apply.appliedAt == nil { events.append((.max, "time not recorded", what)) } else { add(apply.appliedAt, what) }
            }
        }
        if applies > shownApplies {
            events.append((.max, "", "and \(applies - shownApplies) more applies in the ledgers (changes.jsonl lists every one)"))
        }
        return events.sorted { ($0.seconds, $0.event) < ($1.seconds, $1.event) }.map { ["time": $0.time, "event": $0.event] }
    }

    /// The pull requests the export holds, by head commit, merge commit and number (the first one held wins, as a
    /// search of the list in order would find), so each ledger exception is placed without a search of them all.
    struct PullRequests {
        let byHead: [String: PullRequest]
        let byMerge: [String: PullRequest]
        let byNumber: [Int: PullRequest]

        init(_ held: [PullRequest]) {
            byHead = Dictionary(held.compactMap { pull in pull.head?.sha.map { ($0, pull) } }, uniquingKeysWith: { first, _ in first })
            byMerge = Dictionary(held.compactMap { pull in pull.mergedAt == nil ? nil : pull.mergeCommitSHA.map { ($0, pull) } }, uniquingKeysWith: { first, _ in first })
            byNumber = Dictionary(held.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// For a finding about no change of the population (a ledger row): which pull request or commit it concerns.
    /// A Terraform apply from a pull request's head commit names that pull request.
    static func concerns(_ finding: Finding, pulls: PullRequests) -> String? {
        if let commit = finding.change {
            if let pull = pulls.byHead[commit] {
                return "commit \(commit.prefix(12)), the head of \(pull.reference) \"\(pull.title)\""
                    + (pull.mergedAt.map { ", merged \($0.text)" } ?? ", not merged") + (pull.htmlURL.map { " (\($0))" } ?? "")
            }
            if let pull = pulls.byMerge[commit] {
                return "commit \(commit.prefix(12)), the merge of \(pull.reference) \"\(pull.title)\"" + (pull.htmlURL.map { " (\($0))" } ?? "")
            }
            return "commit \(commit.prefix(12)), which is not a change of this population"
        }
        if let number = finding.pullRequest, let pull = pulls.byNumber[number] {
            return "\(pull.reference) \"\(pull.title)\"" + (pull.htmlURL.map { " (\($0))" } ?? "")
        }
        return nil
    }

    static func signerKind(_ kind: String) -> String {
        switch kind {
        case "pem-file": "a PEM key file"
        case "pkcs11": "a PKCS #11 token (HSM)"
        case "awskms": "AWS KMS"
        default: kind
        }
    }
}
