import Foundation

/// A CloudTrail trail's S3 folder as `aws s3 sync` brings it down, with log file validation on: four hourly log
/// files (2026-07-16 00:30 to 03:30, each an AWS service's call) and six digest files ending 00:01:31 to 05:01:31,
/// chained and signed the way CloudTrail signs them (SHA256withRSA over end time, location, SHA-256 and the
/// previous signature) with an RSA key made here by openssl, whose public half is written as
/// `aws cloudtrail list-public-keys` prints it. Python's hashlib and gzip and the openssl command write it, not
/// the code under test.
public struct CloudTrailTrail: Sendable {
    /// The folder holding `AWSLogs/`.
    public let folder: String
    /// `list-public-keys` output for the signing key.
    public let keys: String
    public static let account = "111122223333"

    static let script = #"""
        import base64, gzip, hashlib, json, os, subprocess, sys
        out, key, keys_out = sys.argv[1:4]
        acct, region, bucket = "111122223333", "eu-west-1", "acme-trail"
        def ts(h, m, s=0, day=16): return f"2026-07-{day:02d}T{h:02d}:{m:02d}:{s:02d}Z"
        def write(obj, raw):
            path = os.path.join(out, obj)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f: f.write(gzip.compress(raw, mtime=0))
        logs = {}
        for h in range(4):
            name = f"{acct}_CloudTrail_{region}_20260716T{h:02d}30Z_log{h}.json.gz"
            obj = f"AWSLogs/{acct}/CloudTrail/{region}/2026/07/16/{name}"
            record = {"eventVersion": "1.09", "userIdentity": {"type": "AWSService", "invokedBy": "autoscaling.amazonaws.com"},
                      "eventTime": ts(h, 25), "eventSource": "autoscaling.amazonaws.com", "eventName": "UpdateAutoScalingGroup",
                      "awsRegion": region, "sourceIPAddress": "autoscaling.amazonaws.com", "userAgent": "autoscaling.amazonaws.com",
                      "eventID": f"ev-{h}", "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": acct}
            raw = json.dumps({"Records": [record]}).encode()
            write(obj, raw)
            logs[h] = (obj, hashlib.sha256(raw).hexdigest())
        der = subprocess.run(["openssl", "rsa", "-in", key, "-RSAPublicKey_out", "-outform", "DER"], capture_output=True, check=True).stdout
        fingerprint = hashlib.md5(der).hexdigest()
        previous = None
        for i in range(6):
            end, start = ts(i, 1, 31), ts(23, 1, 31, 15) if i == 0 else ts(i - 1, 1, 31)
            obj = f"AWSLogs/{acct}/CloudTrail-Digest/{region}/2026/07/16/{acct}_CloudTrail-Digest_{region}_main_{region}_20260716T{i:02d}0131Z.json.gz"
            files = [{"s3Bucket": bucket, "s3Object": logs[i - 1][0], "hashValue": logs[i - 1][1], "hashAlgorithm": "SHA-256",
                      "newestEventTime": ts(i - 1, 25), "oldestEventTime": ts(i - 1, 25)}] if 1 <= i <= 4 else []
            digest = {"awsAccountId": acct, "digestStartTime": start, "digestEndTime": end, "digestS3Bucket": bucket, "digestS3Object": obj,
                      "digestPublicKeyFingerprint": fingerprint, "digestSignatureAlgorithm": "SHA256withRSA",
                      "newestEventTime": ts(i - 1, 25) if files else None, "oldestEventTime": ts(i - 1, 25) if files else None,
                      "previousDigestS3Bucket": bucket if previous else None, "previousDigestS3Object": previous[0] if previous else None,
                      "previousDigestHashValue": previous[1] if previous else None,
                      "previousDigestHashAlgorithm": "SHA-256" if previous else None,
                      "previousDigestSignature": previous[2] if previous else None, "logFiles": files}
            raw = json.dumps(digest).encode()
            sha = hashlib.sha256(raw).hexdigest()
            signed = f"{end}\n{bucket}/{obj}\n{sha}\n{previous[2] if previous else 'null'}".encode()
            signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signed, capture_output=True, check=True).stdout.hex()
            write(obj, raw)
            previous = (obj, sha, signature)
        with open(keys_out, "w") as f:
            json.dump({"PublicKeyList": [{"Value": base64.b64encode(der).decode(), "ValidityStartTime": "2026-01-01T00:00:00+00:00",
                                          "ValidityEndTime": "2027-01-01T00:00:00+00:00", "Fingerprint": fingerprint}]}, f)
        """#

    /// Writes a trail signed by a new key; `keysSignedBy` writes the key list of another key instead (a forged trail).
    public init(_ prefix: String = "trail", keysOfAnotherKey: Bool = false) throws {
        let root = try TemporaryFolder.make(prefix)
        folder = root + "/bucket"
        keys = root + "/public-keys.json"
        let key = root + "/cloudtrail.key.pem"
        let made = try Command.run("/usr/bin/env", ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key])
        guard made.status == 0 else { throw PostgresServer.StartError.cannotStart("openssl genpkey: \(made.stderr)") }
        let written = try Command.run("/usr/bin/env", ["python3", "-c", Self.script, folder, key, keys])
        guard written.status == 0 else { throw PostgresServer.StartError.cannotStart("trail: \(written.stderr)") }
        if keysOfAnotherKey {
            let other = root + "/other.key.pem"
            _ = try Command.run("/usr/bin/env", ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", other])
            let der = try Command.run("/usr/bin/env", ["sh", "-c", "openssl rsa -in '\(other)' -RSAPublicKey_out -outform DER 2>/dev/null | base64 -w0"])
            let list = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: keys))) as! [String: [[String: Any]]]
            var entry = list["PublicKeyList"]![0]
            entry["Value"] = der.stdout
            try JSONSerialization.data(withJSONObject: ["PublicKeyList": [entry]]).write(to: URL(fileURLWithPath: keys))
        }
    }

    /// The path of the log file of hour `hour` (0-3) or the digest ending at `hour`:01:31 (0-5).
    public func log(_ hour: Int) -> String {
        folder + "/AWSLogs/\(Self.account)/CloudTrail/eu-west-1/2026/07/16/\(Self.account)_CloudTrail_eu-west-1_20260716T\(String(format: "%02d", hour))30Z_log\(hour).json.gz"
    }

    public func digest(_ hour: Int) -> String {
        folder + "/AWSLogs/\(Self.account)/CloudTrail-Digest/eu-west-1/2026/07/16/\(Self.account)_CloudTrail-Digest_eu-west-1_main_eu-west-1_20260716T"
            + String(format: "%02d", hour) + "0131Z.json.gz"
    }

    /// Rewrites a gzipped JSON file through a Python expression over `d` (the parsed document), gzipping it again.
    public func rewrite(_ path: String, _ python: String) throws {
        let script = "import gzip, json, sys\np = sys.argv[1]\nd = json.loads(gzip.decompress(open(p, 'rb').read()))\n\(python)\n"
            + "open(p, 'wb').write(gzip.compress(json.dumps(d).encode(), mtime=0))\n"
        let result = try Command.run("/usr/bin/env", ["python3", "-c", script, path])
        guard result.status == 0 else { throw PostgresServer.StartError.cannotStart("rewrite: \(result.stderr)") }
    }
}
