import Foundation

/// Finds values in a JSON document by the path a decoding error names, so the error can quote what it found:
/// `pulls.json: $[3].number: number 99999999999999999999 is not an integer`. Only used once decoding has failed,
/// on a document Foundation's parser accepted; Foundation reports neither the value nor, for a number that does
/// not fit the field, even the path.
struct JSONLocator {
    /// One value of the document: its path (`$[3].user.login`) and where its text lies.
    struct Value {
        let path: String
        let range: Range<Int>
        let kind: Kind
    }

    enum Kind: String {
        case object, array, string, number, boolean, null
    }

    private let bytes: [UInt8]
    /// Every value in document order, containers before their contents.
    private(set) var values = [Value]()

    /// Nesting this deep is not walked (Foundation's parser refuses deeper documents anyway).
    private static let depthLimit = 512

    init(_ document: ArraySlice<UInt8>) {
        bytes = Array(document)
        var index = 0
        _ = walk(&index, path: "$", depth: 0)
    }

    /// The value at `path`, if the document has one.
    func value(at path: String) -> Value? {
        values.first { $0.path == path }
    }

    /// Every number whose text is not a whole number that fits in 64 bits: a fraction, an exponent or too many digits.
    var nonIntegers: [Value] {
        values.filter { $0.kind == .number && Int64(text(of: $0)) == nil }
    }

    /// The value's text as it stands in the document, shortened to 60 characters.
    func text(of value: Value) -> String {
        let text = String(decoding: bytes[value.range], as: UTF8.self)
        return text.count > 60 ? text.prefix(57) + "..." : text
    }

    /// `number 99999999999999999999`, `string "7"`, `an object`: the value as an error quotes it.
    func quote(_ value: Value) -> String {
        switch value.kind {
        case .object: "an object"
        case .array: "an array"
        case .null: "null"
        case .boolean: text(of: value)
        case .string, .number: "\(value.kind.rawValue) \(text(of: value))"
        }
    }

    /// The same document with `value`'s text replaced by `0`: decoding that tells whether `value` was the problem.
    func replacing(_ value: Value) -> [UInt8] {
        Array(bytes[..<value.range.lowerBound]) + [UInt8(ascii: "0")] + bytes[value.range.upperBound...]
    }

    /// Records the value starting at `index` (after whitespace) and returns false where the text stops making sense.
    private mutating func walk(_ index: inout Int, path: String, depth: Int) -> Bool {
        skipSpace(&index)
        guard index < bytes.count, depth < Self.depthLimit else { return false }
        let start = index
        let slot = values.count
        switch bytes[index] {
        case UInt8(ascii: "{"):
            values.append(Value(path: path, range: start..<start, kind: .object))
            index += 1
            skipSpace(&index)
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; break }
            while index < bytes.count {
                skipSpace(&index)
                let keyStart = index
                guard skipString(&index) else { return false }
                let key = Self.unescape(bytes[keyStart..<index])
                skipSpace(&index)
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                index += 1
                guard walk(&index, path: path + "." + key, depth: depth + 1) else { return false }
                skipSpace(&index)
                guard index < bytes.count else { return false }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "}") { break }
                guard bytes[index - 1] == UInt8(ascii: ",") else { return false }
            }
        case UInt8(ascii: "["):
            values.append(Value(path: path, range: start..<start, kind: .array))
            index += 1
            skipSpace(&index)
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; break }
            var element = 0
            while index < bytes.count {
                guard walk(&index, path: path + "[\(element)]", depth: depth + 1) else { return false }
                element += 1
                skipSpace(&index)
                guard index < bytes.count else { return false }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "]") { break }
                guard bytes[index - 1] == UInt8(ascii: ",") else { return false }
            }
        case UInt8(ascii: "\""):
            guard skipString(&index) else { return false }
            values.append(Value(path: path, range: start..<index, kind: .string))
            return true
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            while index < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[index]) { index += 1 }
            values.append(Value(path: path, range: start..<index, kind: bytes[start] == UInt8(ascii: "n") ? .null : .boolean))
            return true
        default:
            let numeric: Set<UInt8> = Set("0123456789+-.eE".utf8)
            while index < bytes.count, numeric.contains(bytes[index]) { index += 1 }
            guard index > start else { return false }
            values.append(Value(path: path, range: start..<index, kind: .number))
            return true
        }
        values[slot] = Value(path: path, range: start..<index, kind: values[slot].kind)
        return true
    }

    private func skipSpace(_ index: inout Int) {
        while index < bytes.count, [0x20, 0x0a, 0x0d, 0x09].contains(bytes[index]) { index += 1 }
    }

    /// Moves past a string starting at `index`; false if there is none.
    private func skipString(_ index: inout Int) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
        index += 1
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { return true }
        }
        return false
    }

    /// A key's text without its quotes; escapes other than `\"` and `\\` are kept as written (keys of the REST
    /// API have none).
    private static func unescape(_ quoted: ArraySlice<UInt8>) -> String {
        var text = String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
        if text.contains("\\") {
            text = text.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        }
        return text
    }
}
