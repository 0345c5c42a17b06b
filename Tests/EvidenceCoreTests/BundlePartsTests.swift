import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

@Suite struct BundlePartsTests {
    @Test func preAuthenticationEncodingMatchesTheDSSESpecExample() {
        let encoded = DSSE.preAuthenticationEncoding(payloadType: "http://example.com/HelloWorld", payload: Array("hello world".utf8))
        #expect(String(decoding: encoded, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }

    @Test func anEnvelopeVerifiesOverThePAEAndNotThePayloadAlone() throws {
        let key = try SigningKey(ed25519Seed: Array(repeating: 7, count: 32))
        let payload = Array(#"{"_type":"https://in-toto.io/Statement/v1"}"#.utf8)
        let envelope = try DSSE.sign(payload: payload, payloadType: DSSE.inTotoPayloadType, signer: try PEMFileSigner(key: key))
        let signature = try #require(Data(base64Encoded: envelope.signatures[0].sig))
        let pub = try key.publicKey()
        #expect(try pub.verify([UInt8](signature), over: DSSE.preAuthenticationEncoding(payloadType: envelope.payloadType, payload: payload)))
        #expect(try !pub.verify([UInt8](signature), over: payload))
        #expect(envelope.payloadBytes == payload)
    }

    /// Roots computed independently (Python's hashlib, RFC 6962 §2.1) for leaves "<64 hex>  f<i>\n".
    @Test(arguments: [
        (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (1, "07e6f7d623c2f63303f53ffcb04d6fe62601c1c3bd0668f8f51d63b65e84a8c5"),
        (2, "0ab9db018d346ff4df39ed2fab217ab8d89c2f53a8bb62a0b6f7670acd692215"),
        (3, "8e1f93dcc7c06a671b8a6715c7b3ea7e0d8bda2c49c8067d9552d688fa0194fb"),
        (5, "7dd4c335b06186de2189704be08497ae963ce861f78ffb26ae45f33cb208fe51"),
    ])
    func merkleRootsFollowRFC6962(count: Int, root: String) throws {
        let lines = (0..<count).map { String(repeating: "0", count: 64 - String($0, radix: 16).count) + String($0, radix: 16) + "  f\($0)\n" }
        #expect(try MerkleTree.root(lines: lines).hex == root)
    }

    @Test func retentionIsSixYearsAfterTheWindowEnd() throws {
        let end = try #require(Timestamp.parse("2026-10-01"))
        #expect(Timestamp.iso8601UTC(Timestamp.addingYears(6, to: end)) == "2032-10-01T00:00:00Z")
        let leap = try #require(Timestamp.parse("2028-02-29T12:00:00Z"))
        #expect(Timestamp.iso8601UTC(Timestamp.addingYears(6, to: leap)) == "2034-02-28T12:00:00Z")
    }

    @Test func pathsSortByteWiseLikeCSort() {
        #expect(BundleLayout.sorted(["b", "B", "a/b", "a.b", "SHA256SUMS", "_x"]) == ["B", "SHA256SUMS", "_x", "a.b", "a/b", "b"])
    }
}
