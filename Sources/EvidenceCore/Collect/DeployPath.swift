import Foundation
import GitKit
import Yams

/// How changes reach production, as the branch head's GitHub Actions workflows say (SPEC §15): every job, whether it
/// deploys or only tests, and every command in it (through `package.json` scripts) that changes production state
/// without the reviewed artefact.
public struct DeployPath: Sendable, Hashable {
    /// One workflow job.
    public struct Job: Sendable, Hashable {
        public enum Role: Sendable, Hashable {
            case deploy(because: String)
            case test(because: String)
            case undecided(because: String)
        }

        public let file: String
        public let id: String
        public let line: Int
        /// The GitHub environment it deploys to, when it names one.
        public let environment: String?
        public let role: Role
    }

    /// A state-changing command found in a job's `run:` script.
    public struct Command: Sendable, Hashable {
        public let job: Job
        /// The workflow's line that runs it.
        public let line: Int
        /// What it runs, as a person reads it: `drizzle-kit push`, `terraform apply -auto-approve`.
        public let command: String
        /// How the workflow reaches it: `npm run db:push → package.json scripts.db:push`; nil when it is the step itself.
        public let via: String?
        /// For `terraform apply`: it applies a saved plan and asks for no approval.
        public let appliesSavedPlan: Bool
    }

    /// The branch head it was read at.
    public let head: String
    public let jobs: [Job]
    public let commands: [Command]
    /// Workflow files that could not be read as YAML, with why.
    public let unreadable: [String]
}

/// Reads the deploy path of a branch head.
enum DeployPathInspector {
    static func read(_ repository: Repository, branch: Branch) throws -> DeployPath? {
        guard let tip = branch.tip else { return nil }
        let files = (try repository.files(under: ".github/workflows", in: tip, descend: { _ in false }) ?? [])
            .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
        let scripts = packageScripts(try repository.blob(atPath: "package.json", in: tip))
        var jobs = [DeployPath.Job](), commands = [DeployPath.Command](), unreadable = [String]()
        for file in files {
            let text = String(decoding: try repository.blob(atPath: file, in: tip) ?? [], as: UTF8.self)
            guard let read = workflow(text, file: file, scripts: scripts) else {
                unreadable.append(file)
                continue
            }
            jobs += read.jobs
            commands += read.commands
        }
        return DeployPath(head: tip.hex, jobs: jobs, commands: commands, unreadable: unreadable)
    }

