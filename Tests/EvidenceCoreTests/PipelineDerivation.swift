import EvidenceCore
import GitKit

/// The evidence of a window derived through the pipeline's collect, correlate and evaluate stages, with the two
/// files of the bundle a test compares, as export writes them.
struct Derived {
    let evaluated: EvaluatedEvidence

    var findings: [Finding] { evaluated.findings }
    var diagnostics: [Diagnostic] { evaluated.correlated.diagnostics }
    var records: [EvidenceRecord] { evaluated.correlated.changes.map { EvidenceRecord($0, policy: evaluated.correlated.config.policy) } }
    func findingsJSON() throws -> [UInt8] { try BundleAssembly.findingsJSON(findings) }
    func changesJSONLines() throws -> [UInt8] { try BundleAssembly.changesJSONLines(records) }

    static func derive(repository: Repository, branch: Branch, config: EvidenceConfig, github: String, ledgers: [Ledger] = [],
                       window: AuditWindow) throws -> Derived {
        Derived(evaluated: try EvidencePipeline.derive(EvidenceInputs(repository: repository, branch: branch, config: config, scope: .window(window),
                                                                      pullRequests: try GitHubExport.load(folder: github), ledgers: ledgers)))
    }
}
