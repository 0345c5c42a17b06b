import EvidenceCore
import Testing

/// One case per example any control carries, named after the control and the example.
struct ControlCase: Sendable, CustomTestStringConvertible {
    let control: any ChangeControl
    let example: ControlExample
    var testDescription: String { "\(type(of: control).id): \(example.name)" }
}

@Suite struct ControlExampleTests {
    @Test(arguments: ControlCatalogue.examples.map { ControlCase(control: $0.control, example: $0.example) })
    func everyExampleGivesItsExpectedStatus(_ testCase: ControlCase) {
        let finding = testCase.control.evaluate(testCase.example.change, policy: testCase.example.policy)
        #expect(finding.status == testCase.example.expected, "\(finding.detail)")
        #expect(finding.control == type(of: testCase.control).id)
        #expect(finding.change == testCase.example.change.change.commit)
        #expect(!finding.detail.isEmpty)
    }

    @Test func everyControlHasPassingAndFailingExamples() {
        for control in ControlCatalogue.changeControls {
            let statuses = Set(type(of: control).examples.map(\.expected))
            #expect(statuses.contains(.pass), "\(type(of: control).id) has no passing example")
            #expect(statuses.contains(.fail), "\(type(of: control).id) has no failing example")
        }
    }

    @Test func controlIdsAreTheCatalogueIds() {
        #expect(ControlCatalogue.changeControls.map { type(of: $0).id } == [
            "CC8.1-traceable", "CC8.1-independent-approval", "CC8.1-approval-current", "CC8.1-tested",
            "CC8.1-migration-reversible", "CC8.1-migration-immutable",
        ])
    }
}
