import Foundation

/// A Python server of `Tests/Support/` on loopback: started with `arguments`, it prints "PORT <n>" once listening,
/// and is stopped (SIGTERM) when the test process exits.
enum LoopbackServer {
    nonisolated(unsafe) private static var pids = [Int32]()
    private static let lock = NSLock()

    /// Starts `script` and returns its port (its first line is "PORT <n>"); `name` says what did not start.
    static func start(_ script: String, _ arguments: [String] = [], name: String) throws -> Int {
        let text = try firstLine(script, arguments, name: name)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw FixtureError.commandFailed("\(name) did not start: \(text)")
        }
        return port
    }

    /// Starts `script` with `python` (default: the system's), `settings` (NAME=VALUE) added to its environment, and
    /// returns the first line it prints.
    static func firstLine(_ script: String, _ arguments: [String] = [], python: String = "python3", settings: [String] = [], name: String) throws -> String {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(script).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = settings + [python, path] + arguments
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
        guard line.contains(0x0a) else {
            process.terminate()
            throw FixtureError.commandFailed("\(name) did not start (\(python) \(script))")
        }
        lock.lock()
        let first = pids.isEmpty
        pids.append(process.processIdentifier)
        lock.unlock()
        if first { atexit { for pid in LoopbackServer.pids { kill(pid, SIGTERM) } } }
        return String(decoding: line, as: UTF8.self)
    }
}
