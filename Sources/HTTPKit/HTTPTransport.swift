import CCurl

/// One HTTP exchange, as the collectors need it: the status, the headers (names lower-cased) and the body bytes.
public struct HTTPResponse: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Why an exchange produced no response: the connection failed, dropped, or timed out. Retried by the client.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public let url: String
    public let reason: String
    public var description: String { "\(url): \(reason)" }
}

/// Sends one request and waits for the whole response, through a libcurl easy handle (HTTPS verified against the
/// system's certificates, HTTP for loopback tests). Blocking in `curl_easy_perform`, it costs no CPU while the
/// server thinks: Foundation's URLSession on Linux polls its event loop and spent most of a core waiting.
/// Redirects are followed (GitHub redirects a renamed repository), never sending the token to another host.
public struct HTTPTransport: Sendable {
    public let timeout: Double

    public init(timeout: Double = 60) {
        self.timeout = timeout
    }

    /// libcurl opened (on first use, not at start) and its global state set up once before the first handle
    /// (curl_global_init is not thread-safe); why not, when it could not be.
    private static let unavailable: String? = {
        if let problem = git_evidence_curl_library_unavailable() { return String(cString: problem) }
        return git_evidence_curl_global_init()(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK ? nil : "libcurl could not start"
    }()

    public func send(method: String, url: String, headers: [String: String], body: [UInt8]? = nil) throws(HTTPTransportError) -> HTTPResponse {
        if let unavailable = Self.unavailable { throw HTTPTransportError(url: url, reason: unavailable) }
        guard let handle = git_evidence_curl_easy_init()() else { throw HTTPTransportError(url: url, reason: "libcurl could not start") }
        defer { git_evidence_curl_easy_cleanup()(handle) }
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { list = git_evidence_curl_slist_append()(list, "\(name): \(value)") }
        // An empty Expect stops curl waiting for "100 Continue" on a POST.
        list = git_evidence_curl_slist_append()(list, "Expect:")
        defer { git_evidence_curl_slist_free_all()(list) }

        let received = Received()
        let box = Unmanaged.passUnretained(received).toOpaque()
        let payload = body ?? []
        var failed = [CURLcode]()
        func set(_ code: CURLcode) { if code != CURLE_OK { failed.append(code) } }
        set(git_evidence_curl_string(handle, CURLOPT_URL, url))
        if method == "HEAD" {
            set(git_evidence_curl_long(handle, CURLOPT_NOBODY, 1))  // a HEAD answer names a length it does not send
        } else {
            set(git_evidence_curl_string(handle, CURLOPT_CUSTOMREQUEST, method))
        }
        set(git_evidence_curl_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(git_evidence_curl_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "https"))
        set(git_evidence_curl_long(handle, CURLOPT_FOLLOWLOCATION, 1))
        set(git_evidence_curl_long(handle, CURLOPT_MAXREDIRS, 5))
        set(git_evidence_curl_long(handle, CURLOPT_NOSIGNAL, 1))
        set(git_evidence_curl_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000)))
        set(git_evidence_curl_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout, 30) * 1000)))
        set(git_evidence_curl_string(handle, CURLOPT_ACCEPT_ENCODING, ""))
        set(git_evidence_curl_list(handle, CURLOPT_HTTPHEADER, list))
        set(git_evidence_curl_function(handle, CURLOPT_WRITEFUNCTION) { data, size, count, box in
            let received = Unmanaged<Received>.fromOpaque(box!).takeUnretainedValue()
            received.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        set(git_evidence_curl_pointer(handle, CURLOPT_WRITEDATA, box))
        set(git_evidence_curl_function(handle, CURLOPT_HEADERFUNCTION) { data, size, count, box in
            let received = Unmanaged<Received>.fromOpaque(box!).takeUnretainedValue()
            received.header(String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self))
            return size * count
        })
        set(git_evidence_curl_pointer(handle, CURLOPT_HEADERDATA, box))
        if let code = failed.first { throw HTTPTransportError(url: url, reason: "libcurl refused an option: " + Self.message(code)) }
        // The body (binary for a TimeStampReq) is read by curl from our buffer while it performs.
        let outcome = payload.withUnsafeBytes { bytes -> CURLcode in
            if method == "POST" || !payload.isEmpty {
                var code = git_evidence_curl_long(handle, CURLOPT_POSTFIELDSIZE, payload.count)
                if code == CURLE_OK { code = git_evidence_curl_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)) }
                if code != CURLE_OK { return code }
            }
            return git_evidence_curl_easy_perform()(handle)
        }
        guard outcome == CURLE_OK else { throw HTTPTransportError(url: url, reason: Self.message(outcome)) }
        var status = 0
        guard git_evidence_curl_status(handle, &status) == CURLE_OK else { throw HTTPTransportError(url: url, reason: "no status") }
        return HTTPResponse(status: status, headers: received.headers, body: received.body)
    }

    private static func message(_ code: CURLcode) -> String {
        git_evidence_curl_easy_strerror()(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
    }

    /// What the callbacks gather: the headers of the last response (a redirect's are dropped) and the body.
    private final class Received {
        var headers = [String: String]()
        var body = [UInt8]()

        func header(_ line: String) {
            if line.hasPrefix("HTTP/") { headers = [:]; return }
            guard let colon = line.firstIndex(of: ":") else { return }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
