/// Something about the inputs worth telling the reader that is not a control result and not fatal: a missing
/// optional file, an unknown pull-request number in a subject, an odd ledger row.
public struct Diagnostic: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The file or object it is about.
    public let subject: String
    /// What was noticed, in one line.
    public let message: String

    public init(subject: String, message: String) {
        self.subject = subject
        self.message = message
    }

    public var description: String { "\(subject): \(message)" }
}
