import EvidenceCrypto
import Foundation
import HTTPKit

/// An RFC 3161 time-stamping authority over HTTP (`--tsa-url`, repeatable: tried in order until one answers). The
/// request is over the SHA-256 of `SHA256SUMS.sig`, with a fresh nonce and certReq; the reply is checked at once
/// (granted, imprint, nonce) before the bundle is written, and stored whole (`SHA256SUMS.sig.tsr`, the
/// TimeStampResp `openssl ts -verify -in` reads) with the certificates it carries (`tsa-chain.pem`).
public struct RFC3161Timestamper: Timestamper {
    public let urls: [String]
    private let transport = HTTPTransport(timeout: 30)

    public init(urls: [String]) throws(EvidenceError) {
        for url in urls {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw EvidenceError.invalidArgument(flag: "--tsa-url", value: url, reason: "expected an http(s) URL")
            }
        }
        self.urls = urls
    }

    public func timestamp(_ signature: [UInt8]) throws -> (token: [UInt8], chain: [UInt8]) {
        let digest = try SHA256.hash(signature).bytes
        var problems = [String]()
        for url in urls {
            let nonce = try TimestampToken.randomBytes(8)
            let request = try TimestampToken.request(digest: digest, nonce: nonce)
            let response: HTTPResponse
            do {
                response = try transport.send(method: "POST", url: url, headers: ["Content-Type": "application/timestamp-query",
                                                                                  "Accept": "application/timestamp-reply"], body: request)
            } catch {
                problems.append("\(url): \(error.reason)")
                continue
            }
            guard response.status == 200 else {
                problems.append("\(url): answered HTTP \(response.status)")
                continue
            }
            switch TimestampToken.read(response.body, digest: digest, nonce: nonce) {
            case .success(let reply): return (response.body, reply.chainPEM)
            case .failure(let failure): problems.append("\(url): \(failure.reason)")
            }
        }
        throw EvidenceError.invalidArgument(flag: "--tsa-url", value: urls.joined(separator: " "), reason: "no timestamp: " + problems.joined(separator: "; "))
    }
}
