// SPDX-License-Identifier: MIT
// The scan: inputs → decode → records → match → enrich → sinks, with --stats and exit status.
#pragma once

#include "trailwatch/options.hpp"

namespace trailwatch {

// Runs a scan with validated options; returns the exit status (README "Exit status").
int run_scan(const Options& options);

} // namespace trailwatch
