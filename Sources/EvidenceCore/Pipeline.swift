/// The evidence pipeline. Data flows one way; each stage is a folder of this module and hands the next one
/// immutable value, named in `Handoffs/`:
///
/// ```
/// EvidenceInputs ─collect─▶ CollectedEvidence ─correlate─▶ CorrelatedEvidence ─evaluate─▶ EvaluatedEvidence
///   ─assemble─▶ UnsignedBundle ─seal─▶ SealedBundle ─store─▶ where it went
/// ```
///
/// `export` runs every stage; `verify --repo` runs collect, correlate and evaluate on the bundle's own inputs and
/// compares; `why` runs collect and correlate on the changes of one file. What varies is a protocol, each variant
/// one file: `PullRequestSource` (collect), `LedgerFormat` (collect, `Collect/Ledgers/`), `BundleSigner` and
/// `Timestamper` (seal), `BundleDestination` (store).
public enum EvidencePipeline {
    /// **Collect** (`Collect/`): the population from the branch's first-parent history (one walk, pruned on tree
    /// ids), every migration version when ledgers are given, the earlier changes ledger records ran, and the
    /// review evidence for all of them from the `PullRequestSource`. All reading of inputs happens here.
    public static func collect(_ inputs: EvidenceInputs) throws -> CollectedEvidence {
        try EvidenceCollection.run(inputs)
    }

    /// **Correlate** (`Correlate/`): each change with its pull request, migrations, Terraform modules and the ledger
    /// rows that ran them; each ledger record with the change whose bytes it ran. Reads only the repository's trees.
    public static func correlate(_ collected: CollectedEvidence) throws -> CorrelatedEvidence {
        try EvidenceCorrelation.run(collected)
    }

    /// **Evaluate** (`Evaluate/`, one file per control): every control's finding.
    public static func evaluate(_ correlated: CorrelatedEvidence) -> EvaluatedEvidence {
        EvidenceEvaluation.run(correlated)
    }

    /// Collect, correlate and evaluate: what `export` writes and `verify --repo` derives again.
    public static func derive(_ inputs: EvidenceInputs) throws -> EvaluatedEvidence {
        evaluate(try correlate(try collect(inputs)))
    }

    /// **Assemble** (`Bundle/`, `Report/`): every file but the seal — records, findings, verbatim inputs, diffs,
    /// reports — and the manifest to complete.
    public static func assemble(_ evaluated: EvaluatedEvidence, context: AssemblyContext) throws -> UnsignedBundle {
        try BundleAssembly.run(evaluated, context: context)
    }

    /// **Seal** (`Bundle/`): SHA256SUMS, its signature by `signer`, an optional timestamp, the DSSE attestation.
    public static func seal(_ unsigned: UnsignedBundle, signer: any BundleSigner, timestamper: (any Timestamper)? = nil) throws -> SealedBundle {
        try BundleSealing.run(unsigned, signer: signer, timestamper: timestamper)
    }

    /// **Store** (`Bundle/`): the sealed files to `destination`; returns where they went.
    public static func store(_ sealed: SealedBundle, at destination: any BundleDestination) throws -> String {
        try destination.store(sealed)
    }
}
