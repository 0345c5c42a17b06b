import Foundation
import GitKit

/// What a bundle calls the repository it is about: `--repo-name`, else its `origin` URL with any credentials
/// removed, else its folder's name (said in a diagnostic). Never a local path: a bundle is read on other machines.
public struct RepositoryIdentity: Sendable, Equatable {
    public let name: String
    /// `origin`'s URL without credentials, nil when there is no such remote.
    public let remoteURL: String?
    /// Set when the name had to come from the folder.
    public let diagnostic: Diagnostic?

    public init(repository: Repository, given: String?, path: String) throws {
        // A clone of a local folder has that folder for its origin: a local path, not a name.
        remoteURL = try repository.remoteURL().map(Self.withoutCredentials).flatMap { $0.hasPrefix("/") || $0.hasPrefix("file:") ? nil : $0 }
        if let given, !given.isEmpty {
            name = given
            diagnostic = nil
        } else if let remoteURL {
            name = remoteURL
            diagnostic = nil
        } else {
            name = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
            diagnostic = Diagnostic(subject: "repository", message: "no remote 'origin' (or a local one): named by its folder '\(name)'; give --repo-name to name it")
        }
    }

    /// `https://x-access-token:TOKEN@github.com/acme/api.git` → `https://github.com/acme/api.git`. An scp-like
    /// address (`git@github.com:acme/api.git`) names a login, not a secret, and is kept.
    public static func withoutCredentials(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
    }
}
