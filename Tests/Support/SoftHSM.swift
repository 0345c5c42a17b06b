import Foundation

/// A SoftHSM2 token in a temporary folder (its own `SOFTHSM2_CONF`), made once per test process, holding three
/// key pairs made with OpenSC's `pkcs11-tool`: `ed` (Ed25519), `ec` (ECDSA P-256) and `rsa` (RSA 2048).
public final class SoftHSM: Sendable {
    public static let module = "/usr/lib/softhsm/libsofthsm2.so"
    public static let pin = "48151623"
    public let config: String
    public let token = "evidence"

    public static let shared = Result { try SoftHSM() }

    private init() throws {
        let folder = try TemporaryFolder.make("softhsm")
        try FileManager.default.createDirectory(atPath: folder + "/tokens", withIntermediateDirectories: true)
        config = folder + "/softhsm2.conf"
        try "directories.tokendir = \(folder)/tokens\nobjectstore.backend = file\nlog.level = ERROR\n".write(toFile: config, atomically: true, encoding: .utf8)
        let environment = ProcessInfo.processInfo.environment.merging(["SOFTHSM2_CONF": config]) { $1 }
        func run(_ tool: String, _ arguments: [String]) throws {
            let result = try Command.run("/usr/bin/env", [tool] + arguments, environment: environment)
            guard result.status == 0 else { throw FixtureError.commandFailed("\(tool) \(arguments.joined(separator: " ")): \(result.stderr)") }
        }
        try run("softhsm2-util", ["--init-token", "--free", "--label", token, "--pin", Self.pin, "--so-pin", "87654321"])
        for (label, type) in [("ed", "EC:edwards25519"), ("ec", "EC:prime256v1"), ("rsa", "rsa:2048")] {
            try run("pkcs11-tool", ["--module", Self.module, "--token-label", token, "--login", "--pin", Self.pin,
                                    "--keypairgen", "--key-type", type, "--label", label])
        }
    }

    /// The `--key` URI of key `object`, its PIN read from `PKCS11_PIN`.
    public func uri(_ object: String, pinSource: String = "env:PKCS11_PIN") -> String {
        "pkcs11:token=\(token);object=\(object)?module-path=\(Self.module)&pin-source=\(pinSource)"
    }

    /// The environment a command needs to reach the token, with `pin` in `PKCS11_PIN`.
    public func environment(pin: String = SoftHSM.pin) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(["SOFTHSM2_CONF": config, "PKCS11_PIN": pin]) { $1 }
    }
}
