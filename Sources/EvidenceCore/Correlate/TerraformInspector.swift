import GitKit

/// Reads the Terraform module folders a change touched, as of that change's commit: whether each is a root
/// module, and what it pins (for `CC8.1-iac-pinned`).
public struct TerraformInspector {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    public func inspect(_ change: Change) throws -> [TerraformModule] {
        guard let commit = ObjectID(hex: change.commit) else { return [] }
        let folders = Set(change.paths.filter { $0.kind == .infrastructure }.map { MigrationInspector.folder(of: $0.path) })
        return try folders.sorted().compactMap { try module(in: $0, at: commit) }
    }

    /// The module in `folder`, nil when the commit has no `.tf` file there (the module was deleted).
    func module(in folder: String, at commit: ObjectID) throws -> TerraformModule? {
        let names = try repository.fileNames(in: folder, at: commit)
        let sources = names.filter { $0.hasSuffix(".tf") }.sorted()
        guard !sources.isEmpty else { return nil }
        var settings = [HCLDocument.Block]()
        var providerBlocks = Set<String>()
        var unreadable = [String]()
        for name in sources {
            let path = folder.isEmpty ? name : folder + "/" + name
            guard let bytes = try repository.blob(atPath: path, in: commit) else { continue }
            let document = HCLDocument(String(decoding: bytes, as: UTF8.self))
            if let error = document.error { unreadable.append("\(path) \(error)") }
            settings += document.body.blocks("terraform")
            for block in document.body.blocks("provider") { if let name = block.labels.first { providerBlocks.insert(name) } }
        }
        var requiredVersion: String?
        var providers = [ProviderRequirement]()
        for block in settings {
            if case .string(let version) = block.body.attributes["required_version"] { requiredVersion = version }
            else if block.body.attributes["required_version"] != nil { requiredVersion = "(expression)" }
            for required in block.body.blocks("required_providers") {
                for (name, value) in required.body.attributes.sorted(by: { $0.key < $1.key }) {
                    providers.append(Self.requirement(name, value))
                }
            }
        }
        let listed = Set(providers.map(\.name))
        let underModules = folder.split(separator: "/").contains("modules")
        return TerraformModule(folder: folder.isEmpty ? "." : folder, isRoot: !underModules && (!settings.isEmpty || !providerBlocks.isEmpty),
                               requiredVersion: requiredVersion, providers: providers,
                               unlistedProviders: providerBlocks.subtracting(listed).sorted(),
                               hasLockFile: names.contains(".terraform.lock.hcl"), unreadable: unreadable)
    }

    /// `aws = { source = "hashicorp/aws", version = "~> 5.0" }`, or the old `aws = "~> 5.0"`.
    static func requirement(_ name: String, _ value: HCLDocument.Value) -> ProviderRequirement {
        switch value {
        case .string(let version):
            return ProviderRequirement(name: name, source: nil, version: version)
        case .object:
            var source: String?
            if case .string(let text)? = value["source"] { source = text }
            let version: String? = switch value["version"] {
            case .string(let text)?: text
            case .expression?: "(expression)"
            default: nil
            }
            return ProviderRequirement(name: name, source: source, version: version)
        case .expression:
            return ProviderRequirement(name: name, source: nil, version: nil)
        }
    }
}
