import EvidenceCrypto
import EvidenceTestSupport
import Foundation
import Testing

private func bytes(hex: String) -> [UInt8] {
    var result = [UInt8]()
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

private func openssl(_ arguments: [String]) throws -> Command.Result {
    try Command.run("/usr/bin/env", ["openssl"] + arguments)
}

@Suite struct SignatureTests {
    /// RFC 8032 section 7.1, tests 1 to 3: secret key, public key, message, signature.
    static let rfc8032: [(String, String, String, String)] = [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ]

    @Test(arguments: rfc8032)
    func ed25519MatchesRFC8032(secret: String, publicKey: String, message: String, signature: String) throws {
        let key = try SigningKey(ed25519Seed: bytes(hex: secret))
        let signed = try key.sign(bytes(hex: message))
        #expect(hexString(signed) == signature)
        let pub = try key.publicKey()
        #expect(hexString(pub.der.suffix(32)) == publicKey)
        #expect(try pub.verify(signed, over: bytes(hex: message)))
        #expect(try !pub.verify(signed, over: bytes(hex: message) + [0]))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func signsAndVerifiesAndRejectsTampering(algorithm: SignatureAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        #expect(key.algorithm == algorithm)
        let message = Array("abc123  changes.jsonl\n".utf8)
        let signature = try key.sign(message)
        let pub = try key.publicKey()
        #expect(pub.algorithm == algorithm)
        #expect(try pub.verify(signature, over: message))
        var tampered = signature
        tampered[tampered.count / 2] ^= 0x01
        #expect(try !pub.verify(tampered, over: message))
        #expect(try !pub.verify(signature, over: message + [0x0a]))
        #expect(try !pub.verify([], over: message))
        // A PEM round trip gives the same key.
        let reloaded = try PublicKey(pem: Array(pub.pem().utf8), source: "reloaded")
        #expect(try reloaded.keyID() == pub.keyID())
        let privateAgain = try SigningKey(pem: Array(key.privateKeyPEM().utf8), source: "private")
        #expect(try privateAgain.publicKey().keyID() == pub.keyID())
    }

    /// What the openssl CLI needs to verify each scheme over a file.
    private func opensslVerify(_ algorithm: SignatureAlgorithm, publicKey: String, message: String, signature: String) -> [String] {
        switch algorithm {
        case .ed25519:
            return ["pkeyutl", "-verify", "-pubin", "-inkey", publicKey, "-rawin", "-in", message, "-sigfile", signature]
        case .ecdsaP256:
            return ["dgst", "-sha256", "-verify", publicKey, "-signature", signature, message]
        case .rsaPSS:
            return ["dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest",
                    "-verify", publicKey, "-signature", signature, message]
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func theOpensslCommandVerifiesOurSignaturesAndKeyIDs(algorithm: SignatureAlgorithm) throws {
        let folder = try TemporaryFolder.make("interop-\(algorithm.rawValue)")
        let key = try SigningKey.generate(algorithm)
        let message = Array("e3b0c442  manifest.json\n".utf8)
        try Data(message).write(to: URL(fileURLWithPath: folder + "/SHA256SUMS"))
        try Data(key.sign(message)).write(to: URL(fileURLWithPath: folder + "/SHA256SUMS.sig"))
        try Data(key.publicKey().pem().utf8).write(to: URL(fileURLWithPath: folder + "/signer.pub.pem"))

        let verified = try openssl(opensslVerify(algorithm, publicKey: folder + "/signer.pub.pem",
                                                 message: folder + "/SHA256SUMS", signature: folder + "/SHA256SUMS.sig"))
        #expect(verified.status == 0, "openssl: \(verified.stdout) \(verified.stderr)")

        // Key id = SHA-256 of the DER SubjectPublicKeyInfo, as openssl writes it.
        _ = try openssl(["pkey", "-pubin", "-in", folder + "/signer.pub.pem", "-outform", "DER", "-out", folder + "/pub.der"])
        let digest = try Command.run("/usr/bin/env", ["sha256sum", folder + "/pub.der"])
        #expect(digest.stdout.hasPrefix(try key.publicKey().keyID()))
    }

    @Test(arguments: [
        (SignatureAlgorithm.ed25519, ["genpkey", "-algorithm", "ed25519"]),
        (.ecdsaP256, ["ecparam", "-name", "prime256v1", "-genkey", "-noout"]),  // traditional "EC PRIVATE KEY" PEM
        (.rsaPSS, ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
        // An RSA-PSS key with no parameter restrictions signs as an RSA key does.
        (.rsaPSS, ["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"]),
    ])
    func weLoadOpensslKeysAndVerifyOpensslSignatures(algorithm: SignatureAlgorithm, generate: [String]) throws {
        let folder = try TemporaryFolder.make("reverse-\(algorithm.rawValue)")
        let keyPath = folder + "/key.pem", pubPath = folder + "/pub.pem", messagePath = folder + "/msg", sigPath = folder + "/sig"
        #expect(try openssl(generate + ["-out", keyPath]).status == 0)
        #expect(try openssl(["pkey", "-in", keyPath, "-pubout", "-out", pubPath]).status == 0)
        try Data("population\n".utf8).write(to: URL(fileURLWithPath: messagePath))
        let sign: [String] = switch algorithm {
        case .ed25519: ["pkeyutl", "-sign", "-inkey", keyPath, "-rawin", "-in", messagePath, "-out", sigPath]
        case .ecdsaP256: ["dgst", "-sha256", "-sign", keyPath, "-out", sigPath, messagePath]
        case .rsaPSS: ["dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest",
                       "-sign", keyPath, "-out", sigPath, messagePath]
        }
        #expect(try openssl(sign).status == 0)

        let signing = try SigningKey(pemFile: keyPath)
        #expect(signing.algorithm == algorithm)
        let pub = try PublicKey(pemFile: pubPath)
        let signature = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sigPath)))
        #expect(try pub.verify(signature, over: Array("population\n".utf8)))
        #expect(try signing.publicKey().keyID() == pub.keyID())
    }

    @Test func unusableKeysAreClearErrors() throws {
        #expect(throws: CryptoError.self) { try SigningKey(pem: Array("not a key".utf8), source: "bad.pem") }
        do {
            _ = try SigningKey(pem: Array("not a key".utf8), source: "bad.pem")
        } catch {
            #expect(String(describing: error) == "bad.pem: not a PEM private key", "no OpenSSL decoder strings")
        }
        let folder = try TemporaryFolder.make("p384")
        _ = try openssl(["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", folder + "/p384.pem"])
        #expect(throws: CryptoError.unsupportedKey(source: folder + "/p384.pem", reason: "expected Ed25519, ECDSA P-256 or RSA")) {
            try SigningKey(pemFile: folder + "/p384.pem")
        }
    }
}
