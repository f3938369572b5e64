#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Latency from a record's arrival to its alert, live (issue 12). Not run in CI.

Usage: bench/live_latency.py [--trailwatch PATH] [--count N]

Three cases, each N records one after the other (the next only after the previous alert):
  stdin   a record line written to trailwatch's stdin, which stays open, until its alert line
          appears on stdout;
  slack   the same, until the loopback Slack server (tests/tools/slack_server.py) has the post;
  follow  a file renamed into a folder watched by `trailwatch --follow` (the way `aws s3 sync`
          lands files), until its alert line appears on stdout.
Prints the median, 90th percentile and maximum in milliseconds, and the maximum as a share of
the promise (1 s for stdin, 2 s for Slack and --follow), so the numbers read the same on any
machine.
"""

import argparse
import json
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RECORD = os.path.join(HERE, "..", "tests", "data", "single_record.json")


def record_line(n):
    with open(RECORD) as f:
        record = json.load(f)
    record["eventID"] = f"latency-{n}"
    # An hour apart: nothing merges, each record is its own alert.
    record["eventTime"] = "2026-11-%02dT%02d:00:00Z" % (1 + n // 24, n % 24)
    return json.dumps(record) + "\n"


def read_line(stream, deadline):
    """Reads one line from a pipe, failing after `deadline` (a guard, not a measurement)."""
    line = b""
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([stream], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            sys.exit("no alert within the guard time")
        chunk = os.read(stream.fileno(), 1)
        if not chunk:
            sys.exit("trailwatch ended early")
        line += chunk
    return line


def summary(name, promise_s, samples):
    samples = sorted(samples)
    median = statistics.median(samples)
    p90 = samples[min(len(samples) - 1, int(len(samples) * 0.9))]
    print(f"| {name} | {len(samples)} | {median * 1000:.0f} | {p90 * 1000:.0f} | "
          f"{samples[-1] * 1000:.0f} | {samples[-1] / promise_s:.2f} |")


def bench_stdin(binary, count):
    proc = subprocess.Popen([binary, "--no-geoip", "--format", "jsonl"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    samples = []
    for n in range(count):
        started = time.monotonic()
        proc.stdin.write(record_line(n).encode())
        proc.stdin.flush()
        read_line(proc.stdout, started + 30)
        samples.append(time.monotonic() - started)
    proc.stdin.close()
    proc.wait()
    return samples


def bench_slack(binary, count):
    server_script = os.path.join(HERE, "..", "tests", "tools", "slack_server.py")
    with tempfile.TemporaryDirectory() as work:
        log = os.path.join(work, "slack.log")
        server = subprocess.Popen([sys.executable, server_script, "--log", log, "--lifetime",
                                   "600"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        port = int(read_line(server.stdout, time.monotonic() + 30))
        env = dict(os.environ)
        env["TRAILWATCH_SLACK_WEBHOOK"] = f"http://127.0.0.1:{port}/services/T0/B0/BENCH"
        proc = subprocess.Popen([binary, "-q", "--no-geoip"], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        samples = []
        for n in range(count):
            started = time.monotonic()
            proc.stdin.write(record_line(n).encode())
            proc.stdin.flush()
            while True:  # the server logs each request before replying
                if os.path.exists(log):
                    with open(log) as f:
                        if sum(1 for _ in f) > n:
                            break
                if time.monotonic() > started + 30:
                    sys.exit("no Slack post within the guard time")
                time.sleep(0.002)
            samples.append(time.monotonic() - started)
        proc.stdin.close()
        proc.wait()
        server.terminate()
        server.wait()
        return samples


def bench_follow(binary, count):
    with tempfile.TemporaryDirectory() as work:
        folder = os.path.join(work, "logs")
        os.mkdir(folder)
        proc = subprocess.Popen([binary, "--follow", "-v", "--no-geoip", "--format", "jsonl",
                                 folder], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while b"watching" not in read_line(proc.stderr, time.monotonic() + 30):
            pass
        samples = []
        for n in range(count):
            temporary = os.path.join(folder, f"r{n}.json.0a1b2c3d")
            with open(temporary, "w") as f:
                f.write(record_line(n))
            started = time.monotonic()
            os.rename(temporary, os.path.join(folder, f"r{n}.json"))
            read_line(proc.stdout, started + 30)
            samples.append(time.monotonic() - started)
        proc.terminate()
        proc.wait()
        return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trailwatch", default=os.path.join(HERE, "..", "build", "trailwatch"))
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    if not os.access(args.trailwatch, os.X_OK):
        sys.exit(f"{args.trailwatch}: not an executable (build first)")
    print("| case | records | median ms | p90 ms | max ms | max / promise |")
    print("|---|---|---|---|---|---|")
    summary("stdin (promise 1 s)", 1.0, bench_stdin(args.trailwatch, args.count))
    summary("stdin to Slack (promise 2 s)", 2.0, bench_slack(args.trailwatch, args.count))
    summary("--follow rename (promise 2 s)", 2.0, bench_follow(args.trailwatch, args.count))


if __name__ == "__main__":
    main()
