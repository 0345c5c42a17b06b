import Foundation

/// `verify --recollect` (SPEC §9): the bundle's pull-request evidence fetched again from GitHub with the auditor's
/// own token and compared, item by item, with `inputs/github/`. An approval the bundle holds and GitHub does not, a
/// check whose conclusion changed, a commit added or taken away: each is a failed check naming the file and the
/// item. This is how an auditor tests that the PR evidence was not edited after it was collected.
///
/// Only the fields the controls judge are compared (who, what state or conclusion, when, on which commit), so a
/// re-formatted body or a renamed avatar is no difference. Evidence GitHub shows that the bundle lacks (a review
/// submitted after the bundle was made) is a difference too: the auditor decides what it means.
enum Recollection {
    /// One item as compared: a stable key (GitHub's id) and the fields that matter, in words.
    private typealias Items = [String: String]

    static func check(bundle: String, request: GitHubRequest) throws -> [VerificationCheck] {
        let folder = bundle + "/inputs/github"
        if FileManager.default.fileExists(atPath: bundle + "/" + BundleLayout.gitlabInputs) {
            throw EvidenceError.invalidArgument(flag: "--recollect", value: bundle,
                                                reason: "the bundle's review evidence is GitLab's (inputs/gitlab); --recollect re-collects GitHub evidence only")
        }
        let names = (FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []).sorted()
        let compared = names.filter { Self.items(for: $0) != nil }
        guard !compared.isEmpty else {
            return [VerificationCheck(name: "recollect", passed: false, detail: "the bundle holds no pull request evidence from GitHub to re-collect")]
        }
        let client = try request.client()
        let base = "repos/\(request.repository)"
        var checks = [VerificationCheck]()
        var matching = 0
        do {
            for name in compared {
                let bytes = [UInt8](try readInput(folder + "/" + name))
                let endpoint = String(name.dropLast(".json".count))
                let page = try client.getAll("\(base)/\(endpoint)\(endpoint.hasSuffix("/status") ? "" : "?per_page=100")")
                guard page.status == 200 else {
                    checks.append(VerificationCheck(name: "recollect", passed: false,
                                                    detail: "inputs/github/\(name): could not be re-collected: GET \(base)/\(endpoint) answered \(page.status)"))
                    continue
                }
                let read = Self.items(for: name)!
                let differences = Self.differences(bundle: try read(bytes, "inputs/github/" + name),
                                                   github: try read(page.body, "GitHub's answer to GET \(base)/\(endpoint)"))
                if differences.isEmpty {
                    matching += 1
                } else {
                    checks.append(VerificationCheck(name: "recollect", passed: false, detail: "inputs/github/\(name): " + differences.joined(separator: "; ")))
                }
            }
            // The pull requests themselves: who opened and merged them, when, as which commit.
            let held = try heldPulls(folder: folder)
            for number in Set(compared.compactMap(Self.pullNumber)).sorted() {
                guard let held = held[number] else { continue }
                let page = try client.get("\(base)/pulls/\(number)")
                guard page.status == 200 else {
                    checks.append(VerificationCheck(name: "recollect", passed: false,
                                                    detail: "PR #\(number): could not be re-collected: GET \(base)/pulls/\(number) answered \(page.status)"))
                    continue
                }
                let live = try JSONDocuments.decode(PullRequest.self, page.body[...], file: "GitHub's answer to GET \(base)/pulls/\(number)", label: "")
                let differences = Self.differences(bundle: ["#\(number)": Self.describe(held)], github: ["#\(number)": Self.describe(live)])
                if differences.isEmpty {
                    matching += 1
                } else {
                    checks.append(VerificationCheck(name: "recollect", passed: false, detail: "inputs/github/pulls.json: " + differences.joined(separator: "; ")))
                }
            }
        } catch ForgeError.unauthorized {
            throw ForgeError.rejectedToken(repository: request.repository, forge: .github)
        }
        let total = matching + checks.count
        checks.append(VerificationCheck(name: "recollect", passed: checks.isEmpty,
                                        detail: "\(matching) of \(total) re-collected from github:\(request.repository) match the bundle"
                                            + (checks.isEmpty ? "" : "; \(checks.count) differ (above)")))
        return checks
    }

