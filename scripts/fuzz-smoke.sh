#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The CI smoke run of the fuzz harnesses (issue 13): every harness for 30 seconds; exit 1 on any
# finding. `bash scripts/fuzz.sh SECONDS [HARNESS...]` runs them for as long as asked.
set -euo pipefail
# A fixed seed: the CI run explores the same inputs each time (new ground is for fuzz.sh).
export FUZZ_SEED=${FUZZ_SEED:-20261202}
exec bash "$(dirname "$0")/fuzz.sh" "${FUZZ_SMOKE_SECONDS:-30}" "$@"
