import Foundation

extension LedgerKind {
    /// HCP Terraform / Terraform Enterprise runs.
    public static let tfc = LedgerKind(rawValue: "tfc")
}

/// HCP Terraform / Terraform Enterprise runs as `GET /api/v2/workspaces/{id}/runs?include=configuration_version.ingress_attributes`
/// returns them (JSON:API; one page, pages back to back, or an array of pages): a run whose `status` is `applied`
/// is an apply, at `status-timestamps.applied-at`; an `errored` run that reached `applying-at` is a failed one;
/// plans that applied nothing (planned and finished, discarded, canceled) are counted, not judged. The commit,
/// branch and pull request come from the configuration version's ingress attributes (a VCS-driven run); who from
/// the `created-by` user when included, else the ingress sender.
public enum TfcLedger: LedgerFormat {
    public static let kind = LedgerKind.tfc
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: false, applier: true, history: true, flavours: [],
                                                        recordNoun: "run")
    public static let matching = LedgerMatch.checksum([])
    public static let requiredColumns: [String]? = nil
    public static let liveTable: LiveTable? = nil

    struct Page: Decodable {
        let data: [Resource]
        let included: [Resource]?
    }

    struct Resource: Decodable {
        let id: String
        let type: String
        let attributes: Attributes?
        let relationships: [String: Relationship]?
    }

    /// The attributes of every resource type read (runs, ingress attributes, users, workspaces); others ignored.
    struct Attributes: Decodable {
        let status: String?
        let statusTimestamps: [String: String]?
        let commitSHA: String?
        let branch: String?
        let isPullRequest: Bool?
        let pullRequestNumber: Int?
        let senderUsername: String?
        let username: String?
        let name: String?

        enum CodingKeys: String, CodingKey {
            case status, branch, username, name
            case statusTimestamps = "status-timestamps"
            case commitSHA = "commit-sha"
            case isPullRequest = "is-pull-request"
            case pullRequestNumber = "pull-request-number"
            case senderUsername = "sender-username"
        }
    }

    /// A to-one relationship's target; a to-many or absent one reads as nil.
    struct Relationship: Decodable {
        struct Target: Decodable { let id: String; let type: String }
        let data: Target?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            data = try? container.decodeIfPresent(Target.self, forKey: .data)
        }

        enum CodingKeys: String, CodingKey { case data }
    }

    public static func read(_ bytes: ArraySlice<UInt8>, file: String, ledger: String) throws(EvidenceError) -> LedgerContents {
        let pages = try JSONDocuments.pages(Page.self, bytes: Array(bytes), file: file)
        var included = [String: Resource]()
        for resource in pages.flatMap({ $0.included ?? [] }) { included[resource.type + "/" + resource.id] = resource }
        func related(_ resource: Resource?, _ name: String) -> Resource? {
            guard let target = resource?.relationships?[name]?.data else { return nil }
            return included[target.type + "/" + target.id]
        }
        var groups = LedgerRecordGroups()
        var others = 0
        for (index, run) in pages.flatMap(\.data).enumerated() {
            guard run.type == "runs" else {
                throw EvidenceError.malformed(file: file, location: "data[\(index)]", reason: "a \(run.type) resource, not a run")
            }
            let attributes = run.attributes
            let times = attributes?.statusTimestamps ?? [:]
            let status = attributes?.status ?? ""
            // Only an apply changes infrastructure: a run that never began applying is a plan.
            let applied = status == "applied"
            guard applied || (status == "errored" && times["applying-at"] != nil) else { others += 1; continue }
            let time = applied ? times["applied-at"] : times["errored-at"] ?? times["applying-at"]
            guard let text = time, let appliedAt = Timestamp.parseDatabase(text) else {
                throw EvidenceError.malformed(file: file, location: "run \(run.id), status-timestamps", reason: "no time the apply ran")
            }
            let ingress = related(related(run, "configuration-version"), "ingress-attributes")?.attributes
            let user = related(run, "created-by")?.attributes?.username
            let workspace = related(run, "workspace")?.attributes?.name ?? run.relationships?["workspace"]?.data?.id
            groups.add(LedgerRecord(
                ledger: ledger, row: index + 1, kind: kind, event: .terraformApplied, appliedAt: appliedAt,
                appliedBy: user ?? ingress?.senderUsername ?? run.relationships?["created-by"]?.data?.id, runID: run.id,
                commit: ingress?.commitSHA?.lowercased(), workspace: workspace,
                pullRequest: ingress?.isPullRequest == true ? ingress?.pullRequestNumber : nil, branch: ingress?.branch, succeeded: applied))
        }
        return LedgerContents(records: groups.records, otherEvents: others)
    }
}
