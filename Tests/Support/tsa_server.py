#!/usr/bin/env python3
"""An RFC 3161 time-stamping authority on loopback, for the tests: `openssl ts -reply` behind an HTTP responder.

Usage: tsa_server.py FOLDER. FOLDER holds one sub-folder per TSA (tsa.cnf, tsa.pem, tsa.key, serial), served at
POST /NAME. `?at=2027-01-15T12:00:00Z` signs as if at that time (through libfaketime's `faketime`), for back-dated
and future tokens; POST /NAME/replay answers with the first reply it ever gave (a replayed token: wrong nonce and
imprint). Prints "PORT <n>" once listening.
"""
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import loopback

ROOT = sys.argv[1]
LOCK = threading.Lock()
FIRST = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, kind="application/timestamp-reply"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        url = urlsplit(self.path)
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parts = url.path.strip("/").split("/")
        folder = os.path.join(ROOT, parts[0])
        if not os.path.isdir(folder) or self.headers.get("Content-Type") != "application/timestamp-query":
            return self.answer(400, b"bad request", "text/plain")
        if parts[-1] == "replay" and parts[0] in FIRST:
            return self.answer(200, FIRST[parts[0]])
        at = parse_qs(url.query).get("at", [None])[0]
        with LOCK, tempfile.TemporaryDirectory() as scratch:
            with open(os.path.join(scratch, "q.tsq"), "wb") as handle:
                handle.write(query)
            command = ["openssl", "ts", "-reply", "-config", "tsa.cnf", "-queryfile", os.path.join(scratch, "q.tsq"),
                       "-out", os.path.join(scratch, "r.tsr")]
            if at:
                command = ["faketime", at.replace("T", " ").rstrip("Z")] + command
            done = subprocess.run(command, cwd=folder, capture_output=True, env=dict(os.environ, TZ="UTC"))
            if done.returncode != 0:
                return self.answer(500, done.stderr, "text/plain")
            with open(os.path.join(scratch, "r.tsr"), "rb") as handle:
                reply = handle.read()
        FIRST.setdefault(parts[0], reply)
        self.answer(200, reply)


def main():
    loopback.serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))


if __name__ == "__main__":
    sys.exit(main())
