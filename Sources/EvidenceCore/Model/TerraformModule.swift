/// A provider a Terraform module requires, as its `required_providers` entry gives it.
public struct ProviderRequirement: Codable, Sendable, Hashable {
    public let name: String
    public let source: String?
    /// The version constraint; nil when the entry gives none.
    public let version: String?
}

/// A Terraform module folder a change touched, with how it pins Terraform and its providers as committed.
public struct TerraformModule: Codable, Sendable, Hashable {
    /// The folder, `.` for the repository's root.
    public let folder: String
    /// A root module: it has a `terraform {}` block or a `provider` block, and is not under a `modules/` folder
    /// (the usual home of child modules, which their root module's lock file pins).
    public let isRoot: Bool
    /// `terraform { required_version = ... }`, when it is a plain string.
    public let requiredVersion: String?
    public let providers: [ProviderRequirement]
    /// Providers configured by a `provider` block with no `required_providers` entry (Terraform then takes any version).
    public let unlistedProviders: [String]
    /// `.terraform.lock.hcl` is committed in the folder.
    public let hasLockFile: Bool
    /// Files that could not be read to the end, with where.
    public let unreadable: [String]

    enum CodingKeys: String, CodingKey {
        case folder, providers, unreadable
        case isRoot = "is_root"
        case requiredVersion = "required_version"
        case unlistedProviders = "unlisted_providers"
        case hasLockFile = "has_lock_file"
    }

    public init(folder: String, isRoot: Bool, requiredVersion: String?, providers: [ProviderRequirement], unlistedProviders: [String],
                hasLockFile: Bool, unreadable: [String] = []) {
        self.folder = folder
        self.isRoot = isRoot
        self.requiredVersion = requiredVersion
        self.providers = providers
        self.unlistedProviders = unlistedProviders
        self.hasLockFile = hasLockFile
        self.unreadable = unreadable
    }
}
