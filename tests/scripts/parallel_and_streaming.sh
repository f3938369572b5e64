#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Throughput features, checked for correctness only (speed lives in bench/): -j1 and -jN give
# byte-identical output on a multi-file corpus; stdin streams larger than every internal buffer
# (8 MiB parse threshold, 1 MiB reads) give the same alerts as the files; one huge single
# document works on stdin and as a file; a file that grows between listing and reading is read
# whole, and a --state re-run repeats nothing.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"
gen() { python3 bench/gen_corpus.py --quiet --seed 7 --launch-rate 1/200 "$@"; }

# 1. A 12 MB corpus of many files: -j1, -j2 and -j8 agree byte for byte, text and JSONL.
gen --out "$work/corpus" --size-mb 12 --records-per-file 20-400
for format in text jsonl; do
  for jobs in 1 2 8; do
    "$bin" --no-geoip --color=never --format "$format" -j "$jobs" "$work/corpus/AWSLogs" \
      >"$work/$format.j$jobs" 2>"$work/err.j$jobs"
    rc=$?
    [ "$rc" = 0 ] || fail "-j$jobs $format exit status $rc: $(head -3 "$work/err.j$jobs")"
  done
  cmp -s "$work/$format.j1" "$work/$format.j2" || fail "$format: -j1 and -j2 differ"
  cmp -s "$work/$format.j1" "$work/$format.j8" || fail "$format: -j1 and -j8 differ"
done
alerts=$(wc -l <"$work/jsonl.j1")
[ "$alerts" -gt 20 ] || fail "expected a few dozen alerts from the corpus, got $alerts"
# The prefilter changes nothing but speed: --full-parse finds the same alerts.
"$bin" --no-geoip --format jsonl --full-parse "$work/corpus/AWSLogs" >"$work/jsonl.full" 2>/dev/null
cmp -s "$work/jsonl.j1" "$work/jsonl.full" || fail "prefilter and --full-parse differ"

# 2. The same records as one 40 MB NDJSON stream on stdin, plain and gzip: same alerts (only
#    the source field differs), several parse rounds, no error.
gen --ndjson "$work/stream.jsonl" --size-mb 40
"$bin" --no-geoip --format jsonl "$work/stream.jsonl" 2>/dev/null | sed 's/"source":{[^}]*}//' >"$work/file.alerts"
"$bin" --no-geoip --format jsonl <"$work/stream.jsonl" 2>"$work/err.stdin" | sed 's/"source":{[^}]*}//' >"$work/stdin.alerts"
expect_eq "stdin exit status" "${PIPESTATUS[0]}" 0
cmp -s "$work/file.alerts" "$work/stdin.alerts" || fail "NDJSON on stdin and as a file give different alerts"
[ "$(wc -l <"$work/stdin.alerts")" -gt 50 ] || fail "too few alerts from the stream"
gzip -c "$work/stream.jsonl" >"$work/stream.jsonl.gz"
"$bin" --no-geoip --format jsonl <"$work/stream.jsonl.gz" 2>/dev/null | sed 's/"source":{[^}]*}//' >"$work/stdin.gz.alerts"
cmp -s "$work/file.alerts" "$work/stdin.gz.alerts" || fail "gzip stream on stdin differs"
rm -f "$work/stream.jsonl" "$work/stream.jsonl.gz"

# 3. One 30 MB {"Records":[...]} document, on stdin (larger than the parse threshold, so the
#    buffer grows) and as a file: the same alerts.
gen --single-doc "$work/single.json" --size-mb 30
"$bin" --no-geoip --format jsonl "$work/single.json" 2>/dev/null | sed 's/"source":{[^}]*}//' >"$work/single.file"
"$bin" --no-geoip --format jsonl <"$work/single.json" 2>"$work/err.single" | sed 's/"source":{[^}]*}//' >"$work/single.stdin"
cmp -s "$work/single.file" "$work/single.stdin" || fail "single document: stdin and file differ"
[ "$(wc -l <"$work/single.file")" -gt 20 ] || fail "too few alerts from the single document"
expect_no_grep "no error on the single document" 'error' "$work/err.single"
rm -f "$work/single.json"

# 4. A file that grows between listing and reading: trailwatch blocks on a FIFO named first
#    (with -j1 inputs are read in order), the test appends a launch to the second file, then
#    closes the FIFO.
mkdir -p "$work/grow"
head -c 0 /dev/null >"$work/grow/b.json"
python3 -c 'import json; print(json.dumps({"Records":[]}))' >"$work/grow/b.json"
mkfifo "$work/fifo"
"$bin" --no-geoip --format jsonl -j1 --state "$work/grow.db" "$work/fifo" "$work/grow/b.json" \
  >"$work/grow.out" 2>"$work/grow.err" &
pid=$!
exec 3>"$work/fifo"                         # trailwatch is now blocked reading the FIFO
cp tests/data/ndjson.jsonl "$work/grow/b.json" # b.json grows from 14 bytes to 2.6 KB
printf '[]\n' >&3
exec 3>&-
wait "$pid"
expect_eq "growing file exit status" "$?" 0
# Both launches in the grown file were read (one alert: same rule, actor and account within the
# de-duplication window, so a count of 2).
expect_eq "alerts from the grown file" "$(grep -c '"rule".*"count":2,' "$work/grow.out")" 1
"$bin" --no-geoip --format jsonl -j1 --state "$work/grow.db" "$work/grow/b.json" >"$work/grow2.out" 2>&1
expect_eq "a re-run repeats nothing" "$(grep -c '"rule"' "$work/grow2.out")" 0
finish
