// SPDX-License-Identifier: MIT
#include "pipeline/components.hpp"

#include "enrich/geoip.hpp"
#include "sinks/slack/slack.hpp"
#include "trailwatch/diag.hpp"

namespace trailwatch {

std::unique_ptr<Enricher> make_enricher(const Options& options, bool rules_use_geo) {
  if (options.no_geoip) {
    return make_classifying_enricher();
  }
  GeoipConfig config;
  config.paths = options.geoip_paths;
  auto enricher = make_geoip_enricher(config);
  if (rules_use_geo && enricher->databases().empty()) {
    diag::warning("rules read trailwatch.country or trailwatch.asn, but no GeoIP database was "
                  "found (give --geoip, or run scripts/setup.sh); they cannot fire on those "
                  "fields");
  }
  return enricher;
}

std::vector<std::unique_ptr<Sink>> make_sinks(const Options& options) {
  const bool slack = !options.slack_webhook.empty() || options.slack_dry_run;
  std::vector<std::unique_ptr<Sink>> sinks;
  if (!options.quiet) {
    const bool confirms = !slack; // stdout is the destination only when nothing else is
    if (options.format == Format::jsonl) {
      sinks.push_back(make_jsonl_sink(stdout, options.include_record, confirms));
    } else {
      sinks.push_back(make_text_sink(stdout, options.color, confirms));
    }
  }
  if (slack) {
    SlackConfig config;
    config.webhook_url = options.slack_webhook;
    config.dry_run = options.slack_dry_run;
    config.digest_threshold = options.slack_digest_threshold;
    config.template_path = options.slack_template;
    sinks.push_back(make_slack_sink(config, stdout));
  }
  return sinks;
}

} // namespace trailwatch