    /// One workflow file's jobs and the state-changing commands in their steps; nil when it is not a YAML mapping
    /// (or uses aliases, which no workflow needs and which can cost exponential time).
    static func workflow(_ text: String, file: String, scripts: [String: String]) -> (jobs: [DeployPath.Job], commands: [DeployPath.Command])? {
        guard YAMLAliases.firstAlias(in: text) == nil, let root = try? Yams.compose(yaml: text), let workflow = root.mapping else { return nil }
        var jobs = [DeployPath.Job](), commands = [DeployPath.Command]()
        let workflowEnv = environmentVariables(workflow["env"])
        for (key, value) in workflow["jobs"]?.mapping ?? [:] {
            guard let id = key.string, let body = value.mapping else { continue }
            let job = DeployPath.Job(file: file, id: id, line: key.mark?.line ?? 0, environment: environmentName(body["environment"]),
                                     role: role(id: id, body: body, env: workflowEnv))
            jobs.append(job)
            for step in body["steps"]?.sequence ?? [] {
                guard let run = step.mapping?["run"], let script = run.scalar else { continue }
                // A block scalar's text starts on the line after its `|` or `>`.
                let first = (run.mark?.line ?? 0) + ([.literal, .folded].contains(script.style) ? 1 : 0)
                for (offset, line) in script.string.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    for found in stateChanging(String(line), scripts: scripts) {
                        commands.append(DeployPath.Command(job: job, line: first + offset, command: found.command, via: found.via,
                                                           appliesSavedPlan: found.savedPlan))
                    }
                }
            }
        }
        return (jobs, commands)
    }

    /// A command that changes production state without the reviewed artefact, in one line of a script.
    struct Found {
        let command: String
        let via: String?
        let savedPlan: Bool
    }

    /// The state-changing commands of `line`, following `npm run` / `pnpm` / `yarn` / `bun run` into `package.json`
    /// scripts (three levels at most).
    static func stateChanging(_ line: String, scripts: [String: String], depth: Int = 0) -> [Found] {
        let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? line
        var found = [Found]()
        let direct: [(Regex<Substring>, String)] = [
            (/drizzle-kit\s+push\b/, "drizzle-kit push"), (/prisma\s+db\s+push\b/, "prisma db push"),
            (/prisma\s+migrate\s+dev\b/, "prisma migrate dev"), (/prisma\s+migrate\s+reset\b/, "prisma migrate reset"),
            (/alembic\s+stamp\b/, "alembic stamp"), (/manage\.py\s+migrate\b[^;&|]*--fake\b/, "manage.py migrate --fake"),
        ]
        for (pattern, name) in direct where code.contains(pattern) { found.append(Found(command: name, via: nil, savedPlan: false)) }
        for match in code.matches(of: /terraform(?:\s+-chdir=\S+)?\s+apply\b([^;&|]*)/) {
            let arguments = match.output.1.split(separator: " ").map(String.init)
            let autoApprove = arguments.contains { $0.hasPrefix("-auto-approve") || $0.hasPrefix("--auto-approve") }
            let plan = arguments.contains { !$0.hasPrefix("-") && !$0.isEmpty }
            found.append(Found(command: "terraform apply" + (autoApprove ? " -auto-approve" : "") + (plan ? " (saved plan)" : ""), via: nil,
                               savedPlan: plan && !autoApprove))
        }
        guard depth < 3 else { return found }
        for match in code.matches(of: /(?:npm|pnpm|yarn|bun)(?:\s+run)?\s+([A-Za-z0-9:_.-]+)/) {
            let name = String(match.output.1)
            guard let body = scripts[name] else { continue }
            for inner in stateChanging(body, scripts: scripts, depth: depth + 1) {
                let hop = "\(match.output.0) → package.json scripts.\(name)"
                found.append(Found(command: inner.command, via: inner.via.map { hop + " → " + $0 } ?? hop, savedPlan: inner.savedPlan))
            }
        }
        return found
    }

    /// Deploy, test, or not known, with the reason: a named environment deploys; a database service container, a
    /// `test` environment variable or a test-like name without one only tests; a deploy-like name deploys.
    static func role(id: String, body: Node.Mapping, env workflowEnv: [String: String]) -> DeployPath.Job.Role {
        let name = (body["name"]?.string ?? id).lowercased() + " " + id.lowercased()
        let env = workflowEnv.merging(environmentVariables(body["env"])) { _, job in job }
        if let environment = environmentName(body["environment"]) {
            if ["test", "testing", "ci"].contains(environment.lowercased()) { return .test(because: "its environment is \(environment)") }
            return .deploy(because: "it deploys to the environment \(environment)")
        }
        if let services = body["services"]?.mapping,
           let database = services.first(where: { ($0.value.mapping?["image"]?.string ?? $0.value.string ?? "").contains(/postgres|mysql|mariadb|mongo/) }) {
            return .test(because: "it runs against the service container \(database.key.string ?? "database")")
        }
        if let variable = ["NODE_ENV", "RAILS_ENV", "APP_ENV", "ENVIRONMENT"].first(where: { env[$0]?.lowercased() == "test" }) {
            return .test(because: "\(variable) is test")
        }
        if name.contains(/\b(test|tests|ci|check|lint|e2e|spec|unit|integration)\b/) { return .test(because: "its name says it tests") }
        if name.contains(/deploy|release|prod|migrate|publish|apply|rollout/) { return .deploy(because: "its name says it deploys") }
        return .undecided(because: "it names no environment, no test database and nothing in its name says whether it deploys")
    }

    static func environmentName(_ node: Node?) -> String? {
        node?.string ?? node?.mapping?["name"]?.string
    }

    static func environmentVariables(_ node: Node?) -> [String: String] {
        var values = [String: String]()
        for (key, value) in node?.mapping ?? [:] { if let name = key.string, let text = value.string { values[name] = text } }
        return values
    }

    /// `package.json`'s `scripts`.
    static func packageScripts(_ bytes: [UInt8]?) -> [String: String] {
        guard let bytes, let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else { return [:] }
        return (object["scripts"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
    }
}
