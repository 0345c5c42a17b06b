import ArgumentParser
import EvidenceCore
import EvidenceCrypto

extension SignatureAlgorithm: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "ed25519": self = .ed25519
        case "ecdsa-p256", "ecdsa", "p256": self = .ecdsaP256
        case "rsa", "rsa-pss": self = .rsaPSS
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["ed25519", "ecdsa-p256", "rsa"] }
}

/// `git-evidence keygen`: a signing key pair for bundles.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a signing key pair: signing.key.pem (mode 0600) and signing.pub.pem. Never overwrites."
    )

    @Option(help: "Folder for the two files (created if missing).")
    var out: String

    @Option(help: "ed25519 (default), ecdsa-p256 or rsa (3072 bits, signs with PSS).")
    var algorithm: SignatureAlgorithm = .ed25519

    @Flag(help: "Write the files and the key id as JSON.")
    var json = false

    func run() throws {
        let keyID = try KeyFiles.generate(algorithm, in: out)
        if json {
            let written = ["private_key": out + "/" + KeyFiles.privateName, "public_key": out + "/" + KeyFiles.publicName,
                           "key_id": keyID, "algorithm": algorithm.rawValue]
            print(String(decoding: try BundleLayout.jsonEncoder.encode(written), as: UTF8.self))
            return
        }
        print("wrote \(out)/\(KeyFiles.privateName) (keep it secret) and \(out)/\(KeyFiles.publicName)")
        print("key id: \(keyID)")
    }
}
