/// Reads a migration tool's ledger table from a live PostgreSQL database.
enum PostgresLedger {
    struct Table {
        /// A file name for the bundle's copy: `<database>.csv`.
        let name: String
        /// The URL without its password.
        let source: String
        /// The rows as `COPY ... TO STDOUT (FORMAT csv, HEADER)` writes them.
        let csv: [UInt8]
    }

    static func read(kind: LedgerKind, url: String) throws -> Table {
        throw EvidenceError.invalidArgument(flag: "--ledger", value: redacted(url), reason: "reading a live database is not available yet")
    }

    /// The URL with any password replaced by `***`, safe to print and record.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
