import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

/// Sends one request and waits for the whole response (URLSession underneath; HTTPS and plain HTTP alike).
public struct HTTPTransport: Sendable {
    public let timeout: TimeInterval

    public init(timeout: TimeInterval = 60) {
        self.timeout = timeout
    }

    public func send(method: String, url: URL, headers: [String: String], body: [UInt8]? = nil) throws(HTTPTransportError) -> HTTPResponse {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body) }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: request) { data, response, error in
            outcome.set(data: data, response: response as? HTTPURLResponse, error: error)
            done.signal()
        }.resume()
        done.wait()
        let (data, response, error) = outcome.get()
        // The message names the URL without its query (which never holds a token, but keeps lines short).
        let place = url.absoluteString
        guard let response, error == nil else {
            throw HTTPTransportError(url: place, reason: error.map { ($0 as NSError).localizedDescription } ?? "no response")
        }
        var names = [String: String]()
        for (key, value) in response.allHeaderFields {
            if let key = key as? String, let value = value as? String { names[key.lowercased()] = value }
        }
        return HTTPResponse(status: response.statusCode, headers: names, body: data.map { [UInt8]($0) } ?? [])
    }

    /// What the session's callback hands over, guarded for the other thread.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        private var response: HTTPURLResponse?
        private var error: Error?

        func set(data: Data?, response: HTTPURLResponse?, error: Error?) {
            lock.lock()
            defer { lock.unlock() }
            (self.data, self.response, self.error) = (data, response, error)
        }

        func get() -> (Data?, HTTPURLResponse?, Error?) {
            lock.lock()
            defer { lock.unlock() }
            return (data, response, error)
        }
    }
}
