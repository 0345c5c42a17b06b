import Foundation

/// A Python server of `Tests/Support/` on loopback: started with `arguments`, it prints "PORT <n>" once listening,
/// and is stopped (SIGTERM) when the test process exits.
enum LoopbackServer {
    nonisolated(unsafe) private static var pids = [Int32]()
    private static let lock = NSLock()

    /// Starts `script` and returns its port; `name` says what did not start.
    static func start(_ script: String, _ arguments: [String] = [], name: String) throws -> Int {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(script).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0a) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw FixtureError.commandFailed("\(name) did not start: \(text)")
        }
        lock.lock()
        let first = pids.isEmpty
        pids.append(process.processIdentifier)
        lock.unlock()
        if first { atexit { for pid in LoopbackServer.pids { kill(pid, SIGTERM) } } }
        return port
    }
}
