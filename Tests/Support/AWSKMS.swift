import Foundation

/// AWS KMS on loopback: `moto_kms.py` (moto_server with every request authenticated, and AWS's DIGEST signing) in
/// the Python that has moto (`SSLIB_PYTHON`, the venv `make test` prepares), started once per test process.
public final class AWSKMS: Sendable {
    public let port: Int
    public let accessKeyID: String
    public let secretAccessKey: String
    /// Alias → key ARN: `alias/evidence-ec` (ECC_NIST_P256), `alias/evidence-rsa` (RSA_2048).
    public let keys: [String: String]
    /// A folder of fault files: a key listed in one (one per line) fails every PutObject with a 500, and `KEY#partN`
    /// fails UploadPart N of it, until the file is removed. Each test writes its own file.
    public let faults: String

    public static let shared = Result { try AWSKMS() }

    private init() throws {
        guard let python = ProcessInfo.processInfo.environment["SSLIB_PYTHON"] else {
            throw FixtureError.commandFailed("SSLIB_PYTHON is not set: run the tests with `make test`, which prepares moto in .build/interop-venv")
        }
        faults = try TemporaryFolder.make("moto-faults")
        let line = try LoopbackServer.firstLine("moto_kms.py", python: python, settings: ["MOTO_S3_FAULTS=\(faults)"], name: "moto_server (AWS KMS and S3)")
        guard let fields = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let port = fields["port"] as? Int,
              let id = fields["access_key_id"] as? String, let secret = fields["secret_access_key"] as? String,
              let keys = fields["keys"] as? [String: String] else {
            throw FixtureError.commandFailed("moto_server (AWS KMS) said: \(line)")
        }
        self.port = port
        accessKeyID = id
        secretAccessKey = secret
        self.keys = keys
    }

    /// `--key` for `alias` on this endpoint.
    public func uri(_ alias: String) -> String { "awskms://127.0.0.1:\(port)/\(alias)" }

    /// The environment with this endpoint's region and the given credentials (the valid ones by default), and
    /// nothing of the caller's own AWS setup.
    public func environment(secret: String? = nil, accessKeyID: String? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment["AWS_REGION"] = "us-east-1"
        environment["AWS_ACCESS_KEY_ID"] = accessKeyID ?? self.accessKeyID
        environment["AWS_SECRET_ACCESS_KEY"] = secret ?? secretAccessKey
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent"
        environment["AWS_CONFIG_FILE"] = "/nonexistent"
        environment["GIT_EVIDENCE_S3_WAIT_SCALE"] = "0.02"
        return environment
    }
}

extension AWSKMS {
    /// Runs `code` (Python) with boto3 against this endpoint, as another S3 client would: `s3` is the client.
    public func boto3(_ code: String) throws -> Command.Result {
        let python = ProcessInfo.processInfo.environment["SSLIB_PYTHON"] ?? "python3"
        let script = """
            import boto3, sys
            s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:\(port)", region_name="us-east-1",
                              aws_access_key_id="\(accessKeyID)", aws_secret_access_key="\(secretAccessKey)")
            """ + "\n" + code
        return try Command.run("/usr/bin/env", [python, "-c", script])
    }
}
