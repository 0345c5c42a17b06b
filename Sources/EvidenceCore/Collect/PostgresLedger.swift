import CLibpq

/// Reads a migration tool's ledger table from a live PostgreSQL database through libpq, as the CSV that
/// `COPY (...) TO STDOUT (FORMAT csv, HEADER)` writes — the same bytes `psql`'s `\copy ... csv header` export
/// gives — so the bundle carries exactly the rows read and one reader parses files and databases alike.
///
/// The URL may end in `#schema.table` to name a table other than the tool's default (Drizzle's
/// `migrationsSchema`/`migrationsTable`, Flyway's `table`); the fragment is ours and never sent to libpq.
enum PostgresLedger {
    struct Table {
        /// A file name for the bundle's copy: `<database>.csv`.
        let name: String
        /// The URL without its password.
        let source: String
        /// The rows as CSV with a header.
        let csv: [UInt8]
    }

    /// Each kind's default table and its columns, in the order the tool creates them, and the ordering key.
    static func query(for kind: LedgerKind, table override: String?) -> (table: [String], columns: [String], order: String) {
        let parts = override.map { $0.split(separator: ".", maxSplits: 1).map(String.init) }
        switch kind {
        case .drizzle:
            return (parts ?? ["drizzle", "__drizzle_migrations"], ["id", "hash", "created_at"], "id")
        case .prisma:
            return (parts ?? ["_prisma_migrations"], ["id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at",
                                                       "applied_steps_count"], "started_at, id")
        case .flyway, .events:
            return (parts ?? ["flyway_schema_history"], ["installed_rank", "version", "description", "type", "script", "checksum", "installed_by",
                                                          "installed_on", "execution_time", "success"], "installed_rank")
        }
    }

    static func read(kind: LedgerKind, url: String) throws -> Table {
        let source = redacted(url)
        var connectionURL = url
        var tableOverride: String?
        if let hash = url.firstIndex(of: "#") {
            connectionURL = String(url[..<hash])
            tableOverride = String(url[url.index(after: hash)...])
        }
        let connection = try Connection.open(url: connectionURL, source: source)
        // Times in UTC and ISO form, so timestamptz columns read the same wherever the server is; read-only, as evidence.
        try connection.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET default_transaction_read_only = on")
        let (table, columns, order) = query(for: kind, table: tableOverride)
        let name = table.map(Connection.quoted).joined(separator: ".")
        let csv = try connection.copyOut("COPY (SELECT \(columns.map(Connection.quoted).joined(separator: ", ")) FROM \(name) ORDER BY \(order)) "
                                         + "TO STDOUT WITH (FORMAT csv, HEADER)", table: table.joined(separator: "."))
        return Table(name: connection.database + ".csv", source: source, csv: csv)
    }

    /// The URL with any password replaced by `***`, safe to print and record.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }

    /// Owns one `PGconn *`, closed when this value's lifetime ends.
    struct Connection: ~Copyable {
        private let pointer: OpaquePointer
        /// The URL without its password, for errors.
        let source: String

        /// Adopts a connection; it is closed when this value's lifetime ends.
        init(adopting pointer: OpaquePointer, source: String) {
            self.pointer = pointer
            self.source = source
        }

        /// Connects, or throws libpq's reason (the URL in it has no password).
        static func open(url: String, source: String) throws -> Connection {
            guard let pointer = PQconnectdb(url) else {
                throw EvidenceError.unreadable(file: source, reason: "cannot allocate a connection")
            }
            let connection = Connection(adopting: pointer, source: source)
            guard PQstatus(pointer) == CONNECTION_OK else { throw connection.failure("cannot connect") }
            return connection
        }

        deinit { PQfinish(pointer) }

        var database: String { PQdb(pointer).map { String(cString: $0) } ?? "database" }

        /// libpq's message for the last failure, first line only (the rest is hints and context).
        func failure(_ doing: String) -> EvidenceError {
            let message = PQerrorMessage(pointer).map { String(cString: $0) } ?? ""
            let line = message.split(separator: "\n").first.map(String.init) ?? "unknown error"
            return EvidenceError.unreadable(file: source, reason: "\(doing): \(line)")
        }

        func execute(_ sql: String) throws {
            let result = PQexec(pointer, sql)
            defer { PQclear(result) }
            guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure("cannot prepare the session") }
        }

        /// Runs a `COPY ... TO STDOUT` and returns everything it wrote.
        func copyOut(_ sql: String, table: String) throws -> [UInt8] {
            let started = PQexec(pointer, sql)
            let status = PQresultStatus(started)
            PQclear(started)
            guard status == PGRES_COPY_OUT else { throw failure("cannot read table \(table)") }
            var bytes = [UInt8]()
            while true {
                var buffer: UnsafeMutablePointer<CChar>?
                let count = PQgetCopyData(pointer, &buffer, 0)
                if count > 0, let buffer {
                    buffer.withMemoryRebound(to: UInt8.self, capacity: Int(count)) { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(count))) }
                    PQfreemem(buffer)
                } else if count == -1 {
                    break
                } else {
                    throw failure("reading table \(table) failed")
                }
            }
            // The copy's own result says whether it completed; drain every result so the connection is clean.
            var completed = true
            while let result = PQgetResult(pointer) {
                if PQresultStatus(result) != PGRES_COMMAND_OK { completed = false }
                PQclear(result)
            }
            guard completed else { throw failure("reading table \(table) failed") }
            return bytes
        }

        /// `"name"`, with embedded quotes doubled.
        static func quoted(_ identifier: String) -> String {
            "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
