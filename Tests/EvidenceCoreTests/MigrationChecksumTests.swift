@testable import EvidenceCore
import EvidenceCrypto
import Testing

@Suite struct MigrationChecksumTests {
    static let sql = "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n"

    @Test(arguments: [
        sql,
        "\u{FEFF}" + sql,                                          // with a BOM
        sql.replacingOccurrences(of: "\n", with: "\r\n"),          // CRLF
        "CREATE TABLE t (id int);\rINSERT INTO t VALUES (1);",     // CR, no final terminator
    ])
    func flywayMatchesTheVector(text: String) {
        #expect(MigrationChecksum.flyway(Array(text.utf8)) == 169_406_234)
    }

    @Test func flywayIsSignedAndSensitiveToContent() {
        #expect(MigrationChecksum.flyway(Array("CREATE TABLE u (id int);\n".utf8)) != 169_406_234)
        #expect(MigrationChecksum.flyway([]) == 0)
        // Some content gives a negative checksum, as Flyway stores it (a Java int).
        #expect((0..<200).contains { MigrationChecksum.flyway(Array("SELECT \($0);\n".utf8)) < 0 })
    }

    @Test func drizzleIsTheSHA256OfTheRawBytes() throws {
        #expect(try MigrationChecksum.drizzle(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try MigrationChecksum.drizzle(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func prismaAcceptsLineEndingVariantsAndUnpaddedHex() throws {
        let lf = Array(Self.sql.utf8)
        let crlf = Array(Self.sql.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let values = try MigrationChecksum.prisma(lf)
        #expect(values.contains(try SHA256.hash(lf).hex))
        #expect(values.contains(try SHA256.hash(crlf).hex))
        #expect(try MigrationChecksum.prisma(crlf) == values)
        // "abc" has digest bytes below 0x10 (ba 78 16 bf 8f 01 ...): old Prisma wrote 01 as "1".
        let unpadded = try SHA256.hash(Array("abc".utf8)).bytes.map { String($0, radix: 16) }.joined()
        #expect(unpadded.count < 64)
        #expect(try MigrationChecksum.prisma(Array("abc".utf8)).contains(unpadded))
    }
}
