#!/usr/bin/env python3
"""Patch daemon of the gpt-cursor fleet: one program, run once per daemon name (braun, cyops).

It watches <state>/queue/<name>/pending/ and applies each JSON patch to <state>/workspace/<name>/:

    {"target": "relative/path", "content": "whole new text"}
    {"target": "relative/path", "find": "old text", "replace": "new text"}   (every occurrence)

An applied patch moves to done/, a refused one to failed/ with the reason next to it in
<file>.reason. Targets are confined to the workspace: absolute paths, '..' and symbolic links
that lead outside are refused. Idle, it says "no pending patches". Every few seconds it pushes a
heartbeat with its counts (processed, failed, queue_depth) to Regulator's API; a failed push is
logged and never stops the daemon. SIGTERM or SIGINT: it finishes the patch at hand and exits 0.

Fault injection, for tests and demos (see README.md):
    --fault crash|hang|leak|deadlock-loop    from the start (or PATCHD_FAULT)
    <state>/control/<name>.fault             a file holding one of those words switches the
                                             running daemon into that fault; it is removed when
                                             taken, so the next process starts healthy
crash: exit 1. hang: nothing more at all (no output, no heartbeat, no work), until a stop signal.
leak: resident memory grows steadily while it keeps working. deadlock-loop: keeps saying
"no pending patches" (and keeps pushing heartbeats) while patches wait in pending/.

Environment:
    GPT_CURSOR_STATE_DIR     holds queue/, workspace/, control/ (default: this script's directory)
    REGULATOR_URL            Regulator's API (default http://127.0.0.1:8080)
    REGULATOR_TOKEN          the admin token; else read from the file named by
    REGULATOR_TOKEN_FILE     (default data/http-token, relative to the working directory)
    PATCHD_POLL_SECONDS      pause between two looks at pending/ when idle (default 2)
    PATCHD_HEARTBEAT_SECONDS pause between two heartbeats (default 5)
    PATCHD_LEAK_MIB_PER_SECOND  growth under the leak fault (default 4)
"""

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

