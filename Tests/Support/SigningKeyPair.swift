import Foundation

/// A fresh Ed25519 signing key (mode 0600, as export requires) and its public key, made by openssl for a test.
public struct SigningKeyPair: Sendable {
    public let key: String
    public let publicKey: String

    public init(_ prefix: String) throws {
        let folder = try TemporaryFolder.make(prefix)
        key = folder + "/signing.key.pem"
        publicKey = folder + "/signing.pub.pem"
        for arguments in [["genpkey", "-algorithm", "ed25519", "-out", key], ["pkey", "-in", key, "-pubout", "-out", publicKey]] {
            let made = try Command.run("/usr/bin/env", ["openssl"] + arguments)
            guard made.status == 0 else { throw PostgresServer.StartError.cannotStart("openssl \(arguments[0]): \(made.stderr)") }
        }
        guard chmod(key, 0o600) == 0 else { throw PostgresServer.StartError.cannotStart("chmod \(key)") }
    }
}
