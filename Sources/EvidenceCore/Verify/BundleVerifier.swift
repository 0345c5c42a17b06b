import EvidenceCrypto
import EvidenceErrors
import Foundation

/// One named check of a verification and its outcome.
public struct VerificationCheck: Codable, Sendable, Equatable {
    public let name: String
    public let passed: Bool
    public let detail: String

    public init(name: String, passed: Bool, detail: String) {
        self.name = name
        self.passed = passed
        self.detail = detail
    }
}

/// The outcome of verifying a bundle: verified only when every check passed.
public struct VerificationReport: Encodable, Sendable {
    public let bundle: String
    public let checks: [VerificationCheck]
    public var verified: Bool { checks.allSatisfy(\.passed) }

    enum CodingKeys: String, CodingKey { case bundle, checks, verified }

    public init(bundle: String, checks: [VerificationCheck]) {
        self.bundle = bundle
        self.checks = checks
    }

    /// The same report for a bundle named otherwise (a bucket's URI rather than the folder it was read into).
    public func naming(_ name: String) -> VerificationReport { VerificationReport(bundle: name, checks: checks) }

    /// The same report with one more check.
    public func adding(_ check: VerificationCheck) -> VerificationReport { VerificationReport(bundle: bundle, checks: checks + [check]) }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bundle, forKey: .bundle)
        try container.encode(checks, forKey: .checks)
        try container.encode(verified, forKey: .verified)
    }
}

/// What `git-evidence verify` is asked to check.
public struct VerificationRequest: Sendable {
    public var bundle: String
    public var trusted: [TrustedKey]
    public var previous: String?
    public var repository: String?
    /// Fetch the bundle's pull-request evidence again from GitHub and compare (`--recollect`).
    public var recollect: GitHubRequest?
    /// The TSA root certificates (PEM bytes) an RFC 3161 token must chain to (`--tsa-roots`).
    public var tsaRoots: [UInt8]?
    /// Fail when the signing time is not proven by a verified token (`--require-timestamp`).
    public var requireTimestamp = false

    public init(bundle: String, trusted: [TrustedKey], previous: String? = nil, repository: String? = nil, recollect: GitHubRequest? = nil) {
        self.bundle = bundle
        self.trusted = trusted
        self.previous = previous
        self.repository = repository
        self.recollect = recollect
    }
}

/// Checks a bundle offline and trusts nothing in it: every listed file against SHA256SUMS, no unlisted or unsafe
/// entries (no path that escapes the bundle, and no symlink, is ever opened), the signature with a trusted key
/// valid at the bundle's time, the DSSE attestation and its subjects, the manifest's Merkle root and counts,
/// and, when asked, the chain to the previous bundle and the population re-derived from the repository.
public enum BundleVerifier {
    /// Whether `keyFile` lies inside the folder `bundle`: trusting the key a bundle carries proves only that the
    /// bundle agrees with itself, not who signed it.
    public static func keyIsFromBundle(keyFile: String, bundle: String) -> Bool {
        guard let key = realpath(keyFile, nil), let folder = realpath(bundle, nil) else { return false }
        defer { free(key); free(folder) }
        return String(cString: key).hasPrefix(String(cString: folder) + "/")
    }

    public static func verify(_ request: VerificationRequest) throws -> VerificationReport {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: request.bundle, isDirectory: &isFolder), isFolder.boolValue else {
            throw EvidenceError.unreadable(file: request.bundle, reason: "not a bundle folder")
        }
        let tree = BundleTree(root: request.bundle)
        // A roll-up is sealed as a bundle is, and says what it is by its own record in place of a manifest.
        if !tree.contains(BundleLayout.manifest) && tree.contains(RollupLayout.record) {
            return try RollupVerifier.verify(request, tree: tree)
        }
        var checks = [VerificationCheck]()
        func record(_ name: String, _ passed: Bool, _ detail: String) { checks.append(VerificationCheck(name: name, passed: passed, detail: detail)) }
        func record(_ check: VerificationCheck) { checks.append(check) }

