@testable import EvidenceCore
import EvidenceTestSupport
import Foundation
import Testing

/// The rate limit `org`'s jobs share: each request takes one from a count every job sees, the lowest count of a
/// period wins over a late response, and when what is left would be spent by the jobs in flight, a job waits for
/// the reset. The file holds counts only.
@Suite struct SharedRateBudgetTests {
    @Test func jobsSharingATokenWaitForTheResetRatherThanSpendWhatTheOthersNeed() throws {
        let folder = try TemporaryFolder.make("budget")
        let api = try #require(URL(string: "https://api.github.com"))
        let first = try #require(SharedRateBudget(folder: folder, apiURL: api, reserve: 2))
        let second = try #require(SharedRateBudget(folder: folder, apiURL: api, reserve: 2))
        let now = 1_790_000_000.0, reset = now + 600
        #expect(first.take(now: now) == 0)  // nothing reported yet: each job keeps its own count
        first.note(remaining: 4, reset: reset)
        #expect(second.take(now: now) == 0)  // 4 -> 3
        #expect(first.take(now: now) == 0)  // 3 -> 2
        #expect(second.take(now: now) == reset - now + 1)  // 2 left, 2 jobs in flight: wait for the reset
        second.note(remaining: 10, reset: reset)  // a response sent earlier, arriving late, does not raise the count
        #expect(first.take(now: now) == reset - now + 1)
        first.note(remaining: 5000, reset: reset + 3600)  // a new period
        #expect(second.take(now: now) == 0)
        #expect(second.take(now: reset + 3601) == 0)  // a period that has passed holds nobody back
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(files == ["api.github.com.json"])
        let state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/" + files[0]))) as? [String: Any])
        #expect(Set(state.keys) == ["remaining", "reset"])
    }

    @Test func withoutOrgThereIsNoSharedBudget() throws {
        #expect(SharedRateBudget(folder: nil, apiURL: try #require(URL(string: "https://gitlab.example/api/v4")), reserve: nil) == nil)
        var settings = ForgeClient.Settings()
        settings.adopt(["GIT_EVIDENCE_RATE_BUDGET": "/tmp/x", "GIT_EVIDENCE_RATE_RESERVE": "3"])
        #expect(settings.sharedBudget == "/tmp/x" && settings.sharedBudgetJobs == 3)
    }
}
