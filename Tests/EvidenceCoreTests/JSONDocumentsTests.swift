@testable import EvidenceCore
import EvidenceTestSupport
import Foundation
import Testing

@Suite struct JSONDocumentsTests {
    private func file(_ text: String) throws -> String {
        let path = try TemporaryFolder.make("json") + "/reviews.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func reviews(_ text: String) throws -> [Review] {
        try JSONDocuments.list(Review.self, bytes: Array(text.utf8), file: "reviews.json")
    }

    private let review = #"{"id":1,"user":{"login":"bob","type":"User","site_admin":false},"state":"APPROVED","submitted_at":"2026-07-01T10:00:00Z","commit_id":"abc","extra":{"x":[1,"]"]}}"#

    @Test func readsOneArrayPaginatedArraysAndSlurpedPages() throws {
        let single = try reviews("[\(review),\(review)]")
        let paginated = try reviews("[\(review)]\n[\(review)]\n")
        let slurped = try reviews("[[\(review)],[\(review)]]")
        #expect(single.count == 2 && paginated == single && slurped == single)
        #expect(single[0].state == .approved && single[0].user?.login == "bob" && single[0].submittedAt?.text == "2026-07-01T10:00:00Z")
        let empty = try reviews("[]")
        #expect(empty.isEmpty)
    }

    @Test func aByteOrderMarkIsNotPartOfTheJSON() throws {
        #expect(try reviews("\u{FEFF}[\(review)]").count == 1)
    }

    @Test func readsObjectPagesBackToBackOrSlurped() throws {
        let run = #"{"name":"test","status":"completed","conclusion":"success","head_sha":"abc"}"#
        let page = #"{"total_count":1,"check_runs":[\#(run)]}"#
        #expect(try JSONDocuments.pages(CheckRunPage.self, bytes: Array((page + page).utf8), file: "check-runs.json").flatMap(\.checkRuns).count == 2)
        #expect(try JSONDocuments.pages(CheckRunPage.self, bytes: Array("[\(page),\(page)]".utf8), file: "check-runs.json").flatMap(\.checkRuns).count == 2)
    }

    @Test(arguments: [
        (#"[{"id":1,"user":null,"state":7}]"#, "$[0].state: number 7 is not a string"),
        (#"[{"id":1,"state":"APPROVED"},{"id":2,"state":"APPROVED"},{"id":99999999999999999999,"state":"APPROVED"}]"#,
         "$[2].id: number 99999999999999999999 is not an integer"),
        (#"[{"id":1.5,"state":"APPROVED"}]"#, "$[0].id: number 1.5 is not an integer"),
        (#"[{"id":"7","state":"APPROVED"}]"#, #"$[0].id: string "7" is not an integer"#),
        (#"[{"id":1,"state":{"a":[1,2]}}]"#, "$[0].state: an object is not a string"),
        (#"[{"id":1,"state":true}]"#, "$[0].state: true is not a string"),
        (#"[{"id":1,"user":{"type":"User"},"state":"APPROVED"}]"#, "$[0].user.login: missing"),
        (#"[{"id":1,"state":"APPROVED","submitted_at":"yesterday"}]"#, "$[0].submitted_at: expected an ISO 8601 time, found 'yesterday'"),
        (#"[{"id":1,"state":"APPROVED","submitted_at":"+999999999-07-01T00:00:00Z"}]"#,
         "$[0].submitted_at: expected an ISO 8601 time, found '+999999999-07-01T00:00:00Z'"),
        (#"[{"id":1,"state":"APPROVED","submitted_at":"10000-07-01T00:00:00Z"}]"#, "$[0].submitted_at: expected an ISO 8601 time, found '10000-07-01T00:00:00Z'"),
        (#"[{"state":"APPROVED"}][{"state":5}]"#, "page 2, $[0].state: number 5 is not a string"),
        (#"[{"state":"APPROVED"}"#, "invalid JSON: the file ends inside a value (truncated?)"),
        (#"{"state":"APPROVED"}"#, "$: an object is not an array"),
        (#"[{"state": tru}]"#, "invalid JSON"),
        ("", "invalid JSON: the file is empty"),
    ])
    func malformedFilesNameTheFileAndTheJSONPath(text: String, message: String) throws {
        let path = try file(text)
        do {
            _ = try JSONDocuments.list(Review.self, bytes: [UInt8](try readInput(path)), file: path)
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error) == "\(path): \(message)")
        }
    }
}
