import EvidenceCore
import Foundation
import Testing

/// One case per example any per-change control carries, named after the control and the example.
struct ControlCase: Sendable, CustomTestStringConvertible {
    let control: any ChangeControl
    let example: ControlExample
    var testDescription: String { "\(type(of: control).id): \(example.name)" }
}

/// One case per example any ledger control carries.
struct LedgerControlCase: Sendable, CustomTestStringConvertible {
    let control: any LedgerControl
    let example: LedgerControlExample
    var testDescription: String { "\(type(of: control).id): \(example.name)" }
}

@Suite struct ControlExampleTests {
    /// The catalogue text is the one source of each control's title: it names every control, and no other.
    @Test func theCatalogueTextDescribesEveryControl() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("evidence-templates").path
        let texts = try ReportTemplates.load(folder: folder).controls
        #expect(Set(texts.keys) == Set(ControlCatalogue.ids))
        #expect(texts.values.allSatisfy { !$0.title.isEmpty })
        // Every reason an example fails for has its own prompt for the auditor.
        for (control, example) in ControlCatalogue.examples {
            let finding = control.evaluate(example.change, policy: example.policy)
            if let reason = finding.reason {
                #expect(texts[finding.control]?.auditorWhen[reason] != nil, "\(finding.control): no auditor_when for \(reason)")
            }
        }
    }

    /// Missing pull request evidence fails traceability for what it is, never as a direct push.
    @Test func missingPullRequestEvidenceIsNotADirectPush() throws {
        func finding(_ name: String) throws -> Finding {
            let example = try #require(Traceable.examples.first { $0.name == name })
            return Traceable().evaluate(example.change, policy: example.policy)
        }
        let named = try finding("subject names a pull request the export lacks")
        #expect(named.status == .fail)
        #expect(named.detail.hasPrefix("Pull request evidence missing for #99"))
        #expect(named.reason == Traceable.evidenceMissing)
        let none = try finding("an export with no pull requests")
        #expect(none.detail.hasPrefix("Pull request evidence missing: the GitHub export holds no pull requests"))
        #expect(!named.detail.contains("pushed directly") && !none.detail.contains("pushed directly"))
        let push = try finding("direct push")
        #expect(push.detail.hasPrefix("No merged pull request: pushed directly") && push.reason == Traceable.directPush)
    }

    @Test(arguments: ControlCatalogue.examples.map { ControlCase(control: $0.control, example: $0.example) })
    func everyExampleGivesItsExpectedStatus(_ testCase: ControlCase) {
        let finding = testCase.control.evaluate(testCase.example.change, policy: testCase.example.policy)
        #expect(finding.status == testCase.example.expected, "\(finding.detail)")
        #expect(finding.control == type(of: testCase.control).id)
        #expect(finding.change == testCase.example.change.change.commit)
        #expect(!finding.detail.isEmpty)
    }

    @Test(arguments: ControlCatalogue.ledgerExamples.map { LedgerControlCase(control: $0.control, example: $0.example) })
    func everyLedgerExampleGivesItsExpectedStatus(_ testCase: LedgerControlCase) {
        let findings = testCase.control.evaluate(testCase.example.record, policy: testCase.example.policy)
        #expect(findings.map(\.status) == (testCase.example.expected.map { [$0] } ?? []), "\(findings.map(\.detail))")
        guard let finding = findings.first else { return }
        #expect(finding.control == type(of: testCase.control).id)
        #expect(finding.detail.contains(testCase.example.record.record.location), "the detail names the ledger row")
        if finding.status == .fail, testCase.example.record.version == nil {
            if finding.control == IacAppliedFromBranch.id, let change = finding.change {
                #expect(change.count == 40, "a Terraform apply is tied to the commit it ran, for the report to say whose it is")
            } else if testCase.example.record.record.event == .terraformApplied, let change = testCase.example.record.change {
                #expect(finding.change == change.change.commit, "a Terraform apply is judged on the change it applied")
            } else {
                #expect(finding.change == nil, "a record matching no committed version is tied to no change")
            }
        }
    }

    @Test func everyControlHasPassingAndFailingExamples() {
        for control in ControlCatalogue.changeControls {
            let statuses = Set(type(of: control).examples.map(\.expected))
            #expect(statuses.contains(.pass), "\(type(of: control).id) has no passing example")
            if type(of: control).isInformational {
                #expect(statuses.contains(.info) && !statuses.contains(.fail), "\(type(of: control).id) informs and never fails")
            } else {
                #expect(statuses.contains(.fail), "\(type(of: control).id) has no failing example")
            }
        }
        for control in ControlCatalogue.ledgerControls {
            let statuses = Set(type(of: control).examples.compactMap(\.expected))
            #expect(statuses.contains(.pass) && statuses.contains(.fail), "\(type(of: control).id) needs passing and failing examples")
        }
    }

    @Test func controlIdsAreTheCatalogueIds() {
        #expect(ControlCatalogue.changeControls.map { type(of: $0).id } == [
            "CC8.1-traceable", "CC8.1-independent-approval", "CC8.1-approval-current", "CC8.1-tested",
            "CC8.1-migration-reversible", "CC8.1-migration-immutable", "CC8.1-deployed", "CC8.1-iac-pinned",
        ])
        #expect(ControlCatalogue.ledgerControls.map { type(of: $0).id } == [
            "CC8.1-applied-as-reviewed", "CC8.1-applied-after-approval", "CC8.1-iac-applied-from-branch", "CC8.1-iac-drift", "CC8.1-iac-out-of-band",
        ])
    }
}

/// `CC8.1-migrations-committed` carries its examples as the other controls do; each gives its status, and a failure
/// names the configuration and the folder.
@Suite struct MigrationsCommittedExampleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let example: MigrationsCommitted.Example
        var testDescription: String { "\(MigrationsCommitted.id): \(example.name)" }
    }

    @Test(arguments: MigrationsCommitted.examples.map(Case.init))
    func everyExampleGivesItsExpectedStatus(_ testCase: Case) {
        let findings = MigrationsCommitted.findings([testCase.example.setup])
        #expect(findings.map(\.status) == [testCase.example.expected])
        #expect(findings.first?.paths == [testCase.example.setup.config])
        if testCase.example.expected == .fail, let folder = testCase.example.setup.folder {
            #expect(findings.first?.detail.contains(folder) == true)
        }
    }

    @Test func aRepositoryWithNeitherToolHasOneNotApplicableFinding() {
        #expect(MigrationsCommitted.findings([]).map(\.status) == [.notApplicable])
    }
}

/// `CC8.1-deploy-path-reviewed`'s examples, each with the statuses its findings must have.
@Suite struct DeployPathReviewedExampleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let example: DeployPathReviewed.Example
        var testDescription: String { "\(DeployPathReviewed.id): \(example.name)" }
    }

    @Test(arguments: DeployPathReviewed.examples.map(Case.init))
    func everyExampleGivesItsExpectedStatus(_ testCase: Case) {
        let findings = DeployPathReviewed.findings(testCase.example.path, environments: testCase.example.environments)
        #expect(findings.map(\.status) == testCase.example.expected, "\(findings.map(\.detail))")
        if testCase.example.expected == [.fail] {
            #expect(findings.first?.detail.hasPrefix(".github/workflows/deploy.yml:9, job ") == true)
        }
    }
}
