import Foundation

/// The checkers of files other tools read (compliance-trestle, actionlint, kubernetes-validate), from the venv
/// `make test` prepares (`GRC_TOOLS` names its bin folder).
public enum GRCTools {
    public static func path(_ tool: String) throws -> String {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = ProcessInfo.processInfo.environment["GRC_TOOLS"] ?? packageRoot.appendingPathComponent(".build/grc-venv/bin").path
        let path = folder + "/" + tool
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw FixtureError.commandFailed("\(path) is missing: run the tests with `make test`, which prepares \(tool) in .build/grc-venv")
        }
        return path
    }
}
