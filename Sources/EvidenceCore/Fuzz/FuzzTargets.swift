import ArchiveKit
import EvidenceCrypto
import Foundation

/// The parsers reachable from input, one entry each, for the fuzzers of `make fuzz` (`Fuzz/evidence-fuzz`) and for
/// the test that replays their corpora (`Fuzz/corpus/<name>/`). Each entry reads the bytes as the product does and
/// tells whether they were accepted: an error is a correct answer to bad input, only a crash, a hang or a blow-up
/// is a finding.
public enum FuzzTargets {
    public typealias Target = @Sendable ([UInt8]) -> Bool

    public static let all: [String: Target] = [
        // GitHub REST exports, as GitHubExport reads each file.
        "github-pulls": { bytes in (try? JSONDocuments.list(PullRequest.self, bytes: bytes, file: "pulls.json")) != nil },
        "github-reviews": { bytes in (try? JSONDocuments.list(Review.self, bytes: bytes, file: "reviews.json")) != nil },
        "github-commits": { bytes in (try? JSONDocuments.list(PullRequestCommit.self, bytes: bytes, file: "commits.json")) != nil },
        "github-check-runs": { bytes in (try? JSONDocuments.pages(CheckRunPage.self, bytes: bytes, file: "check-runs.json")) != nil },
        "github-status": { bytes in (try? JSONDocuments.pages(CombinedStatus.self, bytes: bytes, file: "status.json")) != nil },
        "github-protection": { bytes in (try? JSONDocuments.pages(BranchProtection.self, bytes: bytes, file: "protection.json")) != nil },
        // GitLab REST exports, as GitLabExport reads each file.
        "gitlab-merge-requests": { bytes in (try? JSONDocuments.list(MergeRequest.self, bytes: bytes, file: "merge_requests.json"))?.map(\.pullRequest) != nil },
        "gitlab-approvals": { bytes in (try? JSONDocuments.pages(MergeRequestApprovals.self, bytes: bytes, file: "approvals.json"))?.last?.reviews != nil },
        "gitlab-commits": { bytes in (try? JSONDocuments.list(GitLabCommit.self, bytes: bytes, file: "commits.json"))?.map(\.pullRequestCommit) != nil },
        "gitlab-pipelines": { bytes in (try? JSONDocuments.list(GitLabPipeline.self, bytes: bytes, file: "pipelines.json")).map { GitLabExport.counted($0, head: "", commits: []) } != nil },
        "gitlab-jobs": { bytes in (try? JSONDocuments.list(GitLabJob.self, bytes: bytes, file: "jobs.json"))?.map { $0.checkRun(sha: "") } != nil },
        "gitlab-protected-branch": { bytes in (try? JSONDocuments.pages(GitLabProtectedBranch.self, bytes: bytes, file: "main.json")).map {
            BranchProtectionEvidence.settings(GitLabBranchProtection(branch: $0.last, approvalRules: nil)) } != nil },
        // Ledgers: each registered format as given, and the kind detected from the header.
        "ledger": { bytes in ledger(bytes, kind: nil) },
        "ledger-drizzle": { bytes in ledger(bytes, kind: .drizzle) },
        "ledger-prisma": { bytes in ledger(bytes, kind: .prisma) },
        "ledger-flyway": { bytes in ledger(bytes, kind: .flyway) },
        "events": { bytes in ledger(bytes, kind: .events) },
        // CloudTrail's digest files and key lists, then the chain judged over what they hold.
        "cloudtrail-digest": { bytes in
            guard let digest = try? CloudTrailDigestLedger.digest(bytes, file: "digest.json.gz") else { return false }
            return CloudTrailIntegrity.series(of: CloudTrailIntegrity.name(of: digest.object)).isEmpty == false && !digest.signedText.isEmpty
        },
        "cloudtrail-keys": { bytes in (try? CloudTrailKeysLedger.keys(bytes, file: "keys.json")).map { keys in
            keys.contains { (try? PublicKey(rsaPKCS1: $0.der, source: "fuzz")) != nil } } ?? false },
        // A committed migration's text, as the history names it for the ledgers and the inspector judges its undo.
        "migration-code": { bytes in
            var found = false
            for path in ["shop/migrations/0001_x.py", "db/migrate/20260101_x.rb", "alembic/versions/x.py", "db/changelog/x.xml", "db/changelog/x.sql",
                         "db/changelog/x.yaml", "migrations/atlas.sum", "deploy/x.sql", "migrations/000001_x.up.sql", "migrations/x.js"] {
                for format in LedgerFormats.byName where !format.names(of: path, bytes: { bytes }).isEmpty { found = true }
                if CodeReversal.judge(MigrationInspector.flavour(of: path), path: path, text: String(decoding: bytes, as: UTF8.self))?.reversible == true {
                    found = true
                }
            }
            return found
        },
        // YAML: the repository's settings, a keyring key's period, the control catalogue.
        "settings": { bytes in (try? EvidenceConfig.parse(String(decoding: bytes, as: UTF8.self), source: ".git-evidence.yml")) != nil },
        "keyring": { bytes in (try? TrustStore.period(of: bytes, file: "key.yml")) != nil },
        "controls": { bytes in (try? ReportTemplates.controlTexts("controls.yml", bytes)) != nil },
        // Terraform, read as the inspector reads it.
        "hcl": { bytes in
            let document = HCLDocument(String(decoding: bytes, as: UTF8.self))
            for block in document.body.blocks("terraform") {
                for required in block.body.blocks("required_providers") {
                    for (name, value) in required.body.attributes { _ = TerraformInspector.requirement(name, value) }
                }
            }
            return document.error == nil
        },
        // A bundle's own files, as verify and sample read them.
        "sums": { bytes in SumsListing(bytes).problems.isEmpty },
        "manifest": { bytes in (try? BundleReader.manifest(from: bytes, file: "manifest.json")) != nil },
        "changes": { bytes in (try? BundleReader.changes(from: bytes, file: "changes.jsonl")) != nil },
        "findings": { bytes in (try? BundleReader.findings(from: bytes, file: "findings.json")) != nil },
        // A bundle's .tar.gz, read and checked entry by entry as verify and sample do before unpacking it.
        "tarball": { bytes in
            guard let entries = try? TarGz.read(bytes, limit: 16 << 20) else { return false }
            return (try? BundleTarball.checked(entries, archive: "bundle.tar.gz")) != nil
        },
        // The branch head's design: a workflow (with package.json scripts), a Drizzle config, a Prisma schema.
        "workflow": { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let scripts = ["db:push": "drizzle-kit push", "loop": "npm run loop", "deploy": "npm run db:push"]
            // The same bytes as a GitHub Actions workflow, a .gitlab-ci.yml and an atlantis.yaml.
            return [DeployPathInspector.workflow(text, file: "deploy.yml", scripts: scripts), DeployPathInspector.gitlabCI(text, file: ".gitlab-ci.yml", scripts: scripts),
                    DeployPathInspector.atlantis(text, file: "atlantis.yaml", scripts: scripts)].contains { $0 != nil }
        },
        "drizzle-config": { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            return (try? MigrationSetupInspector.drizzleOut(text, json: bytes.first == UInt8(ascii: "{")).get()) != nil
                || MigrationSetupInspector.prismaProvider(text) != nil
        },
        // org's list of repositories, and a roll-up's record as verify reads it.
        "repos-yml": { bytes in (try? OrgRepositories.parse(String(decoding: bytes, as: UTF8.self), file: "/lists/repos.yml")) != nil },
        "rollup-record": { bytes in (try? BundleReader.rollup(from: bytes, file: "rollup.json")).map { RollupRecord.Counts($0.repositories) } != nil },
        "dsse": { bytes in
            guard let envelope = try? JSONDecoder().decode(DSSE.Envelope.self, from: Data(bytes)), let payload = envelope.payloadBytes else { return false }
            _ = DSSE.preAuthenticationEncoding(payloadType: envelope.payloadType, payload: payload)
            return (try? JSONDecoder().decode(BundleStatement.self, from: Data(payload))) != nil
        },
    ]

    private static func ledger(_ bytes: [UInt8], kind: LedgerKind?) -> Bool {
        (try? LedgerReader.read(bytes, file: "ledger", kind: kind, source: "ledger") { "ledgers/" + $0.rawValue + "/ledger" }) != nil
    }
}
