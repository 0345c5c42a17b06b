import EvidenceCrypto
import EvidenceTestSupport
import Foundation
import Testing

@Suite struct DigestTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func publishedVectors(message: String, digest: String) throws {
        #expect(try SHA256.hash(Array(message.utf8)).hex == digest)
    }

    @Test func streamingAFileEqualsHashingItWholeAndSha256sum() throws {
        let folder = try TemporaryFolder.make("digest")
        let path = folder + "/big.bin"
        // 3.5 MiB of varied bytes crosses several 1 MiB read blocks.
        let bytes = (0..<(3 * 1_048_576 + 524_288)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let streamed = try SHA256.hash(fileAt: path)
        #expect(streamed == (try SHA256.hash(bytes)))
        let sha256sum = try Command.run("/usr/bin/env", ["sha256sum", path])
        #expect(sha256sum.stdout.hasPrefix(streamed.hex + " "))

        var incremental = try SHA256()
        try incremental.update(Array(bytes[..<1000]))
        try incremental.update(Array(bytes[1000...]))
        #expect(try incremental.finish() == streamed)
    }

    @Test func aMissingFileNamesTheFile() {
        #expect(throws: CryptoError.unreadable(path: "/nonexistent/file", reason: "No such file or directory")) {
            try SHA256.hash(fileAt: "/nonexistent/file")
        }
    }
}
