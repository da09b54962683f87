#!/usr/bin/env python3
"""Test-only HTTPS server for a JWKS, standing in for an identity provider.

usage: jwks_server.py DIR CERT KEY

Serves DIR/jwks.json at any path with the Cache-Control header in DIR/cache-control (if present),
appends one line per request to DIR/requests.log (so a test counts the fetches), and writes the
port it listens on (127.0.0.1, chosen by the kernel) to DIR/port once it accepts connections.
The test rotates keys by replacing DIR/jwks.json (write a new file, rename it over the old one).
"""
import http.server
import os
import ssl
import sys

directory, cert, key = sys.argv[1:4]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(os.path.join(directory, "requests.log"), "a") as log:
            log.write(self.path + "\n")
        try:
            with open(os.path.join(directory, "jwks.json"), "rb") as f:
                body = f.read()
            status = 200
        except FileNotFoundError:
            body, status = b"{}", 404
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        cc = os.path.join(directory, "cache-control")
        if os.path.exists(cc):
            with open(cc) as f:
                self.send_header("Cache-Control", f.read().strip())
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
tmp = os.path.join(directory, "port.tmp")
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, os.path.join(directory, "port"))
server.serve_forever()
