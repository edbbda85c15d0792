#!/usr/bin/env python3
"""Webhook runner of the gpt-cursor fleet: takes patches over HTTP and queues them for a daemon.

    POST /webhook   {"daemon": "braun"|"cyops", "target": "path", "content": "..."}
                    or {"daemon": ..., "target": ..., "find": "...", "replace": "..."}
                    -> 202 {"accepted": true, "daemon": ..., "file": ...}: written into
                       <state>/queue/<daemon>/pending/ (as a dot file, then renamed, so the
                       daemon never reads half a patch)
                    -> 400 {"error": "<reason>"} for bad input, 401 without the webhook token
    GET  /health    -> 200 {"status": "ok", "queues": {"braun": <pending>, ...}}

The runner checks the patch's shape and refuses targets that are absolute or contain '..'; the
daemon that applies it checks again, since anything may drop files into its queue.

Options and environment:
    --port (5051), --host (127.0.0.1), --state-dir (GPT_CURSOR_STATE_DIR, default: this
    script's directory). RUNNER_WEBHOOK_TOKEN: when set, POST /webhook needs
    "Authorization: Bearer <token>"; unset, anyone who reaches the port may queue patches.
"""

import argparse
import hmac
import json
import os
import re
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DAEMONS = ("braun", "cyops")
MAX_BODY = 1024 * 1024


def problem(patch):
    """Why a patch is refused, or None."""
    if not isinstance(patch, dict):
        return "expected a JSON object with daemon, target and content (or find and replace)"
    daemon = patch.get("daemon")
    if daemon not in DAEMONS:
        return f"daemon must be one of {', '.join(DAEMONS)}, got {json.dumps(daemon)}"
    target = patch.get("target")
    if not isinstance(target, str) or not target.strip():
        return "target must be a non-empty string: a path relative to the daemon's workspace"
    if "\x00" in target:
        return "target contains a NUL character"
    if os.path.isabs(target):
        return f"target '{target}' is absolute; give a path relative to the daemon's workspace"
    if ".." in re.split(r"[\\/]+", target):
        return f"target '{target}' contains '..'; patches stay inside the daemon's workspace"
    has_content = "content" in patch
    has_edit = "find" in patch or "replace" in patch
    if has_content and has_edit:
        return "give either content, or find and replace, not both"
    if has_content:
        if not isinstance(patch["content"], str):
            return "content must be a string"
    elif has_edit:
        if not isinstance(patch.get("find"), str) or not patch.get("find"):
            return "find must be a non-empty string"
        if not isinstance(patch.get("replace"), str):
            return "replace must be a string"
    else:
        return "missing content, or find and replace"
    return None


def enqueue(state_dir, patch):
    """Writes the patch atomically into the daemon's pending/ and returns the file name."""
    pending = os.path.join(state_dir, "queue", patch["daemon"], "pending")
    os.makedirs(pending, exist_ok=True)
    name = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:12]}.json"
    tmp = os.path.join(pending, "." + name + ".tmp")
    body = {k: v for k, v in patch.items() if k != "daemon"}
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(body, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(pending, name))
    return name


class Handler(BaseHTTPRequestHandler):
    server_version = "gpt-cursor-runner/1"
    protocol_version = "HTTP/1.1"

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_request(self, code="-", size="-"):
        if self.path != "/health":  # probes ask every few seconds; only the work is worth a line
            super().log_request(code, size)

    def log_message(self, fmt, *args):
        sys.stdout.write("runner: %s %s\n" % (self.address_string(), fmt % args))
        sys.stdout.flush()

    def do_GET(self):
        if self.path.split("?")[0] != "/health":
            return self.reply(404, {"error": f"no such path {self.path.split('?')[0]}; try POST /webhook or GET /health"})
        queues = {}
        for d in DAEMONS:
            try:
                queues[d] = len([n for n in os.listdir(os.path.join(self.server.state_dir, "queue", d, "pending"))
                                 if not n.startswith(".")])
            except OSError:
                queues[d] = 0
        self.reply(200, {"status": "ok", "queues": queues})

    def do_POST(self):
        if self.path.split("?")[0] != "/webhook":
            self.drain()
            return self.reply(404, {"error": f"no such path {self.path.split('?')[0]}; POST patches to /webhook"})
        token = self.server.token
        if token:
            given = self.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                self.drain()
                return self.reply(401, {"error": "missing or wrong Authorization: Bearer <RUNNER_WEBHOOK_TOKEN>"})
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.close_connection = True
            return self.reply(411, {"error": "a Content-Length header is required"})
        if length > MAX_BODY:
            self.close_connection = True
            return self.reply(413, {"error": f"a patch may be at most {MAX_BODY} bytes, got {length}"})
        raw = self.rfile.read(length)
        try:
            patch = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            return self.reply(400, {"error": f"not valid JSON: {e}"})
        why = problem(patch)
        if why:
            self.log_message("refused patch: %s", why)
            return self.reply(400, {"error": why})
        try:
            name = enqueue(self.server.state_dir, patch)
        except OSError as e:
            return self.reply(500, {"error": f"cannot queue the patch: {e}"})
        self.log_message("queued %s for %s (target %s)", name, patch["daemon"], patch["target"])
        self.reply(202, {"accepted": True, "daemon": patch["daemon"], "file": name})

    def drain(self):
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = 0
        if 0 < length <= MAX_BODY:
            self.rfile.read(length)
        else:
            self.close_connection = True


def main():
    parser = argparse.ArgumentParser(description="HTTP webhook that queues JSON patches for the patch daemons")
    parser.add_argument("--port", type=int, default=int(os.environ.get("RUNNER_PORT", "5051")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--state-dir", default=os.environ.get("GPT_CURSOR_STATE_DIR")
                        or os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.state_dir = args.state_dir
    server.token = os.environ.get("RUNNER_WEBHOOK_TOKEN", "")
    for d in DAEMONS:
        os.makedirs(os.path.join(args.state_dir, "queue", d, "pending"), exist_ok=True)
    # shutdown() waits for serve_forever(), so it runs on another thread than the one serving
    stop = lambda signum, frame: threading.Thread(target=server.shutdown).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"runner: listening on http://{args.host}:{args.port} (POST /webhook, GET /health), "
          f"queues in {os.path.join(args.state_dir, 'queue')}", flush=True)
    if not server.token:
        print("runner: RUNNER_WEBHOOK_TOKEN is not set: any client that reaches this port may queue patches",
              flush=True)
    server.serve_forever()
    server.server_close()
    print("runner: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
