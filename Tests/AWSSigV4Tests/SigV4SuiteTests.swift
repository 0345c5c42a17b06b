@testable import AWSSigV4
import Foundation
import Testing

/// Every header-signing case of AWS's SigV4 test suite (awslabs/aws-c-auth, `aws-sigv4-test-suite/v4/`, Apache-2.0):
/// the canonical request, the string to sign and the signature must be reproduced byte for byte.
@Suite struct SigV4SuiteTests {
    static let suite = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("aws-sigv4-test-suite/v4").path

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: suite)) ?? []).sorted()
            .filter { FileManager.default.fileExists(atPath: "\(suite)/\($0)/header-canonical-request.txt") }
    }

    private func read(_ name: String, _ file: String) throws -> String {
        try String(contentsOfFile: "\(Self.suite)/\(name)/\(file)", encoding: .utf8)
    }

    /// `request.txt`: the request line, headers (a line starting with a space continues the one before), a blank
    /// line, the body.
    private func request(_ text: String) -> SigV4.Request {
        var lines = text.components(separatedBy: "\n")
        let first = lines.removeFirst()
        let target = String(first.dropFirst(first.prefix { $0 != " " }.count + 1).dropLast(" HTTP/1.1".count))
        var headers = [(name: String, value: String)]()
        while let line = lines.first, !line.isEmpty {
            lines.removeFirst()
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        let body = lines.isEmpty ? "" : lines.dropFirst().joined(separator: "\n")
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return SigV4.Request(method: String(first.prefix { $0 != " " }), path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
                             headers: headers, body: Array(body.utf8))
    }

    @Test func theSuiteIsHere() { #expect(Self.cases.count >= 30) }

    @Test(arguments: cases)
    func reproducesTheSuite(name: String) throws {
        let context = try #require(try JSONSerialization.jsonObject(with: Data(read(name, "context.json").utf8)) as? [String: Any])
        let keys = try #require(context["credentials"] as? [String: String])
        let credentials = SigV4.Credentials(accessKeyID: keys["access_key_id"]!, secretAccessKey: keys["secret_access_key"]!, sessionToken: keys["token"])
        let time = Int64(ISO8601DateFormatter().date(from: context["timestamp"] as! String)!.timeIntervalSince1970)
        let signed = try SigV4.sign(request(try read(name, "request.txt")), credentials: credentials, region: context["region"] as! String,
                                    service: context["service"] as! String, time: time, normalize: context["normalize"] as? Bool ?? true,
                                    signBody: context["sign_body"] as? Bool ?? false, omitSessionToken: context["omit_session_token"] as? Bool ?? false)
        #expect(signed.canonicalRequest == (try read(name, "header-canonical-request.txt")))
        #expect(signed.stringToSign == (try read(name, "header-string-to-sign.txt")))
        #expect(signed.signature == (try read(name, "header-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