        guard let files = try fileChecks(tree, extra: OSCALAssessment.bundlePath) else { return unlistedFolder(request, tree: tree) }
        checks = files.checks
        let listing = files.listing
        // The manifest (read only if listed and intact, so nothing below trusts an altered one).
        let manifest: Manifest? = files.intact(BundleLayout.manifest)
            ? tree.read(BundleLayout.manifest).flatMap { try? BundleReader.manifest(from: $0, file: BundleLayout.manifest) } : nil
        let signing = try signatureChecks(tree, sums: files.sums, request: request,
                                          claimed: manifest.flatMap { $0.generatedAt.flatMap(Timestamp.parse) },
                                          windowEnd: manifest.flatMap { Timestamp.parse($0.window.end) })
        checks += signing.checks
        let signer = signing.signer

        // The DSSE envelope and its subjects.
        let (attested, statement) = attestation(tree, listing: listing, sumsBytes: files.sums, signer: signer, as: BundleSummary.self)
        record(attested)

        // The manifest's Merkle root and counts, then whether the signed files agree with one another.
        if let manifest {
            record(try manifestCheck(manifest, tree: tree, listing: listing, signer: signer))
            record(try consistency(manifest, tree: tree, listing: listing, signer: signer, statement: statement))
        } else {
            record("manifest", false, "manifest.json is missing, altered or not a manifest")
        }

