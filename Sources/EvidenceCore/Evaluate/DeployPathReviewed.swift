/// `CC8.1-deploy-path-reviewed` (SPEC §15): a design test of the branch head's workflows (GitHub Actions, GitLab CI,
/// Atlantis). Each command that changes
/// production state without the reviewed artefact (`drizzle-kit push`, `prisma db push`, `prisma migrate dev` or
/// `reset`, `alembic stamp`, `migrate --fake`) in a deploy job fails, naming file, job and line; `terraform apply`
/// without a saved plan, or with `-auto-approve`, passes only behind a GitHub environment with required reviewers.
/// A job that only tests is not a finding; a job the heuristic cannot place is `info` with the reason, never a pass.
public enum DeployPathReviewed {
    public static let id = "CC8.1-deploy-path-reviewed"

    /// A deploy path, the environments' gates, and the statuses its findings must have.
    public struct Example: Sendable {
        public let name: String
        public let path: DeployPath
        public let environments: [GitHubEnvironment]?
        public let expected: [FindingStatus]
    }

    public static func findings(_ path: DeployPath?, environments: [GitHubEnvironment]?) -> [Finding] {
        guard let path, !path.jobs.isEmpty || !path.unreadable.isEmpty else {
            return [finding(.notApplicable, paths: [], "No GitHub Actions workflow, .gitlab-ci.yml or atlantis.yaml on the branch head.")]
        }
        var found = path.unreadable.map { finding(.info, paths: [$0], "\($0) is not readable as YAML: its jobs were not judged.") }
        // Atlantis applies each project's plan on a pull request comment: its gate is the approval it requires.
        for project in path.jobs where project.engine == .atlantis && project.id.hasPrefix("project ") {
            let place = "\(project.file):\(project.line), \(project.id)"
            switch project.requiresApproval {
            case true?: found.append(finding(.pass, paths: [project.file], "\(place): Atlantis applies it only once the pull request is approved (apply_requirements: approved)."))
            case false?: found.append(finding(.fail, paths: [project.file], "\(place): its apply_requirements do not include approved, so a plan can be applied before anyone approves the pull request."))
            case nil: found.append(finding(.info, paths: [project.file], "\(place) sets no apply_requirements here; the Atlantis server's repos.yaml may require approval (not in the repository: ask for it)."))
            }
        }
        for command in path.commands {
            let job = command.job
            let place = "\(job.file):\(command.line), job \(job.id)"
            let how = command.via.map { " (\($0))" } ?? ""
            switch job.role {
            case .test:
                continue  // a test database is not production
            case .undecided(let reason):
                found.append(finding(.info, paths: [job.file], "\(place) runs \(command.command)\(how); whether the job deploys is not known: \(reason)."))
                continue
            case .deploy(let reason):
                guard command.command.hasPrefix("terraform apply") else {
                    found.append(finding(.fail, paths: [job.file], "\(place) runs \(command.command)\(how), which changes production without a "
                        + "reviewed migration; the job deploys (\(reason))."))
                    continue
                }
                // In an Atlantis workflow the apply is gated by the project's apply_requirements, judged above.
                if command.job.engine == .atlantis { continue }
                if command.appliesSavedPlan {
                    found.append(finding(.pass, paths: [job.file], "\(place) applies a saved plan (\(command.command))."))
                    continue
                }
                found.append(gate(command, place: place, environments: environments))
            }
        }
        if found.isEmpty {
            let deploying = path.jobs.filter { if case .deploy = $0.role { true } else { false } }
            found.append(finding(.pass, paths: Array(Set(path.jobs.map(\.file))).sorted(),
                                 "\(path.jobs.count) workflow job\(path.jobs.count == 1 ? "" : "s") read at \(path.head.prefix(12)) (\(deploying.count) deploying): "
                                    + "none changes production state without its reviewed artefact."))
        }
        return found
    }

