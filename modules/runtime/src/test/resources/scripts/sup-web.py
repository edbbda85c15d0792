#!/usr/bin/env python3
"""A test web component whose health the test steers through files.

argv: <mark> <port>
env:  READY_DELAY  seconds before /health answers 200 (503 until then)
      CONTROL_DIR  directory with switch files the test creates or removes:
                   not-ready -> /health answers 503; broken -> 500; hang -> never answers
"""
import http.server
import os
import sys
import threading
import time

MARK, PORT = sys.argv[1], int(sys.argv[2])
STARTED = time.monotonic()
READY_DELAY = float(os.environ.get("READY_DELAY", "0"))
CONTROL = os.environ.get("CONTROL_DIR", "")


def switch(name):
    return bool(CONTROL) and os.path.exists(os.path.join(CONTROL, name))


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if switch("hang"):
            threading.Event().wait()
        if switch("broken"):
            code = 500
        elif switch("not-ready") or time.monotonic() - STARTED < READY_DELAY:
            code = 503
        else:
            code = 200
        body = b'{"status": "%s"}' % (b"ok" if code == 200 else b"down")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Health)
server.daemon_threads = True
print("listening on", PORT, "mark", MARK, flush=True)
server.serve_forever()