        if tree.contains(OSCALAssessment.bundlePath) {
            record(oscalCheck(manifest, tree: tree, files: files))
        }
        if let previous = request.previous {
            record(try chain(manifest, previous: previous, trusted: request.trusted))
        }
        // Re-deriving and re-collecting read the bundle's inputs: only from a bundle whose every file is listed,
        // intact, regular and signed, so nothing outside it is opened and an altered input is a failed check, not a
        // parse error.
        let integrity: Set = ["entries", "listing", "files", "unlisted", "signature", "attestation", "manifest"]
        let failed = checks.filter { !$0.passed && integrity.contains($0.name) }.map(\.name)
        if let repository = request.repository {
            if let manifest, failed.isEmpty {
                do {
                    record(try PopulationCheck.check(bundle: request.bundle, manifest: manifest, repository: repository))
                } catch let error as any ReportableError {
                    record("population", false, "not re-derived: \(error.description)")
                }
            } else {
                record("population", false, "not checked: the bundle did not verify (" + (failed.isEmpty ? "manifest" : failed.joined(separator: ", ")) + ")")
            }
        }
        if let recollect = request.recollect {
            if manifest != nil, failed.isEmpty {
                for check in try Recollection.check(bundle: request.bundle, request: recollect) { record(check) }
            } else {
                record("recollect", false, "not re-collected: the bundle did not verify (" + (failed.isEmpty ? "manifest" : failed.joined(separator: ", ")) + ")")
            }
        }
        return VerificationReport(bundle: request.bundle, checks: checks)
    }

    /// What the files of a sealed folder show, before anything in them is trusted.
    struct FileReading {
        let checks: [VerificationCheck]
        let sums: [UInt8]
        let listing: SumsListing
        let mismatched: Set<String>

        /// Whether `path` is listed and matches SHA256SUMS: only then is it read.
        func intact(_ path: String) -> Bool {
            listing.entries.contains { $0.path.utf8.elementsEqual(path.utf8) } && !mismatched.contains(path)
        }
    }

    /// `entries`, `listing`, `files` and `unlisted`: every listed file present and matching, no file outside the list
    /// but the seal's own and `extra` (a file derived after sealing, which its own check re-derives); nil without
    /// SHA256SUMS.
    static func fileChecks(_ tree: BundleTree, extra: String? = nil) throws -> FileReading? {
        var checks = [tree.entriesCheck]
        func record(_ name: String, _ passed: Bool, _ detail: String) { checks.append(VerificationCheck(name: name, passed: passed, detail: detail)) }
        // SHA256SUMS: its lines, each path safe.
        guard tree.contains(BundleLayout.sums), let sumsBytes = tree.read(BundleLayout.sums) else { return nil }
        let listing = SumsListing(sumsBytes)
        record("listing", listing.problems.isEmpty,
               listing.problems.isEmpty ? "SHA256SUMS lists \(listing.entries.count) files, all paths inside the bundle" : Self.bounded(listing.problems))

        // Every listed file exists and matches.
        var mismatched = [String](), missing = [String]()
        for entry in listing.entries {
            guard tree.contains(entry.path) else { missing.append(entry.path); continue }
            if try SHA256.hash(fileAt: tree.root + "/" + entry.path).hex != entry.digest { mismatched.append(entry.path) }
        }
        var fileProblems = [String]()
        if !missing.isEmpty { fileProblems.append("missing: " + Self.bounded(missing, separator: ", ")) }
        if !mismatched.isEmpty { fileProblems.append("do not match SHA256SUMS: " + Self.bounded(mismatched, separator: ", ")) }
        record("files", fileProblems.isEmpty, fileProblems.isEmpty ? "\(listing.entries.count) listed files present and matching" : fileProblems.joined(separator: "; "))

        // Names are compared as bytes: Swift's String equality would take NFD "é" for NFC "é", or a KELVIN SIGN for "K".
        let listed = Set(listing.entries.map { Array($0.path.utf8) })
        let sealing = Set((Array(BundleLayout.unlisted) + (extra.map { [$0] } ?? [])).map { Array($0.utf8) })
        let unlisted = BundleLayout.sorted(tree.files.filter { !listed.contains(Array($0.utf8)) && !sealing.contains(Array($0.utf8)) })
        record("unlisted", unlisted.isEmpty, unlisted.isEmpty ? "no file outside SHA256SUMS" : "files not in SHA256SUMS: " + Self.bounded(unlisted, separator: ", "))
        return FileReading(checks: checks, sums: sumsBytes, listing: listing, mismatched: Set(mismatched))
    }

    /// `timestamp`, `signature` and `key period`: who signed SHA256SUMS, and whether their key was valid then. The
    /// time is the token's when one verifies under the TSA roots, else the later of the time claimed and the
    /// window's end (a bundle for a window cannot honestly be signed before the window ends, so a key retired
    /// before then never vouches for it, whatever generated_at says).
    static func signatureChecks(_ tree: BundleTree, sums sumsBytes: [UInt8], request: VerificationRequest,
                                claimed: Int64?, windowEnd: Int64?) throws -> (checks: [VerificationCheck], signer: TrustedKey?) {
        var checks = [VerificationCheck]()
        func record(_ name: String, _ passed: Bool, _ detail: String) { checks.append(VerificationCheck(name: name, passed: passed, detail: detail)) }
        let stamp = timestampCheck(tree, roots: request.tsaRoots, required: request.requireTimestamp)
        checks.append(stamp.check)
        let bundleTime = stamp.genTime ?? [claimed, windowEnd].compactMap { $0 }.max()

        // A keyring may hold one key more than once (with different periods): every entry that verifies is tried.
        var signer: TrustedKey?
        if let signature = tree.read(BundleLayout.signature) {
            let verifying = try request.trusted.filter { try $0.publicKey().verify(signature, over: sumsBytes) }
            signer = verifying.first { key in bundleTime.map(key.isValid) ?? true } ?? verifying.first
            if let signer {
                record("signature", true, "SHA256SUMS signed by trusted key \(signer.keyID) (\(signer.name))")
                if let bundleTime {
                    let valid = signer.isValid(at: bundleTime)
                    let early = stamp.genTime != nil ? " (the time the RFC 3161 token proves)"
                        : claimed.map { $0 < bundleTime } ?? false
                        ? " (generated_at claims \(Timestamp.iso8601UTC(claimed!)), before the window ended)" : " (claimed, not proven: no verified timestamp)"
                    record("key period", valid, valid ? "key valid at \(Timestamp.iso8601UTC(bundleTime))" + early
                           : "key \(signer.keyID) was not valid at \(Timestamp.iso8601UTC(bundleTime)) (valid \(signer.period))" + early)
                }
            } else {
                // Name the key that did sign, when the bundle's own signer.pub.pem is it: the auditor sees whose it is.
                let bundled = tree.read(BundleLayout.publicKey).flatMap { try? PublicKey(pem: $0, source: BundleLayout.publicKey) }
                let actual = bundled.flatMap { key in (try? key.verify(signature, over: sumsBytes)) == true ? try? key.keyID() : nil }
                record("signature", false, "SHA256SUMS.sig does not verify with any trusted key (\(request.trusted.map(\.keyID).map { String($0.prefix(16)) }.joined(separator: ", ")))"
                       + (actual.map { "; it was signed by key \($0) (the bundle's signer.pub.pem)" } ?? "; nor with the bundle's own signer.pub.pem"))
            }
        } else {
            record("signature", false, "SHA256SUMS.sig is missing")
        }
        return (checks, signer)
    }

    /// What a sealed folder says of its signer and gets wrong: `signer.pub.pem` must be the key that signed and
    /// `VERIFY.txt` must name it (a bundle's and a roll-up's alike).
    static func signerFileProblems(_ tree: BundleTree, signer: TrustedKey?) -> [String] {
        guard let signer else { return [] }
        var problems = [String]()
        let bundled = tree.read(BundleLayout.publicKey).flatMap { try? PublicKey(pem: $0, source: BundleLayout.publicKey).keyID() }
        if bundled != signer.keyID { problems.append("signer.pub.pem is not the key that signed (\(bundled.map { String($0.prefix(16)) } ?? "unreadable"))") }
        let instructions = tree.read(BundleLayout.instructions).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !instructions.contains(signer.keyID) { problems.append("VERIFY.txt does not name the signing key \(signer.keyID.prefix(16))") }
        return problems
    }

    /// The report for a folder with no SHA256SUMS: nothing in it can be checked.
    static func unlistedFolder(_ request: VerificationRequest, tree: BundleTree) -> VerificationReport {
        VerificationReport(bundle: request.bundle, checks: [tree.entriesCheck, VerificationCheck(name: "files", passed: false,
                                                                                                 detail: "SHA256SUMS is missing: nothing can be checked")])
    }

    /// `oscal`: the OSCAL document beside the seal is exactly what the signed manifest, findings and catalogue give,
    /// citing this SHA256SUMS; it cannot be listed in the file it cites, so it is derived again and compared.
    static func oscalCheck(_ manifest: Manifest?, tree: BundleTree, files: FileReading) -> VerificationCheck {
        let name = "oscal"
        let catalogue = BundleLayout.templateInputs + "/controls.yml"
        guard let manifest, files.intact(BundleLayout.findings), files.intact(catalogue),
              let findingBytes = tree.read(BundleLayout.findings), let findings = try? BundleReader.findings(from: findingBytes, file: BundleLayout.findings),
              let catalogueBytes = tree.read(catalogue), let controls = try? ReportTemplates.controlTexts(catalogue, catalogueBytes) else {
            return VerificationCheck(name: name, passed: false, detail: "\(OSCALAssessment.bundlePath) not checked: the manifest, findings or catalogue are not intact")
        }
        guard let expected = try? OSCALAssessment.document(bundle: manifest, findings: findings, sums: files.sums, controls: controls),
              tree.read(OSCALAssessment.bundlePath) == expected else {
            return VerificationCheck(name: name, passed: false, detail: "\(OSCALAssessment.bundlePath) is not what the signed findings and SHA256SUMS give")
        }
        return VerificationCheck(name: name, passed: true, detail: "\(OSCALAssessment.bundlePath) is what the signed findings and SHA256SUMS give")
    }

    /// The `timestamp` check: with a token and roots, whether it verifies (signature, chain at its genTime for time
    /// stamping, imprint = SHA-256 of SHA256SUMS.sig) and its genTime; otherwise that the time is only claimed.
    private static func timestampCheck(_ tree: BundleTree, roots: [UInt8]?, required: Bool) -> (check: VerificationCheck, genTime: Int64?) {
        let name = "timestamp"
        guard let token = tree.read(BundleLayout.timestampToken) else {
            return (VerificationCheck(name: name, passed: !required, detail: "no RFC 3161 token: the signing time is only claimed"
                                          + (required ? " (--require-timestamp)" : "")), nil)
        }
        guard let signature = tree.read(BundleLayout.signature), let digest = try? SHA256.hash(signature).bytes else {
            return (VerificationCheck(name: name, passed: false, detail: "a token without SHA256SUMS.sig"), nil)
        }
        let reply: TimestampToken.Reply
        switch TimestampToken.read(token, digest: digest, nonce: nil) {
        case .success(let read): reply = read
        case .failure(let failure):
            return (VerificationCheck(name: name, passed: false, detail: "\(BundleLayout.timestampToken): \(failure.reason)"), nil)
        }
        guard let roots else {
            return (VerificationCheck(name: name, passed: !required, detail: "a token says \(Timestamp.iso8601UTC(reply.genTime)), not checked: "
                                          + "give --tsa-roots to prove the signing time (until then it is only claimed)"), nil)
        }
        let chain = tree.read(BundleLayout.timestampChain) ?? reply.chainPEM
        if let problem = TimestampToken.verify(token, digest: digest, rootsPEM: roots, chainPEM: chain, genTime: reply.genTime) {
            return (VerificationCheck(name: name, passed: false, detail: "\(BundleLayout.timestampToken) does not verify: \(problem)"), nil)
        }
        return (VerificationCheck(name: name, passed: true, detail: "signed by \(Timestamp.iso8601UTC(reply.genTime)), proven by an RFC 3161 token "
                                      + "under the TSA roots (chain judged at that time)"), reply.genTime)
    }

    /// At most the first 20 items, then how many more: a hostile 100 MB SHA256SUMS gives a short report.
    static func bounded(_ items: [String], separator: String = "; ") -> String {
        let shown = items.prefix(20).joined(separator: separator)
        return items.count > 20 ? shown + "\(separator)and \(items.count - 20) more" : shown
    }

    /// The attestation's check, and its statement once its signature by the trusted key has verified.
    static func attestation<Predicate>(_ tree: BundleTree, listing: SumsListing, sumsBytes: [UInt8], signer: TrustedKey?,
                                       as predicate: Predicate.Type) -> (VerificationCheck, InTotoStatement<Predicate>?) {
        let name = "attestation"
        guard let bytes = tree.read(BundleLayout.attestation),
              let envelope = try? JSONDecoder().decode(DSSE.Envelope.self, from: Data(bytes)) else {
            return (VerificationCheck(name: name, passed: false, detail: "attestation.intoto.json is missing or not a DSSE envelope"), nil)
        }
        guard envelope.payloadType == DSSE.inTotoPayloadType, let payload = envelope.payloadBytes else {
            return (VerificationCheck(name: name, passed: false, detail: "payloadType is not \(DSSE.inTotoPayloadType) or the payload is not base64"), nil)
        }
        // Decoders accept base64 whose unused low bits vary; only the canonical spelling counts, so no two
        // envelopes with different bytes verify as the same one.
        let canonical = Data(payload).base64EncodedString() == envelope.payload && envelope.signatures.allSatisfy { signature in
            Data(base64Encoded: signature.sig).map { $0.base64EncodedString() == signature.sig } ?? false
        }
        guard canonical else {
            return (VerificationCheck(name: name, passed: false, detail: "the envelope's base64 is not in canonical form"), nil)
        }
        guard let signer, let key = try? signer.publicKey() else {
            return (VerificationCheck(name: name, passed: false, detail: "not checked: no trusted key verified the bundle"), nil)
        }
        let pae = DSSE.preAuthenticationEncoding(payloadType: envelope.payloadType, payload: payload)
        let signed = envelope.signatures.contains { signature in
            signature.keyid == signer.keyID
                && (Data(base64Encoded: signature.sig).map { (try? key.verify([UInt8]($0), over: pae)) ?? false } ?? false)
        }
        guard signed else {
            return (VerificationCheck(name: name, passed: false, detail: "no envelope signature by key \(signer.keyID) verifies over the DSSE PAE"), nil)
        }
        guard let statement = try? JSONDecoder().decode(InTotoStatement<Predicate>.self, from: Data(payload)),
              statement.type == InTotoStatement<Predicate>.type else {
            return (VerificationCheck(name: name, passed: false, detail: "the payload is not an in-toto Statement v1"), nil)
        }
        var expected = Dictionary(listing.entries.map { ($0.path, $0.digest) }, uniquingKeysWith: { first, _ in first })
        expected[BundleLayout.sums] = (try? SHA256.hash(sumsBytes).hex) ?? ""
        expected[BundleLayout.signature] = tree.read(BundleLayout.signature).flatMap { try? SHA256.hash($0).hex } ?? ""
        let subjects = Dictionary(statement.subject.map { ($0.name, $0.digest["sha256"] ?? "") }, uniquingKeysWith: { first, _ in first })
        let differing = BundleLayout.sorted(Set(expected.keys).union(subjects.keys).filter { expected[$0] != subjects[$0] })
        guard differing.isEmpty else {
            return (VerificationCheck(name: name, passed: false, detail: "subjects differ from the bundle for: " + differing.joined(separator: ", ")), nil)
        }
        return (VerificationCheck(name: name, passed: true, detail: "DSSE signature verified; \(subjects.count) subjects match the bundle"), statement)
    }

    private static func manifestCheck(_ manifest: Manifest, tree: BundleTree, listing: SumsListing, signer: TrustedKey?) throws -> VerificationCheck {
        var problems = [String]()
        let contentLines = listing.entries.filter { $0.path != BundleLayout.manifest }.map { BundleLayout.sumLine($0.digest, $0.path) }
        let root = try MerkleTree.root(lines: contentLines).hex
        if root != manifest.merkleRoot { problems.append("merkle_root \(manifest.merkleRoot.prefix(16)) but the files give \(root.prefix(16))") }
        if manifest.counts.files != listing.entries.count { problems.append("counts.files \(manifest.counts.files) but SHA256SUMS lists \(listing.entries.count)") }
        if let lines = tree.read(BundleLayout.changes) {
            let count = lines.split(separator: 0x0a).count
            if count != manifest.counts.changes { problems.append("counts.changes \(manifest.counts.changes) but changes.jsonl has \(count)") }
        }
        if let bytes = tree.read(BundleLayout.findings), let findings = try? BundleReader.findings(from: bytes, file: BundleLayout.findings) {
            let counts = Dictionary(grouping: findings, by: \.status.rawValue).mapValues(\.count)
            if counts != manifest.counts.findings { problems.append("counts.findings differ from findings.json") }
        } else {
            problems.append("findings.json is missing or unreadable")
        }
        if let signer, manifest.signer.keyID != signer.keyID {
            problems.append("signer.key_id \(manifest.signer.keyID.prefix(16)) is not the signing key \(signer.keyID.prefix(16))")
        }
        return VerificationCheck(name: "manifest", passed: problems.isEmpty,
                                 detail: problems.isEmpty ? "merkle root and counts match" : problems.joined(separator: "; "))
    }

    /// A buggy exporter or a dishonest signer can sign files that contradict one another: the public key and
    /// VERIFY.txt must name the key that signed, the attestation's predicate must be the manifest's summary, the
    /// recorded rules and policy those of the settings the bundle carries, the retention at least six years past
    /// the window, and the manifest's inputs exactly the `inputs/` files listed.
    private static func consistency(_ manifest: Manifest, tree: BundleTree, listing: SumsListing, signer: TrustedKey?,
                                    statement: BundleStatement?) throws -> VerificationCheck {
        var problems = signerFileProblems(tree, signer: signer)
        if let statement, let manifestBytes = tree.read(BundleLayout.manifest) {
            let expected = manifest.summary(manifestSHA256: try SHA256.hash(manifestBytes).hex)
            let attested = statement.predicate
            if attested != expected {
                // Equality decides (so a field added to the summary is compared too); the names only say where.
                let differing = [("repository", attested.repository == expected.repository), ("branch", attested.branch == expected.branch),
                                 ("head", attested.head == expected.head), ("window", attested.window == expected.window),
                                 ("counts", attested.counts == expected.counts), ("merkle_root", attested.merkleRoot == expected.merkleRoot),
                                 ("manifest_sha256", attested.manifestSHA256 == expected.manifestSHA256), ("key_id", attested.keyID == expected.keyID),
                                 ("retain_until", attested.retainUntil == expected.retainUntil)].filter { !$0.1 }.map(\.0)
                problems.append("the attestation's predicate differs from the manifest in "
                                + (differing.isEmpty ? "other fields" : differing.joined(separator: ", ")))
            }
        }
        let settings = tree.read(BundleLayout.settingsInput)
        if (settings == nil) != (manifest.parameters.settingsSource == EvidenceConfig.defaults.source) {
            problems.append(settings == nil ? "the manifest records settings from \(manifest.parameters.settingsSource) but the bundle carries none"
                                            : "the bundle carries settings but the manifest records the defaults")
        } else {
            do {
                let config = try settings.map { bytes throws(EvidenceError) in
                    try EvidenceConfig.parse(String(decoding: bytes, as: UTF8.self), source: BundleLayout.settingsInput)
                } ?? EvidenceConfig.defaults
                if !Manifest.Parameters(config).sameRules(as: manifest.parameters) {
                    problems.append("the manifest's parameters are not the rules and policy of " + (settings == nil ? "the defaults" : BundleLayout.settingsInput))
                }
            } catch {
                problems.append(error.description)
            }
        }
        if let end = Timestamp.parse(manifest.window.end) {
            let required = Manifest.retainUntil(windowEnd: end)
            if (Timestamp.parse(manifest.retainUntil) ?? 0) < required {
                problems.append("retain_until \(manifest.retainUntil) is earlier than the window's end + 6 years (\(Timestamp.iso8601UTC(required)))")
            }
        }
        let listed = Dictionary(listing.entries.filter { $0.path.hasPrefix("inputs/") }.map { (Array($0.path.utf8), $0.digest) }, uniquingKeysWith: { a, _ in a })
        let recorded = Dictionary(manifest.inputs.map { (Array($0.path.utf8), $0.sha256) }, uniquingKeysWith: { a, _ in a })
        let unrecorded = listed.filter { recorded[$0.key] != $0.value }.map { String(decoding: $0.key, as: UTF8.self) }
        let absent = recorded.filter { listed[$0.key] != $0.value }.map { String(decoding: $0.key, as: UTF8.self) }
        if !unrecorded.isEmpty { problems.append("inputs not recorded in the manifest as listed: " + BundleLayout.sorted(unrecorded).joined(separator: ", ")) }
        if !absent.isEmpty { problems.append("manifest inputs not in the bundle as recorded: " + BundleLayout.sorted(absent).joined(separator: ", ")) }
        return VerificationCheck(name: "consistency", passed: problems.isEmpty,
                                 detail: problems.isEmpty ? "key, instructions, attestation, parameters, retention and inputs agree with the manifest"
                                     : problems.joined(separator: "; "))
    }

    private static func chain(_ manifest: Manifest?, previous given: String, trusted: [TrustedKey]) throws -> VerificationCheck {
        guard let manifest else { return VerificationCheck(name: "chain", passed: false, detail: "not checked: no usable manifest") }
        // The previous bundle may be the .tar.gz export --archive wrote: unpacked, and its receipt looked for
        // beside the folder it was made from.
        let unpacked = BundleTarball.isTarball(given) ? try BundleTarball(unpacking: given) : nil
        defer { unpacked?.remove() }
        let previous = unpacked?.folder ?? given
        let beside = BundleTarball.folderBeside(given)
        // A chain to a bundle that does not itself verify proves nothing: it is checked the same way first.
        let earlier = try verify(VerificationRequest(bundle: previous, trusted: trusted))
        guard earlier.verified else {
            let failures = earlier.checks.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
            return VerificationCheck(name: "chain", passed: false, detail: "the previous bundle does not verify: " + failures.joined(separator: "; "))
        }
        guard let recorded = manifest.previous else {
            return VerificationCheck(name: "chain", passed: false, detail: "the bundle records no previous bundle")
        }
        let digest = try BundleLayout.sumsDigest(ofBundle: previous)
        guard digest == recorded.sha256sums else {
            return VerificationCheck(name: "chain", passed: false,
                                     detail: "previous bundle's SHA256SUMS is \(digest.prefix(16)), the manifest records \(recorded.sha256sums.prefix(16))")
        }
        if let kind = recorded.window.discontinuity(before: manifest.window) {
            return VerificationCheck(name: "chain", passed: false,
                                     detail: "\(kind) between windows: previous ends \(recorded.window.end), this starts \(manifest.window.start)")
        }
        // The previous bundle's archive receipt, recorded when it lay beside it at export, must be the one beside it now.
        var receipt = ""
        if let recordedReceipt = recorded.receiptSHA256 {
            guard let found = try BundleArchive.receiptDigest(beside: beside) else {
                return VerificationCheck(name: "chain", passed: false, detail: "the manifest records the previous bundle's archive receipt, and none lies beside it")
            }
            guard found == recordedReceipt else {
                return VerificationCheck(name: "chain", passed: false,
                                         detail: "the previous bundle's archive receipt is \(found.prefix(16)), the manifest records \(recordedReceipt.prefix(16))")
            }
            receipt = ", its archive receipt as recorded"
        }
        return VerificationCheck(name: "chain", passed: true, detail: "follows the previous bundle (SHA256SUMS \(digest.prefix(16))\(receipt)), windows contiguous")
    }
}

