#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Loopback stand-in for a Slack incoming webhook, for trailwatch tests (stdlib only).

Usage:
  slack_server.py --log FILE [--replies SPEC | --replies-file FILE] [--port-file FILE]
                  [--lifetime SECONDS] [--exit-on-stdin-eof]

Listens on 127.0.0.1 only, on an ephemeral port, and prints the port as the first line on
stdout (and writes it to --port-file when given). Never connects anywhere.

Replies follow a script: SPEC is a comma-separated list of items (a file holds one item per
line, '#' starts a comment). Each POST takes the next item; the last item repeats. Default
"200:ok". An item is STATUS[:OPTION]..., where OPTION is one of
  retry-after=N   add "Retry-After: N" (seconds)
  retry-date=N    add "Retry-After: <HTTP-date N seconds from now>"
  location=URL    add "Location: URL" ("{port}" is replaced by the server's port)
  sleep=S         wait S seconds before replying (a reply slower than the client's timeout)
  body=TEXT       reply body; a bare TEXT as first option means the same
Default bodies follow Slack: 200 ok, 400 invalid_payload, 403 action_prohibited,
404 no_service, 410 channel_is_archived, 429 rate_limited, 500 rollup_error.
Examples: "200:ok", "429:retry-after=1,200:ok", "500,200", "302:location=http://127.0.0.1:{port}/moved",
"200:sleep=5".

Every request is appended to the --log file as one JSON object per line, flushed BEFORE the
reply is sent, so a client that has its answer can read its request in the log:
  {"n": 1, "method": "POST", "path": "/services/...", "headers": {"content-type": ...},
   "body": "<text, invalid UTF-8 replaced>", "body_bytes": 123, "body_valid_utf8": true,
   "status": 200}

The server stops after --lifetime seconds (default 120), on SIGTERM/SIGINT, on "GET /__quit",
or (with --exit-on-stdin-eof) when its stdin is closed, e.g. because the test process died.
"""

import argparse
import email.utils
import http.server
import json
import os
import re
import signal
import sys
import threading
import time

DEFAULT_BODIES = {
    200: "ok",
    400: "invalid_payload",
    403: "action_prohibited",
    404: "no_service",
    410: "channel_is_archived",
    429: "rate_limited",
    500: "rollup_error",
}
OPTION_SPLIT = re.compile(r":(?=(?:retry-after|retry-date|location|sleep|body)=)")
MAX_BODY = 16 * 1024 * 1024


def parse_item(text):
    """Parses one reply item ("429:retry-after=1") into a dict."""
    text = text.strip()
    status_text, _, rest = text.partition(":")
    try:
        status = int(status_text)
    except ValueError:
        raise SystemExit(f"slack_server: bad reply item {text!r}: status must be a number")
    item = {"status": status, "headers": [], "sleep": 0.0,
            "body": DEFAULT_BODIES.get(status, "")}
    if not rest:
        return item
    options = OPTION_SPLIT.split(rest)
    for index, option in enumerate(options):
        key, eq, value = option.partition("=")
        if not eq:
            if index != 0:
                raise SystemExit(f"slack_server: bad option {option!r} in {text!r}")
            item["body"] = option
        elif key == "retry-after":
            item["headers"].append(("Retry-After", value))
        elif key == "retry-date":
            item["retry_date"] = float(value)
        elif key == "location":
            item["location"] = value
        elif key == "sleep":
            item["sleep"] = float(value)
        elif key == "body":
            item["body"] = value
        else:
            raise SystemExit(f"slack_server: unknown option {key!r} in {text!r}")
    return item


class Script:
    """The scripted replies, consumed in order; the last one repeats."""

    def __init__(self, items):
        self.items = items or [parse_item("200:ok")]
        self.next = 0
        self.count = 0
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            item = self.items[min(self.next, len(self.items) - 1)]
            self.next += 1
            self.count += 1
            return self.count, item


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "slack-server"
    sys_version = ""

    def log_message(self, format, *args):  # keep stderr quiet
        pass

    def do_GET(self):
        if self.path == "/__quit":
            self.reply(200, [], "bye")
            threading.Thread(target=self.server.shutdown, daemon=True).start()
        else:
            self.reply(404, [], "not_found")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""
        number, item = self.server.script.take()
        try:
            text = raw.decode("utf-8")
            valid = True
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="replace")
            valid = False
        entry = {
            "n": number,
            "method": "POST",
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": text,
            "body_bytes": len(raw),
            "body_valid_utf8": valid,
            "status": item["status"],
        }
        with self.server.log_lock:
            self.server.log.write(json.dumps(entry) + "\n")
            self.server.log.flush()
        if item["sleep"] > 0:
            time.sleep(item["sleep"])
        headers = list(item["headers"])
        if "retry_date" in item:
            when = time.time() + item["retry_date"]
            headers.append(("Retry-After", email.utils.formatdate(when, usegmt=True)))
        if "location" in item:
            port = str(self.server.server_address[1])
            headers.append(("Location", item["location"].replace("{port}", port)))
        self.reply(item["status"], headers, item["body"])

    def reply(self, status, headers, body):
        data = body.encode("utf-8")
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout test)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def handle_error(self, request, client_address):  # a client hanging up is not news
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", required=True, help="append one JSON line per request here")
    parser.add_argument("--replies", default="", help="comma-separated reply items")
    parser.add_argument("--replies-file", help="one reply item per line")
    parser.add_argument("--port-file", help="also write the port to this file")
    parser.add_argument("--lifetime", type=float, default=120.0, help="exit after this long")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when stdin is closed (the parent went away)")
    args = parser.parse_args()

    specs = [s for s in args.replies.split(",") if s.strip()]
    if args.replies_file:
        with open(args.replies_file, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    specs.append(line)

    server = Server(("127.0.0.1", 0), Handler)
    server.script = Script([parse_item(s) for s in specs])
    server.log = open(args.log, "a", encoding="utf-8")
    server.log_lock = threading.Lock()
    port = server.server_address[1]

    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(port, flush=True)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer = threading.Timer(args.lifetime, stop)
    timer.daemon = True
    timer.start()
    if args.exit_on_stdin_eof:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except OSError:
                pass
            stop()
        threading.Thread(target=watch_stdin, daemon=True).start()

    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
        server.log.close()


if __name__ == "__main__":
    main()
