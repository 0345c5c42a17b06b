/// An error the command line reports on one line and maps to an exit code. Each layer's error type adopts it
/// (`GitError`, `CryptoError`, `PostgresError`, `EvidenceError`, and the HTTP, KMS and PKCS#11 errors to come),
/// so the command line needs no list of them.
public protocol ReportableError: Error, CustomStringConvertible, Sendable {
    /// The exit code: 2 for unusable input (the default), 1 where a command reports a failed check that way.
    var exitCode: Int32 { get }
}

extension ReportableError {
    public var exitCode: Int32 { 2 }
}
