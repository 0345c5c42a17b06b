import Foundation
import GitKit
import Yams

extension EvidenceConfig {
    /// Finds the settings: `--config` if given; else the work tree's file; else the file committed at the branch
    /// tip (so a bare repository uses what the team committed); else the defaults.
    public static func resolve(explicitPath: String?, repository: Repository, branch: Branch) throws -> EvidenceConfig {
        if let explicitPath {
            var config = try load(file: explicitPath)
            config.recordedSource = "--config " + URL(fileURLWithPath: explicitPath).lastPathComponent
            return config
        }
        if let workDirectory = repository.workDirectory {
            let path = workDirectory + fileName
            if FileManager.default.fileExists(atPath: path) {
                var config = try load(file: path)
                config.recordedSource = "work tree:" + fileName
                return config
            }
        }
        if let tip = branch.tip, let bytes = try repository.blob(atPath: fileName, in: tip) {
            return try parse(String(decoding: bytes, as: UTF8.self), source: "\(branch.shortName):\(fileName)")
        }
        return .defaults
    }

    /// Reads and parses a settings file.
    public static func load(file path: String) throws(EvidenceError) -> EvidenceConfig {
        guard let text = String(data: try readInput(path), encoding: .utf8) else {
            throw EvidenceError.invalidConfig(file: path, location: "", reason: "not UTF-8 text")
        }
        return try parse(text, source: path)
    }

    /// Parses settings text; unknown keys are errors so that a misspelt key never silently does nothing.
    public static func parse(_ text: String, source: String) throws(EvidenceError) -> EvidenceConfig {
        if let line = YAMLAliases.firstAlias(in: text) {
            throw EvidenceError.invalidConfig(file: source, location: "line \(line)", reason: "YAML aliases (*name) are not accepted in settings")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            let detail = String(describing: error).split(separator: "\n").first.map(String.init) ?? "invalid YAML"
            throw EvidenceError.invalidConfig(file: source, location: "", reason: "invalid YAML: \(detail)")
        }
        guard let root else { return EvidenceConfig(classifier: .defaults, policy: .defaults, source: source, text: text) }
        let reader = NodeReader(source: source)
        let top = try reader.mapping(root, at: "", allowed: ["paths", "approvals", "checks", "down_migrations", "terraform"])
        let policy = try parsePolicy(top, reader: reader)
        let down = top["down_migrations"] == nil ? DownConvention.defaults
            : DownConvention(patterns: try reader.strings(top["down_migrations"], at: "down_migrations"), isRequired: true)
        guard let paths = top["paths"] else {
            return EvidenceConfig(classifier: .defaults, policy: policy, downMigrations: down, source: source, text: text)
        }
        let sections = try reader.mapping(paths, at: "paths", allowed: ["migrations", "infrastructure", "pipeline", "ignore"])

        func rules(_ name: String, defaults: [PathRule]) throws(EvidenceError) -> [PathRule] {
            guard let node = sections[name] else { return defaults }
            let edits = try reader.mapping(node, at: "paths.\(name)", allowed: ["add", "remove"])
            var rules = defaults
            for (index, spelling) in try reader.strings(edits["remove"], at: "paths.\(name).remove").enumerated() {
                let rule = PathRule(spelling: spelling)
                guard let position = rules.firstIndex(of: rule) else {
                    throw EvidenceError.invalidConfig(file: source, location: "paths.\(name).remove[\(index)]",
                                                      reason: "'\(spelling)' is not one of the default \(name) rules")
                }
                rules.remove(at: position)
            }
            for spelling in try reader.strings(edits["add"], at: "paths.\(name).add") {
                let rule = PathRule(spelling: spelling)
                if !rules.contains(rule) { rules.append(rule) }
            }
            return rules
        }

        let classifier = PathClassifier(
            migrationRules: try rules("migrations", defaults: PathRule.defaultMigrationRules),
            infrastructureRules: try rules("infrastructure", defaults: PathRule.defaultInfrastructureRules),
            pipelineRules: try rules("pipeline", defaults: PathRule.defaultPipelineRules),
            ignored: try reader.strings(sections["ignore"], at: "paths.ignore").map(Glob.init)
        )
        return EvidenceConfig(classifier: classifier, policy: policy, downMigrations: down, source: source, text: text)
    }

    private static func parsePolicy(_ top: [String: Node], reader: NodeReader) throws(EvidenceError) -> ReviewPolicy {
        var policy = ReviewPolicy.defaults
        if let node = top["approvals"] {
            let approvals = try reader.mapping(node, at: "approvals", allowed: ["required", "bots", "authorised", "authorized"])
            if let required = approvals["required"] {
                guard let count = required.int, count >= 0 else {
                    throw EvidenceError.invalidConfig(file: reader.source, location: "approvals.required", reason: "expected a whole number, 0 or more")
                }
                policy.requiredApprovals = count
            }
            policy.bots = Set(try reader.strings(approvals["bots"], at: "approvals.bots"))
            policy.authorisedApprovers = Set(try reader.strings(approvals["authorised"] ?? approvals["authorized"], at: "approvals.authorised"))
        }
        if let node = top["terraform"] {
            let terraform = try reader.mapping(node, at: "terraform", allowed: ["drift", "deploy_roles"])
            policy.deployRoles = try reader.strings(terraform["deploy_roles"], at: "terraform.deploy_roles")
            if let drift = terraform["drift"] {
                guard let value = drift.string, ["info", "fail"].contains(value) else {
                    throw EvidenceError.invalidConfig(file: reader.source, location: "terraform.drift", reason: "expected info or fail")
                }
                policy.driftFails = value == "fail"
            }
        }
        if let node = top["checks"] {
            let checks = try reader.mapping(node, at: "checks", allowed: ["required"])
            policy.requiredChecks = try reader.strings(checks["required"], at: "checks.required")
        }
        return policy
    }
}

/// Reads a YAML node tree strictly, naming the key path in every error.
private struct NodeReader {
    let source: String

    func mapping(_ node: Node, at location: String, allowed: Set<String>) throws(EvidenceError) -> [String: Node] {
        guard let mapping = node.mapping else {
            throw EvidenceError.invalidConfig(file: source, location: location.isEmpty ? "top level" : location, reason: "expected a mapping")
        }
        var result = [String: Node]()
        for (key, value) in mapping {
            let name = key.string ?? ""
            guard allowed.contains(name) else {
                let place = location.isEmpty ? name : "\(location).\(name)"
                throw EvidenceError.invalidConfig(file: source, location: place,
                                                  reason: "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
            result[name] = value
        }
        return result
    }

    func strings(_ node: Node?, at location: String) throws(EvidenceError) -> [String] {
        guard let node else { return [] }
        guard let sequence = node.sequence else {
            throw EvidenceError.invalidConfig(file: source, location: location, reason: "expected a list")
        }
        var values = [String]()
        for (index, item) in sequence.enumerated() {
            guard let text = item.string, !text.isEmpty else {
                throw EvidenceError.invalidConfig(file: source, location: "\(location)[\(index)]", reason: "expected a non-empty string")
            }
            values.append(text)
        }
        return values
    }
}
