import Foundation

/// A throwaway PostgreSQL server for the tests: `initdb` in a temporary folder, started with `pg_ctl` on
/// loopback at a free port, stopped when the test process exits. PostgreSQL refuses to run as root, so under
/// root the server runs as the `postgres` account the Debian package creates. One server per test process.
public final class PostgresServer: Sendable {
    public let port: Int
    public let dataDirectory: String
    let binaries: String
    let runAs: String?

    public static let shared = Result { try PostgresServer() }

    public enum StartError: Error, CustomStringConvertible {
        case cannotStart(String)
        public var description: String {
            switch self {
            case .cannotStart(let reason): "the test PostgreSQL server cannot start: \(reason) (make test installs postgresql; run `make deps`)"
            }
        }
    }

    private init() throws {
        guard let binaries = Self.findBinaries() else {
            throw StartError.cannotStart("no initdb under /usr/lib/postgresql/*/bin or on PATH")
        }
        self.binaries = binaries
        runAs = getuid() == 0 ? "postgres" : nil
        let folder = try TemporaryFolder.make("postgres")
        dataDirectory = folder + "/data"
        let socketDirectory = folder + "/socket"
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        if let runAs {
            let chown = try Self.spawn(["/bin/chown", "-R", "\(runAs):", folder])
            guard chown.status == 0 else { throw StartError.cannotStart("chown \(folder) to \(runAs): \(chown.stderr)") }
        }
        let initdb = try Self.run("initdb", binaries: binaries, runAs: runAs, ["-D", dataDirectory, "-A", "trust", "-U", "evidence", "-E", "UTF8", "--locale=C", "--no-sync"])
        guard initdb.status == 0 else { throw StartError.cannotStart("initdb: \(initdb.stderr)") }
        var lastError = ""
        for _ in 0..<5 {
            let port = Self.freePort()
            let start = try Self.run("pg_ctl", binaries: binaries, runAs: runAs, ["-D", dataDirectory, "-l", folder + "/server.log", "-w", "-t", "60", "start", "-o",
                                           "-c listen_addresses=127.0.0.1 -p \(port) -k \(socketDirectory) -c fsync=off -c TimeZone=Europe/Berlin"])
            if start.status == 0 {
                self.port = port
                Self.register(stop: [binaries + "/pg_ctl", "-D", dataDirectory, "-m", "immediate", "stop"], runAs: runAs)
                return
            }
            lastError = start.stderr + ((try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? "")
        }
        throw StartError.cannotStart("pg_ctl start: \(lastError)")
    }

    /// `postgresql://evidence@127.0.0.1:PORT/DATABASE`.
    public func url(database: String = "postgres") -> String { "postgresql://evidence@127.0.0.1:\(port)/\(database)" }

    /// Runs SQL through `psql` (stops at the first error).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let result = try Command.run(binaries + "/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url(database: database)], input: Data(sql.utf8))
        guard result.status == 0 else { throw StartError.cannotStart("psql: \(result.stderr)") }
        return result.stdout
    }

    /// Makes a fresh database.
    public func createDatabase(_ name: String) throws {
        try psql("DROP DATABASE IF EXISTS \"\(name)\"; CREATE DATABASE \"\(name)\";")
    }

    private static func run(_ tool: String, binaries: String, runAs: String?, _ arguments: [String]) throws -> Command.Result {
        let command = (runAs.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + [binaries + "/" + tool] + arguments
        return try spawn(command)
    }

    /// Runs a command with posix_spawn and waitpid, its output in a file. Foundation's `Process` never sees
    /// `runuser` exit once `pg_ctl` has started a daemon (waitUntilExit hangs), so server control avoids it.
    static func spawn(_ command: [String]) throws -> Command.Result {
        let output = NSTemporaryDirectory() + "git-evidence-tests/spawn-\(UUID().uuidString).log"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let command = Self.closingInherited(command)
        var arguments = command.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, command[0], &actions, nil, &arguments, environ)
        guard spawned == 0 else { throw StartError.cannotStart("cannot run \(command[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: output)
        let exited = status & 0x7f == 0
        return Command.Result(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), stdout: text, stderr: text)
    }

    /// `command` run so that it inherits no descriptor but 0-2. A server started here outlives the spawn; holding a
    /// pipe another test's command writes to (posix_spawn hands over every descriptor not marked close-on-exec),
    /// it would keep that test's reader from ever seeing end of file. Glibc's closefrom action is not visible to
    /// Swift, so Python closes them between fork and exec.
    static func closingInherited(_ command: [String]) -> [String] {
        ["/usr/bin/env", "python3", "-c", "import os, sys; os.closerange(3, os.sysconf('SC_OPEN_MAX')); os.execv(sys.argv[1], sys.argv[1:])"] + command
    }

    static func findBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(folder)/initdb") {
            return String(folder)
        }
        return nil
    }

    /// A port nothing listens on now: bind to port 0 and read what the kernel chose.
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    nonisolated(unsafe) private static var stopCommand: [String] = []

    /// Stops the server when the test process exits, however the tests end.
    private static func register(stop command: [String], runAs: String?) {
        stopCommand = runAs.map { ["/usr/sbin/runuser", "-u", $0, "--"] + command } ?? command
        atexit { _ = try? PostgresServer.spawn(PostgresServer.stopCommand) }
    }
}
