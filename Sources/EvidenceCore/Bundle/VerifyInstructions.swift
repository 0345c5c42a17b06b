import EvidenceCrypto

/// `VERIFY.txt`: how to check the bundle with stock tools, with the exact commands for this key's algorithm.
enum VerifyInstructions {
    static func text(keyID: String, algorithm: SignatureAlgorithm) -> String {
        let signatureCheck = switch algorithm {
        case .ed25519:
            "openssl pkeyutl -verify -pubin -inkey TRUSTED.pub.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig"
        case .ecdsaP256:
            "openssl dgst -sha256 -verify TRUSTED.pub.pem -signature SHA256SUMS.sig SHA256SUMS"
        case .rsaPSS:
            "openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -verify TRUSTED.pub.pem -signature SHA256SUMS.sig SHA256SUMS"
        }
        return """
        How to verify this evidence bundle
        ==================================

        Signed with \(algorithm.rawValue) key \(keyID)
        (key id = SHA-256 of the DER public key). Use your own trusted copy of the signer's public key
        (TRUSTED.pub.pem below), not the signer.pub.pem inside the bundle, which is only a convenience.

        With git-evidence:

            git-evidence verify BUNDLE --key TRUSTED.pub.pem

        With openssl and sha256sum alone, inside the bundle folder:

        1. The key is the one you trust (prints its key id):

            openssl pkey -pubin -in TRUSTED.pub.pem -outform DER | sha256sum

        2. The signature over the list of files:

            \(signatureCheck)

        3. Every listed file is present and unchanged:

            sha256sum --check --strict SHA256SUMS

        4. No file was added that the list does not name (prints nothing when the bundle is complete):

            find . -type f ! -name SHA256SUMS ! -name SHA256SUMS.sig ! -name attestation.intoto.json ! -name SHA256SUMS.sig.tsr ! -name tsa-chain.pem | sed 's|^\\./||' | LC_ALL=C sort | diff - <(cut -c67- SHA256SUMS)

        5. When the bundle holds SHA256SUMS.sig.tsr, an RFC 3161 token proves when the signature existed (TSA_ROOTS.pem:
           the time-stamping authority's root, from your own trusted copy); the key must have been valid then:

            openssl ts -verify -in SHA256SUMS.sig.tsr -data SHA256SUMS.sig -CAfile TSA_ROOTS.pem -untrusted tsa-chain.pem
            openssl ts -reply -in SHA256SUMS.sig.tsr -text | grep 'Time stamp'

           (git-evidence verify --tsa-roots TSA_ROOTS.pem judges the TSA's chain at that time, so a token outlives
           the TSA's certificate; stock openssl judges it now.)

        attestation.intoto.json is a DSSE envelope (in-toto Statement v1) over the same files, signed with the same
        key, for tools that read in-toto attestations. manifest.json records how the evidence was made and its
        merkle_root: the RFC 6962 Merkle tree hash over the SHA256SUMS lines of every file but the manifest.

        """
    }
}
