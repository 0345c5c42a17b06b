import Foundation
import MySQLKit

/// Reads a migration tool's ledger table from a live MySQL or MariaDB server through libmariadb, written out as
/// the same CSV a PostgreSQL table gives (`PostgresLedger`), so one reader parses every source alike.
///
/// `mysql://USER:PASSWORD@HOST[:PORT]/DATABASE`, or `mariadb://...`; `#table` or `#database.table` names a
/// table other than the tool's default. Times are read in UTC (`time_zone = '+00:00'`), the session read-only.
enum MySQLLedger {
    static func read(_ live: LiveTable, url: String, companion: Bool = false) throws -> PostgresLedger.Table {
        var source = PostgresLedger.redacted(url)
        let usage = "expected mysql://USER:PASSWORD@HOST[:PORT]/DATABASE[#TABLE]"
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw EvidenceError.invalidArgument(flag: "--ledger", value: source, reason: usage)
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw EvidenceError.invalidArgument(flag: "--ledger", value: source, reason: "names no database: \(usage)")
        }
        // A companion is read only when the URL names no table (`LedgerLoader`).
        let table = components.fragment.map { $0.split(separator: ".", maxSplits: 1).map(String.init) } ?? live.mysqlName ?? live.name
        if companion { source += "#" + table.joined(separator: ".") }
        let connection = try MySQLConnection.open(host: host, port: components.port ?? 3306, user: components.user,
                                                  password: components.password, database: database, source: source)
        try connection.execute("SET SESSION time_zone = '+00:00'", purpose: "cannot prepare the session")
        try connection.execute("SET SESSION TRANSACTION READ ONLY", purpose: "cannot prepare the session")
        let name = table.map(MySQLConnection.quoted).joined(separator: ".")
        let columns = live.columns.map(MySQLConnection.quoted).joined(separator: ", ")
        let csv = try connection.csv("SELECT \(columns) FROM \(name) ORDER BY \(live.order)", table: table.joined(separator: "."))
        return PostgresLedger.Table(name: database + (companion ? "-" + table.last! : "") + ".csv", source: source, csv: csv)
    }
}
