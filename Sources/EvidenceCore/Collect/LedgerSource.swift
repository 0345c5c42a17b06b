import Foundation

/// One `--ledger` argument: `KIND:PATH`, `KIND:postgresql://...`, `KIND:mysql://...`, or a bare path whose kind is detected.
public struct LedgerSource: Sendable, Hashable {
    public let kind: LedgerKind?
    /// A file path, or a PostgreSQL or MySQL/MariaDB connection URL.
    public let location: String

    public init(kind: LedgerKind?, location: String) {
        self.kind = kind
        self.location = location
    }

    public init(argument: String) throws(EvidenceError) {
        if let colon = argument.firstIndex(of: ":"), let format = LedgerFormats.named(String(argument[..<colon])) {
            self.init(kind: format.kind, location: String(argument[argument.index(after: colon)...]))
        } else {
            self.init(kind: nil, location: argument)
            // `word:` before a path that is not there (and not a bare URL's scheme) is a kind mistyped or not yet
            // supported, not a file name.
            if let colon = argument.firstIndex(of: ":"), Self.looksLikeKind(argument[..<colon]), !argument[colon...].hasPrefix("://"),
               !FileManager.default.fileExists(atPath: argument) {
                throw EvidenceError.invalidArgument(flag: "--ledger", value: PostgresLedger.redacted(argument), reason:
                    "unknown ledger kind \(argument[..<colon]) (known: \(LedgerFormats.all.map { $0.kind.rawValue }.sorted().joined(separator: ", ")))")
            }
        }
        if location.isEmpty { throw EvidenceError.invalidArgument(flag: "--ledger", value: argument, reason: "no file or URL after the kind") }
        if isDatabase {
            guard let kind else {
                throw EvidenceError.invalidArgument(flag: "--ledger", value: PostgresLedger.redacted(location),
                                                    reason: "give the table's kind: \(LedgerFormats.spelled(LedgerFormats.liveKinds)) before the URL")
            }
            guard kind.format.liveTable != nil else {
                throw EvidenceError.invalidArgument(flag: "--ledger", value: PostgresLedger.redacted(location), reason: "an event log is a file, not a table")
            }
        }
    }

    /// The drift runs `--drift PATH` names: the file, or every `.json` file under the folder, in path order.
    public static func driftRuns(at path: String) throws(EvidenceError) -> [LedgerSource] {
        try files(at: path, kind: .drift, flag: "--drift", suffixes: [".json"])
    }

    /// The CloudTrail files `--cloudtrail PATH` names: the file, or every `.json` and `.json.gz` under the folder as
    /// S3 delivers them; the digest files (`_CloudTrail-Digest_` in the name) are read as such.
    public static func cloudTrailLogs(at path: String) throws(EvidenceError) -> [LedgerSource] {
        try files(at: path, kind: .cloudtrail, flag: "--cloudtrail", suffixes: [".json", ".json.gz"]).map { source in
            source.location.contains("_CloudTrail-Digest_") ? LedgerSource(kind: .cloudtrailDigest, location: source.location) : source
        }
    }

    /// The key list `--cloudtrail-keys FILE` names.
    public static func cloudTrailKeys(at path: String) throws(EvidenceError) -> LedgerSource {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EvidenceError.invalidArgument(flag: "--cloudtrail-keys", value: path, reason: "no such file")
        }
        return LedgerSource(kind: .cloudtrailKeys, location: path)
    }

    static func files(at path: String, kind: LedgerKind, flag: String, suffixes: [String],
                      keep: (String) -> Bool = { _ in true }) throws(EvidenceError) -> [LedgerSource] {
        var folder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &folder) else {
            throw EvidenceError.invalidArgument(flag: flag, value: path, reason: "no such file or folder")
        }
        guard folder.boolValue else { return [LedgerSource(kind: kind, location: path)] }
        let files = (FileManager.default.subpaths(atPath: path) ?? []).filter { name in suffixes.contains { name.hasSuffix($0) } && keep(name) }.sorted()
        guard !files.isEmpty else {
            throw EvidenceError.invalidArgument(flag: flag, value: path, reason: "the folder holds no " + suffixes.joined(separator: " or ") + " file")
        }
        return files.map { LedgerSource(kind: kind, location: (path as NSString).appendingPathComponent($0)) }
    }

    /// A lowercase word such as a kind's name (`django`, `golang-migrate`), which a folder or file name rarely is.
    static func looksLikeKind(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// A live database rather than a file.
    public var isDatabase: Bool { isPostgres || isMySQL }

    var isPostgres: Bool { location.hasPrefix("postgresql://") || location.hasPrefix("postgres://") }
    var isMySQL: Bool { location.hasPrefix("mysql://") || location.hasPrefix("mariadb://") }
}

/// Reads the ledgers an export is given and names each one's copy in the bundle: `inputs/ledgers/<kind>/<file>`.
public enum LedgerLoader {
    /// The bundle folder ledgers are copied to.
    public static let folder = BundleLayout.ledgerInputs

    public static func load(_ sources: [LedgerSource]) throws -> [Ledger] {
        var taken = Set<String>()
        var ledgers = [Ledger]()
        for source in sources {
            if source.isDatabase {
                // The rows are read as CSV first; the kind is known, so the name only needs the database. A kind
                // kept in two tables (sqitch's changes and events) gives a ledger of each, unless the URL names one.
                let format = source.kind!.format
                let companions = source.location.contains("#") ? [] : format.liveCompanions
                let tables = [(format.liveTable!, false)] + companions.map { ($0, true) }
                for (live, companion) in tables {
                    let table = source.isMySQL ? try MySQLLedger.read(live, url: source.location, companion: companion)
                        : try PostgresLedger.read(live, url: source.location, companion: companion)
                    ledgers.append(try LedgerReader.read(table.csv, file: table.source, kind: source.kind, source: table.source) { kind in
                        uniquePath(kind: kind, name: table.name, taken: &taken)
                    })
                }
            } else {
                // A drift run is named with its workspace, which only its folder tells.
                let name = source.kind == .drift ? DriftLedger.bundleName(forFileAt: source.location)
                    : URL(fileURLWithPath: source.location).lastPathComponent
                ledgers.append(try LedgerReader.read(fileAt: source.location, kind: source.kind,
                                                     source: source.location) { kind in uniquePath(kind: kind, name: name, taken: &taken) })
            }
        }
        return ledgers
    }

    /// The ledgers a bundle carries, each read as the kind its folder names.
    public static func loadBundled(bundle: String) throws -> [Ledger] {
        var ledgers = [Ledger]()
        for kind in LedgerFormats.all.map({ $0.kind }) {
            let folder = bundle + "/" + folder + "/" + kind.rawValue
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() {
                let file = folder + "/" + name
                ledgers.append(try LedgerReader.read(fileAt: file, kind: kind, source: file) { _ in
                    Self.folder + "/" + kind.rawValue + "/" + name
                })
            }
        }
        return ledgers
    }

    /// `inputs/ledgers/<kind>/<name>`, with `-2`, `-3`, ... before the extension when two ledgers share a name.
    static func uniquePath(kind: LedgerKind, name: String, taken: inout Set<String>) -> String {
        let base = folder + "/" + kind.rawValue + "/"
        var candidate = base + name
        var number = 2
        while taken.contains(candidate) {
            let url = URL(fileURLWithPath: name)
            let ext = url.pathExtension
            let stem = ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
            candidate = base + stem + "-\(number)" + (ext.isEmpty ? "" : "." + ext)
            number += 1
        }
        taken.insert(candidate)
        return candidate
    }
}