/// The bundle folder as found on disk, walked without following symlinks.
struct BundleTree {
    let root: String
    /// Regular files, relative paths, in the order found.
    private(set) var files = [String]()
    /// The same names as bytes: what `contains` compares, never Swift's canonical equivalence.
    private var byteNames = Set<[UInt8]>()
    /// Symlinks and special files, relative paths: reported, never opened.
    private(set) var unsafe = [String]()

    init(root: String) {
        self.root = root
        walk("")
        unsafe.sort()
    }

    private mutating func walk(_ relative: String) {
        let folder = relative.isEmpty ? root : root + "/" + relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() {
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(root + "/" + path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                files.append(path)
                byteNames.insert(Array(path.utf8))
            case S_IFDIR: walk(path)
            case S_IFLNK: unsafe.append(path + " (symlink)")
            default: unsafe.append(path + " (special file)")
            }
        }
    }

    /// True when the walk found a regular file with exactly these bytes as its name.
    func contains(_ path: String) -> Bool { byteNames.contains(Array(path.utf8)) }

    /// `entries`: no symlinks or special files.
    var entriesCheck: VerificationCheck {
        VerificationCheck(name: "entries", passed: unsafe.isEmpty,
                          detail: unsafe.isEmpty ? "no symlinks or special files" : "not regular files (never opened): " + unsafe.joined(separator: ", "))
    }

