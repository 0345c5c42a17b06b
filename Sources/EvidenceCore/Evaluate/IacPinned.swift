/// `CC8.1-iac-pinned`: each Terraform root module a change touches pins Terraform (`required_version`), every
/// provider (a `version` constraint in `required_providers`) and commits its `.terraform.lock.hcl`, so what was
/// reviewed is what is applied.
public struct IacPinned: ChangeControl {
    public static let id = "CC8.1-iac-pinned"

    public init() {}

    public func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding {
        guard change.change.paths.contains(where: { $0.kind == .infrastructure }) else {
            return Finding(control: Self.id, status: .notApplicable, on: change, detail: "No Terraform touched.")
        }
        let roots = change.terraform.filter(\.isRoot)
        guard !roots.isEmpty else {
            let folders = change.terraform.map(\.folder)
            return Finding(control: Self.id, status: .notApplicable, on: change, detail: folders.isEmpty
                ? "No Terraform module left in the touched folders."
                : "No root module touched: \(folders.joined(separator: ", ")) has no terraform {} block or provider configuration, or sits under modules/.")
        }
        var problems = [String]()
        var pinned = [String]()
        for module in roots {
            var missing = [String]()
            if module.requiredVersion?.isEmpty ?? true { missing.append("no required_version") }
            for provider in module.providers where provider.version?.isEmpty ?? true {
                missing.append("provider \(provider.name) has no version constraint")
            }
            for name in module.unlistedProviders { missing.append("provider \(name) is configured but not in required_providers") }
            if !module.hasLockFile { missing.append("no committed .terraform.lock.hcl") }
            missing += module.unreadable.map { "could not read \($0)" }
            if missing.isEmpty {
                let providers = module.providers.map { "\($0.name) \($0.version!)" }
                pinned.append("\(module.folder): terraform \(module.requiredVersion!)" + (providers.isEmpty ? "" : ", " + providers.joined(separator: ", "))
                              + ", lock file committed")
            } else {
                problems.append("\(module.folder): " + missing.joined(separator: ", "))
            }
        }
        guard problems.isEmpty else {
            return Finding(control: Self.id, status: .fail, on: change, detail: problems.joined(separator: "; ") + ".")
        }
        return Finding(control: Self.id, status: .pass, on: change, detail: pinned.joined(separator: "; ") + ".")
    }

    static let aws = ProviderRequirement(name: "aws", source: "hashicorp/aws", version: "~> 5.0")

    public static let examples: [ControlExample] = [
        ControlExample("pinned root module with lock file", Example.terraform([
            TerraformModule(folder: "infra", isRoot: true, requiredVersion: ">= 1.6", providers: [aws], unlistedProviders: [], hasLockFile: true),
        ]), expect: .pass),
        ControlExample("no lock file", Example.terraform([
            TerraformModule(folder: "infra", isRoot: true, requiredVersion: ">= 1.6", providers: [aws], unlistedProviders: [], hasLockFile: false),
        ]), expect: .fail),
        ControlExample("no required_version", Example.terraform([
            TerraformModule(folder: "infra", isRoot: true, requiredVersion: nil, providers: [aws], unlistedProviders: [], hasLockFile: true),
        ]), expect: .fail),
        ControlExample("a provider without a version", Example.terraform([
            TerraformModule(folder: "infra", isRoot: true, requiredVersion: ">= 1.6",
                            providers: [ProviderRequirement(name: "aws", source: "hashicorp/aws", version: nil)], unlistedProviders: [], hasLockFile: true),
        ]), expect: .fail),
        ControlExample("a provider block without required_providers", Example.terraform([
            TerraformModule(folder: "infra", isRoot: true, requiredVersion: ">= 1.6", providers: [], unlistedProviders: ["google"], hasLockFile: true),
        ]), expect: .fail),
        ControlExample("only a child module", Example.terraform([
            TerraformModule(folder: "infra/modules/vpc", isRoot: false, requiredVersion: nil, providers: [aws], unlistedProviders: [], hasLockFile: false),
        ]), expect: .notApplicable),
        ControlExample("migrations only", Example.migrations([Example.sql("drizzle/0007_orders.sql")]), expect: .notApplicable),
    ]
}