    /// How to read one file of the export layout as comparable items; nil for files not re-collected (the list of
    /// pull requests is compared per pull request; protection and rulesets may change legitimately and are shown
    /// in the report instead).
    private static func items(for name: String) -> (([UInt8], String) throws -> Items)? {
        let parts = name.split(separator: "/")
        guard parts.count == 3 else { return nil }
        switch (parts[0], parts[2]) {
        case ("pulls", "reviews.json"):
            return { bytes, file in
                var items = Items()
                for (index, review) in try JSONDocuments.list(Review.self, bytes: bytes, file: file).enumerated() {
                    items[review.id.map { "review \($0)" } ?? "review #\(index + 1)"] =
                        "by \(review.user?.login ?? "unknown") \(review.state.rawValue) at \(review.submittedAt?.text ?? "no time") on \(review.commitID ?? "no commit")"
                }
                return items
            }
        case ("pulls", "commits.json"):
            return { bytes, file in
                var items = Items()
                for commit in try JSONDocuments.list(PullRequestCommit.self, bytes: bytes, file: file) {
                    items["commit \(commit.sha)"] = "by \(commit.author?.login ?? commit.commit.author?.email ?? "unknown")"
                }
                return items
            }
        case ("commits", "check-runs.json"):
            return { bytes, file in
                var items = Items()
                for (index, run) in try JSONDocuments.pages(CheckRunPage.self, bytes: bytes, file: file).flatMap(\.checkRuns).enumerated() {
                    items[run.id.map { "check run \($0)" } ?? "check run #\(index + 1)"] =
                        "'\(run.name)' \(run.status) \(run.conclusion ?? "no conclusion") on \(run.headSHA ?? "no commit")"
                }
                return items
            }
        case ("commits", "status.json"):
            return { bytes, file in
                var items = Items()
                for (index, status) in try JSONDocuments.pages(CombinedStatus.self, bytes: bytes, file: file).flatMap(\.statuses).enumerated() {
                    items[status.id.map { "status \($0)" } ?? "status #\(index + 1)"] = "'\(status.context)' \(status.state)"
                }
                return items
            }
        default:
            return nil
        }
    }

    /// Every difference between the two, sorted by item.
    private static func differences(bundle: Items, github: Items) -> [String] {
        var found = [String]()
        for key in Set(bundle.keys).union(github.keys).sorted() {
            switch (bundle[key], github[key]) {
            case let (held?, nil): found.append("\(key) \(held) is in the bundle, not on GitHub")
            case let (nil, live?): found.append("\(key) \(live) is on GitHub, not in the bundle")
            case let (held?, live?) where held != live: found.append("\(key): the bundle says \(held), GitHub says \(live)")
            default: break
            }
        }
        return found
    }

    private static func pullNumber(_ name: String) -> Int? {
        let parts = name.split(separator: "/")
        return parts.count == 3 && parts[0] == "pulls" ? Int(parts[1]) : nil
    }

    /// The pull requests of the bundle's `pulls.json`, by number (pages can overlap: the last wins, as in export).
    private static func heldPulls(folder: String) throws -> [Int: PullRequest] {
        guard FileManager.default.fileExists(atPath: folder + "/pulls.json") else { return [:] }
        var held = [Int: PullRequest]()
        for pull in try JSONDocuments.list(PullRequest.self, bytes: [UInt8](try readInput(folder + "/pulls.json")), file: "inputs/github/pulls.json") {
            held[pull.number] = pull
        }
        return held
    }

    private static func describe(_ pull: PullRequest) -> String {
        "opened by \(pull.user?.login ?? "unknown") into \(pull.base?.ref ?? "unknown"), head \(pull.head?.sha ?? "unknown"), "
            + (pull.mergedAt.map { "merged at \($0.text) as \(pull.mergeCommitSHA ?? "no commit")" } ?? "not merged")
    }
}