FAULTS = ("crash", "hang", "leak", "deadlock-loop")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class Daemon:
    def __init__(self, name, state_dir, poll, beat_every, leak_rate, fault):
        self.name = name
        self.queue = os.path.join(state_dir, "queue", name)
        self.pending = os.path.join(self.queue, "pending")
        self.done = os.path.join(self.queue, "done")
        self.failed_dir = os.path.join(self.queue, "failed")
        self.workspace = os.path.join(state_dir, "workspace", name)
        self.control = os.path.join(state_dir, "control", name + ".fault")
        self.poll = poll
        self.beat_every = beat_every
        self.leak_rate = leak_rate
        self.fault = None
        self.leak_since = 0.0
        self.leaked = []
        self.processed = 0
        self.failed = 0
        self.believed_depth = 0
        self.stopping = threading.Event()
        for d in (self.pending, self.done, self.failed_dir, self.workspace, os.path.dirname(self.control)):
            os.makedirs(d, exist_ok=True)
        if fault:
            self.enter_fault(fault, "command line")

    def say(self, text, err=False):
        stream = sys.stderr if err else sys.stdout
        stream.write(f"{self.name}: {text}\n")
        stream.flush()

    # ---- faults ----

    def enter_fault(self, fault, source):
        self.say(f"fault {fault} from {source}", err=True)
        if fault == "crash":
            sys.exit(1)
        self.fault = fault
        self.leak_since = time.monotonic()

    def check_control(self):
        try:
            with open(self.control) as f:
                wanted = f.read().strip()
            os.remove(self.control)  # one-shot: the next process of this daemon starts healthy
        except FileNotFoundError:
            return
        except OSError as e:
            self.say(f"cannot read control file {self.control}: {e}", err=True)
            return
        if wanted in FAULTS:
            self.enter_fault(wanted, self.control)
        elif wanted not in ("", "none"):
            self.say(f"ignored control file {self.control}: '{wanted}' is not one of {', '.join(FAULTS)}", err=True)

    def leak_a_little(self):
        now = time.monotonic()
        # Filled, not zeroed, so every page is touched and counts in the resident set.
        self.leaked.append(b"\x01" * int(self.leak_rate * (now - self.leak_since) * 1024 * 1024))
        self.leak_since = now

    # ---- work ----

    def work_files(self):
        """Work in pending/, oldest first: regular files not starting with '.' (those are being written)."""
        try:
            names = [n for n in os.listdir(self.pending) if not n.startswith(".")]
        except FileNotFoundError:
            os.makedirs(self.pending, exist_ok=True)
            return []
        files = []
        for n in names:
            path = os.path.join(self.pending, n)
            try:
                if os.path.isfile(path) and not os.path.islink(path):
                    files.append((os.path.getmtime(path), n))
            except OSError:
                continue
        return [n for _, n in sorted(files)]

    def confined(self, target):
        """The absolute path of target inside the workspace, or the reason it is refused."""
        if not isinstance(target, str) or not target.strip():
            return None, "target must be a non-empty string (a path relative to the workspace)"
        if "\x00" in target:
            return None, "target contains a NUL character"
        if os.path.isabs(target):
            return None, f"target '{target}' is absolute; give a path relative to workspace/{self.name}/"
        if ".." in re.split(r"[\\/]+", target):
            return None, f"target '{target}' contains '..'; patches may only change files inside workspace/{self.name}/"
        root = os.path.realpath(self.workspace)
        path = os.path.realpath(os.path.join(root, target))
        if os.path.commonpath([root, path]) != root or path == root:
            return None, f"target '{target}' leads outside workspace/{self.name}/"
        return path, None

    def apply(self, patch):
        """Applies one parsed patch; returns a description of what changed, or raises ValueError with the reason."""
        if not isinstance(patch, dict):
            raise ValueError("a patch is a JSON object with target and content, or target, find and replace")
        path, why = self.confined(patch.get("target"))
        if why:
            raise ValueError(why)
        has_content = "content" in patch
        has_edit = "find" in patch or "replace" in patch
        if has_content == has_edit:
            raise ValueError("give either content, or find and replace")
        if has_content:
            if not isinstance(patch["content"], str):
                raise ValueError("content must be a string")
            text = patch["content"]
            what = f"wrote {len(text.encode())} bytes"
        else:
            find, replace = patch.get("find"), patch.get("replace")
            if not isinstance(find, str) or not find or not isinstance(replace, str):
                raise ValueError("find must be a non-empty string and replace a string")
            try:
                with open(path, encoding="utf-8") as f:
                    old = f.read()
            except FileNotFoundError:
                raise ValueError(f"target '{patch['target']}' does not exist, so there is nothing to find in it")
            except (OSError, UnicodeDecodeError) as e:
                raise ValueError(f"cannot read target '{patch['target']}': {e}")
            count = old.count(find)
            if count == 0:
                raise ValueError(f"find text not found in '{patch['target']}'")
            text = old.replace(find, replace)
            what = f"replaced {count} occurrence(s)"
        if os.path.isdir(path):
            raise ValueError(f"target '{patch['target']}' is a directory")
        tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.patchd-{os.getpid()}")
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)  # readers see the old file or the new one, never half of one
        except OSError as e:
            try:
                os.remove(tmp)
            except OSError:
                pass
            raise ValueError(f"cannot write target '{patch['target']}': {e}")
        return what

    def move(self, name, into):
        dest = os.path.join(into, name)
        if os.path.exists(dest):
            base, ext = os.path.splitext(name)
            dest = os.path.join(into, f"{base}-{time.time_ns()}{ext}")
        os.replace(os.path.join(self.pending, name), dest)
        return dest

    def process(self, name):
        source = os.path.join(self.pending, name)
        try:
            with open(source, encoding="utf-8") as f:
                patch = json.load(f)
            what = self.apply(patch)
        except (ValueError, UnicodeDecodeError) as e:  # json.JSONDecodeError is a ValueError
            reason = str(e) if not isinstance(e, json.JSONDecodeError) else f"not valid JSON: {e}"
            dest = self.move(name, self.failed_dir)
            with open(dest + ".reason", "w", encoding="utf-8") as f:
                f.write(reason + "\n")
            self.failed += 1
            self.say(f"failed {name}: {reason}", err=True)
            return
        except FileNotFoundError:
            return  # taken away while we looked
        self.move(name, self.done)
        self.processed += 1
        self.say(f"applied {name} to workspace/{self.name}/{patch['target']}: {what}")

    # ---- loops ----

    def run(self):
        self.say(f"watching {self.pending}, workspace {self.workspace}")
        while not self.stopping.is_set():
            self.check_control()
            if self.fault == "hang":
                self.stopping.wait()  # nothing at all until a stop signal
                break
            if self.fault == "leak":
                self.leak_a_little()
            work = [] if self.fault == "deadlock-loop" else self.work_files()
            self.believed_depth = len(work)
            if not work:
                self.say("no pending patches")
                self.stopping.wait(self.poll)
                continue
            for name in work:
                if self.stopping.is_set():
                    break
                self.process(name)
            self.believed_depth = len(self.work_files())
        self.say("stopping")

    def heartbeats(self, url, token_file):
        endpoint = f"{url.rstrip('/')}/api/v1/components/{self.name}/heartbeat"
        broken = None
        while not self.stopping.is_set():
            if self.fault != "hang":
                error = self.beat(endpoint, token_file)
                if error and error != broken:
                    self.say(f"heartbeat to {endpoint} failed: {error} (will keep trying)", err=True)
                elif not error and broken:
                    self.say("heartbeat delivered again")
                broken = error
            # Until a beat gets through (Regulator's API may still be starting), try again soon.
            self.stopping.wait(min(1.0, self.beat_every) if broken else self.beat_every)

    def beat(self, endpoint, token_file):
        token = os.environ.get("REGULATOR_TOKEN", "").strip()
        if not token:
            try:
                with open(token_file) as f:
                    token = f.read().strip()
            except OSError as e:
                return f"no token: REGULATOR_TOKEN is not set and {token_file} cannot be read ({e.strerror})"
        body = json.dumps({"metrics": {"processed": self.processed, "failed": self.failed,
                                       "queue_depth": self.believed_depth}}).encode()
        request = urllib.request.Request(endpoint, data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=3) as answer:
                answer.read()
            return None
        except urllib.error.HTTPError as e:
            return f"HTTP {e.code}"
        except (urllib.error.URLError, OSError) as e:
            return str(getattr(e, "reason", e))


