import EvidenceCrypto
import Foundation

/// How the GitHub client authenticates. None of it is ever written, logged, cached or put in a bundle.
public enum GitHubCredentials: Sendable {
    /// Anonymous: 60 requests an hour, public repositories only.
    case none
    /// A personal access token or `GITHUB_TOKEN` (from `GITHUB_TOKEN` or `GH_TOKEN`).
    case token(String)
    /// A GitHub App installation: its token is minted from a JWT the app's key signs.
    case app(GitHubApp)
}

/// A GitHub App installation (`--app-id`, `--app-key`, `--installation-id`).
public struct GitHubApp: Sendable {
    public let id: String
    /// The app's private key (PEM, RSA, as GitHub generates it).
    public let keyFile: String
    public let installation: String

    public init(id: String, keyFile: String, installation: String) {
        self.id = id
        self.keyFile = keyFile
        self.installation = installation
    }

    /// The JWT GitHub asks an app to authenticate with: RS256 over `{"alg":"RS256","typ":"JWT"}` and
    /// `{"iat": now - 60, "exp": now + 540, "iss": ID}`, each part base64url without padding (RFC 7519).
    func jwt(now: Int64) throws -> String {
        let key = try SigningKey(pemFile: keyFile)
        let issuer = Int(id).map(String.init) ?? "\"\(id)\""
        let header = Self.base64URL(Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let claims = Self.base64URL(Array("{\"iat\":\(now - 60),\"exp\":\(now + 540),\"iss\":\(issuer)}".utf8))
        let signature = try key.signRS256(Array("\(header).\(claims)".utf8), source: keyFile)
        return "\(header).\(claims).\(Self.base64URL(signature))"
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
