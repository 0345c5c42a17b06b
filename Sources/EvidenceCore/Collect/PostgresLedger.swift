import PostgresKit

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

    /// Reads `live` (or the table the URL's fragment names); a companion table (sqitch's events beside its
    /// changes, read only when the URL names no table) is named `<database>-<table>.csv`, `URL#schema.table`.
    static func read(_ live: LiveTable, url: String, companion: Bool = false) throws -> Table {
        var connectionURL = url
        var fragment = ""
        var table = live.name
        if let hash = url.firstIndex(of: "#") {
            connectionURL = String(url[..<hash])
            fragment = String(url[hash...])
            table = url[url.index(after: hash)...].split(separator: ".", maxSplits: 1).map(String.init)
        }
        // The fragment is ours, kept apart from the password taken out of the URL libpq sees.
        let source = redacted(connectionURL) + fragment + (companion ? "#" + table.joined(separator: ".") : "")
        let connection = try PostgresConnection.open(url: connectionURL, source: source)
        // Times in UTC and ISO form, so timestamptz columns read the same wherever the server is; read-only, as evidence.
        try connection.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET default_transaction_read_only = on",
                               purpose: "cannot prepare the session")
        let name = table.map(PostgresConnection.quoted).joined(separator: ".")
        let columns = live.columns.map(PostgresConnection.quoted).joined(separator: ", ")
        let csv = try connection.copyOut("COPY (SELECT \(columns) FROM \(name) ORDER BY \(live.order)) TO STDOUT WITH (FORMAT csv, HEADER)",
                                         table: table.joined(separator: "."))
        return Table(name: connection.database + (companion ? "-" + table.last! : "") + ".csv", source: source, csv: csv)
    }

    /// The URL with any password replaced by `***`, safe to print and record.
    static func redacted(_ url: String) -> String {
        var text = url
        // libpq also takes the password as a parameter: `?password=...` or `&password=...`.
        if let query = text.firstIndex(of: "?") {
            let parameters = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { parameter in
                parameter.lowercased().hasPrefix("password=") ? "password=***" : String(parameter)
            }
            text = String(text[...query]) + parameters.joined(separator: "&")
        }
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
