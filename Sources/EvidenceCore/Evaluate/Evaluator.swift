/// Runs the controls over the correlated population.
public enum Evaluator {
    /// Every per-change control's finding, change by change in population order, controls in catalogue order.
    /// Then every ledger control's finding, record by record in ledger order.
    public static func findings(for changes: [CorrelatedChange], ledgers: LedgerReconciliation = .none, policy: ReviewPolicy) -> [Finding] {
        changes.flatMap { change in ControlCatalogue.changeControls.map { $0.evaluate(change, policy: policy) } }
            + ledgers.records.flatMap { record in ControlCatalogue.ledgerControls.flatMap { $0.evaluate(record, policy: policy) } }
    }
}
