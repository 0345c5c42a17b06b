import Foundation

/// One rate-limit budget shared by every process collecting with the same token (`org` runs its exports side by
/// side): a small file per API host, under `GIT_EVIDENCE_RATE_BUDGET`, holding the remaining count and reset time
/// the API last reported. Each request takes one from it under an exclusive lock, so jobs between two responses
/// still count one another's requests; when what is left would be spent by the jobs already in flight
/// (`reserve`), a job waits for the reset instead of driving the token into the API's refusals. Nothing secret is
/// written: the file names the host, never the token.
struct SharedRateBudget {
    let file: String
    /// Requests other jobs may have in flight: below this, wait for the reset.
    let reserve: Int

    init?(folder: String?, apiURL: URL, reserve: Int?) {
        guard let folder, !folder.isEmpty else { return nil }
        let host = (apiURL.host ?? "api") + (apiURL.port.map { "_\($0)" } ?? "")
        file = folder + "/" + host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" ? String($0) : "-" }.joined() + ".json"
        self.reserve = max(reserve ?? 1, 1)
    }

    private struct State: Codable {
        var remaining: Int
        var reset: Double
    }

    /// Takes one request from the budget; returns how long to wait first (0 when there is enough).
    func take(now: Double = Date().timeIntervalSince1970) -> Double {
        locked(otherwise: 0) { state in
            guard var current = state, current.reset > now else { return 0 }
            if current.remaining <= reserve { return current.reset - now + 1 }
            current.remaining -= 1
            state = current
            return 0
        }
    }

    /// What a response says is left of the limit (`X-RateLimit-*` or GitLab's `RateLimit-*`).
    func note(remaining: Int, reset: Double) {
        locked(otherwise: ()) { state in
            // Responses arrive out of order across jobs: within one reset period the lowest count is the truest.
            if let current = state, current.reset == reset { state = State(remaining: min(current.remaining, remaining), reset: reset) } else {
                state = State(remaining: remaining, reset: reset)
            }
        }
    }

    /// Runs `body` on the file's state under `flock`, writing back what it leaves; `fallback` when the file cannot
    /// be opened or locked (then each job keeps only its own count, as without `org`).
    private func locked<T>(otherwise fallback: T, _ body: (inout State?) -> T) -> T {
        let descriptor = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return fallback }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { return fallback }
        defer { flock(descriptor, LOCK_UN) }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = read(descriptor, &bytes, bytes.count)
        var state = count > 0 ? try? JSONDecoder().decode(State.self, from: Data(bytes.prefix(count))) : nil
        let before = state.map { ($0.remaining, $0.reset) }
        let result = body(&state)
        if let state, before.map({ $0 != (state.remaining, state.reset) }) ?? true, let data = try? JSONEncoder().encode(state) {
            _ = ftruncate(descriptor, 0)
            _ = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return result
    }
}
