import EvidenceCore
import EvidenceTestSupport
import Foundation
import GitKit
import Testing

/// HCP Terraform runs, as `GET /workspaces/{id}/runs?include=configuration_version.ingress_attributes,created_by`
/// returns them, judged against the ledger scenario's repository and pull requests.
@Suite struct TfcLedgerTests {
    let scenario: LedgerScenario

    init() throws { scenario = try LedgerScenario.shared.get() }

    /// One run of the page with its configuration version and ingress attributes (nil: an API-driven run).
    static func run(_ id: String, status: String, times: [String: String], commit: String?, branch: String = "main", pull: Int? = nil,
                    user: String = "user-alice") -> (run: [String: Any], included: [[String: Any]]) {
        let run: [String: Any] = [
            "id": id, "type": "runs",
            "attributes": ["status": status, "status-timestamps": times, "source": commit == nil ? "tfe-api" : "tfe-configuration-version",
                           "is-destroy": false, "message": "Triggered via UI", "created-at": times.values.sorted().first ?? "", "has-changes": true,
                           "actions": ["is-cancelable": false, "is-confirmable": false, "is-discardable": false, "is-force-cancelable": false]],
            "relationships": [
                "workspace": ["data": ["id": "ws-prod1", "type": "workspaces"]],
                "configuration-version": ["data": ["id": "cv-" + id, "type": "configuration-versions"]],
                "created-by": ["data": ["id": user, "type": "users"]],
                "run-events": ["data": [["id": "re-1", "type": "run-events"]]],
            ],
            "links": ["self": "/api/v2/runs/\(id)"],
        ]
        var configuration: [String: Any] = ["id": "cv-" + id, "type": "configuration-versions",
                                            "attributes": ["source": commit == nil ? "tfe-api" : "github", "status": "uploaded", "speculative": false]]
        var included = [[String: Any]]()
        if let commit {
            configuration["relationships"] = ["ingress-attributes": ["data": ["id": "ia-" + id, "type": "ingress-attributes"]]]
            included.append(["id": "ia-" + id, "type": "ingress-attributes", "attributes": [
                "branch": branch, "clone-url": "https://github.com/acme/api.git", "commit-message": "Move production", "commit-sha": commit,
                "commit-url": "https://github.com/acme/api/commit/\(commit)", "compare-url": NSNull(), "identifier": "acme/api",
                "is-pull-request": pull != nil, "on-default-branch": pull == nil, "pull-request-number": pull ?? NSNull(),
                "pull-request-title": pull == nil ? NSNull() : "Move production", "pull-request-url": NSNull(), "sender-username": "alice",
                "tag": NSNull(),
            ]])
        }
        included.append(configuration)
        return (run, included)
    }

