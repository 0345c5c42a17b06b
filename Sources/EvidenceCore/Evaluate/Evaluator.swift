/// Runs the controls over the correlated population.
public enum Evaluator {
    /// Every per-change control's finding, change by change in population order, controls in catalogue order.
    public static func findings(for changes: [CorrelatedChange], policy: ReviewPolicy) -> [Finding] {
        changes.flatMap { change in ControlCatalogue.changeControls.map { $0.evaluate(change, policy: policy) } }
    }
}
