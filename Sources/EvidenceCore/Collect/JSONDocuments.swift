import Foundation

/// Reads JSON input files the way GitHub exports arrive: one document, several documents back to back (what
/// `gh api --paginate` writes, one per page), or one array of pages (what `--slurp` writes).
enum JSONDocuments {
    /// Decodes a list endpoint's file into its items, whichever of the three shapes it has.
    static func list<Item: Decodable>(_ item: Item.Type, bytes: [UInt8], file: String) throws(EvidenceError) -> [Item] {
        let documents = try split(bytes, file: file)
        var items = [Item]()
        for (page, document) in documents.enumerated() {
            let label = documents.count > 1 ? "page \(page + 1), " : ""
            if isArrayOfArrays(document) {
                try items += decode([[Item]].self, document, file: file, label: label).flatMap { $0 }
            } else {
                try items += decode([Item].self, document, file: file, label: label)
            }
        }
        return items
    }

    /// Decodes an object endpoint's file into its pages (`--paginate` repeats the object, `--slurp` wraps them in an array).
    static func pages<Page: Decodable>(_ page: Page.Type, bytes: [UInt8], file: String) throws(EvidenceError) -> [Page] {
        let documents = try split(bytes, file: file)
        var pages = [Page]()
        for (index, document) in documents.enumerated() {
            let label = documents.count > 1 ? "page \(index + 1), " : ""
            if document.first == UInt8(ascii: "[") {
                try pages += decode([Page].self, document, file: file, label: label)
            } else {
                try pages.append(decode(Page.self, document, file: file, label: label))
            }
        }
        return pages
    }

    /// Splits back-to-back JSON values. Only tracks nesting and strings; the decoder checks everything else.
    static func split(_ bytes: [UInt8], file: String) throws(EvidenceError) -> [ArraySlice<UInt8>] {
        var documents = [ArraySlice<UInt8>]()
        // A UTF-8 byte order mark (as some Windows tools write) is not part of the JSON.
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var start = index
        var depth = 0
        var inString = false
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    break
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    if depth == 0 { start = index }
                    depth += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth -= 1
                    if depth < 0 { throw EvidenceError.malformed(file: file, location: "", reason: "invalid JSON: unbalanced '\(Character(UnicodeScalar(byte)))' at byte \(index)") }
                    if depth == 0 { documents.append(bytes[start...index]) }
                case UInt8(ascii: "\""):
                    inString = true
                    if depth == 0 { throw EvidenceError.malformed(file: file, location: "", reason: "invalid JSON: expected an array or object at byte \(index)") }
                default:
                    if depth == 0 { throw EvidenceError.malformed(file: file, location: "", reason: "invalid JSON: expected an array or object at byte \(index)") }
                }
            }
            index += 1
        }
        if depth != 0 || inString { throw EvidenceError.malformed(file: file, location: "", reason: "invalid JSON: the file ends inside a value (truncated?)") }
        if documents.isEmpty { throw EvidenceError.malformed(file: file, location: "", reason: "invalid JSON: the file is empty") }
        return documents
    }

    /// True for `[[...` : the `--slurp` shape of a list endpoint.
    private static func isArrayOfArrays(_ document: ArraySlice<UInt8>) -> Bool {
        guard document.first == UInt8(ascii: "[") else { return false }
        let inner = document.dropFirst().first { ![UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains($0) }
        return inner == UInt8(ascii: "[")
    }

    /// Decodes one document; a failure names the path and quotes the value found there.
    static func decode<Value: Decodable>(_ type: Value.Type, _ document: ArraySlice<UInt8>, file: String, label: String) throws(EvidenceError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(document))
        } catch let error as DecodingError {
            let (path, reason) = explain(error, decoding: type, document)
            let location = path.isEmpty ? String(label.dropLast(2)) : label + path
            throw EvidenceError.malformed(file: file, location: location, reason: reason)
        } catch {
            throw EvidenceError.malformed(file: file, location: String(label.dropLast(2)), reason: "invalid JSON")
        }
    }

    /// A JSON path (`$[3].user.login`) and a short reason for a decoding failure, quoting the value at the path.
    static func explain<Value: Decodable>(_ error: DecodingError, decoding type: Value.Type, _ document: ArraySlice<UInt8>) -> (path: String, reason: String) {
        let (path, reason) = describe(error)
        switch error {
        case .typeMismatch(let expected, _):
            let locator = JSONLocator(document)
            guard let found = locator.value(at: path) else { return (path, reason) }
            return (path, "\(locator.quote(found)) is not \(describe(expected))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            // Foundation calls a number that does not fit its field (1.5 or 10^20 for an Int) "not valid JSON", with
            // no path. The number whose replacement by 0 changes the outcome is the one.
            let locator = JSONLocator(document)
            for candidate in locator.nonIntegers.prefix(50) {
                do {
                    _ = try JSONDecoder().decode(type, from: Data(locator.replacing(candidate)))
                } catch DecodingError.dataCorrupted(let again) where again.codingPath.isEmpty {
                    continue
                } catch {}
                return (candidate.path, "\(locator.quote(candidate)) is not an integer")
            }
            return (path, reason)
        default:
            return (path, reason)
        }
    }

    /// A JSON path and a short reason for a decoding failure, from the error alone.
    static func describe(_ error: DecodingError) -> (path: String, reason: String) {
        func render(_ path: [CodingKey]) -> String {
            "$" + path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(let type, let context):
            return (render(context.codingPath), "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return (render(context.codingPath), "is null or missing, expected \(describe(type))")
        case .keyNotFound(let key, let context):
            return (render(context.codingPath + [key]), "missing")
        case .dataCorrupted(let context):
            // With no path this is a syntax error; Foundation gives no position for it.
            return context.codingPath.isEmpty ? ("", "invalid JSON") : (render(context.codingPath), context.debugDescription)
        @unknown default:
            return ("$", "invalid")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
