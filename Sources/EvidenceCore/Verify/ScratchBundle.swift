import Foundation

/// A private copy of a bundle (read out of a `.tar.gz` or a bucket) in a folder only this user can read, under the
/// temporary directory, to be checked as a bundle folder is; `remove()` deletes it.
struct ScratchBundle {
    /// The bundle folder, named as the bundle is.
    let folder: String
    private let scratch: URL

    init(named name: String) throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("git-evidence-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        folder = scratch.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Writes `bytes` at `path` inside the bundle (a path `SumsListing.isSafe` accepts), making its folders.
    func write(_ path: String, _ bytes: [UInt8], failure: String) throws {
        let target = folder + "/" + path
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: target, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw EvidenceError.unwritable(path: target, reason: failure)
        }
    }

    /// `verify` of the copy, reported under the name the user gave for the bundle.
    func verify(_ request: VerificationRequest, naming name: String) throws -> VerificationReport {
        var local = request
        local.bundle = folder
        return try BundleVerifier.verify(local).naming(name)
    }

    func remove() { try? FileManager.default.removeItem(at: scratch) }
}
