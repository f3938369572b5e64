// SPDX-License-Identifier: MIT
#include "pipeline/rule_tests.hpp"

#include "input/decode.hpp"
#include "input/prefilter.hpp"
#include "input/reader.hpp"
#include "rules/match.hpp"
#include "trailwatch/diag.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trailwatch {

namespace {

// The sample through the scan's path; the alerts it gives and what happened on the way.
struct SampleRun {
  std::vector<Alert> alerts;
  bool prefiltered = false; // the prefilter skipped the bytes
  std::size_t events = 0;   // records the reader kept for the rules
  std::size_t records = 0;  // CloudTrail records it read
  std::string messages;     // what the reader reported
};

SampleRun run_sample(const RuleTest& test, const Matcher& matcher, const Prefilter& prefilter) {
  SampleRun run;
  if (!prefilter.may_match(test.record_json)) {
    run.prefiltered = true;
    return run;
  }
  RecordReader reader([&](std::string_view name) { return matcher.wants(name); },
                      [&](Event&& event) {
                        ++run.events;
                        matcher.match(event, test.geo, run.alerts);
                      });
  reader.begin_source(fmt::format("{}:{}", test.path, test.line));
  Buffer bytes;
  bytes.append(test.record_json);
  diag::Capture capture; // reader messages belong to the outcome, not to stderr
  reader.parse(bytes.data(), bytes.size(), true);
  run.records = reader.counters().records;
  run.messages = capture.take();
  return run;
}

std::string explain_miss(const SampleRun& run) {
  if (run.prefiltered) {
    return "the prefilter skipped it: its eventName is none the rules can match";
  }
  if (run.records == 0) {
    return fmt::format("it was not read as a CloudTrail record{}",
                       run.messages.empty() ? "" : ": " + run.messages);
  }
  if (run.events == 0) {
    return "the reader's fast path skipped it: its eventName is none the rules can match";
  }
  return "the detection did not match";
}

} // namespace

std::vector<RuleTestOutcome> run_rule_tests(const RuleSet& set) {
  const Matcher matcher(set);
  const Prefilter prefilter(matcher.event_names(), !matcher.wants_all());
  std::vector<RuleTestOutcome> outcomes;
  for (const RuleTest& test : set.tests) {
    const SampleRun run = run_sample(test, matcher, prefilter);
    const bool fired = std::any_of(run.alerts.begin(), run.alerts.end(),
                                   [&](const Alert& alert) { return alert.rule_id == test.rule; });
    RuleTestOutcome outcome{&test, fired == test.expect_fire, {}};
    if (!outcome.passed) {
      outcome.detail = test.expect_fire ? "expected it to fire; " + explain_miss(run)
                                        : "expected it to stay quiet, but it fired";
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

std::vector<const Rule*> rules_without_samples(const RuleSet& set) {
  std::vector<const Rule*> missing;
  for (const Rule& rule : set.rules) {
    bool fire = false, quiet = false;
    for (const RuleTest& test : set.tests) {
      if (test.rule == rule.id) {
        (test.expect_fire ? fire : quiet) = true;
      }
    }
    if (!fire || !quiet) {
      missing.push_back(&rule);
    }
  }
  return missing;
}

} // namespace trailwatch
