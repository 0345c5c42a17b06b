import Foundation

/// Just enough of HashiCorp's configuration language to read a Terraform module's settings: bodies of attributes
/// and blocks, string literals, objects and everything else kept as an opaque expression. Comments (`#`, `//`,
/// `/* */`), templates with nested quotes (`"${x == "a" ? 1 : 2}"`) and heredocs are skipped correctly, which is
/// what matters for finding `terraform {}` and `provider` blocks in real files.
public struct HCLDocument: Sendable {
    /// An attribute's value as far as we read it.
    public indirect enum Value: Sendable, Hashable {
        /// A string literal without interpolation.
        case string(String)
        /// `{ key = value, ... }`, keys in file order.
        case object([(key: String, value: Value)])
        /// Any other expression (a number, a reference, a template, a function call, a list).
        case expression

        public static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case (.string(let a), .string(let b)): a == b
            case (.expression, .expression): true
            case (.object(let a), .object(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
            default: false
            }
        }

        public func hash(into hasher: inout Hasher) {
            switch self {
            case .string(let text): hasher.combine(text)
            case .object(let items): for item in items { hasher.combine(item.key); hasher.combine(item.value) }
            case .expression: hasher.combine(0)
            }
        }

        /// The value of `key` in an object.
        public subscript(_ key: String) -> Value? {
            guard case .object(let items) = self else { return nil }
            return items.first { $0.key == key }?.value
        }
    }

    /// `type "label" "label" { body }`.
    public struct Block: Sendable, Hashable {
        public let type: String
        public let labels: [String]
        public let body: Body
    }

    /// Attributes and blocks in file order.
    public struct Body: Sendable, Hashable {
        public var attributes: [String: Value] = [:]
        public var blocks: [Block] = []

        public func blocks(_ type: String) -> [Block] { blocks.filter { $0.type == type } }
    }

    public let body: Body

    /// Parses `text`; a construct it cannot read ends the parse with what was read so far, and `error` says where.
    public init(_ text: String) {
        var parser = Parser(Array(text.utf8))
        body = parser.body(closing: nil)
        error = parser.error
    }

    /// Where reading stopped early, if it did (the line), for the finding's detail.
    public let error: String?

    private struct Parser {
        /// How deep blocks, objects and brackets may nest: real configurations stay far below it, and a hostile file
        /// 100,000 levels deep ends the parse with an error instead of overflowing the stack.
        static let maxDepth = 128

        let bytes: [UInt8]
        var index = 0
        var error: String?
        var depth = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var line: Int { bytes[..<min(index, bytes.count)].count { $0 == 0x0A } + 1 }
        var atEnd: Bool { index >= bytes.count }
        var current: UInt8 { bytes[index] }

        mutating func fail(_ message: String) {
            if error == nil { error = "line \(line): \(message)" }
            index = bytes.count
        }

