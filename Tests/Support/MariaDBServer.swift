import Foundation

/// A throwaway MariaDB server for the tests: `mariadb-install-db` into a private data folder, `mariadbd` on
/// loopback at a free port with no option file read, stopped when the test process exits. One per test process.
public final class MariaDBServer: Sendable {
    public let port: Int
    public let dataDirectory: String
    /// The account the tests read ledgers as, with a password (so a test can see it never leaks).
    public static let user = "evidence"
    public static let password = "s3cret-mariadb-pw"

    public static let shared = Result { try MariaDBServer() }

    private init() throws {
        for tool in ["/usr/bin/mariadb-install-db", "/usr/sbin/mariadbd", "/usr/bin/mariadb"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw PostgresServer.StartError.cannotStart("no \(tool) (make test installs mariadb-server; run `make deps`)")
        }
        let folder = try TemporaryFolder.make("mariadb")
        dataDirectory = folder + "/data"
        let user = getuid() == 0 ? ["--user=root"] : []
        let install = try PostgresServer.spawn(["/usr/bin/mariadb-install-db", "--no-defaults", "--datadir=" + dataDirectory,
                                                "--auth-root-authentication-method=normal", "--skip-test-db"] + user)
        guard install.status == 0 else { throw PostgresServer.StartError.cannotStart("mariadb-install-db: \(install.stderr.suffix(800))") }
        port = PostgresServer.freePort()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, folder + "/server.log", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // mariadbd runs for the whole test process: it must not inherit the pipes of commands other tests are running
        // at this moment, or their readers never see end of file.
        let command = PostgresServer.closingInherited(["/usr/sbin/mariadbd", "--no-defaults", "--datadir=" + dataDirectory, "--socket=" + folder + "/socket",
                       "--port=\(port)", "--bind-address=127.0.0.1", "--skip-name-resolve", "--innodb-buffer-pool-size=16M",
                       "--default-time-zone=+02:00"] + user)
        var arguments = command.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, command[0], &actions, nil, &arguments, environ)
        guard spawned == 0 else { throw PostgresServer.StartError.cannotStart("cannot run mariadbd: \(String(cString: strerror(spawned)))") }
        Self.serverPID = pid
        atexit { if MariaDBServer.serverPID > 0 { kill(MariaDBServer.serverPID, SIGTERM) } }
        // Ready when root can connect; then the tests' account.
        var ready = false
        for _ in 0..<300 {
            if try Command.run("/usr/bin/mariadb", ["--no-defaults", "-h", "127.0.0.1", "-P", "\(port)", "-u", "root", "-e", "SELECT 1"]).status == 0 {
                ready = true
                break
            }
            usleep(100_000)
        }
        guard ready else {
            throw PostgresServer.StartError.cannotStart("mariadbd did not start: " + ((try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? "").suffix(800))
        }
        try sql("CREATE USER '\(Self.user)'@'%' IDENTIFIED BY '\(Self.password)'; GRANT ALL ON *.* TO '\(Self.user)'@'%';")
    }

    nonisolated(unsafe) private static var serverPID: pid_t = 0

    /// `mysql://evidence:PASSWORD@127.0.0.1:PORT/DATABASE`.
    public func url(database: String) -> String { "mysql://\(Self.user):\(Self.password)@127.0.0.1:\(port)/\(database)" }

    /// Runs SQL as root through the `mariadb` client (stops at the first error).
    @discardableResult
    public func sql(_ text: String, database: String? = nil) throws -> String {
        let result = try Command.run("/usr/bin/mariadb", ["--no-defaults", "-h", "127.0.0.1", "-P", "\(port)", "-u", "root"] + (database.map { [$0] } ?? []),
                                     input: Data(text.utf8))
        guard result.status == 0 else { throw PostgresServer.StartError.cannotStart("mariadb: \(result.stderr)") }
        return result.stdout
    }

    /// Makes a fresh database.
    public func createDatabase(_ name: String) throws {
        try sql("DROP DATABASE IF EXISTS `\(name)`; CREATE DATABASE `\(name)`;")
    }
}
