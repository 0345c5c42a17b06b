import Foundation
import Mustache
import Yams

/// What the catalogue says about one control, for people.
public struct ControlText: Sendable, Hashable {
    public let title: String
    public let checks: String
    public let soc2: String
    public let hipaa: String
    public let auditor: String
    /// Prompts for particular reasons a control fails (`Finding.reason`), in place of `auditor`.
    public var auditorWhen: [String: String] = [:]

    /// The prompt for a finding: its reason's, else the control's.
    func prompt(for finding: Finding) -> String {
        finding.reason.flatMap { auditorWhen[$0] } ?? auditor
    }
}

/// The report templates and control catalogue text of an `evidence-templates/` folder: `report.html.mustache`,
/// `report.md.mustache` and `controls.yml`.
public struct ReportTemplates: Sendable {
    public static let folderName = "evidence-templates"
    public static let files = ["assertion.mustache", "controls.yml", "report.html.mustache", "report.md.mustache"]

    /// Where they were read from.
    public let folder: String
    /// Each file's bytes, by name: the bundle carries them under `inputs/templates/`.
    public let sources: [String: [UInt8]]
    let html: MustacheTemplate
    let markdown: MustacheTemplate
    /// Management's assertion, plain text with the report's values, paragraphs split by blank lines.
    let assertion: MustacheTemplate
    public let controls: [String: ControlText]

    /// Reads `folder`, or finds the default: beside an installed binary (`../share/git-evidence/evidence-templates`),
    /// else in the source tree the binary was built in.
    public static func load(folder given: String?) throws -> ReportTemplates {
        let folder = try given ?? defaultFolder()
        var sources = [String: [UInt8]]()
        for name in files { sources[name] = [UInt8](try readInput(folder + "/" + name)) }
        func template(_ name: String) throws -> MustacheTemplate {
            do { return try MustacheTemplate(string: String(decoding: sources[name]!, as: UTF8.self)) } catch {
                throw EvidenceError.malformed(file: folder + "/" + name, location: "", reason: "not a valid Mustache template (\(error))")
            }
        }
        return ReportTemplates(folder: folder, sources: sources, html: try template("report.html.mustache"),
                               markdown: try template("report.md.mustache"), assertion: try template("assertion.mustache"),
                               controls: try controlTexts(folder + "/controls.yml", sources["controls.yml"]!))
    }

    /// The catalogue text, read as a node tree (aliases are not expanded, so an alias bomb costs nothing) and
    /// strictly: a mapping of control ids to mappings of five strings.
    static func controlTexts(_ file: String, _ bytes: [UInt8]) throws -> [String: ControlText] {
        let text = String(decoding: bytes, as: UTF8.self)
        let entries = try YAMLAliases.topMapping(text, file: file, expected: "expected a mapping of control ids", aliasesIn: "in the catalogue")
        var texts = [String: ControlText]()
        for (key, value) in entries {
            guard let id = key.string else { throw EvidenceError.malformed(file: file, location: "", reason: "a control id is not text") }
            guard let fields = value.mapping else { throw EvidenceError.malformed(file: file, location: id, reason: "expected a mapping") }
            func field(_ name: String) throws -> String {
                guard let node = fields[name] else { throw EvidenceError.malformed(file: file, location: "\(id).\(name)", reason: "missing") }
                guard node.scalar != nil, let text = node.string else {
                    throw EvidenceError.malformed(file: file, location: "\(id).\(name)", reason: "expected text")
                }
                return text
            }
            let known: Set = ["title", "checks", "soc2", "hipaa", "auditor", "auditor_when"]
            if let unknown = fields.keys.compactMap(\.string).sorted().first(where: { !known.contains($0) }) {
                throw EvidenceError.malformed(file: file, location: "\(id).\(unknown)", reason: "unknown key")
            }
            var text = ControlText(title: try field("title"), checks: try field("checks"), soc2: try field("soc2"), hipaa: try field("hipaa"),
                                   auditor: try field("auditor"))
            if let when = fields["auditor_when"] {
                guard let reasons = when.mapping else { throw EvidenceError.malformed(file: file, location: "\(id).auditor_when", reason: "expected a mapping") }
                for (reason, prompt) in reasons {
                    guard let key = reason.string, prompt.scalar != nil, let value = prompt.string else {
                        throw EvidenceError.malformed(file: file, location: "\(id).auditor_when", reason: "expected reason: text")
                    }
                    text.auditorWhen[key] = value
                }
            }
            texts[id] = text
        }
        return texts
    }

    static func defaultFolder() throws -> String {
        // The running binary's own path: argv[0] is only `git-evidence` when it was found on PATH.
        let binary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let executable = binary.resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [executable.appendingPathComponent("../share/git-evidence/\(folderName)").standardized.path]
        var folder = executable
        for _ in 0..<6 {  // .build/<triple>/<config>/git-evidence → the checkout's evidence-templates/
            folder = folder.deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent(folderName).path)
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/report.html.mustache") }) else {
            throw EvidenceError.unreadable(file: folderName, reason: "no report templates found beside the binary; give --templates DIR")
        }
        return found
    }

    /// `report.html` and `report.md` for `context`, management's assertion rendered first into its paragraphs.
    func render(_ context: [String: Any]) -> (html: [UInt8], markdown: [UInt8]) {
        var context = context
        let text = assertion.render(context).replacingOccurrences(of: "\r\n", with: "\n")
        context["assertion"] = text.components(separatedBy: "\n\n")
            .map { $0.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") }
            .filter { !$0.isEmpty }.map { ["text": $0] }
        return (Array(html.render(context).utf8), Array(markdown.render(context).utf8))
    }
}
