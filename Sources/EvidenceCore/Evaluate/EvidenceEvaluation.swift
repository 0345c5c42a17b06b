/// The evaluate stage: every control of the catalogue over the correlated evidence.
enum EvidenceEvaluation {
    static func run(_ correlated: CorrelatedEvidence) -> EvaluatedEvidence {
        let findings = Evaluator.findings(for: correlated.changes, ledgers: correlated.reconciliation, policy: correlated.config.policy)
            + IacDrift.coverage(correlated)
            + CloudTrailIntegrity.findings(correlated)
            + (correlated.migrationSetups.map(MigrationsCommitted.findings) ?? [])
            + (correlated.migrationSetups == nil ? [] : DeployPathReviewed.findings(correlated.deployPath, environments: correlated.review.environments))
            + [BranchProtectionEvidence.finding(correlated.review.protection, rules: correlated.review.rules,
                                                                     gitLab: correlated.review.gitLabProtection, forge: correlated.review.forge,
                                                                     branch: correlated.hostBranch)]
        return EvaluatedEvidence(correlated: correlated, findings: findings)
    }
}
