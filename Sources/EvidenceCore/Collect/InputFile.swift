import Foundation

/// Reads an input file whole; an unreadable one is an error naming the file and why.
func readInput(_ path: String) throws(EvidenceError) -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw EvidenceError.unreadable(file: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
    }
    return data
}