    /// The bytes of a regular file found by the walk; nil for anything else.
    func read(_ path: String) -> [UInt8]? {
        guard contains(path), let data = FileManager.default.contents(atPath: root + "/" + path) else { return nil }
        return [UInt8](data)
    }
}

/// SHA256SUMS parsed strictly: `<64 lowercase hex>  <path>` lines, each path relative and inside the bundle.
struct SumsListing {
    struct Entry {
        let digest: String
        let path: String
    }

    private(set) var entries = [Entry]()
    private(set) var problems = [String]()

    init(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            problems.append("SHA256SUMS is not UTF-8 text")
            return
        }
        if !text.isEmpty && !text.hasSuffix("\n") { problems.append("SHA256SUMS does not end with a newline") }
        var seen = Set<[UInt8]>()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            // `<64 lowercase hex>  <path>`, read by hand (a regex literal would be compiled again for every line).
            let utf8 = Array(line.utf8)
            guard utf8.count > 66, utf8[64] == 0x20, utf8[65] == 0x20,
                  utf8[..<64].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                problems.append("SHA256SUMS line \(number + 1) is not '<sha256>  <path>'")
                continue
            }
            let digest = String(decoding: utf8[..<64], as: UTF8.self)
            let path = String(decoding: utf8[66...], as: UTF8.self)
            guard Self.isSafe(path) else {
                problems.append("SHA256SUMS line \(number + 1) names a path outside the bundle: \(path)")
                continue
            }
            guard seen.insert(Array(path.utf8)).inserted else {
                problems.append("SHA256SUMS lists \(path) twice")
                continue
            }
            entries.append(Entry(digest: digest, path: path))
        }
    }

    /// Relative, no `.` or `..` or empty parts, no backslash or control characters.
    static func isSafe(_ path: String) -> Bool {
        guard !path.hasPrefix("/"), !path.contains("\\"), !path.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
