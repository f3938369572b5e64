#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The CI smoke run of the fuzz harnesses (issue 13): every harness for 30 seconds; exit 1 on any
# finding. `bash scripts/fuzz.sh SECONDS [HARNESS...]` runs them for as long as asked.
set -euo pipefail
exec bash "$(dirname "$0")/fuzz.sh" "${FUZZ_SMOKE_SECONDS:-30}" "$@"
