#!/usr/bin/python3
"""A scripted HTTP(S) server for tests/it/aws_http.sh: answers requests
with the responses of a plan (JSON list, in order; the last repeats) and
appends each request line and its headers to a log. Prints its port.

    aws_http_server.py PLAN LOG [CERT KEY]

A plan entry: {"status": 200, "headers": {...}, "body": "...",
"gzip": true (compress the body), "size": N (a body of N bytes)}.
"""

import gzip
import http.server
import json
import os
import ssl
import sys
import threading


def main():
    plan_file, log_file = sys.argv[1], sys.argv[2]
    with open(plan_file, encoding='utf-8') as f:
        plan = json.load(f)
    state = {'n': 0}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, *args):
            pass

        def answer(self):
            length = int(self.headers.get('Content-Length') or 0)
            if length:
                self.rfile.read(length)
            with lock:
                entry = plan[min(state['n'], len(plan) - 1)]
                state['n'] += 1
                with open(log_file, 'a', encoding='utf-8') as log:
                    log.write(self.requestline + '\n')
                    for k, v in self.headers.items():
                        log.write(f'{k}: {v}\n')
                    log.write('\n')
            body = entry.get('body', '').encode()
            if 'size' in entry:
                body = b'<x>' + b'a' * entry['size'] + b'</x>'
            self.send_response(entry.get('status', 200))
            if entry.get('gzip'):
                body = gzip.compress(body)
                self.send_header('Content-Encoding', 'gzip')
            for k, v in entry.get('headers', {}).items():
                self.send_header(k, v)
            self.send_header('Content-Type', entry.get('type', 'text/xml'))
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = answer

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    if len(sys.argv) > 4:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    os.close(1)
    server.serve_forever()


if __name__ == '__main__':
    main()
