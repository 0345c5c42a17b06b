import EvidenceCrypto
import Foundation

/// `oscal/assessment-results.json` (`--oscal`): the findings as an OSCAL 1.1 assessment-results document, which GRC
/// tools import. Each assessed bundle is one result over its window: one observation per finding, citing the
/// bundle's SHA256SUMS digest as its relevant evidence, and one OSCAL finding per finding whose target status says
/// whether the control objective was satisfied. Every UUID is derived from content (RFC 4122 version 5), so the
/// same bundle gives the same bytes.
///
/// Only a `pass` is `satisfied`: a failure is `not-satisfied` with reason `fail`, and an `info` or
/// `not_applicable` finding is `not-satisfied` with reason `other` and says why in its remarks, never a pass.
public enum OSCALAssessment {
    /// Where an export writes it inside the bundle. It cites the bundle's own SHA256SUMS, so it cannot be listed
    /// there: verify derives it again from the signed files and compares the bytes.
    public static let bundlePath = "oscal/assessment-results.json"
    public static let oscalVersion = "1.1.2"

    /// One assessed bundle: what it says, and the digest that pins it.
    public struct Assessed: Sendable {
        public let manifest: Manifest
        public let findings: [Finding]
        /// SHA-256 of its SHA256SUMS.
        public let sumsDigest: String
        /// Where the document points for it: `SHA256SUMS` inside an export, the bundle as given in a roll-up.
        public let location: String

        public init(manifest: Manifest, findings: [Finding], sumsDigest: String, location: String) {
            self.manifest = manifest
            self.findings = findings
            self.sumsDigest = sumsDigest
            self.location = location
        }
    }

    /// The document for `assessed` bundles, titled `title`, last modified at `time` (ISO 8601).
    public static func document(title: String, time: String, assessed: [Assessed], controls: [String: ControlText]) throws -> [UInt8] {
        let namespace = assessed.map(\.sumsDigest).joined(separator: ",")
        var resources = [Resource]()
        var results = [Result]()
        for bundle in assessed {
            let resource = Resource(uuid: uuid("resource", bundle.sumsDigest), title: "Evidence bundle of \(bundle.manifest.repository.name)",
                                    description: "The signed SHA256SUMS of the git-evidence bundle for \(bundle.manifest.repository.name) "
                                        + "(\(bundle.manifest.repository.branch), \(bundle.manifest.window.start) to \(bundle.manifest.window.end)); "
                                        + "git-evidence verify checks every file against it.",
                                    rlinks: [.init(href: bundle.location, hashes: [.init(algorithm: "SHA-256", value: bundle.sumsDigest)])])
            resources.append(resource)
            var observations = [Observation](), findings = [OSCALFinding]()
            for (index, finding) in bundle.findings.enumerated() {
                let key = [bundle.sumsDigest, String(index), finding.control, finding.change ?? ""].joined(separator: "\n")
                let observation = Observation(
                    uuid: uuid("observation", key), title: "\(finding.control): \(finding.status.rawValue)", description: finding.detail,
                    methods: ["EXAMINE"], collected: bundle.manifest.generatedAt ?? bundle.manifest.window.end,
                    relevantEvidence: [.init(href: "#" + resource.uuid,
                                             description: "SHA256SUMS of the bundle of \(bundle.manifest.repository.name), sha256 \(bundle.sumsDigest)"
                                                + (finding.change.map { "; change \($0)" } ?? "") + (finding.paths.isEmpty ? "" : "; " + finding.paths.joined(separator: ", ")))])
                observations.append(observation)
                let state = finding.status == .pass ? "satisfied" : "not-satisfied"
                let reason = switch finding.status { case .pass: "pass"; case .fail: "fail"; case .info, .notApplicable: "other" }
                let remarks: String? = switch finding.status {
                case .info: "Informational: the evidence does not show the objective met; an auditor judges it."
                case .notApplicable: "Not applicable to this change: recorded as not satisfied, not as a pass."
                case .pass, .fail: nil
                }
                findings.append(OSCALFinding(uuid: uuid("finding", key), title: controls[finding.control]?.title ?? finding.control,
                                             description: finding.detail,
                                             target: .init(type: "objective-id", targetID: finding.control,
                                                           status: .init(state: state, reason: reason, remarks: remarks)),
                                             relatedObservations: [.init(observationUUID: observation.uuid)]))
            }
            let ids = Set(bundle.findings.map(\.control)).sorted()
            results.append(Result(
                uuid: uuid("result", bundle.sumsDigest), title: "\(bundle.manifest.repository.name): change management, \(bundle.manifest.window.start) to \(bundle.manifest.window.end)",
                description: "git-evidence's evaluation of SOC 2 CC8.1 and the HIPAA controls of its catalogue over the changes to database "
                    + "migrations and infrastructure that reached \(bundle.manifest.repository.branch) of \(bundle.manifest.repository.name) in the window.",
                start: bundle.manifest.window.start, end: bundle.manifest.window.end,
                reviewedControls: .init(controlSelections: [.init(includeControls: reviewedControls(ids, controls: controls).map { .init(controlID: $0) })]),
                observations: observations.isEmpty ? nil : observations, findings: findings.isEmpty ? nil : findings))
        }
        let root = Root(assessmentResults: .init(
            uuid: uuid("assessment-results", namespace),
            metadata: .init(title: title, lastModified: time, version: toolVersion, oscalVersion: oscalVersion),
            importAP: .init(href: "#" + uuid("assessment-plan", namespace),
                            remarks: "git-evidence assesses the controls of its catalogue (SOC 2 CC8.1, HIPAA); there is no separate assessment plan document."),
            results: results, backMatter: .init(resources: resources)))
        return [UInt8](try BundleLayout.jsonEncoder.encode(root)) + [0x0a]
    }

