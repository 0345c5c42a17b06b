import Yams

/// Settings, keyring periods and the control catalogue never need YAML anchors or aliases, and an alias can make a
/// small file cost exponential time: Yams checks mapping keys for duplicates by hashing them, and an alias used as
/// a key is hashed as the whole tree it names (`[*h: 1]`, with `*h` nine to the eighth nodes, took 19 s; found by
/// `make fuzz`). So an alias is refused before the text is composed.
enum YAMLAliases {
    /// The 1-based line of the first alias (`*name` where a value or key begins), outside quotes and comments.
    static func firstAlias(in text: String) -> Int? {
        var line = 1
        var quote: UInt8?
        var previous: UInt8 = 0x0A
        var comment = false
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            defer { previous = byte }
            if byte == 0x0A {
                line += 1
                comment = false
                continue
            }
            if comment { continue }
            if let open = quote {
                if byte == open && !(open == UInt8(ascii: "\"") && previous == UInt8(ascii: "\\")) { quote = nil }
                continue
            }
            let atTokenStart = [0x0A, 0x20, 0x09, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")].contains(previous)
            switch byte {
            case UInt8(ascii: "#") where previous == 0x0A || previous == 0x20 || previous == 0x09:
                comment = true
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if atTokenStart || previous == UInt8(ascii: ":") { quote = byte }
            case UInt8(ascii: "*") where atTokenStart:
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0x20
                if ![0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")].contains(next) { return line }
            default:
                break
            }
        }
        return nil
    }
}

extension YAMLAliases {
    /// The top-level mapping of a YAML file read as a node tree with no alias accepted (so an alias bomb costs
    /// nothing): one-line errors name the file, the line of an alias, and what the mapping should hold (`expected`).
    static func topMapping(_ text: String, file: String, expected: String, aliasesIn place: String) throws -> Node.Mapping {
        if let line = firstAlias(in: text) {
            throw EvidenceError.malformed(file: file, location: "line \(line)", reason: "YAML aliases (*name) are not accepted \(place)")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw EvidenceError.malformed(file: file, location: "", reason: "invalid YAML")
        }
        guard let mapping = root?.mapping else { throw EvidenceError.malformed(file: file, location: "", reason: expected) }
        return mapping
    }
}
