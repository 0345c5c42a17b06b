#!/usr/bin/env python3
"""A fake of GitHub's REST API on loopback, for the collectors' tests (standard library only).

It serves what the tests load into it, the way GitHub documents its API: lists paged with a per-page cap and
`Link` headers holding absolute URLs, weak ETags and `304 Not Modified` on `If-None-Match`, `X-RateLimit-*` and
`X-GitHub-Request-Id` on every response, GitHub's JSON error shape, and a 401 for any other token. Faults are
queued per path and served once each: a secondary limit with `Retry-After`, one without, a spent primary limit
with a reset time, a 502 with an HTML body, a connection dropped mid-body, a 404. Every request is recorded with
its arrival time (never its token), so a test can tell a request made before the wait it was asked for.

`GET /repos/{o}/{r}/commits/{sha}/pulls` answers `[]` for a commit no pull request holds, as GitHub does, once
the repository has data; a pull request's commits stop at 250; `GET /user` answers the login loaded with the token. The pull-request list honours
`state`, `base` and `sort=updated&direction=desc`; a check-runs object is paged over its `check_runs`.

Control (no token needed): POST /_control/load {"token", "per_page_cap", "data": {path: json}} (each token loaded is accepted),
POST /_control/load_folder {"token", "repo", "folder"} (an export folder of SPEC §2, pages as gh writes them),
POST /_control/app {"app_id", "installation_id", "public_key" (PEM path), "expires_in"} (installation tokens
are then issued at POST /app/installations/{id}/access_tokens, and refused once expired),
POST /_control/fault {"path", "kind", "count"}, GET /_control/requests, GET /_control/data?path=P (as loaded), POST /_control/reset.
Prints "PORT <n>" once listening.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import loopback

STATE = {"tokens": set(), "apps": {}, "expiry": {}, "issued": 0, "cap": 100, "data": {}, "faults": {}, "requests": [], "request_id": 0}
LOCK = threading.Lock()
# Seconds each API request takes to answer (FAKE_GITHUB_LATENCY_MS), for the benchmark: GitHub's are 100-300 ms.
LATENCY = int(os.environ.get("FAKE_GITHUB_LATENCY_MS", "0")) / 1000


def documents(text):
    """The JSON documents of a file written back to back, as `gh api --paginate` writes pages."""
    decoder, values, index = json.JSONDecoder(), [], 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return values
        value, index = decoder.raw_decode(text, index)
        values.append(value)


def folder_data(folder, repo):
    """API path -> value for every file of an export folder."""
    data = {}
    for root, _, names in os.walk(folder):
        for name in names:
            if not name.endswith(".json"):
                continue
            relative = os.path.relpath(os.path.join(root, name), folder)[:-len(".json")]
            with open(os.path.join(root, name), encoding="utf-8") as handle:
                pages = documents(handle.read())
            if all(isinstance(page, list) for page in pages):
                value = [item for page in pages for item in page]
            elif pages and "check_runs" in pages[0]:
                runs = [run for page in pages for run in page["check_runs"]]
                value = dict(pages[0], check_runs=runs, total_count=len(runs))
            else:
                value = pages[0]
            data["/repos/%s/%s" % (repo, relative)] = value
    return data


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

    def issue_installation_token(self, installation):
        """POST /app/installations/{id}/access_tokens: checks the app's JWT as GitHub does (RS256 by the app's key,
        `iss` the app id, at most ten minutes long, not expired) and answers 201 with a token valid `expires_in`."""
        with LOCK:
            STATE["requests"].append({"path": self.path, "query": "", "time": time.time(), "conditional": False, "method": "POST"})
            app = STATE["apps"].get(installation)
        auth = self.headers.get("Authorization", "")
        if app is None:
            return self.send(404, error_body("Not Found"), {"Content-Type": "application/json"})
        try:
            header, claims, signature = auth[len("Bearer "):].split(".")
            decode = lambda part: base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
            head, body = json.loads(decode(header)), json.loads(decode(claims))
            with tempfile.TemporaryDirectory() as folder:
                with open(folder + "/input", "wb") as handle:
                    handle.write(("%s.%s" % (header, claims)).encode())
                with open(folder + "/signature", "wb") as handle:
                    handle.write(decode(signature))
                verified = subprocess.run(["openssl", "dgst", "-sha256", "-verify", app["public_key"], "-signature",
                                           folder + "/signature", folder + "/input"], capture_output=True).returncode == 0
            now = time.time()
            valid = (auth.startswith("Bearer ") and head.get("alg") == "RS256" and verified
                     and str(body.get("iss")) == str(app["app_id"]) and body["exp"] - body["iat"] <= 600
                     and body["iat"] <= now + 60 and body["exp"] > now)
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            return self.send(401, error_body("A JSON web token could not be decoded"), {"Content-Type": "application/json"})
        with LOCK:
            STATE["issued"] += 1
            token = "ghs_installation_%s_%04d" % (installation, STATE["issued"])
            STATE["tokens"].add(token)
            STATE["expiry"][token] = time.time() + app["expires_in"]
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(STATE["expiry"][token]))
        self.send(201, json.dumps({"token": token, "expires_at": expires, "permissions": {"pull_requests": "read"}}).encode(),
                  {"Content-Type": "application/json"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        parts = urlsplit(self.path).path.split("/")
        if len(parts) == 5 and parts[1] == "app" and parts[2] == "installations" and parts[4] == "access_tokens":
            return self.issue_installation_token(parts[3])
        payload = json.loads(raw or b"{}")
        with LOCK:
            if self.path == "/_control/load":
                STATE["tokens"].add(payload.get("token", ""))
                STATE["cap"] = payload.get("per_page_cap", STATE["cap"])
                STATE["data"].update(payload.get("data", {}))
            elif self.path == "/_control/load_folder":
                STATE["tokens"].add(payload["token"])
                STATE["data"].update(folder_data(payload["folder"], payload["repo"]))
                STATE["data"]["/repos/%s" % payload["repo"]] = {"full_name": payload["repo"]}
            elif self.path == "/_control/app":
                STATE["apps"][str(payload["installation_id"])] = payload
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
        if url.path == "/_control/data":
            with LOCK:
                body = json.dumps(STATE["data"].get(parse_qs(url.query)["path"][0])).encode()
            return self.send(200, body)
        if LATENCY:
            time.sleep(LATENCY)
        with LOCK:
            STATE["requests"].append({"path": url.path, "query": url.query, "time": time.time(),
                                      "conditional": "If-None-Match" in self.headers})
            faults = STATE["faults"].get(url.path, [])
            fault = faults.pop(0) if faults else None
            tokens, cap, data = set(STATE["tokens"]), STATE["cap"], STATE["data"]
        presented = self.headers.get("Authorization", "")[len("Bearer "):]
        expiry = STATE["expiry"].get(presented)
        if not presented or presented not in tokens or (expiry is not None and expiry <= time.time()):
            return self.send(401, error_body("Bad credentials"), {"Content-Type": "application/json"})
        if expiry is not None and url.path == "/user":
            return self.send(403, error_body("Resource not accessible by integration"), {"Content-Type": "application/json"})
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
        parts = url.path.split("/")
        if url.path not in data and len(parts) == 7 and parts[4] == "commits" and parts[6] == "pulls" \
                and "/".join(parts[:4]) in data:
            # GitHub lists the pull requests whose commits hold the commit, or that merged as it.
            base, sha = "/".join(parts[:4]), parts[5]
            holding = []
            for pull in data.get(base + "/pulls", []):
                commits = data.get("%s/pulls/%d/commits" % (base, pull["number"]), [])
                if pull.get("merge_commit_sha") == sha or any(commit.get("sha") == sha for commit in commits):
                    holding.append(pull)
            data = dict(data)
            data[url.path] = holding
        # What GitHub answers for a known repository when there is nothing to list.
        known = "/".join(parts[:4]) in data
        if url.path not in data and known and len(parts) == 7 and parts[4] == "commits" and parts[6] == "status":
            data = dict(data)
            data[url.path] = {"state": "pending", "sha": parts[5], "total_count": 0, "statuses": []}
        if url.path not in data and known and len(parts) == 7 and parts[4] == "commits" and parts[6] == "check-runs":
            data = dict(data)
            data[url.path] = {"total_count": 0, "check_runs": []}
        if url.path not in data and known and len(parts) >= 7 and parts[4] == "rules" and parts[5] == "branches":
            data = dict(data)
            data[url.path] = []
        if url.path not in data and known and len(parts) == 5 and parts[4] == "environments":
            data = dict(data)
            data[url.path] = {"total_count": 0, "environments": []}
        if url.path not in data and len(parts) == 6 and parts[4] == "pulls" and parts[5].isdigit():
            for pull in data.get("/".join(parts[:5]), []):
                if pull["number"] == int(parts[5]):
                    data = dict(data)
                    data[url.path] = pull
        if url.path == "/user" and url.path not in data:
            data = dict(data)
            data[url.path] = {"login": "fake-collector", "type": "User"}
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
        query = parse_qs(url.query)
        if isinstance(value, list) and parts[-1] == "pulls" and len(parts) == 5:
            state, base = query.get("state", ["open"])[0], query.get("base", [None])[0]
            value = [pull for pull in value if (state == "all" or pull.get("state") == state)
                     and (base is None or (pull.get("base") or {}).get("ref", base) == base)]
            if query.get("sort", [""])[0] == "updated":
                value = sorted(value, key=lambda pull: pull.get("updated_at") or "",
                               reverse=query.get("direction", ["desc"])[0] == "desc")
        if isinstance(value, list) and parts[-1] == "commits" and len(parts) == 7 and parts[4] == "pulls":
            value = value[:250]  # GitHub lists at most 250 commits of a pull request
        wrapper, field = None, None
        for name in ("check_runs", "commits"):
            if isinstance(value, dict) and isinstance(value.get(name), list):
                wrapper, field, value = value, name, value[name]
        if isinstance(value, list):
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
            if wrapper is not None:
                items = dict(wrapper, **{field: items})
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
    loopback.serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))


if __name__ == "__main__":
    sys.exit(main())
