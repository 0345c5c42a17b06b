import CLibgit2
import CLibgit2Startup
import EvidenceTestSupport
import Foundation
@testable import GitKit
import Testing

/// libgit2 starts without parsing the system's CA certificates (5 ms of every run), and reads them, all of them,
/// into the chain its https transport verifies servers with when a clone asks for it.
@Suite struct Libgit2RuntimeTests {
    @Test func theSystemCertificatesAreReadForAnHTTPSCloneOnly() throws {
        _ = Libgit2Runtime.ready
        let bundle = "/etc/ssl/certs/ca-certificates.crt"
        let held = git_evidence_certificates_held()
        try #require(held >= 0, "libgit2 set its certificate file aside at init (a libgit2 built with mbedTLS, as Debian's)")
        let pem = try String(contentsOfFile: bundle, encoding: .utf8)
        let certificates = pem.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1
        #expect(certificates > 50)
        // Empty, unless another test in this process has cloned already.
        #expect(held == 0 || held == Int32(certificates))
        _ = Libgit2Runtime.certificatesForHTTPS
        #expect(git_evidence_certificates_held() == Int32(certificates), "every certificate of \(bundle) is in the chain")
    }

    /// A certificate is still checked: a clone from a server whose certificate no CA signed fails with libgit2's
    /// certificate error, said in one line.
    @Test func anHTTPSCloneChecksTheServersCertificate() throws {
        let port = try UntrustedTLSServer.port.get()
        let target = try TemporaryFolder.make("untrusted-clone") + "/repo.git"
        do {
            _ = try Repository.cloneBare(from: "https://127.0.0.1:\(port)/acme/api.git", to: target)
            Issue.record("cloned from a server no CA vouches for")
        } catch {
            guard case .libgit2(_, let code, let message) = error else { Issue.record("\(error)"); return }
            #expect(code == GIT_ECERTIFICATE.rawValue, "\(message)")
            #expect(message.contains("not correctly signed by the trusted CA"), "\(message)")
            #expect(!error.description.contains("\n"))
        }
    }
}
