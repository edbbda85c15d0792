#!/usr/bin/env python3
"""A local stand-in for ngrok in the gpt-cursor fleet: an HTTP reverse proxy plus ngrok's local API.

    public port (--port, 5050)      forwards every request to the runner (--upstream, 5051);
                                    paths under /slack/ go to the Slack server instead
                                    (--slack-upstream, 5052), so one public URL serves both
    API port (--api-port, 4040)     GET /api/tunnels answers in ngrok's shape:
        {"tunnels": [{"name": "runner", "public_url": "http://127.0.0.1:5050", "proto": "http",
                      "config": {"addr": "http://localhost:5051", "inspect": false}}]}

Both listen on 127.0.0.1 unless --host says otherwise: reaching it from the internet is what the
real ngrok (or cloudflared) is for. An upstream that does not answer gives 502, as ngrok does.
"""

import argparse
import http.client
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Hop-by-hop headers (RFC 9110 section 7.6.1) are the connection's, not the message's.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "proxy-connection"}


def log(line):
    sys.stdout.write(f"tunnel: {line}\n")
    sys.stdout.flush()


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass  # one line per forwarded request, below

    def upstream(self):
        if self.server.slack_port and (self.path == "/slack" or self.path.startswith("/slack/")):
            return self.server.slack_port
        return self.server.upstream_port

    def forward(self):
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self.fail(411, "chunked request bodies are not supported by this tunnel; send Content-Length")
        body = self.rfile.read(int(length)) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-For"] = self.client_address[0]
        headers["X-Forwarded-Proto"] = "http"
        port = self.upstream()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        except OSError as e:
            log(f"{self.command} {self.path} -> upstream 127.0.0.1:{port} failed: {e}")
            return self.fail(502, f"upstream localhost:{port} did not answer: {e}")
        finally:
            connection.close()
        self.send_response_only(answer.status, answer.reason)
        for k, v in answer.getheaders():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        if self.path != "/health":  # the end-to-end probe asks every few seconds
            log(f"{self.command} {self.path} -> localhost:{port} {answer.status}")

    def fail(self, status, text):
        data = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = forward


class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if self.path.split("?")[0].rstrip("/") != "/api/tunnels":
            status, body = 404, {"error": "only GET /api/tunnels is served here"}
        else:
            status, body = 200, {"tunnels": [{
                "name": "runner",
                "uri": "/api/tunnels/runner",
                "public_url": self.server.public_url,
                "proto": "http",
                "config": {"addr": f"http://localhost:{self.server.upstream_port}", "inspect": False},
            }], "uri": "/api/tunnels"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    parser = argparse.ArgumentParser(description="local stand-in for ngrok: reverse proxy plus ngrok's /api/tunnels")
    parser.add_argument("--port", type=int, default=5050, help="public port (default 5050)")
    parser.add_argument("--upstream", type=int, default=5051, help="the runner's port (default 5051)")
    parser.add_argument("--slack-upstream", type=int, default=0,
                        help="the Slack server's port, for paths under /slack/ (default: none, all to --upstream)")
    parser.add_argument("--api-port", type=int, default=4040, help="ngrok-style local API port (default 4040)")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    proxy = ThreadingHTTPServer((args.host, args.port), Proxy)
    api = ThreadingHTTPServer(("127.0.0.1", args.api_port), Api)
    public_url = f"http://{args.host}:{proxy.server_address[1]}"
    for server in (proxy, api):
        server.daemon_threads = True
        server.upstream_port = args.upstream
        server.slack_port = args.slack_upstream
        server.public_url = public_url
    threading.Thread(target=api.serve_forever, daemon=True, name="api").start()

    def stop(signum, frame):
        threading.Thread(target=lambda: (api.shutdown(), proxy.shutdown())).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    routes = f"localhost:{args.upstream}" + (f", /slack/ to localhost:{args.slack_upstream}" if args.slack_upstream else "")
    log(f"{public_url} -> {routes}; API on http://127.0.0.1:{args.api_port}/api/tunnels")
    proxy.serve_forever()
    proxy.server_close()
    api.server_close()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
