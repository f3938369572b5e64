// SPDX-License-Identifier: MIT
#include "pipeline/engine.hpp"

#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"

#include <algorithm>

namespace trailwatch {

RuleSet load_selected_rules(const Options& options) {
  RuleSet rules =
      load_rules(options.rule_paths.empty() ? default_rule_paths() : options.rule_paths);
  if (const std::string skipped = skipped_summary(rules); !skipped.empty()) {
    diag::warning("{}", skipped); // e.g. a whole SigmaHQ checkout: one line, not an error each
  }
  RuleSelection selection;
  selection.min_level = parse_level(options.min_level).value_or(Level::informational);
  selection.statuses = options.rule_statuses;
  selection.ids = options.rule_ids;
  selection.tags = options.rule_tags;
  if (const std::size_t left_out = select_rules(rules, selection); left_out > 0) {
    diag::debug(1, "{} rule(s) left out by --min-level/--status/--rule/--tag", left_out);
  }
  if (rules.rules.empty()) {
    throw Fatal("no rule left to run after --min-level, --status, --rule and --tag");
  }
  return rules;
}

Pipeline make_pipeline(const Options& options, const Matcher& matcher, const Prefilter& prefilter,
                       Enricher& enricher, unsigned workers) {
  return Pipeline{options,
                  matcher,
                  prefilter,
                  enricher,
                  std::max<std::size_t>(options.max_memory / std::max(1u, workers), 1u << 20),
                  options.max_memory / 4};
}

Engine::Engine(const Options& options, RuleSet rules, Enricher& enricher)
    : matcher(std::move(rules)),
      prefilter(matcher.event_names(), !matcher.wants_all() && !options.full_parse),
      pipeline(make_pipeline(options, matcher, prefilter, enricher, 1)), worker(pipeline) {}

std::unique_ptr<Engine> load_engine(const Options& options, Enricher& enricher) {
  return std::make_unique<Engine>(options, load_selected_rules(options), enricher);
}

} // namespace trailwatch
