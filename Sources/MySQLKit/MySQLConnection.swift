import CLibmariadb
import EvidenceErrors

/// What went wrong talking to MySQL or MariaDB: the server's or the connector's reason, about a source named
/// without its password.
public enum MySQLError: ReportableError, Equatable {
    case failed(source: String, reason: String)

    public var description: String {
        switch self {
        case .failed(let source, let reason): "\(source): cannot read: \(reason)"
        }
    }
}

/// Owns one `MYSQL *` from libmariadb, closed when this value's lifetime ends. No libmariadb type leaves this module.
public struct MySQLConnection: ~Copyable {
    private let pointer: UnsafeMutablePointer<MYSQL>
    /// Where it is connected, without a password: named in every error.
    public let source: String

    private init(adopting pointer: UnsafeMutablePointer<MYSQL>, source: String) {
        self.pointer = pointer
        self.source = source
    }

    deinit { git_evidence_mysql_close()(pointer) }

    /// Connects over TCP, or throws the connector's reason; `source` names it in errors and must hold no password.
    public static func open(host: String, port: Int, user: String?, password: String?, database: String, source: String) throws(MySQLError) -> MySQLConnection {
        if let problem = git_evidence_mariadb_library_unavailable() { throw MySQLError.failed(source: source, reason: String(cString: problem)) }
        guard let pointer = git_evidence_mysql_init()(nil) else { throw MySQLError.failed(source: source, reason: "cannot allocate a connection") }
        let connection = MySQLConnection(adopting: pointer, source: source)
        var timeout: UInt32 = 10
        git_evidence_mysql_options()(pointer, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
        var protocolTCP = MYSQL_PROTOCOL_TCP.rawValue
        git_evidence_mysql_options()(pointer, MYSQL_OPT_PROTOCOL, &protocolTCP)
        // Never read an option file: what is read is what the URL says.
        guard git_evidence_mysql_real_connect()(pointer, host, user, password, database, UInt32(port), nil, 0) != nil else {
            throw connection.failure("cannot connect")
        }
        guard git_evidence_mysql_set_character_set()(pointer, "utf8mb4") == 0 else { throw connection.failure("cannot use utf8mb4") }
        return connection
    }

    /// The connector's message for the last failure, first line only.
    private func failure(_ doing: String) -> MySQLError {
        let message = git_evidence_mysql_error()(pointer).map { String(cString: $0) } ?? ""
        let line = message.split(separator: "\n").first.map(String.init) ?? "unknown error"
        return MySQLError.failed(source: source, reason: "\(doing): \(line.isEmpty ? "unknown error" : line)")
    }

    /// Runs a statement that returns no rows (session settings); `purpose` says what for, in errors.
    public func execute(_ sql: String, purpose: String) throws(MySQLError) {
        guard git_evidence_mysql_real_query()(pointer, sql, UInt(sql.utf8.count)) == 0 else { throw failure(purpose) }
        if let result = git_evidence_mysql_store_result()(pointer) { git_evidence_mysql_free_result()(result) }
    }

    /// Runs a query and returns its rows as CSV with a header, as psql's `\copy ... csv header` writes a table:
    /// NULL as an empty field, a value quoted when it holds a comma, quote or line break. `table` names it in errors.
    public func csv(_ sql: String, table: String) throws(MySQLError) -> [UInt8] {
        guard git_evidence_mysql_real_query()(pointer, sql, UInt(sql.utf8.count)) == 0 else { throw failure("cannot read table \(table)") }
        // Row by row from the server: a long ledger is never held twice.
        guard let result = git_evidence_mysql_use_result()(pointer) else { throw failure("cannot read table \(table)") }
        defer { git_evidence_mysql_free_result()(result) }
        let count = Int(git_evidence_mysql_num_fields()(result))
        var out = [UInt8]()
        let fields = git_evidence_mysql_fetch_fields()(result)!
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendField(Array(String(cString: fields[index].name).utf8), to: &out, null: false)
        }
        out.append(0x0A)
        while let row = git_evidence_mysql_fetch_row()(result) {
            let lengths = git_evidence_mysql_fetch_lengths()(result)!
            for index in 0..<count {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if let value = row[index] {
                    let bytes = UnsafeRawBufferPointer(start: value, count: Int(lengths[index]))
                    Self.appendField(Array(bytes), to: &out, null: false)
                } else {
                    Self.appendField([], to: &out, null: true)
                }
            }
            out.append(0x0A)
        }
        guard git_evidence_mysql_errno()(pointer) == 0 else { throw failure("reading table \(table) failed") }
        return out
    }

    /// A CSV field: NULL empty, the empty string `""`, a value with `,` `"` CR or LF quoted with quotes doubled.
    static func appendField(_ bytes: [UInt8], to out: inout [UInt8], null: Bool) {
        if null { return }
        let needsQuotes = bytes.isEmpty || bytes.contains { [0x2C, 0x22, 0x0A, 0x0D].contains($0) }
        guard needsQuotes else { out += bytes; return }
        out.append(0x22)
        for byte in bytes {
            if byte == 0x22 { out.append(0x22) }
            out.append(byte)
        }
        out.append(0x22)
    }

    /// `` `name` ``, with embedded backquotes doubled.
    public static func quoted(_ identifier: String) -> String {
        "`" + String(identifier.flatMap { $0 == "`" ? ["`", "`"] : [$0] }) + "`"
    }
}