    func page(_ runs: [(run: [String: Any], included: [[String: Any]])]) throws -> String {
        let users: [[String: Any]] = [["id": "user-alice", "type": "users", "attributes": ["username": "alice", "is-service-account": false]],
                                      ["id": "user-bot", "type": "users", "attributes": ["username": "api-org-acme", "is-service-account": true]]]
        let document: [String: Any] = [
            "data": runs.map(\.run), "included": runs.flatMap(\.included) + users,
            "links": ["self": "https://app.terraform.io/api/v2/workspaces/ws-prod1/runs?page%5Bnumber%5D=1&page%5Bsize%5D=20", "next": NSNull()],
            "meta": ["pagination": ["current-page": 1, "page-size": 20, "prev-page": NSNull(), "next-page": NSNull(), "total-pages": 1, "total-count": runs.count]],
        ]
        let folder = try TemporaryFolder.make("tfc")
        let path = folder + "/runs.json"
        try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func runsAreAppliesJudgedByTheBranchOrThePullRequestTheyCameFrom() throws {
        let prod = scenario.commits["prod"]!
        let head = String(repeating: "7", count: 40)   // PR #7's head in the export, approved 10:00, merged 12:00
        let path = try page([
            Self.run("run-onbranch", status: "applied", times: ["applied-at": "2026-07-16T13:00:00+00:00", "planned-at": "2026-07-16T12:55:00+00:00"], commit: prod),
            Self.run("run-pr-approved", status: "applied", times: ["applied-at": "2026-07-16T11:00:00+00:00"], commit: head, branch: "move-prod", pull: 7),
            Self.run("run-pr-early", status: "applied", times: ["applied-at": "2026-07-16T09:00:00+00:00"], commit: head, branch: "move-prod", pull: 7),
            Self.run("run-plan-only", status: "planned_and_finished", times: ["planned-and-finished-at": "2026-07-16T14:00:00+00:00"], commit: prod),
            Self.run("run-errored", status: "errored", times: ["applying-at": "2026-07-16T15:00:00+00:00", "errored-at": "2026-07-16T15:01:00+00:00"],
                     commit: prod),
            Self.run("run-api", status: "applied", times: ["applied-at": "2026-07-16T16:00:00+00:00"], commit: nil, user: "user-bot"),
            Self.run("run-unmerged", status: "applied", times: ["applied-at": "2026-07-16T17:00:00+00:00"], commit: "abcdef0123456789abcdef0123456789abcdef01",
                     branch: "spike", pull: 99),
        ])
        let ledgers = try LedgerLoader.load([LedgerSource(kind: nil, location: path)])
        // Told from an event log by its JSON:API shape; plans that applied nothing are counted, not judged.
        #expect(ledgers[0].kind == .tfc && ledgers[0].otherEvents == 1)
        let records = ledgers[0].records
        // The two applies of PR #7's head are one record of two runs, as any repeated apply is.
        #expect(records.map(\.runID) == ["run-onbranch", "run-pr-approved", "run-errored", "run-api", "run-unmerged"])
        #expect(records[1].location == "inputs/ledgers/tfc/runs.json runs 2-3 (2 runs)")
        #expect(records[0].appliedBy == "alice" && records[0].workspace == "ws-prod1" && records[0].commit == prod)
        #expect(records[1].pullRequest == 7 && records[1].branch == "move-prod")
        #expect(records[2].succeeded == false && records[2].appliedAt == Timestamp.parse("2026-07-16T15:01:00Z"))
        #expect(records[3].commit == nil && records[3].appliedBy == "api-org-acme")

        let repository = try Repository(path: scenario.repository.path)
        let evidence = try Derived.derive(repository: repository, branch: try repository.resolveBranch("main"), config: .defaults,
                                          github: scenario.github.folder, ledgers: ledgers, window: try AuditWindow.named("2026-Q3"))
        func statuses(_ control: String) -> [String: FindingStatus] {
            var found = [String: FindingStatus]()
            for finding in evidence.findings where finding.control == control {
                found[finding.detail.firstMatch(of: #/runs? [0-9-]+/#).map { String($0.0) } ?? "-"] = finding.status
            }
            return found
        }
        #expect(statuses("CC8.1-iac-applied-from-branch") == [
            "run 1": .pass,     // main's commit, after it reached main
            "runs 2-3": .pass,  // PR #7's head before its merge: the pull request's apply, not off-branch
            "run 5": .pass,     // failed, but from main's commit
            "run 6": .fail,     // an uploaded configuration: no commit
            "run 7": .fail,     // PR #99, which no change of main merged
        ])
        #expect(statuses("CC8.1-applied-after-approval") == [
            "run 1": .pass, "run 2": .pass,
            "run 3": .fail,     // before bob approved PR #7
            "run 5": .pass,
        ])
        let early = try #require(evidence.findings.first { $0.control == "CC8.1-applied-after-approval" && $0.status == .fail })
        #expect(early.detail == "inputs/ledgers/tfc/runs.json run 3 (2026-07-16T09:00:00Z, by alice) applied workspace ws-prod1 from "
            + "commit 777777777777 before the first qualifying approval (bob at 2026-07-16T10:00:00Z).")
        #expect(early.change == prod && early.pullRequest == 7)
        let pr = try #require(evidence.findings.first { $0.control == "CC8.1-iac-applied-from-branch" && $0.detail.contains("runs 2-3 ") })
        #expect(pr.detail.hasSuffix("from the branch of pull request #7 before its merge into the audited branch at 2026-07-16T12:00:00Z; "
            + "judged by that pull request's approval."))
    }

    @Test(arguments: [
        (#"{"data": [{"id": "ws-1", "type": "workspaces"}]}"#, "runs.json: data[0]: a workspaces resource, not a run"),
        (#"{"data": [{"id": "run-1", "type": "runs", "attributes": {"status": "applied", "status-timestamps": {}}}]}"#,
         "runs.json: run run-1, status-timestamps: no time the apply ran"),
        (#"{"data": {"id": "run-1"}}"#, "runs.json: $.data: an object is not an array"),
    ])
    func unusableRunPagesNameTheFileAndPlace(text: String, message: String) throws {
        do {
            _ = try LedgerReader.read(Array(text.utf8), file: "runs.json", kind: .tfc, source: "runs.json") { "inputs/ledgers/\($0.rawValue)/runs.json" }
            Issue.record("accepted: \(text)")
        } catch { #expect("\(error)" == message) }
    }
}
