/// A control judged once per change (SPEC §4). Each carries passing and failing examples, run by one test.
public protocol ChangeControl: Sendable {
    /// The stable id, verbatim from the catalogue.
    static var id: String { get }
    // Titles and the words for people are in the catalogue text, evidence-templates/controls.yml: one source,
    // which a company may restyle.
    /// Examples with the status each must produce.
    static var examples: [ControlExample] { get }
    /// True for a control that informs and never fails (`CC8.1-deployed`).
    static var isInformational: Bool { get }
    /// The finding for one change.
    func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding
}

extension ChangeControl {
    public static var isInformational: Bool { false }
}

/// An input and the status a control must give it.
public struct ControlExample: Sendable {
    public let name: String
    public let change: CorrelatedChange
    public let policy: ReviewPolicy
    public let expected: FindingStatus

    init(_ name: String, _ change: CorrelatedChange, policy: ReviewPolicy = .defaults, expect expected: FindingStatus) {
        self.name = name
        self.change = change
        self.policy = policy
        self.expected = expected
    }
}

/// The per-change controls, in the order findings list them.
public enum ControlCatalogue {
    public static let changeControls: [any ChangeControl] = [
        Traceable(), IndependentApproval(), ApprovalCurrent(), Tested(), MigrationReversible(), MigrationImmutable(), Deployed(), IacPinned(),
    ]

    /// Every control id, in the order reports list them: per change, per ledger record, then the branch's design and
    /// settings.
    public static var ids: [String] {
        changeControls.map { type(of: $0).id } + ledgerControls.map { type(of: $0).id } + designIDs + [BranchProtectionEvidence.id]
    }

    /// The design controls (SPEC §15): judged from the branch head's configuration, not per change or record.
    public static let designIDs = [MigrationsCommitted.id, DeployPathReviewed.id]

    /// The per-record ledger controls, in the order findings list them.
    public static let ledgerControls: [any LedgerControl] = [AppliedAsReviewed(), AppliedAfterApproval(), IacAppliedFromBranch(), IacDrift(), IacOutOfBand()]

    /// Every example of every ledger control.
    public static var ledgerExamples: [(control: any LedgerControl, example: LedgerControlExample)] {
        ledgerControls.flatMap { control in type(of: control).examples.map { (control, $0) } }
    }

    /// Every example of every per-change control, labelled with its control id.
    public static var examples: [(control: any ChangeControl, example: ControlExample)] {
        changeControls.flatMap { control in type(of: control).examples.map { (control, $0) } }
    }
}
