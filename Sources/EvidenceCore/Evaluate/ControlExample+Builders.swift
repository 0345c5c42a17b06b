import GitKit

/// Compact builders for the controls' examples: a pull request by alice, reviewed by others, with checks.
enum Example {
    static let head = "c0ffee0000000000000000000000000000000002"

    static func time(_ text: String) -> GitHubTime { GitHubTime(seconds: Timestamp.parse(text)!) }

    static func change(subject: String = "Add orders table (#7)", authors: [String] = ["alice@example.com"]) -> Change {
        Change(commit: "5a5a000000000000000000000000000000000001", parents: ["5a5a000000000000000000000000000000000000"],
               author: Signature(name: "Alice", email: authors[0], time: "2026-07-02T09:00:00Z"),
               committer: Signature(name: "GitHub", email: "noreply@github.com", time: "2026-07-03T12:00:00Z"),
               committedAt: "2026-07-03T12:00:00Z", subject: subject, message: subject + "\n",
               paths: [ChangedPath(path: "drizzle/0007_orders.sql", kind: .migration, status: .added, oldPath: nil)],
               mergedCommits: [], authors: authors)
    }

    static func review(_ login: String, _ state: ReviewState, at: String = "2026-07-02T15:00:00Z", on commit: String? = head,
                       type: String = "User") -> Review {
        Review(id: nil, user: GitHubAccount(login: login, type: type), state: state, submittedAt: time(at), commitID: commit)
    }

    static func commit(_ sha: String = head, login: String? = "alice", email: String = "alice@example.com", at: String = "2026-07-02T09:00:00Z") -> PullRequestCommit {
        let identity = PullRequestCommit.GitIdentity(name: login, email: email, date: time(at))
        return PullRequestCommit(sha: sha, commit: .init(author: identity, committer: identity, message: "work"),
                                 author: login.map { GitHubAccount(login: $0) })
    }

    static func run(_ name: String, _ conclusion: String?, status: String = "completed", at: String = "2026-07-02T10:00:00Z") -> CheckRun {
        CheckRun(id: nil, name: name, headSHA: head, status: status, conclusion: conclusion, completedAt: conclusion == nil ? nil : time(at))
    }

    static func reviewed(reviews: [Review]? = [review("bob", .approved)], commits: [PullRequestCommit]? = [commit()],
                         runs: [CheckRun] = [run("test", "success")], statuses: [CommitStatus] = [],
                         author: String = "alice", change: Change = change(), migrations: [MigrationFile] = [],
                         terraform: [TerraformModule] = [], ledgers: [LedgerCoverage] = []) -> CorrelatedChange {
        let pull = PullRequest(number: 7, title: "Add orders table", htmlURL: "https://github.com/acme/api/pull/7",
                               user: GitHubAccount(login: author), mergedAt: time("2026-07-03T12:00:00Z"),
                               mergeCommitSHA: change.commit, head: .init(ref: "feature/orders", sha: head), base: .init(ref: "main", sha: nil))
        let evidence = PullRequestEvidence(pullRequest: pull, reviews: reviews, commits: commits,
                                           checks: CheckEvidence(sha: head, runs: runs, statuses: statuses))
        return CorrelatedChange(change: change, pullRequest: evidence, match: .mergeCommitSHA, untrustedReference: nil, migrations: migrations,
                                terraform: terraform, ledgers: ledgers)
    }

    static func migrations(_ files: [MigrationFile]) -> CorrelatedChange {
        reviewed(migrations: files)
    }

    static func sql(_ path: String, _ status: PathStatus = .added, flavour: MigrationFlavour = .drizzle, down: String? = nil,
                    isScript: Bool = true, isDown: Bool = false, downLookedFor: [String]? = nil, journalWhen: Int64? = nil,
                    applies: [LedgerApply] = [], reversal: CodeReversal? = nil) -> MigrationFile {
        MigrationFile(path: path, flavour: flavour, status: status, isScript: isScript, isDown: isDown, down: down,
                      downLookedFor: downLookedFor, journalWhen: journalWhen, applies: applies, reversal: reversal)
    }

    /// A reviewed change adding one migration, judged against `ledgers`.
    static func deployed(_ file: MigrationFile, ledgers: [LedgerCoverage]) -> CorrelatedChange {
        reviewed(migrations: [file], ledgers: ledgers)
    }

    /// A reviewed change touching `infra/main.tf`, with the modules as inspected.
    static func terraform(_ modules: [TerraformModule]) -> CorrelatedChange {
        let base = change()
        let touched = Change(commit: base.commit, parents: base.parents, author: base.author, committer: base.committer, committedAt: base.committedAt,
                             subject: base.subject, message: base.message,
                             paths: modules.map { ChangedPath(path: $0.folder + "/main.tf", kind: .infrastructure, status: .modified, oldPath: nil) },
                             mergedCommits: [], authors: base.authors)
        return reviewed(change: touched, terraform: modules)
    }

    /// A ledger row recording a run at 2026-07-04 10:00 in production.
    static func apply(ledger: String, row: Int, commit: String = change().commit, succeeded: Bool = true, reverted: Bool = false) -> LedgerApply {
        let record = LedgerRecord(ledger: ledger, row: row, kind: .events, event: reverted ? .migrationReverted : .migrationApplied, checksum: "00",
                                  appliedAt: Timestamp.parse("2026-07-04T10:00:00Z"),
                                  environment: "production", appliedBy: "deploy-bot", runID: "run-1", succeeded: succeeded)
        return LedgerApply(record, version: MigrationVersion(path: "drizzle/0007_orders.sql", blob: "", commit: commit, committedAt: 0))
    }

    static func directPush(subject: String = "hotfix: add index", untrusted: UntrustedReference? = nil, checks: CheckEvidence? = nil,
                           missing: MissingReviewEvidence? = nil) -> CorrelatedChange {
        CorrelatedChange(change: change(subject: subject), pullRequest: nil, match: nil, untrustedReference: untrusted, commitChecks: checks,
                         missingEvidence: missing)
    }

    /// A migration-apply record of `kind` (an events ledger's in production, at `at`; Drizzle's with no apply time).
    static func row(_ kind: LedgerKind, migration: String = "0007_orders", checksum: String? = "9f3c00", at: String = "2026-07-04T10:00:00Z") -> LedgerRecord {
        let ledger = "inputs/ledgers/\(kind.rawValue)/production.\(kind == .events ? "jsonl" : "csv")"
        return LedgerRecord(ledger: ledger, row: 3, kind: kind, migration: migration, checksum: checksum,
                            appliedAt: kind.format.capabilities.applyTime ? Timestamp.parse(at) : nil, journalWhen: kind == .drizzle ? 1_751_600_000_000 : nil,
                            environment: kind == .events ? "production" : nil, appliedBy: "deploy-bot", runID: kind == .events ? "run-118" : nil)
    }

    /// A `TerraformApplied` event for the example change's commit.
    static func terraformApply(at: String = "2026-07-04T10:00:00Z", commit: String? = String(change().commit.prefix(12)),
                               pullRequest: Int? = nil) -> LedgerRecord {
        LedgerRecord(ledger: "inputs/ledgers/events/deploys.jsonl", row: 5, kind: .events, event: .terraformApplied, appliedAt: Timestamp.parse(at),
                     environment: "production", appliedBy: "deploy-bot", runID: "run-119", commit: commit, workspace: "prod", pullRequest: pullRequest)
    }
}
