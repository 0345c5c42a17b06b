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

        /// Where the job is defined.
        public enum Engine: String, Sendable, Hashable {
            case githubActions = "GitHub Actions", gitlabCI = "GitLab CI", atlantis = "Atlantis"
        }

        public let file: String
        public let id: String
        public let line: Int
        /// The environment it deploys to, when it names one.
        public let environment: String?
        public let role: Role
        public var engine = Engine.githubActions
        /// GitLab: the job runs only when someone starts it (`when: manual`).
        public var manual = false
        /// Atlantis: the project's `apply_requirements` include `approved` (nil: it sets none here).
        public var requiresApproval: Bool?
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
            .merging(makeTargets(try repository.blob(atPath: "Makefile", in: tip))) { script, _ in script }
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
        // GitLab reads its root .gitlab-ci.yml; Atlantis its root atlantis.yaml.
        for (file, reader) in [(".gitlab-ci.yml", gitlabCI), ("atlantis.yaml", atlantis), ("atlantis.yml", atlantis)] {
            guard let bytes = try repository.blob(atPath: file, in: tip) else { continue }
            guard let read = reader(String(decoding: bytes, as: UTF8.self), file, scripts) else {
                unreadable.append(file)
                continue
            }
            jobs += read.jobs
            commands += read.commands
        }
        return DeployPath(head: tip.hex, jobs: jobs, commands: commands, unreadable: unreadable)
    }

    typealias Read = (jobs: [DeployPath.Job], commands: [DeployPath.Command])

    /// A YAML file's top mapping, aliases refused.
    static func mapping(_ text: String) -> Node.Mapping? {
        guard YAMLAliases.firstAlias(in: text) == nil, let root = try? Yams.compose(yaml: text) else { return nil }
        return root.mapping
    }

    /// The state-changing commands of script lines, each with its own line in the file.
    static func commands(in lines: [(line: Int, text: String)], job: DeployPath.Job, scripts: [String: String]) -> [DeployPath.Command] {
        lines.flatMap { entry in
            stateChanging(entry.text, scripts: scripts).map {
                DeployPath.Command(job: job, line: entry.line, command: $0.command, via: $0.via, appliesSavedPlan: $0.savedPlan)
            }
        }
    }

    /// A scalar's lines with their line numbers (a block scalar's text starts on the line after its `|` or `>`).
    static func lines(of node: Node) -> [(line: Int, text: String)] {
        guard let scalar = node.scalar else { return [] }
        let first = (node.mark?.line ?? 0) + ([.literal, .folded].contains(scalar.style) ? 1 : 0)
        return scalar.string.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { (first + $0.offset, String($0.element)) }
    }

    /// `.gitlab-ci.yml`: every job (a top-level mapping that has a `script`), its `before_script`, `script` and
    /// `after_script` lines, `environment`, `services`, `variables` and `when: manual`.
    static func gitlabCI(_ text: String, file: String, scripts: [String: String]) -> Read? {
        guard let top = mapping(text) else { return nil }
        let globalVariables = environmentVariables(top["variables"])
        var jobs = [DeployPath.Job](), commands = [DeployPath.Command]()
        for (key, value) in top {
            guard let id = key.string, !id.hasPrefix("."), let body = value.mapping, body["script"] != nil else { continue }
            let env = globalVariables.merging(environmentVariables(body["variables"])) { _, job in job }
            // GitLab's services are image names, or mappings with `name:`; GitHub's role rules read `image`.
            var services = [String]()
            for service in body["services"]?.sequence ?? [] {
                if let name = service.string ?? service.mapping?["name"]?.string, isDatabase(name) { services.append(name) }
            }
            var placed = role(id: id, name: nil, environment: environmentName(body["environment"]), services: services, env: env)
            // A job's stage is GitLab's own word for its part in the pipeline.
            if case .undecided = placed, let stage = body["stage"]?.string, stage.lowercased().contains(/deploy|release|prod/) {
                placed = .deploy(because: "its stage is \(stage)")
            }
            var job = DeployPath.Job(file: file, id: id, line: key.mark?.line ?? 0, environment: environmentName(body["environment"]), role: placed)
            job.engine = .gitlabCI
            job.manual = body["when"]?.string == "manual"
            jobs.append(job)
            for part in ["before_script", "script", "after_script"] {
                guard let node = body[part] else { continue }
                let items = node.sequence.map(Array.init) ?? [node]
                commands += Self.commands(in: items.flatMap(lines), job: job, scripts: scripts)
            }
        }
        return (jobs, commands)
    }

    /// `atlantis.yaml`: each project applies production when its pull request is commented on; whether it must
    /// be approved first is its `apply_requirements` (or the server's repos.yaml, which the repository does not
    /// hold). A custom workflow's `run:` steps are judged as deploy steps.
    static func atlantis(_ text: String, file: String, scripts: [String: String]) -> Read? {
        guard let top = mapping(text) else { return nil }
        var jobs = [DeployPath.Job](), commands = [DeployPath.Command]()
        for project in top["projects"]?.sequence ?? [] {
            guard let body = project.mapping else { continue }
            let name = body["name"]?.string ?? [body["dir"]?.string ?? ".", body["workspace"]?.string ?? "default"].joined(separator: ":")
            var job = DeployPath.Job(file: file, id: "project \(name)", line: project.mark?.line ?? 0, environment: nil,
                                     role: .deploy(because: "Atlantis applies it on a pull request comment"))
            job.engine = .atlantis
            let requirements = (body["apply_requirements"]?.sequence ?? []).compactMap(\.string)
            job.requiresApproval = body["apply_requirements"] == nil ? nil : requirements.contains("approved")
            jobs.append(job)
        }
        for (key, workflow) in top["workflows"]?.mapping ?? [:] {
            var job = DeployPath.Job(file: file, id: "workflow \(key.string ?? "?")", line: key.mark?.line ?? 0, environment: nil,
                                     role: .deploy(because: "an Atlantis workflow runs against the project's real state"))
            job.engine = .atlantis
            var steps = [Node]()
            for stage in ["plan", "apply"] { steps += workflow.mapping?[stage]?.mapping?["steps"]?.sequence.map(Array.init) ?? [] }
            let runs = steps.compactMap { $0.mapping?["run"] }
            commands += Self.commands(in: runs.flatMap(lines), job: job, scripts: scripts)
        }
        return (jobs, commands)
    }

    /// One workflow file's jobs and the state-changing commands in their steps; nil when it is not a YAML mapping
    /// (or uses aliases, which no workflow needs and which can cost exponential time).
    static func workflow(_ text: String, file: String, scripts: [String: String]) -> Read? {
        guard let workflow = mapping(text) else { return nil }
        var jobs = [DeployPath.Job](), commands = [DeployPath.Command]()
        let workflowEnv = environmentVariables(workflow["env"])
        for (key, value) in workflow["jobs"]?.mapping ?? [:] {
            guard let id = key.string, let body = value.mapping else { continue }
            let job = DeployPath.Job(file: file, id: id, line: key.mark?.line ?? 0, environment: environmentName(body["environment"]),
                                     role: role(id: id, body: body, env: workflowEnv))
            jobs.append(job)
            let runs = (body["steps"]?.sequence ?? []).compactMap { $0.mapping?["run"] }
            commands += Self.commands(in: runs.flatMap(lines), job: job, scripts: scripts)
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
    /// scripts and `make` into the root Makefile's recipes (three levels at most).
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
        // `make TARGET` follows the root Makefile's recipe (kept under `make:TARGET`), as package scripts are followed.
        let targets = code.matches(of: /\bmake\s+(?:-\S+\s+)*([A-Za-z0-9_.-]+)/).map {
            (match: $0.output.0, name: "make:" + $0.output.1, shown: "Makefile target " + $0.output.1)
        }
        let runs = code.matches(of: /(?:npm|pnpm|yarn|bun)(?:\s+run)?\s+([A-Za-z0-9:_.-]+)/).map {
            (match: $0.output.0, name: String($0.output.1), shown: "package.json scripts." + $0.output.1)
        }
        for reference in runs + targets {
            guard let body = scripts[reference.name] else { continue }
            for line in body.split(separator: "\n") {
                for inner in stateChanging(String(line), scripts: scripts, depth: depth + 1) {
                    let hop = "\(reference.match) → \(reference.shown)"
                    found.append(Found(command: inner.command, via: inner.via.map { hop + " → " + $0 } ?? hop, savedPlan: inner.savedPlan))
                }
            }
        }
        return found
    }

    /// The `make` targets the commit's workflows and `.gitlab-ci.yml` run, by name.
    static func makeTargetsNamed(in repository: Repository, at commit: ObjectID) throws -> Set<String> {
        let workflows = (try repository.files(under: ".github/workflows", in: commit, descend: { _ in false }) ?? []) + [".gitlab-ci.yml"]
        var named = Set<String>()
        for file in workflows {
            guard let bytes = try repository.blob(atPath: file, in: commit) else { continue }
            for match in String(decoding: bytes, as: UTF8.self).matches(of: /\bmake\s+(?:-\S+\s+)*([A-Za-z0-9_.-]+)/) { named.insert(String(match.output.1)) }
        }
        return named
    }

    /// The root Makefile's targets and their recipe lines (tab-indented, `@` and `-` prefixes dropped), as
    /// `make:TARGET`.
    static func makeTargets(_ bytes: [UInt8]?) -> [String: String] {
        guard let bytes else { return [:] }
        var targets = [String: String](), current: [String] = []
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\t") {
                let recipe = line.dropFirst().drop { $0 == "@" || $0 == "-" }
                for target in current { targets["make:" + target, default: ""] += recipe + "\n" }
            } else if let rule = line.firstMatch(of: /^([A-Za-z0-9_.\- ]+):(?!=)/) {
                current = rule.output.1.split(separator: " ").map(String.init).filter { !$0.hasPrefix(".") }
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty && !line.hasPrefix("#") {
                current = []
            }
        }
        return targets
    }


    /// Deploy, test, or not known, with the reason: a named environment deploys; a database service container, a
    /// `test` environment variable or a test-like name without one only tests; a deploy-like name deploys.
    static func role(id: String, body: Node.Mapping, env workflowEnv: [String: String]) -> DeployPath.Job.Role {
        var services = [String]()
        for (key, value) in body["services"]?.mapping ?? [:] {
            if let image = value.mapping?["image"]?.string ?? value.string, isDatabase(image) { services.append(key.string ?? image) }
        }
        return role(id: id, name: body["name"]?.string, environment: environmentName(body["environment"]), services: services,
                    env: workflowEnv.merging(environmentVariables(body["env"])) { _, job in job })
    }

    /// The same from a job's parts, whatever engine defines it: its database service containers are named in
    /// `services` (only those count as a test database).
    static func role(id: String, name given: String?, environment: String?, services: [String], env: [String: String]) -> DeployPath.Job.Role {
        let name = (given ?? id).lowercased() + " " + id.lowercased()
        if let environment {
            if ["test", "testing", "ci"].contains(environment.lowercased()) { return .test(because: "its environment is \(environment)") }
            return .deploy(because: "it deploys to the environment \(environment)")
        }
        if let database = services.first {
            return .test(because: "it runs against the service container \(database)")
        }
        if let variable = ["NODE_ENV", "RAILS_ENV", "APP_ENV", "ENVIRONMENT"].first(where: { env[$0]?.lowercased() == "test" }) {
            return .test(because: "\(variable) is test")
        }
        if name.contains(/\b(test|tests|ci|check|lint|e2e|spec|unit|integration)\b/) { return .test(because: "its name says it tests") }
        if name.contains(/deploy|release|prod|migrate|publish|apply|rollout/) { return .deploy(because: "its name says it deploys") }
        return .undecided(because: "it names no environment, no test database and nothing in its name says whether it deploys")
    }

    /// A service container's image that is a database (the test database a job runs against).
    static func isDatabase(_ image: String) -> Bool { image.contains(/postgres|mysql|mariadb|mongo/) }

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
