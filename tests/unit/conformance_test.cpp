// SPDX-License-Identifier: MIT
// Conformance over the real public CloudTrail samples in ../shared/fixtures/cloudtrail: every
// launch-related record listed in the catalogue of its README (§2) is read from its file at its
// record index, its fields match the catalogue, and the shipped rules treat it as they say:
// watched GPU launches alert high, failed watched launches are attempts, dry runs of
// unwatched types and ordinary launches stay quiet. Skipped when the folder is absent.
#include "enrich/source_class.hpp"
#include "facts/launch.hpp"
#include "input/decode.hpp"
#include "input/reader.hpp"
#include "rules/match.hpp"
#include "rules/rule.hpp"
#include "util/strings.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sstream>

namespace trailwatch {
namespace {

namespace fs = std::filesystem;

const fs::path k_fixtures = TRAILWATCH_SHARED_FIXTURES;

struct CatalogueRow {
  std::string number, file, event_id, event_name, request, response, counts, launched,
      identity_type, error_code;
  std::uint64_t record = 0;
};

std::string strip(std::string cell) {
  cell = std::string(util::trim(cell));
  if (cell.size() >= 2 && cell.front() == '`' && cell.back() == '`') {
    cell = cell.substr(1, cell.size() - 2);
  }
  return cell == "–" ? std::string{} : cell;
}

// Reads the "### Catalogue" table of the fixtures README.
std::vector<CatalogueRow> read_catalogue() {
  std::ifstream in(k_fixtures / "README.md");
  std::vector<CatalogueRow> rows;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.starts_with("### Catalogue")) {
      in_table = true;
      continue;
    }
    if (in_table && line.starts_with("### ")) {
      break;
    }
    if (!in_table || !line.starts_with("| ") || line.starts_with("| #") ||
        line.starts_with("|---")) {
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) {
      cells.push_back(strip(cell));
    }
    if (cells.size() < 14) {
      continue;
    }
    CatalogueRow row{cells[0], cells[1], cells[3], cells[4],  cells[5], cells[6],
                     cells[7], cells[8], cells[9], cells[12], 0};
    row.record = std::stoull(cells[2]);
    rows.push_back(row);
  }
  return rows;
}

// Types named in a catalogue cell like "p2.xlarge @ requestParameters.instanceType" or
// "t3a.nano x2 @ …".
std::string type_of_cell(const std::string& cell) {
  if (cell.empty()) {
    return {};
  }
  std::string type = cell.substr(0, cell.find(' '));
  return util::to_lower(type);
}

struct Result {
  std::vector<Event> events;
  std::vector<Alert> alerts;
};