    /// `terraform apply` with no saved plan or with `-auto-approve`: judged by the environment's required reviewers.
    static func gate(_ command: DeployPath.Command, place: String, environments: [GitHubEnvironment]?) -> Finding {
        let paths = [command.job.file]
        if command.job.engine == .gitlabCI {
            // GitLab's gates (protected environments' approvals, who may start a manual job) are not collected.
            guard command.job.environment != nil || command.job.manual else {
                return finding(.fail, paths: paths, "\(place) runs \(command.command) with no environment and not as a manual job: nobody approves the apply.")
            }
            return finding(.info, paths: paths, "\(place) runs \(command.command)" + (command.job.environment.map { " in the environment \($0)" } ?? "")
                + (command.job.manual ? " as a manual job" : "") + "; GitLab's protected environment approvals are not collected: whether anyone approves the apply is not known.")
        }
        guard let name = command.job.environment else {
            return finding(.fail, paths: paths, "\(place) runs \(command.command) with no environment: nobody approves the apply.")
        }
        guard let environments else {
            return finding(.info, paths: paths, "\(place) runs \(command.command) in the environment \(name), whose protection rules were not "
                + "exported (environments.json): whether anyone approves the apply is not known.")
        }
        guard let environment = environments.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            return finding(.fail, paths: paths, "\(place) runs \(command.command) in the environment \(name), which the repository does not "
                + "define: GitHub creates it with no protection rules.")
        }
        guard let reviewers = environment.requiredReviewers, !reviewers.isEmpty else {
            return finding(.fail, paths: paths, "\(place) runs \(command.command) in the environment \(name), which has no required reviewers "
                + "(\(environment.gates)).")
        }
        return finding(.pass, paths: paths, "\(place) runs \(command.command) in the environment \(name): \(environment.gates).")
    }

    static func finding(_ status: FindingStatus, paths: [String], _ detail: String) -> Finding {
        Finding(control: id, status: status, change: nil, pullRequest: nil, paths: paths, detail: detail)
    }

    public static var examples: [Example] {
        func job(_ id: String, _ role: DeployPath.Job.Role, environment: String? = nil) -> DeployPath.Job {
            DeployPath.Job(file: ".github/workflows/deploy.yml", id: id, line: 5, environment: environment, role: role)
        }
        func path(_ job: DeployPath.Job, _ command: String, savedPlan: Bool = false, via: String? = nil) -> DeployPath {
            DeployPath(head: String(repeating: "a", count: 40), jobs: [job],
                       commands: command.isEmpty ? [] : [DeployPath.Command(job: job, line: 9, command: command, via: via, appliesSavedPlan: savedPlan)],
                       unreadable: [])
        }
        let deploy = job("deploy", .deploy(because: "its name says it deploys"))
        let production = job("apply", .deploy(because: "it deploys to the environment production"), environment: "production")
        func environments(_ json: String) -> [GitHubEnvironment] {
            (try? JSONDocuments.pages(GitHubEnvironmentPage.self, bytes: Array(json.utf8), file: "environments.json").flatMap(\.environments)) ?? []
        }
        let reviewed = environments(#"{"environments":[{"name":"production","protection_rules":[{"type":"required_reviewers","reviewers":[{"type":"Team","reviewer":{"slug":"ops"}}]}]}]}"#)
        let open = environments(#"{"environments":[{"name":"production","protection_rules":[{"type":"wait_timer","wait_timer":5}]}]}"#)
        return [
            Example(name: "a deploy job running generate's migrations", path: path(deploy, ""), environments: nil, expected: [.pass]),
            Example(name: "npm run db:push reaching drizzle-kit push in a deploy job",
                    path: path(deploy, "drizzle-kit push", via: "npm run db:push → package.json scripts.db:push"), environments: nil, expected: [.fail]),
            Example(name: "prisma migrate reset in a job against a service container",
                    path: path(job("test", .test(because: "it runs against the service container postgres")), "prisma migrate reset"),
                    environments: nil, expected: [.pass]),
            Example(name: "prisma db push in a job that cannot be placed",
                    path: path(job("sync", .undecided(because: "it names no environment")), "prisma db push"), environments: nil, expected: [.info]),
            Example(name: "terraform apply -auto-approve behind required reviewers", path: path(production, "terraform apply -auto-approve"),
                    environments: reviewed, expected: [.pass]),
            Example(name: "terraform apply -auto-approve in an environment with only a wait timer", path: path(production, "terraform apply -auto-approve"),
                    environments: open, expected: [.fail]),
            Example(name: "terraform apply -auto-approve with no environment", path: path(deploy, "terraform apply -auto-approve"),
                    environments: reviewed, expected: [.fail]),
            Example(name: "terraform apply -auto-approve when the environments were not exported", path: path(production, "terraform apply -auto-approve"),
                    environments: nil, expected: [.info]),
            Example(name: "terraform apply of a saved plan", path: path(deploy, "terraform apply (saved plan)", savedPlan: true), environments: nil,
                    expected: [.pass]),
        ]
    }
}
