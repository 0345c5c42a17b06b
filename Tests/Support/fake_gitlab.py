#!/usr/bin/env python3
"""A fake of GitLab's REST API (v4) on loopback, for the GitLab collector's tests (standard library only).

It serves a GitLab export folder (the layout GitLabExport reads) as project GROUP/NAME under /api/v4, the way
GitLab documents its API: `PRIVATE-TOKEN` authentication (401 `{"message":"401 Unauthorized"}` otherwise), the
project named by its URL-encoded path (`group%2Fname`; 404 `{"message":"404 Project Not Found"}` for another),
offset pagination with `x-next-page`/`x-page`/`x-per-page`/`x-prev-page` and a `Link` header and never `x-total`
or `x-total-pages` (as GitLab answers lists past 10,000 items), commit lists paged by `x-next-page` alone,
pipeline lists paged keyset-style (an opaque cursor in `Link: rel="next"` only), weak ETags with `304 Not
Modified`, `RateLimit-*` and `X-Request-Id` on every answer. The merge-request list honours `state`,
`target_branch`, `updated_after` and `order_by=updated_at&sort=desc`.

Faults are queued per path and served once each: `429` (with `Retry-After: 1`), `403`, `404`, `500`.

Control: POST /_control/load {"token", "project", "folder", "per_page_cap"}, POST /_control/fault {"path", "kind",
"count"}, GET /_control/requests. Prints "PORT <n>" once listening.
"""
import base64
import hashlib
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import loopback

STATE = {"tokens": {}, "cap": 100, "data": {}, "faults": {}, "requests": [], "request_id": 0}
LOCK = threading.Lock()


def folder_data(folder):
    """Relative path (no .json) -> value for every file of a GitLab export folder."""
    data = {}
    for root, _, names in os.walk(folder):
        for name in names:
            if name.endswith(".json") and name != "collection.json":
                relative = os.path.relpath(os.path.join(root, name), folder)[:-len(".json")]
                with open(os.path.join(root, name), encoding="utf-8") as handle:
                    data[relative] = json.load(handle)
    return data


def message(status, text):
    return status, json.dumps({"message": text}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=None):
        with LOCK:
            STATE["request_id"] += 1
            request_id = "01FAKE%06d" % STATE["request_id"]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Request-Id", request_id)
        self.send_header("RateLimit-Limit", "2000")
        self.send_header("RateLimit-Observed", "1")
        self.send_header("RateLimit-Remaining", "1999")
        self.send_header("RateLimit-Reset", str(int(time.time()) + 60))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        with LOCK:
            if self.path == "/_control/load":
                STATE["tokens"][body["token"]] = body.get("username", "collector")
                STATE["project"] = body["project"]
                STATE["data"] = folder_data(body["folder"])
                STATE["cap"] = body.get("per_page_cap", 100)
            elif self.path == "/_control/fault":
                STATE["faults"].setdefault(body["path"], []).extend([body["kind"]] * body.get("count", 1))
        self.send(200, b"{}")

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path == "/_control/requests":
            with LOCK:
                body = json.dumps(STATE["requests"]).encode()
            return self.send(200, body)
        query = parse_qs(parts.query)
        token = self.headers.get("PRIVATE-TOKEN")
        with LOCK:
            STATE["requests"].append({"path": parts.path, "query": parts.query, "time": time.time(),
                                      "conditional": "If-None-Match" in self.headers, "authorised": token in STATE["tokens"],
                                      "bearer": "Authorization" in self.headers})
            queued = STATE["faults"].get(parts.path, [])
            fault = queued.pop(0) if queued else None
        if fault == "429":
            return self.send(*message(429, "Retry later"), {"Retry-After": "1"})
        if fault in ("403", "404", "500"):
            return self.send(*message(int(fault), {"403": "403 Forbidden", "404": "404 Not found", "500": "500 Internal Server Error"}[fault]))
        if token not in STATE["tokens"]:
            return self.send(*message(401, "401 Unauthorized"))
        if parts.path == "/api/v4/user":
            return self.answer({"id": 1, "username": STATE["tokens"][token], "name": "Collector", "state": "active"}, None)
        prefix = "/api/v4/projects/"
        if not parts.path.startswith(prefix):
            return self.send(*message(404, "404 Not Found"))
        # The project is one encoded segment: group%2Fname.
        rest = parts.path[len(prefix):]
        encoded, _, tail = rest.partition("/")
        if unquote(encoded) != STATE.get("project") or "/" in encoded:
            return self.send(*message(404, "404 Project Not Found"))
        tail = unquote(tail)
        if tail.startswith("repository/commits/") and tail.endswith("/merge_requests"):
            sha = tail[len("repository/commits/"):-len("/merge_requests")]
            key = "commits/%s/merge_requests" % sha
            return self.answer(STATE["data"].get(key, []), query, "offset")
        if tail.startswith("protected_branches/"):
            tail = "protected_branches/" + tail[len("protected_branches/"):]
        value = STATE["data"].get(tail)
        if value is None:
            if tail == "approval_rules":
                return self.send(*message(403, "403 Forbidden"))
            return self.send(*message(404, "404 Not found"))
        if tail == "merge_requests":
            value = [item for item in value
                     if item.get("state") == query.get("state", [item.get("state")])[0]
                     and item.get("target_branch") == query.get("target_branch", [item.get("target_branch")])[0]
                     and item.get("updated_at", "") >= query.get("updated_after", [""])[0]]
            value.sort(key=lambda item: item.get("updated_at", ""), reverse=True)
        style = "keyset" if tail.endswith("/pipelines") else "next-page" if tail.endswith("/commits") else "offset"
        return self.answer(value, query, style)

    def answer(self, value, query, style="offset"):
        headers = {}
        if isinstance(value, list) and query is not None:
            per_page = min(int(query.get("per_page", ["20"])[0]), STATE["cap"])
            if style == "keyset":
                start = int(base64.urlsafe_b64decode(query["cursor"][0]).decode()) if "cursor" in query else 0
            else:
                start = (int(query.get("page", ["1"])[0]) - 1) * per_page
            page, more = value[start:start + per_page], start + per_page < len(value)
            base = "http://127.0.0.1:%d%s" % (self.server.server_address[1], urlsplit(self.path).path)
            others = {name: values[0] for name, values in query.items() if name not in ("page", "cursor")}
            if style == "keyset":
                if more:
                    cursor = base64.urlsafe_b64encode(str(start + per_page).encode()).decode()
                    headers["Link"] = '<%s?%s>; rel="next"' % (base, urlencode(dict(others, cursor=cursor)))
            else:
                number = start // per_page + 1
                headers.update({"X-Page": str(number), "X-Per-Page": str(per_page), "X-Prev-Page": str(number - 1) if number > 1 else "",
                                "X-Next-Page": str(number + 1) if more else ""})
                if style == "offset":
                    links = ['<%s?%s>; rel="first"' % (base, urlencode(dict(others, page=1)))]
                    if more:
                        links.insert(0, '<%s?%s>; rel="next"' % (base, urlencode(dict(others, page=number + 1))))
                    headers["Link"] = ", ".join(links)
            value = page
        body = json.dumps(value, sort_keys=True).encode()
        etag = 'W/"%s"' % hashlib.sha256(body).hexdigest()[:32]
        headers["ETag"] = etag
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, b"", headers)
        return self.send(200, body, headers)


if __name__ == "__main__":
    loopback.serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
