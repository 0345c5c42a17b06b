/// A path pattern in the style of `.gitignore`: `*` and `?` and `[a-z]` within one path segment, `**` across any
/// number of segments. A pattern without a `/` matches a file name at any depth.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let segments: [[UInt8]]
    /// The leading segments with no wildcard: only folders on this path can hold matches.
    public let literalPrefix: [String]

    public init(_ pattern: String) {
        self.pattern = pattern
        var parts = pattern.split(separator: "/").map { Array($0.utf8) }
        if !pattern.contains("/") { parts.insert(Array("**".utf8), at: 0) }
        segments = parts
        literalPrefix = parts.prefix { !Self.hasWildcard($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    public var description: String { pattern }

    /// True when the whole path matches.
    public func matches(_ path: String) -> Bool {
        matches(PathSegments(path))
    }

    /// True when the whole path, already split, matches. Split once and test many globs.
    func matches(_ path: PathSegments) -> Bool {
        Self.match(segments[...], path.names[...])
    }

    /// Whether some path under `directory` could match: false only when the literal prefix rules it out.
    public func mayMatch(under directory: String) -> Bool {
        if literalPrefix.isEmpty || directory.isEmpty { return true }
        let names = directory.split(separator: "/")
        for (name, literal) in zip(names, literalPrefix) where name != literal { return false }
        // The folder is either on the way to the prefix, or inside it.
        return names.count < segments.count || literalPrefix.count < segments.count
    }

    private static func hasWildcard(_ segment: [UInt8]) -> Bool {
        segment.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
    }

    private static let doubleStar = Array("**".utf8)

    private static func match(_ pattern: ArraySlice<[UInt8]>, _ names: ArraySlice<ArraySlice<UInt8>>) -> Bool {
        guard let first = pattern.first else { return names.isEmpty }
        if first == doubleStar {
            let rest = pattern.dropFirst()
            // A trailing `**` needs at least one name below, so `dir/**` matches files in dir, not dir itself.
            if rest.isEmpty { return !names.isEmpty }
            var remaining = names
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let name = names.first, matchSegment(first[...], name) else { return false }
        return match(pattern.dropFirst(), names.dropFirst())
    }

    /// Matches one segment: `*` any run, `?` one byte, `[...]` a class (`!` or `^` negates, `a-z` ranges).
    private static func matchSegment(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex, n = name.startIndex
        var starP: Int? = nil, starN = 0
        while n < name.endIndex {
            if p < pattern.endIndex {
                let token = pattern[p]
                if token == UInt8(ascii: "*") {
                    starP = p; starN = n; p += 1
                    continue
                }
                if token == UInt8(ascii: "?") { p += 1; n += 1; continue }
                if token == UInt8(ascii: "["), let (matched, next) = matchClass(pattern, p, name[n]) {
                    if matched { p = next; n += 1; continue }
                } else if token == name[n] {
                    p += 1; n += 1; continue
                }
            }
            guard let star = starP else { return false }
            p = star + 1; starN += 1; n = starN
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }

    /// Reads a `[...]` class at `start`; nil when unterminated (then `[` is literal).
    private static func matchClass(_ pattern: ArraySlice<UInt8>, _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var index = start + 1
        var negate = false
        if index < pattern.endIndex, pattern[index] == UInt8(ascii: "!") || pattern[index] == UInt8(ascii: "^") {
            negate = true; index += 1
        }
        var matched = false
        var first = true
        while index < pattern.endIndex {
            let low = pattern[index]
            if low == UInt8(ascii: "]") && !first { return (matched != negate, index + 1) }
            first = false
            if index + 2 < pattern.endIndex, pattern[index + 1] == UInt8(ascii: "-"), pattern[index + 2] != UInt8(ascii: "]") {
                if low <= byte && byte <= pattern[index + 2] { matched = true }
                index += 3
            } else {
                if low == byte { matched = true }
                index += 1
            }
        }
        return nil
    }
}

/// A path split into its names, as UTF-8 bytes, once, so that many globs can test it without splitting again.
struct PathSegments {
    let names: [ArraySlice<UInt8>]

    init(_ path: String) {
        names = Array(path.utf8).split(separator: UInt8(ascii: "/"))
    }
}
