// SPDX-License-Identifier: MIT
// Engine: the rules and everything compiled from them that reading needs (matcher, prefilter,
// the workers' shared parts and one worker). A live run builds a new one when SIGHUP asks it
// to reload, and keeps the old one when the new rules are broken.
#pragma once

#include "enrich/enrich.hpp"
#include "input/prefilter.hpp"
#include "pipeline/worker.hpp"
#include "rules/match.hpp"
#include "rules/rule.hpp"
#include "trailwatch/options.hpp"

#include <memory>

namespace trailwatch {

// Loads the rules of `options` (--rules, or the installed ones) and keeps those that
// --min-level, --status, --rule and --tag select. Throws Fatal on a broken rule set, or when
// no rule is left.
RuleSet load_selected_rules(const Options& options);

// The read-only parts of the pipeline that `workers` workers share: per-input and per-document
// memory limits from --max-memory.
Pipeline make_pipeline(const Options& options, const Matcher& matcher, const Prefilter& prefilter,
                       Enricher& enricher, unsigned workers);

struct Engine {
  // Compiles `rules`; the engine reads on one worker. Throws Fatal like the matcher does.
  Engine(const Options& options, RuleSet rules, Enricher& enricher);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const Matcher matcher;
  const Prefilter prefilter;
  const Pipeline pipeline;
  Worker worker;
};

// Loads the rules of `options` into a new engine (throws Fatal when they are broken).
std::unique_ptr<Engine> load_engine(const Options& options, Enricher& enricher);

} // namespace trailwatch