        /// Skips spaces and comments; newlines too when `newlines` is true.
        mutating func skipTrivia(newlines: Bool = true) {
            while !atEnd {
                let byte = current
                if byte == 0x20 || byte == 0x09 || byte == 0x0D || (newlines && byte == 0x0A) {
                    index += 1
                } else if byte == UInt8(ascii: "#") || (byte == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "/")) {
                    while !atEnd && current != 0x0A { index += 1 }
                } else if byte == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
                    index += 2
                    while !atEnd && !(current == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) { index += 1 }
                    index = min(index + 2, bytes.count)
                } else {
                    return
                }
            }
        }

        func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

        static func isIdentifier(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte >= 0x80
        }

        mutating func identifier() -> String? {
            let start = index
            while !atEnd && Self.isIdentifier(current) { index += 1 }
            return start == index ? nil : String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// A body up to `closing` (or the end of the file).
        mutating func body(closing: UInt8?) -> Body {
            var body = Body()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { fail("nested deeper than \(Self.maxDepth) levels"); return body }
            while true {
                skipTrivia()
                if atEnd {
                    if closing != nil { fail("missing closing brace") }
                    return body
                }
                if let closing, current == closing { index += 1; return body }
                guard let name = identifier() else { fail("expected an attribute or a block"); return body }
                skipTrivia(newlines: false)
                if !atEnd && (current == UInt8(ascii: "=") && peek(1) != UInt8(ascii: "=")) {
                    index += 1
                    body.attributes[name] = value()
                    continue
                }
                var labels = [String]()
                while !atEnd && current != UInt8(ascii: "{") {
                    if current == UInt8(ascii: "\"") {
                        guard case .string(let label) = string() else { fail("a block label must be a plain string"); return body }
                        labels.append(label)
                    } else if let label = identifier() {
                        labels.append(label)
                    } else {
                        fail("unexpected character in block header"); return body
                    }
                    skipTrivia(newlines: false)
                }
                guard !atEnd else { fail("block \(name) has no body"); return body }
                index += 1
                body.blocks.append(Block(type: name, labels: labels, body: self.body(closing: UInt8(ascii: "}"))))
            }
        }

        /// An expression: a lone string literal or object is read; anything else (for expressions, splats,
        /// conditionals, calls, heredocs, templates) is skipped structurally to the end of the line or the closing
        /// bracket it opened.
        mutating func value() -> Value {
            skipTrivia(newlines: false)
            guard !atEnd else { return .expression }
            var result = Value.expression
            if current == UInt8(ascii: "\"") {
                result = string()
            } else if current == UInt8(ascii: "{") {
                index += 1
                if startsForExpression() {
                    skipBalanced(closing: UInt8(ascii: "}"))  // `{ for k, v in var.tags : k => v if v != "" }`
                } else {
                    result = object()
                }
            }
            // Whatever follows on the line (an operator, a call on the literal) makes it an expression.
            skipTrivia(newlines: false)
            if !atEnd && current != 0x0A && current != UInt8(ascii: ",") && current != UInt8(ascii: "}") {
                result = .expression
                skipExpression()
            }
            return result
        }

        /// True when the text after an opening bracket begins a `for` expression rather than an object.
        func startsForExpression() -> Bool {
            var probe = self
            probe.skipTrivia()
            return probe.identifier() == "for" && !probe.atEnd && [0x20, 0x09, 0x0A, 0x0D].contains(probe.current)
        }

        /// `{ key = value, "key": value }` after the opening brace.
        mutating func object() -> Value {
            var items = [(key: String, value: Value)]()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { fail("nested deeper than \(Self.maxDepth) levels"); return .object(items) }
            while true {
                skipTrivia()
                if atEnd { fail("missing closing brace of an object"); return .object(items) }
                if current == UInt8(ascii: "}") { index += 1; return .object(items) }
                if current == UInt8(ascii: ",") { index += 1; continue }
                let key: String
                if current == UInt8(ascii: "\"") {
                    // A template key (`"${var.env}-x"`) is an expression; it is kept under a name no literal has.
                    if case .string(let text) = string() { key = text } else { key = "(expression)" }
                } else if current == UInt8(ascii: "(") {
                    index += 1  // `(var.subnet) = [...]`: a key computed by an expression
                    skipBalanced(closing: UInt8(ascii: ")"))
                    key = "(expression)"
                } else if let name = identifier() {
                    key = name
                } else {
                    fail("expected an object key"); return .object(items)
                }
                skipTrivia(newlines: false)
                guard !atEnd, current == UInt8(ascii: "=") || current == UInt8(ascii: ":") else { fail("expected = after \(key)"); return .object(items) }
                index += 1
                items.append((key, value()))
            }
        }

        /// A quoted string from its opening quote; `.expression` when it holds an interpolation.
        mutating func string() -> Value {
            index += 1
            var text = [UInt8]()
            var template = false
            while !atEnd {
                let byte = current
                if byte == UInt8(ascii: "\"") { index += 1; return template ? .expression : .string(String(decoding: text, as: UTF8.self)) }
                if byte == UInt8(ascii: "\\"), let next = peek(1) {
                    switch next {
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "t"): text.append(0x09)
                    default: text.append(next)
                    }
                    index += 2
                    continue
                }
                if (byte == UInt8(ascii: "$") || byte == UInt8(ascii: "%")) && peek(1) == UInt8(ascii: "{") {
                    template = true
                    index += 2
                    skipBalanced(closing: UInt8(ascii: "}"))
                    continue
                }
                if byte == 0x0A { fail("unterminated string"); return .expression }
                text.append(byte)
                index += 1
            }
            fail("unterminated string")
            return .expression
        }

        /// Skips to the end of the expression: the end of the line outside brackets, or a `,` `}` `)` `]` that
        /// closes the enclosing construct.
        mutating func skipExpression() { skip(to: nil) }

        /// Skips to the bracket closing one already opened.
        mutating func skipBalanced(closing: UInt8) { skip(to: closing) }

        /// Skips tokens, minding strings (with templates), comments, heredocs and nested brackets: to `closing`
        /// when given (newlines are then insignificant), else to the end of the expression.
        private mutating func skip(to closing: UInt8?) {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { fail("nested deeper than \(Self.maxDepth) levels"); return }
            while true {
                skipTrivia(newlines: closing != nil)
                guard !atEnd else {
                    if let closing { fail("missing \(Character(Unicode.Scalar(closing)))") }
                    return
                }
                if let closing, current == closing { index += 1; return }
                if closing == nil, [0x0A, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: ")"), UInt8(ascii: "]")].contains(current) { return }
                switch current {
                case UInt8(ascii: "\""): _ = string()
                case UInt8(ascii: "{"): index += 1; skip(to: UInt8(ascii: "}"))
                case UInt8(ascii: "["): index += 1; skip(to: UInt8(ascii: "]"))
                case UInt8(ascii: "("): index += 1; skip(to: UInt8(ascii: ")"))
                case UInt8(ascii: "<") where peek(1) == UInt8(ascii: "<"): heredoc()
                default: index += 1
                }
            }
        }

        /// `<<EOT` or `<<-EOT` up to the line holding only the marker.
        mutating func heredoc() {
            index += 2
            if !atEnd && current == UInt8(ascii: "-") { index += 1 }
            guard let marker = identifier() else { return }  // `a << b` is a shift, not a heredoc.
            while !atEnd && current != 0x0A { index += 1 }
            while !atEnd {
                index += 1
                let start = index
                while !atEnd && current != 0x0A { index += 1 }
                let lineText = String(decoding: bytes[start..<index], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                if lineText == marker { return }
            }
            fail("heredoc \(marker) is not closed")
        }
    }
}
