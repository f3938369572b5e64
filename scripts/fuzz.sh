#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the libFuzzer harnesses of tests/fuzz (issue 13).
#
#   bash scripts/fuzz.sh [SECONDS] [HARNESS...]     (default: 60 seconds each, every harness)
#
# Configures a clang build with -DTRAILWATCH_FUZZ=ON in build-fuzz/, builds the harnesses and
# runs each for SECONDS over a copy of its corpus (tests/fuzz/corpus/<harness>/; inputs named
# crash-* are known findings: ctest replays them, the fuzzer starts without them). New corpus
# entries stay in build-fuzz/fuzz-runs/<harness>/corpus; nothing under tests/ is changed.
# Exits 1 on any finding (crash, sanitizer report, failed check, timeout, out of memory), after
# printing each reproducer's path, the replayed report and how to keep it as a regression test.
#
# Environment: FUZZ_BUILD_JOBS (build parallelism, default: all cores), FUZZ_TIMEOUT (seconds
# one input may take before it counts as a hang, default 10), FUZZ_RSS_MB (memory limit, default
# 2048), FUZZ_KEEP_GOING=1 (libFuzzer fork mode: go on after a finding to collect several),
# FUZZ_SEED (libFuzzer's random seed; 0, the default, picks a new one each run).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: bash scripts/fuzz.sh [SECONDS] [HARNESS...]" >&2
  exit 2
fi
shift || true
harnesses=("$@")
if [ "${#harnesses[@]}" -eq 0 ]; then
  for source in tests/fuzz/*_fuzz.cpp; do
    harnesses+=("$(basename "$source" .cpp)")
  done
fi
for harness in "${harnesses[@]}"; do
  if [ ! -f "tests/fuzz/$harness.cpp" ]; then
    echo "fuzz: no harness tests/fuzz/$harness.cpp" >&2
    exit 2
  fi
done
if ! grep -q '^ *add_subdirectory(fuzz)' tests/CMakeLists.txt; then
  echo "fuzz: tests/CMakeLists.txt does not add tests/fuzz; add the line: add_subdirectory(fuzz)" >&2
  exit 2
fi
command -v clang++ >/dev/null || {
  echo "fuzz: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
}

build=build-fuzz
jobs=${FUZZ_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTRAILWATCH_FUZZ=ON >/dev/null
cmake --build "$build" -j "$jobs" --target "${harnesses[@]}"

timeout_s=${FUZZ_TIMEOUT:-10}
rss_mb=${FUZZ_RSS_MB:-2048}
status=0
for harness in "${harnesses[@]}"; do
  binary=$build/tests/fuzz/$harness
  run=$build/fuzz-runs/$harness
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/artifacts"
  seeds=tests/fuzz/corpus/$harness
  if [ -d "$seeds" ]; then
    find "$seeds" -maxdepth 1 -type f ! -name 'crash-*' ! -name '.*' -exec cp {} "$run/corpus/" \;
  fi
  options=(-max_total_time="$seconds" -timeout="$timeout_s" -rss_limit_mb="$rss_mb"
    -seed="${FUZZ_SEED:-0}"
    -artifact_prefix="$run/artifacts/" -close_fd_mask=3 -print_final_stats=1)
  if [ -f "tests/fuzz/dicts/$harness.dict" ]; then
    options+=(-dict="tests/fuzz/dicts/$harness.dict")
  fi
  if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
    options+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  echo "== $harness: ${seconds}s"
  set +e
  "$binary" "${options[@]}" "$run/corpus" >"$run/log" 2>&1
  code=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/log" | tail -1)
  if [ -z "$runs" ]; then # fork mode: the last "#N: cov: … exec/s S" line
    runs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$run/log" | tail -1)
    speed=$(sed -n 's/^#[0-9]*: cov:.* exec\/s \([0-9]*\).*/\1/p' "$run/log" | tail -1)
  fi
  echo "   ${runs:-?} executions (${speed:-?}/s), exit $code, corpus $(find "$run/corpus" -type f | wc -l) inputs; log $run/log"
  findings=$(find "$run/artifacts" -type f | sort)
  if [ "$code" -ne 0 ] || [ -n "$findings" ]; then
    status=1
    if [ -z "$findings" ]; then
      echo "   FINDING without a reproducer (libFuzzer exit $code); the log ends:"
      tail -n 30 "$run/log" | sed 's/^/     /'
    fi
    for finding in $findings; do
      echo "   FINDING: reproducer $finding"
      echo "   replayed:"
      (timeout -s KILL $((timeout_s * 3 + 30)) "$binary" -timeout="$timeout_s" \
        -rss_limit_mb="$rss_mb" "$finding" 2>&1 || true) |
        awk '/FUZZ FINDING/ { detail = 12 } detail > 0 && !/^ *#/ { print; detail--; next }
             /what\(\)|ERROR: |runtime error|SUMMARY/ { print }
             /^ *#[0-9]+ .*\/(src|tests\/fuzz)\/[^ ]*\.[ch]pp:[0-9]+/ && frames++ < 4 { print }' |
        cut -c1-240 | sed 's/^/     /'
      echo "   keep it: cp $finding tests/fuzz/corpus/$harness/crash-<short-description>"
    done
  fi
done
if [ "$status" -ne 0 ]; then
  echo "fuzz: FINDINGS (see above)" >&2
else
  echo "fuzz: no finding"
fi
exit "$status"
