// SPDX-License-Identifier: MIT
// Building the run's parts from Options: the enricher and the sinks (with which of them
// confirms delivery).
#pragma once

#include "enrich/enrich.hpp"
#include "sinks/sink.hpp"
#include "trailwatch/options.hpp"

#include <memory>
#include <vector>

namespace trailwatch {

// GeoIP (or classification only with --no-geoip). When `rules_use_geo` and no database was
// found, warns once: those rules cannot fire on countries or ASNs.
std::unique_ptr<Enricher> make_enricher(const Options& options, bool rules_use_geo);

// stdout (text or JSON Lines, unless -q) and Slack (when configured). Slack confirms delivery
// when it is configured (a dry run confirms nothing); otherwise stdout does.
std::vector<std::unique_ptr<Sink>> make_sinks(const Options& options);

} // namespace trailwatch
