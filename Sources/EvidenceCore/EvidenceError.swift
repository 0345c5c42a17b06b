import EvidenceErrors

/// Unusable input to the evidence pipeline, each case a one-line message naming the file or flag.
public enum EvidenceError: ReportableError, Equatable {
    /// A flag's value cannot be used.
    case invalidArgument(flag: String, value: String, reason: String)
    /// A configuration file cannot be used; `location` says where in it.
    case invalidConfig(file: String, location: String, reason: String)
    /// A file cannot be read.
    case unreadable(file: String, reason: String)
    /// An input file is not in the expected shape; `location` is a JSON path such as `$[3].user.login`.
    case malformed(file: String, location: String, reason: String)
    /// An output cannot be written.
    case unwritable(path: String, reason: String)
    /// A key file must not be used as it is.
    case unusableKey(file: String, reason: String)
    /// A bundle a command reads as evidence does not verify (exit 1, as `verify` reports it).
    case notVerified(bundle: String, failed: String)

    public var exitCode: Int32 {
        if case .notVerified = self { return 1 }
        return 2
    }

    public var description: String {
        switch self {
        case .invalidArgument(let flag, let value, let reason):
            return "\(flag) '\(value)': \(reason)"
        case .invalidConfig(let file, let location, let reason):
            return location.isEmpty ? "\(file): \(reason)" : "\(file): \(location): \(reason)"
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .malformed(let file, let location, let reason):
            return location.isEmpty ? "\(file): \(reason)" : "\(file): \(location): \(reason)"
        case .unwritable(let path, let reason):
            return "\(path): cannot write: \(reason)"
        case .unusableKey(let file, let reason):
            return "\(file): \(reason)"
        case .notVerified(let bundle, let failed):
            return "\(bundle): not verified: \(failed); run git-evidence verify"
        }
    }
}
