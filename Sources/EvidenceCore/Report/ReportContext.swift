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
}

/// The values the report templates render: summary, per-control results, timeline, exceptions first, the
/// population, ledger reconciliation and how to verify. Everything is computed here; the templates only lay out.
enum ReportContext {
    static func make(_ evaluated: EvaluatedEvidence, records: [EvidenceRecord], info: ReportInfo, controls texts: [String: ControlText],
                     verifyText: String) -> [String: Any] {
        let findings = evaluated.findings
        let byChange = Dictionary(grouping: findings.filter { $0.change != nil }, by: { $0.change! })
        let population = Set(records.map(\.change.commit))
        func text(_ id: String) -> ControlText {
            texts[id] ?? ControlText(title: id, checks: "", soc2: "", hipaa: "", auditor: "")
        }
        func failure(_ finding: Finding) -> [String: Any] {
            ["control": finding.control, "title": text(finding.control).title, "detail": finding.detail, "auditor": text(finding.control).prompt(for: finding)]
        }

        let controls: [[String: Any]] = ControlCatalogue.ids.map { id in
            let mine = findings.filter { $0.control == id }
            let count = { (status: FindingStatus) in mine.filter { $0.status == status }.count }
            let entry = text(id)
            return ["id": id, "title": entry.title, "checks": entry.checks, "soc2": entry.soc2, "hipaa": entry.hipaa, "auditor": entry.auditor,
                    "pass": count(.pass), "fail": count(.fail), "info": count(.info), "not_applicable": count(.notApplicable),
                    "failed": count(.fail) > 0, "verdict": count(.fail) > 0 ? "fail" : (mine.isEmpty ? "no findings" : "pass")]
        }

        var exceptions = [[String: Any]]()
        var rows = [[String: Any]]()
        for record in records.sorted(by: { ($0.change.committedAt, $0.change.commit) < ($1.change.committedAt, $1.change.commit) }) {
            let change = record.change
            let failed = (byChange[change.commit] ?? []).filter { $0.status == .fail }
            var row: [String: Any] = [
                "commit": change.commit, "short": String(change.commit.prefix(12)), "date": String(change.committedAt.prefix(10)),
                "subject": change.subject, "authors": change.authors.joined(separator: ", "),
                "paths": change.paths.map(\.path).joined(separator: ", "), "failing": !failed.isEmpty, "failures_count": failed.count,
                "approvers": record.pullRequest.map { $0.approvers.isEmpty ? "none that count" : $0.approvers.joined(separator: ", ") } ?? "no pull request",
            ]
            if let pull = record.pullRequest {
                row["pr"] = ["number": pull.number, "title": pull.title, "url": pull.url ?? ""] as [String: Any]
            } else if let missing = byChange[change.commit]?.first(where: { $0.reason == Traceable.evidenceMissing && $0.control == Traceable.id }) {
                // Not "no pull request": the evidence of one is what is missing.
                row["missing_pr"] = String(missing.detail.prefix { $0 != ":" })
                row["approvers"] = "not shown"
            }
            rows.append(row)
            if !failed.isEmpty {
                row["failures"] = failed.map(failure)
                exceptions.append(row)
            }
        }
        let ledgerExceptions = findings.filter { $0.status == .fail && ($0.change == nil || !population.contains($0.change!)) }.map(failure)

        let reconciliation = evaluated.correlated.reconciliation
        let ledgers: [[String: Any]] = evaluated.correlated.ledgers.map { ledger in
            let judged = reconciliation.records.filter { $0.record.ledger == ledger.bundlePath }
            let migrations = judged.filter { $0.record.event == .migrationApplied }
            let unreviewed = migrations.filter { $0.version == nil && $0.record.checksum != nil }.count
            return ["path": ledger.bundlePath, "kind": ledger.kind.rawValue, "source": ledger.source, "records": ledger.records.count,
                    "judged": judged.count, "matched": migrations.filter { $0.version != nil }.count,
                    "unreviewed": unreviewed, "has_unreviewed": unreviewed > 0,  // Mustache counts 0 as true
                    "terraform": judged.filter { $0.record.event == .terraformApplied }.count,
                    "outside": reconciliation.outsideWindow[ledger.bundlePath] ?? 0, "other_events": ledger.otherEvents]
        }
        let notDeployed = findings.filter { $0.control == Deployed.id && $0.status == .info }.map { finding in
            ["short": String((finding.change ?? "").prefix(12)), "detail": finding.detail]
        }

        let statusCount = { (status: FindingStatus) in findings.filter { $0.status == status }.count }
        let weeks = Timeline.weeks(records, failing: Set(exceptions.compactMap { $0["commit"] as? String }), window: info.window)
        var context: [String: Any] = [
            "repository": info.repository, "branch": info.branch, "head": info.head ?? "(empty branch)",
            "window_start": info.window.start, "window_end": info.window.end, "key_id": info.keyID, "algorithm": info.algorithm,
            "generated_at": info.generatedAt ?? "not recorded",
            "changes": records.count, "findings": findings.count, "pass": statusCount(.pass), "fail": statusCount(.fail),
            "info": statusCount(.info), "not_applicable": statusCount(.notApplicable), "failing_changes": exceptions.count, "any_fail": statusCount(.fail) > 0,
            "controls": controls, "exceptions": exceptions, "ledger_exceptions": ledgerExceptions,
            "has_exceptions": !exceptions.isEmpty || !ledgerExceptions.isEmpty, "population": rows,
            "has_ledgers": !ledgers.isEmpty, "ledgers": ledgers, "not_deployed": notDeployed, "has_not_deployed": !notDeployed.isEmpty,
            "weeks": weeks.map { ["start": $0.start, "changes": $0.changes, "failing": $0.failing] as [String: Any] },
            "timeline_svg": Timeline.svg(weeks), "verify_text": verifyText,
        ]
        if let remote = info.remoteURL { context["remote"] = remote }  // absent, not empty: a section on "" would still show
        if info.provisional { context["provisional"] = true }
        context["signing_time"] = info.timestamped
            ? "proven by the RFC 3161 token SHA256SUMS.sig.tsr (verify --tsa-roots prints its time)"
            : "only claimed: no RFC 3161 timestamp was asked for"
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
}
