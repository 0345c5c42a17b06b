import EvidenceCrypto

/// `VERIFY.txt`: how to check the bundle with stock tools. It is itself a POSIX `sh` script, its prose in comments,
/// so it runs literally (`TRUSTED=KEY.pem sh VERIFY.txt` inside the bundle, with OpenSSL 3 and coreutils) and each
/// command can also be copied on its own. Each step says what it proves; the script stops at the first failure.
enum VerifyInstructions {
    /// What the folder is: an evidence bundle, or a roll-up of many.
    enum Subject {
        case bundle, rollup
    }

    /// `derived`: files written beside the seal that cite SHA256SUMS and so cannot be listed in it (the OSCAL
    /// document of `export --oscal`).
    static func text(keyID: String, algorithm: SignatureAlgorithm, derived: [String] = [], subject: Subject = .bundle) -> String {
        let signatureCheck = switch algorithm {
        case .ed25519:
            "openssl pkeyutl -verify -pubin -inkey \"$TRUSTED\" -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig"
        case .ecdsaP256:
            "openssl dgst -sha256 -verify \"$TRUSTED\" -signature SHA256SUMS.sig SHA256SUMS"
        case .rsaPSS:
            "openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -verify \"$TRUSTED\" -signature SHA256SUMS.sig SHA256SUMS"
        }
        let sealing = (BundleLayout.sorted(BundleLayout.unlisted).map { "! -name \($0)" } + derived.map { "! -path ./\($0)" }).joined(separator: " ")
        let title = subject == .bundle ? "How to verify this evidence bundle\n# ==================================" : "How to verify this roll-up\n# =========================="
        let derivedCheck = derived.map { path in
            "# \(path) is derived from the signed files after sealing: it cites SHA256SUMS by its digest, so it\n"
                + "# cannot be listed there. It must name this SHA256SUMS (git-evidence verify derives it again, byte for byte).\n"
                + "grep -q \"$(sha256sum SHA256SUMS | cut -c1-64)\" \(path)\n\n"
        }.joined()
        let about = subject == .bundle ? """
        # attestation.intoto.json is a DSSE envelope (in-toto Statement v1) over the same files, signed with the
        # same key, for tools that read in-toto attestations. manifest.json records how the evidence was made and
        # its merkle_root: the RFC 6962 Merkle tree hash over the SHA256SUMS lines of every file but the manifest.
        """ : """
        # attestation.intoto.json is a DSSE envelope (in-toto Statement v1) over the same files, signed with the
        # same key. rollup.json names each repository's bundle and the SHA-256 of its SHA256SUMS: inside that
        # bundle, `sha256sum SHA256SUMS` must print it, and the bundle is verified on its own with its VERIFY.txt.
        """
        return """
        # \(title)
        #
        # Signed with \(algorithm.rawValue) key \(keyID)
        # (key id = SHA-256 of the DER public key).
        #
        # The key must come from somewhere other than this bundle: your own trusted copy of the signer's public
        # key, from its owner or your keyring. signer.pub.pem inside the bundle is only a convenience; checking the
        # bundle against it proves the bundle agrees with itself, not who signed it.
        #
        # This file is a POSIX sh script. Inside the bundle folder, with OpenSSL 3 and coreutils:
        #
        #     TRUSTED=/path/to/your/trusted-copy.pub.pem sh VERIFY.txt
        #
        # or copy the commands one at a time (set TRUSTED first). It stops at the first step that fails. A
        # tampered bundle can carry a tampered VERIFY.txt too: read it before you run it (it is short), or run
        # the commands from a copy you trust.
        # With git-evidence instead:   git-evidence verify BUNDLE --key TRUSTED.pub.pem

        set -eu
        : "${TRUSTED:?set TRUSTED to your own trusted copy of the public key of the signer, not signer.pub.pem from this bundle}"

        # 1. Which key you trust: prints its key id, which must be the one named above.
        openssl pkey -pubin -in "$TRUSTED" -outform DER | sha256sum | cut -c1-64

        # 2. The list of files, SHA256SUMS, was signed by that key (prints "Signature Verified Successfully" or
        #    "Verified OK").
        \(signatureCheck)

        # 3. Every file the list names is present and unchanged.
        sha256sum --check --strict --quiet SHA256SUMS

        # 4. No file was added that the list does not name (the sealing files aside): prints nothing and passes
        #    when the bundle is complete.
        unlisted=$( { cut -c67- SHA256SUMS; cut -c67- SHA256SUMS; find . -type f \(sealing) | sed 's|^\\./||'; } | LC_ALL=C sort | uniq -u )
        if [ -n "$unlisted" ]; then echo "not listed in SHA256SUMS: $unlisted" >&2; exit 1; fi

        # 5. When the bundle holds SHA256SUMS.sig.tsr, an RFC 3161 token proves when the signature existed; the key
        #    must have been valid then. TSA_ROOTS: the time-stamping authority's root, from your own trusted copy.
        #    (git-evidence verify --tsa-roots judges the TSA's chain at that time, so a token outlives the TSA's
        #    certificate; stock openssl judges it now.)
        if [ -f SHA256SUMS.sig.tsr ] && [ -n "${TSA_ROOTS:-}" ]; then
          openssl ts -verify -in SHA256SUMS.sig.tsr -data SHA256SUMS.sig -CAfile "$TSA_ROOTS" -untrusted tsa-chain.pem
          openssl ts -reply -in SHA256SUMS.sig.tsr -text | grep 'Time stamp'
        elif [ -f SHA256SUMS.sig.tsr ]; then
          echo "SHA256SUMS.sig.tsr not checked: set TSA_ROOTS to the time-stamping authority's root certificate"
        fi

        \(derivedCheck)echo "verified: SHA256SUMS is signed by the key in $TRUSTED and lists exactly the files here, unchanged"

        \(about)

        """
    }
}