Result scan(const fs::path& file, const Matcher& matcher) {
  Result result;
  std::ifstream in(file, std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Decoded decoded = decode_all(raw, std::size_t{1} << 30);
  RecordReader reader([](std::string_view) { return true; },
                      [&](Event&& e) {
                        matcher.match(e, classify_source(e.source_ip), result.alerts);
                        result.events.push_back(std::move(e));
                      });
  reader.begin_source(file.string());
  reader.parse(decoded.data.data(), decoded.data.size(), true);
  return result;
}

bool has_rule(const std::vector<Alert>& alerts, const Event& event, std::string_view rule_id) {
  for (const auto& alert : alerts) {
    if (alert.event.origin.record == event.origin.record && alert.rule_id == rule_id) {
      return true;
    }
  }
  return false;
}

constexpr std::string_view k_gpu_rule = "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a01";
constexpr std::string_view k_large_rule = "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a02";
constexpr std::string_view k_attempt_rule = "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a03";
constexpr std::string_view k_mass_rule = "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a04";

TEST(Conformance, EveryCatalogedLaunchEventIsHandledAsTheRulesSay) {
  if (!fs::exists(k_fixtures / "README.md")) {
    GTEST_SKIP() << "shared fixtures not found at " << k_fixtures << "; conformance skipped";
  }
  const Matcher matcher(load_rules({TRAILWATCH_RULES_DIR}));
  const auto rows = read_catalogue();
  ASSERT_EQ(rows.size(), 30u) << "the catalogue lists 30 launch-related records";
  std::map<std::string, Result> scanned;
  const std::set<std::string> tier_a = {"p2", "p3", "p4d", "g4dn", "g5"}; // those in the data
  for (const auto& row : rows) {
    SCOPED_TRACE("catalogue #" + row.number + " " + row.file + " record " +
                 std::to_string(row.record));
    if (!scanned.count(row.file)) {
      scanned[row.file] = scan(k_fixtures / row.file, matcher);
    }
    const Result& result = scanned[row.file];
    const Event* event = nullptr;
    for (const auto& e : result.events) {
      if (e.origin.record == row.record) {
        event = &e;
      }
    }
    ASSERT_NE(event, nullptr) << "record not read";
    EXPECT_EQ(event->event_name, row.event_name);
    EXPECT_EQ(event->event_id, row.event_id);
    EXPECT_EQ(event->identity.type, row.identity_type);
    EXPECT_EQ(event->error_code, row.error_code);
    const LaunchFacts& launch = event->launch;
    EXPECT_TRUE(launch.is_launch_api);
    const std::string request_type = type_of_cell(row.request);
    const std::string response_type = type_of_cell(row.response);
    if (!request_type.empty()) {
      EXPECT_EQ(launch.request_types, std::vector<std::string>{request_type});
    }
    if (!response_type.empty()) {
      EXPECT_EQ(launch.response_types, std::vector<std::string>{response_type});
    }
    if (request_type.empty() && response_type.empty()) {
      EXPECT_TRUE(launch.instance_types.empty());
    }
    if (row.counts.find('/') != std::string::npos) {
      std::string counts = row.counts;
      counts.erase(std::remove(counts.begin(), counts.end(), '"'), counts.end());
      const auto slash = counts.find('/');
      ASSERT_TRUE(launch.min_count && launch.max_count);
      EXPECT_EQ(*launch.min_count, std::stoll(counts.substr(0, slash)));
      EXPECT_EQ(*launch.max_count, std::stoll(counts.substr(slash + 1)));
    }
    if (row.event_name == "RunInstances" && !row.launched.empty()) {
      EXPECT_EQ(launch.launched_count, std::stoll(row.launched));
    }

    // What the shipped rules must do with it.
    const std::string family = std::string(instance_family(
        launch.instance_types.empty() ? std::string_view{} : launch.instance_types[0]));
    const bool watched = tier_a.count(family) > 0;
    const bool failed = !row.error_code.empty();
    EXPECT_EQ(has_rule(result.alerts, *event, k_gpu_rule), watched && !failed);
    EXPECT_EQ(has_rule(result.alerts, *event, k_attempt_rule), watched && failed);
    EXPECT_FALSE(has_rule(result.alerts, *event, k_large_rule)) << "no ≥24xlarge in the data";
    const bool mass = launch.max_count && *launch.max_count >= 10;
    EXPECT_EQ(has_rule(result.alerts, *event, k_mass_rule), mass);
    if (row.error_code == "Client.DryRunOperation") {
      EXPECT_EQ(launch.outcome, Outcome::dryrun);
    } else if (failed) {
      EXPECT_EQ(launch.outcome, Outcome::attempt);
    }
  }
}

TEST(Conformance, InsightsAndDigestsAreSkippedNotReported) {
  const fs::path docs = k_fixtures / "awsdocs_aws-cloudtrail-user-guide";
  if (!fs::exists(docs)) {
    GTEST_SKIP() << "shared fixtures not found at " << docs << "; conformance skipped";
  }
  const Matcher matcher(load_rules({TRAILWATCH_RULES_DIR}));
  for (const auto& entry : fs::recursive_directory_iterator(docs)) {
    const auto path = entry.path().string();
    if (entry.is_regular_file() && path.find("insight") != std::string::npos &&
        entry.path().extension() == ".json") {
      SCOPED_TRACE(path);
      const Result result = scan(entry.path(), matcher);
      for (const auto& event : result.events) {
        EXPECT_NE(event.event_type, "AwsCloudTrailInsight")
            << "an Insights record was read as an API call";
      }
      EXPECT_TRUE(result.alerts.empty());
    }
  }
}

} // namespace
} // namespace trailwatch
