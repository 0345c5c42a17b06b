#!/usr/bin/env python3
"""An HTTPS server on loopback whose certificate no CA signed, for the tests: what a clone meets from a server it
must not trust. Usage: tls_server.py CERTIFICATE KEY (PEM files). Prints "PORT <n>" once listening."""
import http.server
import ssl
import sys

import loopback

server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
loopback.serve(server)