def main():
    parser = argparse.ArgumentParser(description="apply JSON patches from a queue directory to a workspace")
    parser.add_argument("name", help="daemon name: braun or cyops (names its queue and workspace)")
    parser.add_argument("--state-dir", default=os.environ.get("GPT_CURSOR_STATE_DIR")
                        or os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--fault", choices=FAULTS, default=os.environ.get("PATCHD_FAULT") or None)
    parser.add_argument("--poll", type=float, default=float(os.environ.get("PATCHD_POLL_SECONDS", "2")))
    parser.add_argument("--heartbeat", type=float, default=float(os.environ.get("PATCHD_HEARTBEAT_SECONDS", "5")))
    args = parser.parse_args()
    if not NAME.match(args.name):
        parser.error(f"invalid daemon name '{args.name}': use letters, digits, '-' and '_'")
    if args.fault and args.fault not in FAULTS:
        parser.error(f"unknown fault '{args.fault}'; one of {', '.join(FAULTS)}")

    daemon = Daemon(args.name, args.state_dir, args.poll, args.heartbeat,
                    float(os.environ.get("PATCHD_LEAK_MIB_PER_SECOND", "4")), args.fault)
    stop = lambda signum, frame: daemon.stopping.set()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    url = os.environ.get("REGULATOR_URL", "http://127.0.0.1:8080")
    token_file = os.environ.get("REGULATOR_TOKEN_FILE", os.path.join("data", "http-token"))
    threading.Thread(target=daemon.heartbeats, args=(url, token_file), daemon=True, name="heartbeat").start()
    daemon.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
