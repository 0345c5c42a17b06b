import Foundation

/// An HTTPS server on loopback (`tls_server.py`) with a self-signed certificate for 127.0.0.1: a server no CA
/// vouches for. Made once per test process.
public enum UntrustedTLSServer {
    public static let port = Result { () throws -> Int in
        let folder = try TemporaryFolder.make("tls-server")
        let result = try Command.run("/usr/bin/env", ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                                      "-keyout", folder + "/key.pem", "-out", folder + "/certificate.pem", "-days", "30",
                                                      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        guard result.status == 0 else { throw FixtureError.commandFailed("openssl req: \(result.stderr)") }
        return try LoopbackServer.start("tls_server.py", [folder + "/certificate.pem", folder + "/key.pem"], name: "the TLS server")
    }
}
