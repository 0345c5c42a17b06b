import Foundation

/// RFC 3161 time-stamping authorities on loopback (`tsa_server.py`, `openssl ts -reply`), made once per test
/// process under a throwaway root CA: `good` (valid for years), `old` (its certificate was valid 2024-06-01 to
/// 2025-06-01, so only tokens dated then verify) and `stranger` (under another root). `url(_:at:)` asks for a token
/// as if made at another time (libfaketime).
public final class TimestampAuthority: Sendable {
    public let port: Int
    /// The root every TSA but `stranger` chains to (PEM file).
    public let roots: String

    public static let shared = Result { try TimestampAuthority() }

    private init() throws {
        let folder = try TemporaryFolder.make("tsa")
        func openssl(_ arguments: [String], cwd: String, at: String? = nil) throws {
            let command = (at.map { ["faketime", $0] } ?? []) + ["openssl"] + arguments
            let result = try Command.run("/usr/bin/env", command, environment: ProcessInfo.processInfo.environment.merging(["TZ": "UTC"]) { $1 },
                                         currentDirectory: cwd)
            guard result.status == 0 else { throw FixtureError.commandFailed("openssl \(arguments.joined(separator: " ")): \(result.stderr)") }
        }
        let extensions = "[ tsa_ext ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = critical, timeStamping\n"
        for root in ["root", "other-root"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + root, withIntermediateDirectories: true)
            try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                         "-subj", "/CN=git-evidence test \(root)", "-days", "7300"], cwd: folder + "/" + root, at: "2024-01-01 00:00:00")
        }
        for (name, root, issued, days) in [("good", "root", "2024-01-02 00:00:00", "3650"), ("old", "root", "2024-06-01 00:00:00", "365"),
                                           ("stranger", "other-root", "2024-01-02 00:00:00", "3650")] {
            let tsa = folder + "/tsa/" + name
            try FileManager.default.createDirectory(atPath: tsa, withIntermediateDirectories: true)
            try """
                [ tsa ]
                default_tsa = tsa_config
                [ tsa_config ]
                dir = .
                serial = ./serial
                crypto_device = builtin
                signer_cert = ./tsa.pem
                certs = ./tsa.pem
                signer_key = ./tsa.key
                signer_digest = sha256
                default_policy = 1.2.3.4.1
                digests = sha256
                accuracy = secs:1
                ordering = yes
                ess_cert_id_alg = sha256
                \(extensions)
                """.write(toFile: tsa + "/tsa.cnf", atomically: true, encoding: .utf8)
            try "01\n".write(toFile: tsa + "/serial", atomically: true, encoding: .utf8)
            try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
                         "-subj", "/CN=git-evidence test TSA \(name)"], cwd: tsa)
            try openssl(["x509", "-req", "-in", "tsa.csr", "-CA", "../../\(root)/ca.pem", "-CAkey", "../../\(root)/ca.key", "-CAcreateserial",
                         "-out", "tsa.pem", "-days", days, "-extfile", "tsa.cnf", "-extensions", "tsa_ext"], cwd: tsa, at: issued)
        }
        roots = folder + "/root/ca.pem"

        port = try LoopbackServer.start("tsa_server.py", [folder + "/tsa"], name: "the TSA")
    }


    /// The URL of TSA `name`; `at` (ISO 8601) dates its tokens then; `replay` answers with its first reply ever.
    public func url(_ name: String, at: String? = nil, replay: Bool = false) -> String {
        "http://127.0.0.1:\(port)/\(name)" + (replay ? "/replay" : "") + (at.map { "?at=\($0)" } ?? "")
    }
}