    /// The document an export writes into its bundle at `bundlePath`: the bundle's own findings, citing its
    /// SHA256SUMS (`sums`). Verify calls this too, and compares.
    public static func document(bundle manifest: Manifest, findings: [Finding], sums: [UInt8], controls: [String: ControlText]) throws -> [UInt8] {
        try document(title: "git-evidence assessment results: \(manifest.repository.name)", time: manifest.generatedAt ?? manifest.window.end,
                     assessed: [Assessed(manifest: manifest, findings: findings, sumsDigest: try SHA256.hash(sums).hex, location: BundleLayout.sums)],
                     controls: controls)
    }

    /// The OSCAL control ids the findings' controls map to: `cc8.1` for SOC 2, and each HIPAA section the catalogue
    /// names as `hipaa-164.312.c.1` (OSCAL ids are tokens: no parentheses).
    static func reviewedControls(_ ids: [String], controls: [String: ControlText]) -> [String] {
        var found = Set<String>()
        for id in ids {
            if id.hasPrefix("CC8.1") { found.insert("cc8.1") }
            guard let hipaa = controls[id]?.hipaa else { continue }
            for match in hipaa.matches(of: /(\d{3}\.\d{3})((?:\([0-9A-Za-z]+\))*)/) {
                let parts = match.output.2.split(separator: ")").map { $0.dropFirst().lowercased() }
                found.insert((["hipaa-" + match.output.1] + parts).joined(separator: "."))
            }
        }
        return found.sorted()
    }

    /// A name-based UUID (RFC 4122 version 5, SHA-1) in git-evidence's namespace: the same content, the same id.
    static func uuid(_ kind: String, _ name: String) -> String {
        let namespace: [UInt8] = [0x6b, 0x1d, 0x3c, 0x52, 0x8e, 0x4f, 0x5a, 0x01, 0x9c, 0x3e, 0x47, 0x2f, 0x0d, 0x61, 0xa8, 0x35]
        // SHA-1 only names the id, as RFC 4122 version 5 defines it; nothing is signed or pinned by it.
        guard let digest = try? SHA1.hex(namespace + Array((kind + "\n" + name).utf8)), var bytes = EvidenceCrypto.bytes(fromHex: digest) else {
            preconditionFailure("libcrypto's SHA-1 is unavailable")
        }
        bytes[6] = bytes[6] & 0x0f | 0x50
        bytes[8] = bytes[8] & 0x3f | 0x80
        let hex = Array(hexString(bytes.prefix(16)))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
    }

    // The document's shape, as OSCAL's JSON schema names it.
    struct Root: Encodable {
        let assessmentResults: AssessmentResults
        enum CodingKeys: String, CodingKey { case assessmentResults = "assessment-results" }
    }

    struct AssessmentResults: Encodable {
        let uuid: String
        let metadata: Metadata
        let importAP: ImportAP
        let results: [Result]
        let backMatter: BackMatter
        enum CodingKeys: String, CodingKey {
            case uuid, metadata, results
            case importAP = "import-ap"
            case backMatter = "back-matter"
        }
    }

    struct Metadata: Encodable {
        let title: String
        let lastModified: String
        let version: String
        let oscalVersion: String
        enum CodingKeys: String, CodingKey {
            case title, version
            case lastModified = "last-modified"
            case oscalVersion = "oscal-version"
        }
    }

    struct ImportAP: Encodable {
        let href: String
        let remarks: String
    }

    struct Result: Encodable {
        let uuid: String
        let title: String
        let description: String
        let start: String
        let end: String
        let reviewedControls: ReviewedControls
        let observations: [Observation]?
        let findings: [OSCALFinding]?
        enum CodingKeys: String, CodingKey {
            case uuid, title, description, start, end, observations, findings
            case reviewedControls = "reviewed-controls"
        }
    }

    struct ReviewedControls: Encodable {
        struct Selection: Encodable {
            let includeControls: [Control]
            enum CodingKeys: String, CodingKey { case includeControls = "include-controls" }
        }
        struct Control: Encodable {
            let controlID: String
            enum CodingKeys: String, CodingKey { case controlID = "control-id" }
        }
        let controlSelections: [Selection]
        enum CodingKeys: String, CodingKey { case controlSelections = "control-selections" }
    }

    struct Observation: Encodable {
        struct Evidence: Encodable {
            let href: String
            let description: String
        }
        let uuid: String
        let title: String
        let description: String
        let methods: [String]
        let collected: String
        let relevantEvidence: [Evidence]
        enum CodingKeys: String, CodingKey {
            case uuid, title, description, methods, collected
            case relevantEvidence = "relevant-evidence"
        }
    }

    struct OSCALFinding: Encodable {
        struct Target: Encodable {
            struct Status: Encodable {
                let state: String
                let reason: String
                let remarks: String?
            }
            let type: String
            let targetID: String
            let status: Status
            enum CodingKeys: String, CodingKey {
                case type, status
                case targetID = "target-id"
            }
        }
        struct Related: Encodable {
            let observationUUID: String
            enum CodingKeys: String, CodingKey { case observationUUID = "observation-uuid" }
        }
        let uuid: String
        let title: String
        let description: String
        let target: Target
        let relatedObservations: [Related]
        enum CodingKeys: String, CodingKey {
            case uuid, title, description, target
            case relatedObservations = "related-observations"
        }
    }

    struct BackMatter: Encodable {
        let resources: [Resource]
    }

    struct Resource: Encodable {
        struct Link: Encodable {
            struct Hash: Encodable {
                let algorithm: String
                let value: String
            }
            let href: String
            let hashes: [Hash]
        }
        let uuid: String
        let title: String
        let description: String
        let rlinks: [Link]
    }
}
