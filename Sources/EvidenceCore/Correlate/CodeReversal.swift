/// Whether a migration written as code can be undone by its tool (SPEC §12), read from its source: Rails' `def
/// down` or a `change` of only reversible operations, Django operations that all have a reverse, Alembic's
/// `downgrade()` doing something. A reading of the text, not of a parsed program: it says what it saw.
public struct CodeReversal: Codable, Sendable, Hashable {
    public let reversible: Bool
    /// What decided it: `def down`, `RunPython without reverse_code`, `downgrade() does nothing`.
    public let reason: String

    public init(reversible: Bool, reason: String) {
        self.reversible = reversible
        self.reason = reason
    }

    /// The flavours whose migrations are judged by their code.
    public static let flavours: Set<MigrationFlavour> = [.rails, .django, .alembic]

    /// The verdict for a migration of `flavour` with source `text`; nil for a flavour not judged by its code.
    public static func judge(_ flavour: MigrationFlavour, path: String, text: String) -> CodeReversal? {
        switch flavour {
        case .rails where path.hasSuffix(".rb"): rails(text)
        case .django where path.hasSuffix(".py"): django(text)
        case .alembic where path.hasSuffix(".py"): alembic(text)
        default: nil
        }
    }

    /// Lines without their `#` comments (a `#` inside a string is cut too: the reading errs toward seeing less).
    static func codeLines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.firstIndex(of: "#").map { line[..<$0] } ?? line
        }
    }

    // MARK: Rails

    /// Operations a `change` cannot reverse (Rails raises `IrreversibleMigration` on rollback).
    static func rails(_ text: String) -> CodeReversal? {
        let lines = codeLines(text)
        func has(_ pattern: Regex<Substring>) -> Bool { lines.contains { $0.contains(pattern) } }
        if has(#/\braise\s+ActiveRecord::IrreversibleMigration\b/#) {
            return CodeReversal(reversible: false, reason: "raises ActiveRecord::IrreversibleMigration")
        }
        if has(#/^\s*def\s+down\b/#) { return CodeReversal(reversible: true, reason: "def down") }
        guard has(#/^\s*def\s+change\b/#) else {
            return has(#/^\s*def\s+up\b/#) ? CodeReversal(reversible: false, reason: "def up without def down") : nil
        }
        // Inside `reversible do |dir|` the migration says both ways itself.
        let reversibleBlock = has(#/\breversible\s+do\b/#)
        var problems = [String]()
        for line in lines {
            let code = line.trimmingCharacters(in: .whitespaces)
            if !reversibleBlock, code.contains(#/^execute[\s(]/#) { problems.append("execute") }
            if let call = code.firstMatch(of: #/^remove_column[\s(]+(.*)$/#), arguments(call.1).count < 3 { problems.append("remove_column without a type") }
            if let call = code.firstMatch(of: #/^remove_columns[\s(]+(.*)$/#), !call.1.contains("type:") { problems.append("remove_columns without a type") }
            if code.contains(#/^change_column[\s(]/#) { problems.append("change_column") }
            if let call = code.firstMatch(of: #/^change_column_default[\s(]+(.*)$/#), !call.1.contains("from:") {
                problems.append("change_column_default without from:")
            }
            if let call = code.firstMatch(of: #/^drop_table[\s(]+(.*)$/#), !call.1.contains(#/\bdo\b|\{/#), arguments(call.1).count < 2 {
                problems.append("drop_table without its columns")
            }
        }
        guard problems.isEmpty else {
            return CodeReversal(reversible: false, reason: "change uses " + distinct(problems).joined(separator: ", ") + ", which Rails cannot reverse")
        }
        return CodeReversal(reversible: true, reason: "change uses only reversible operations")
    }

    /// `items` in order, each once.
    static func distinct(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// The top-level comma-separated arguments of a call's text (parentheses, brackets and quotes respected).
    static func arguments(_ text: some StringProtocol) -> [String] {
        var parts = [String]()
        var current = ""
        var depth = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'": quote = character; current.append(character)
            case "(", "[", "{": depth += 1; current.append(character)
            case ")", "]", "}":
                if depth == 0 { parts.append(current); return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
                depth -= 1
                current.append(character)
            case "," where depth == 0: parts.append(current); current = ""
            default: current.append(character)
            }
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    // MARK: Django

    /// Django reverses its schema operations itself; `RunPython` and `RunSQL` only with the reverse they are given.
    static func django(_ text: String) -> CodeReversal {
        let code = codeLines(text).joined(separator: "\n")
        var problems = [String]()
        for (operation, reverse) in [("RunPython", "reverse_code"), ("RunSQL", "reverse_sql")] {
            var rest = code[...]
            while let call = rest.firstRange(of: operation + "(") {
                let arguments = Self.arguments(rest[call.upperBound...])
                let keyword = arguments.first { $0.hasPrefix(reverse) }
                let given = keyword.map { !$0.contains(#/=\s*None$/#) } ?? (arguments.filter { !$0.contains("=") }.count >= 2)
                if !given { problems.append("\(operation) without \(reverse)") }
                rest = rest[call.upperBound...]
            }
        }
        guard problems.isEmpty else { return CodeReversal(reversible: false, reason: distinct(problems).joined(separator: ", ")) }
        return CodeReversal(reversible: true, reason: "every operation has a reverse")
    }

    // MARK: Alembic

    /// `downgrade()` with a body that does something: not only `pass`, a docstring or comments.
    static func alembic(_ text: String) -> CodeReversal {
        let lines = codeLines(text)
        guard let start = lines.firstIndex(where: { $0.contains(#/^def\s+downgrade\s*\(/#) }) else {
            return CodeReversal(reversible: false, reason: "no downgrade()")
        }
        var body = [String]()
        var docstring: String?
        for line in lines[(start + 1)...] {
            if let first = line.first, !first.isWhitespace { break }
            let code = line.trimmingCharacters(in: .whitespaces)
            if let marker = docstring {
                if code.contains(marker) { docstring = nil }
                continue
            }
            if let marker = ["\"\"\"", "'''"].first(where: { code.hasPrefix($0) }) {
                if !code.dropFirst(3).contains(marker) { docstring = marker }
                continue
            }
            if code.isEmpty || code == "pass" || code == "..." { continue }
            body.append(code)
        }
        if body.contains(where: { $0.contains("NotImplementedError") }) {
            return CodeReversal(reversible: false, reason: "downgrade() raises NotImplementedError")
        }
        return body.isEmpty ? CodeReversal(reversible: false, reason: "downgrade() does nothing")
            : CodeReversal(reversible: true, reason: "downgrade() undoes it")
    }
}
