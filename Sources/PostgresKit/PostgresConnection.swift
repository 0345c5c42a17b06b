import CLibpq
import EvidenceErrors

/// What went wrong talking to PostgreSQL: libpq's reason, first line only, about a source named without its password.
public enum PostgresError: ReportableError, Equatable {
    case failed(source: String, reason: String)

    public var description: String {
        switch self {
        case .failed(let source, let reason): "\(source): cannot read: \(reason)"
        }
    }
}

/// Owns one `PGconn *`, closed when this value's lifetime ends. No libpq type leaves this module.
public struct PostgresConnection: ~Copyable {
    private let pointer: OpaquePointer
    /// Where it is connected, without a password: named in every error.
    public let source: String

    /// Adopts a connection; it is closed when this value's lifetime ends.
    init(adopting pointer: OpaquePointer, source: String) {
        self.pointer = pointer
        self.source = source
    }

    deinit { git_evidence_PQfinish()(pointer) }

    /// Connects to `url` (a libpq connection URL), or throws libpq's reason; `source` names it in errors and must
    /// hold no password.
    public static func open(url: String, source: String) throws(PostgresError) -> PostgresConnection {
        if let problem = git_evidence_pq_library_unavailable() { throw PostgresError.failed(source: source, reason: String(cString: problem)) }
        guard let pointer = git_evidence_PQconnectdb()(url) else {
            throw PostgresError.failed(source: source, reason: "cannot allocate a connection")
        }
        let connection = PostgresConnection(adopting: pointer, source: source)
        guard git_evidence_PQstatus()(pointer) == CONNECTION_OK else { throw connection.failure("cannot connect") }
        return connection
    }

    /// The database connected to.
    public var database: String { git_evidence_PQdb()(pointer).map { String(cString: $0) } ?? "database" }

    /// libpq's message for the last failure, first line only (the rest is hints and context).
    private func failure(_ doing: String) -> PostgresError {
        let message = git_evidence_PQerrorMessage()(pointer).map { String(cString: $0) } ?? ""
        let line = message.split(separator: "\n").first.map(String.init) ?? "unknown error"
        return PostgresError.failed(source: source, reason: "\(doing): \(line)")
    }

    /// Runs commands that return no rows (session settings); `purpose` says what for, in errors.
    public func execute(_ sql: String, purpose: String) throws(PostgresError) {
        let result = git_evidence_PQexec()(pointer, sql)
        defer { git_evidence_PQclear()(result) }
        guard git_evidence_PQresultStatus()(result) == PGRES_COMMAND_OK else { throw failure(purpose) }
    }

    /// Runs a `COPY ... TO STDOUT` and returns every byte it wrote; `table` names it in errors.
    public func copyOut(_ sql: String, table: String) throws(PostgresError) -> [UInt8] {
        let started = git_evidence_PQexec()(pointer, sql)
        let status = git_evidence_PQresultStatus()(started)
        git_evidence_PQclear()(started)
        guard status == PGRES_COPY_OUT else { throw failure("cannot read table \(table)") }
        var bytes = [UInt8]()
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let count = git_evidence_PQgetCopyData()(pointer, &buffer, 0)
            if count > 0, let buffer {
                buffer.withMemoryRebound(to: UInt8.self, capacity: Int(count)) { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(count))) }
                git_evidence_PQfreemem()(buffer)
            } else if count == -1 {
                break
            } else {
                throw failure("reading table \(table) failed")
            }
        }
        // The copy's own result says whether it completed; drain every result so the connection is clean.
        var completed = true
        while let result = git_evidence_PQgetResult()(pointer) {
            if git_evidence_PQresultStatus()(result) != PGRES_COMMAND_OK { completed = false }
            git_evidence_PQclear()(result)
        }
        guard completed else { throw failure("reading table \(table) failed") }
        return bytes
    }

    /// `"name"`, with embedded quotes doubled.
    public static func quoted(_ identifier: String) -> String {
        "\"" + String(identifier.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }
}
