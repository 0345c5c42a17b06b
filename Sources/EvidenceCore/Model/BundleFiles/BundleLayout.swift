import EvidenceCrypto
import Foundation

/// The fixed names of a bundle (SPEC §5).
public enum BundleLayout {
    public static let manifest = "manifest.json"
    /// The population, one change per line.
    public static let changes = "changes.jsonl"
    public static let findings = "findings.json"
    public static let sums = "SHA256SUMS"
    public static let signature = "SHA256SUMS.sig"
    public static let attestation = "attestation.intoto.json"
    /// An RFC 3161 token over the SHA-256 of the signature, and the TSA's chain (SPEC §10).
    public static let timestampToken = "SHA256SUMS.sig.tsr"
    public static let timestampChain = "tsa-chain.pem"
    public static let publicKey = "signer.pub.pem"
    public static let instructions = "VERIFY.txt"
    public static let changesTable = "changes.csv"
    public static let reportHTML = "report.html"
    public static let reportMarkdown = "report.md"
    /// The verbatim inputs: the review source's files, the ledgers (one folder per kind), the templates, the settings.
    public static let githubInputs = Forge.github.inputsFolder
    public static let gitlabInputs = Forge.gitlab.inputsFolder
    public static let ledgerInputs = "inputs/ledgers"
    public static let templateInputs = "inputs/templates"
    public static let settingsInput = "inputs/settings/" + EvidenceConfig.fileName

    /// The migration and infrastructure part of a change's diff.
    public static func diff(of commit: String) -> String { "diffs/\(commit).patch" }
    /// Files that are not (and cannot be) listed in SHA256SUMS: the list itself and what signs it.
    public static let unlisted: Set<String> = [sums, signature, attestation, timestampToken, timestampChain]

    /// Orders paths by their UTF-8 bytes, as `LC_ALL=C sort` does.
    public static func sorted(_ paths: some Sequence<String>) -> [String] {
        paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// SHA-256 of another bundle's SHA256SUMS: what a chained bundle records, and verify compares.
    public static func sumsDigest(ofBundle folder: String) throws -> String {
        let sums = folder + "/" + BundleLayout.sums
        guard FileManager.default.fileExists(atPath: sums) else {
            throw EvidenceError.unreadable(file: folder, reason: "not a bundle (no SHA256SUMS)")
        }
        try requireRegularFile(sums)
        return try SHA256.hash(fileAt: sums).hex
    }

    /// One GNU `sha256sum` line.
    public static func sumLine(_ digest: String, _ path: String) -> String { "\(digest)  \(path)\n" }

    /// JSON for files people read: sorted keys, indented.
    public static var jsonEncoder: JSONEncoder { encoder([.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]) }

    /// JSON on one line (JSON Lines, signed payloads): sorted keys, so equal values always give equal bytes.
    public static var compactEncoder: JSONEncoder { encoder([.sortedKeys, .withoutEscapingSlashes]) }

    private static func encoder(_ formatting: JSONEncoder.OutputFormatting) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        return encoder
    }
}
