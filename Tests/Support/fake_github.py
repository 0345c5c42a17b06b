#!/usr/bin/env python3
"""A fake of GitHub's REST API on loopback, for the collectors' tests (standard library only).

It serves what the tests load into it, the way GitHub documents its API: lists paged with a per-page cap and
`Link` headers holding absolute URLs, weak ETags and `304 Not Modified` on `If-None-Match`, `X-RateLimit-*` and
`X-GitHub-Request-Id` on every response, GitHub's JSON error shape, and a 401 for any other token. Faults are
queued per path and served once each: a secondary limit with `Retry-After`, one without, a spent primary limit
with a reset time, a 502 with an HTML body, a connection dropped mid-body, a 404. Every request is recorded with
its arrival time (never its token), so a test can tell a request made before the wait it was asked for.

Control (no token needed): POST /_control/load {"token", "per_page_cap", "data": {path: json}},
POST /_control/fault {"path", "kind", "count"}, GET /_control/requests, POST /_control/reset.
Prints "PORT <n>" once listening.
"""
import hashlib
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

STATE = {"token": "", "cap": 100, "data": {}, "faults": {}, "requests": [], "request_id": 0}
LOCK = threading.Lock()


def error_body(message):
    return json.dumps({"message": message, "documentation_url": "https://docs.github.com/rest", "status": "0"}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=None, reason=None):
        with LOCK:
            STATE["request_id"] += 1
            request_id = "FAKE:%04d" % STATE["request_id"]
        self.send_response(status, reason)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-GitHub-Request-Id", request_id)
        self.send_header("X-GitHub-Api-Version-Selected", "2022-11-28")
        self.send_header("X-RateLimit-Limit", "5000")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "X-RateLimit-Remaining" not in (headers or {}):
            self.send_header("X-RateLimit-Remaining", "4999")
            self.send_header("X-RateLimit-Reset", str(int(time.time()) + 3600))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        payload = json.loads(self.rfile.read(length) or b"{}")
        with LOCK:
            if self.path == "/_control/load":
                STATE["token"] = payload.get("token", "")
                STATE["cap"] = payload.get("per_page_cap", 100)
                STATE["data"].update(payload.get("data", {}))
            elif self.path == "/_control/fault":
                STATE["faults"].setdefault(payload["path"], []).extend([payload["kind"]] * payload.get("count", 1))
            elif self.path == "/_control/reset":
                STATE.update(faults={}, requests=[], data={})
        self.send(200, b"{}")

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/_control/requests":
            with LOCK:
                body = json.dumps(STATE["requests"]).encode()
            return self.send(200, body)
        with LOCK:
            STATE["requests"].append({"path": url.path, "query": url.query, "time": time.time(),
                                      "conditional": "If-None-Match" in self.headers})
            faults = STATE["faults"].get(url.path, [])
            fault = faults.pop(0) if faults else None
            token, cap, data = STATE["token"], STATE["cap"], STATE["data"]
        if self.headers.get("Authorization") != "Bearer " + token:
            return self.send(401, error_body("Bad credentials"), {"Content-Type": "application/json"})
        if fault == "retry-after":
            return self.send(403, error_body("You have exceeded a secondary rate limit."), {"Retry-After": "1"})
        if fault == "secondary":
            return self.send(403, error_body("You have exceeded a secondary rate limit. Please wait a few minutes before you try again."))
        if fault == "primary":
            reset = int(time.time()) + 2
            return self.send(403, error_body("API rate limit exceeded for user ID 1."),
                             {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
        if fault == "502":
            return self.send(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", {"Content-Type": "text/html"})
        if fault == "404" or url.path not in data:
            return self.send(404, error_body("Not Found"), {"Content-Type": "application/json"})
        if fault == "drop":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'[{"number": 1')
            self.wfile.flush()
            self.close_connection = True
            return
        value = data[url.path]
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if isinstance(value, list):
            query = parse_qs(url.query)
            per_page = min(int(query.get("per_page", ["30"])[0]), cap)
            page = int(query.get("page", ["1"])[0])
            items = value[(page - 1) * per_page:page * per_page]
            last = max(1, -(-len(value) // per_page))
            links = []
            host = "http://%s:%d" % self.server.server_address[:2]
            for rel, number in (("next", page + 1), ("last", last)):
                if number <= last and (rel != "next" or page < last):
                    query["page"] = [str(number)]
                    links.append('<%s%s?%s>; rel="%s"' % (host, url.path, urlencode(query, doseq=True), rel))
            if links:
                headers["Link"] = ", ".join(links)
            body = json.dumps(items, indent=2).encode()
        else:
            body = json.dumps(value, indent=2).encode()
        etag = 'W/"%s"' % hashlib.sha256(body).hexdigest()
        headers["ETag"] = etag
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.send_header("X-GitHub-Request-Id", "FAKE:304")
            self.send_header("X-RateLimit-Remaining", "4999")
            self.send_header("X-RateLimit-Reset", str(int(time.time()) + 3600))
            self.end_headers()
            return
        self.send(200, body, headers)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
