# SPDX-License-Identifier: MIT
# Shared helpers for tests/scripts/*.sh (sourced, not run). Each script gets the trailwatch
# binary as $1, runs from the repository root and exits 0 (pass), 1 (fail) or 77 (skip).
set -u
bin=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/tw-script.XXXXXX")
failures=0
cleanup() {
  if [ "$failures" = 0 ]; then rm -rf "$work"; else echo "work dir kept: $work"; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

skip() {
  echo "SKIP: $*"
  exit 77
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
  if [ "$2" != "$3" ]; then fail "$1: got '$2', expected '$3'"; fi
}

# expect_grep WHAT PATTERN FILE: FILE has a line matching the extended regex PATTERN.
expect_grep() {
  if ! grep -Eq -- "$2" "$3"; then
    fail "$1: no line matches /$2/ in $3:"
    sed 's/^/    /' "$3" | head -40
  fi
}

# expect_no_grep WHAT PATTERN FILE
expect_no_grep() {
  if grep -Eq -- "$2" "$3"; then fail "$1: /$2/ must not appear in $3"; fi
}

# unprivileged_run: sets the array `run` to a command running $bin as a user file permissions
# bind (they bind only other users, so as root: nobody, through setpriv); skips the test when
# that is impossible.
unprivileged_run() {
  run=("$bin")
  if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null || skip "running as root without setpriv: permissions not enforced"
    run=(setpriv --reuid=nobody --regid=nogroup --clear-groups "$bin")
    "${run[@]}" --version >/dev/null 2>&1 || skip "user nobody cannot run $bin (a private build folder)"
  fi
}

finish() {
  if [ "$failures" != 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "all checks passed"
  exit 0
}

# start_slack_server REPLIES: starts tests/tools/slack_server.py on 127.0.0.1 with the reply
# script REPLIES; sets slack_url (with a secret-looking token) and slack_log. The port is read
# from the server's first stdout line, so no sleeping is needed. The server stops with the test.
start_slack_server() {
  command -v python3 >/dev/null || skip "python3 not installed"
  slack_log="$work/slack.log"
  : >"$slack_log"
  mkfifo "$work/slack.port"
  python3 tests/tools/slack_server.py --log "$slack_log" --replies "$1" --lifetime 300 \
    >"$work/slack.port" 2>"$work/slack.err" &
  slack_pid=$!
  read -r slack_port <"$work/slack.port"
  slack_url="http://127.0.0.1:$slack_port/services/T000TEST/B000TEST/XXXXSECRETTOKEN"
  trap 'kill "$slack_pid" 2>/dev/null; cleanup' EXIT
}

stop_slack_server() {
  kill "$slack_pid" 2>/dev/null
  wait "$slack_pid" 2>/dev/null
  rm -f "$work/slack.port"
}

# slack_posts: how many POSTs the server has logged.
slack_posts() {
  grep -c '"method": *"POST"' "$slack_log" || true
}

# wait_for_posts N: blocks until the server has logged N POSTs (it logs before replying), or
# fails after 60 s. Follows the log with tail -f: no sleeping and guessing.
wait_for_posts() {
  # (grep writes to a file: with /dev/null as output GNU grep reads to the end of input.)
  if ! timeout 60 grep -m "$1" '"method": *"POST"' < <(tail -n +1 -f "$slack_log") >"$work/wait.out"; then
    fail "the server did not receive $1 posts within 60 s"
  fi
}
