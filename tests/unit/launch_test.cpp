// SPDX-License-Identifier: MIT
// launch.hpp: instance types, counts, instances, launch template and outcome for every EC2
// launch path of cloudtrail.md §8-§10 (RunInstances, spot, fleets, launch templates, type
// changes), the restriction to launch event names, and family/size/multiplier parsing.
#include "facts/event_builder.hpp"
#include "facts/launch.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <string>
#include <vector>

namespace trailwatch {
namespace {

using Types = std::vector<std::string>;

// Runs extract_launch on JSON texts; an empty text means the field is absent.
LaunchFacts launch_of(std::string_view event_name, std::string_view error_code,
                      const std::string& request, const std::string& response = {}) {
  simdjson::dom::parser request_parser, response_parser;
  simdjson::dom::element req, resp;
  if (!request.empty()) {
    EXPECT_EQ(request_parser.parse(request).get(req), simdjson::SUCCESS) << request;
  }
  if (!response.empty()) {
    EXPECT_EQ(response_parser.parse(response).get(resp), simdjson::SUCCESS) << response;
  }
  return extract_launch(event_name, error_code, request.empty() ? nullptr : &req,
                        response.empty() ? nullptr : &resp);
}

// A RunInstances response with one item per type (instance IDs i-0, i-1, ...).
std::string response_with(const Types& types) {
  std::string items;
  for (std::size_t i = 0; i < types.size(); ++i) {
    items += (i ? "," : "") + std::string(R"({"instanceId":"i-)") + std::to_string(i) +
             R"(","instanceType":")" + types[i] + R"(","privateIpAddress":"10.0.0.)" +
             std::to_string(i + 1) +
             R"(","placement":{"availabilityZone":"us-east-1d"},"launchTime":1726046908000})";
  }
  return R"({"reservationId":"r-1","groupSet":{},"instancesSet":{"items":[)" + items + "]}}";
}

const std::string k_run_request =
    R"({"instancesSet":{"items":[{"imageId":"ami-1","minCount":1,"maxCount":1}]},)"
    R"("instanceType":"p3.2xlarge","blockDeviceMapping":{}})";

TEST(LaunchRunInstances, RequestStringAndResponse) {
  const LaunchFacts f = launch_of("RunInstances", "", k_run_request, response_with({"p3.2xlarge"}));
  EXPECT_TRUE(f.is_launch_api);
  EXPECT_EQ(f.outcome, Outcome::launch);
  EXPECT_EQ(f.instance_types, Types{"p3.2xlarge"});
  EXPECT_EQ(f.request_types, Types{"p3.2xlarge"});
  EXPECT_EQ(f.response_types, Types{"p3.2xlarge"});
  EXPECT_EQ(f.min_count, 1);
  EXPECT_EQ(f.max_count, 1);
  EXPECT_EQ(f.launched_count, 1);
  ASSERT_EQ(f.instances.size(), 1u);
  EXPECT_EQ(f.instances[0].id, "i-0");
  EXPECT_EQ(f.instances[0].type, "p3.2xlarge");
  EXPECT_EQ(f.instances[0].private_ip, "10.0.0.1");
  EXPECT_EQ(f.instances[0].availability_zone, "us-east-1d");
  EXPECT_TRUE(f.launch_template.empty());
}

TEST(LaunchRunInstances, ValueWrappedTypeIsUnwrappedAndLowerCased) {
  const LaunchFacts f = launch_of("RunInstances", "", R"({"instanceType":{"value":"G5.8xLarge"}})");
  EXPECT_EQ(f.request_types, Types{"g5.8xlarge"});
  EXPECT_EQ(f.instance_types, Types{"g5.8xlarge"});
}

TEST(LaunchRunInstances, TypeOnlyInResponseWithLaunchTemplate) {
  const std::string request =
      R"({"instancesSet":{"items":[{"minCount":1,"maxCount":1}]},"blockDeviceMapping":{},)"
      R"("launchTemplate":{"launchTemplateId":"lt-0abc","version":"1"},"clientToken":"fleet-1"})";
  const LaunchFacts f = launch_of("RunInstances", "", request, response_with({"g4dn.xlarge"}));
  EXPECT_TRUE(f.request_types.empty());
  EXPECT_EQ(f.response_types, Types{"g4dn.xlarge"});
  EXPECT_EQ(f.instance_types, Types{"g4dn.xlarge"});
  EXPECT_EQ(f.launch_template, "lt-0abc v1");
  EXPECT_EQ(f.outcome, Outcome::launch);
}

TEST(LaunchRunInstances, LaunchTemplateByNameAndNumericVersion) {
  const LaunchFacts f = launch_of(
      "RunInstances", "", R"({"launchTemplate":{"launchTemplateName":"gpu-nodes","version":3}})");
  EXPECT_EQ(f.launch_template, "gpu-nodes v3");
  EXPECT_TRUE(f.instance_types.empty());
}

TEST(LaunchRunInstances, RequestResponseMismatchKeepsBoth) {
  const LaunchFacts f = launch_of("RunInstances", "", k_run_request, response_with({"m5.large"}));
  EXPECT_EQ(f.instance_types, (Types{"m5.large", "p3.2xlarge"})); // launched first
  EXPECT_EQ(f.request_types, Types{"p3.2xlarge"});
  EXPECT_EQ(f.response_types, Types{"m5.large"});
}

TEST(LaunchRunInstances, SameTypeInRequestAndResponseIsListedOnce) {
  const LaunchFacts f =
      launch_of("RunInstances", "", k_run_request, response_with({"p3.2xlarge", "p3.2xlarge"}));
  EXPECT_EQ(f.instance_types, Types{"p3.2xlarge"});
  EXPECT_EQ(f.launched_count, 2);
}

TEST(LaunchRunInstances, MinMaxCounts) {
  const LaunchFacts f = launch_of(
      "RunInstances", "",
      R"({"instancesSet":{"items":[{"minCount":2,"maxCount":50}]},"instanceType":"t3.micro"})");
  EXPECT_EQ(f.min_count, 2);
  EXPECT_EQ(f.max_count, 50);
}

TEST(LaunchRunInstances, NumericStringCounts) {
  const LaunchFacts f = launch_of(
      "RunInstances", "", R"({"instancesSet":{"items":[{"minCount":"1","maxCount":" 3 "}]}})");
  EXPECT_EQ(f.min_count, 1);
  EXPECT_EQ(f.max_count, 3);
}

TEST(LaunchRunInstances, BadCountsAreAbsent) {
  const LaunchFacts f = launch_of(
      "RunInstances", "", R"({"instancesSet":{"items":[{"minCount":"one","maxCount":null}]}})");
  EXPECT_FALSE(f.min_count.has_value());
  EXPECT_FALSE(f.max_count.has_value());
}

TEST(LaunchRunInstances, MinEqualsMaxWithNInstances) {
  const LaunchFacts f = launch_of(
      "RunInstances", "",
      R"({"instancesSet":{"items":[{"minCount":3,"maxCount":3}]},"instanceType":"g5.xlarge"})",
      response_with({"g5.xlarge", "g5.xlarge", "g5.xlarge"}));
  EXPECT_EQ(f.min_count, 3);
  EXPECT_EQ(f.max_count, 3);
  EXPECT_EQ(f.launched_count, 3);
  ASSERT_EQ(f.instances.size(), 3u);
  EXPECT_EQ(f.instances[2].id, "i-2");
}

TEST(LaunchRunInstances, EmptyInstancesSetIsAnEmptyList) {
  const LaunchFacts f =
      launch_of("RunInstances", "", k_run_request, R"({"instancesSet":{},"groupSet":{}})");
  EXPECT_EQ(f.launched_count, 0);
  EXPECT_TRUE(f.instances.empty());
  EXPECT_EQ(f.instance_types, Types{"p3.2xlarge"});
}

TEST(LaunchRunInstances, NullRequestAndResponse) {
  const LaunchFacts f = launch_of("RunInstances", "", "null", "null");
  EXPECT_TRUE(f.is_launch_api);
  EXPECT_TRUE(f.instance_types.empty());
  EXPECT_EQ(f.launched_count, 0);
}

TEST(LaunchOutcome, ErrorMeansAttemptAndNothingLaunched) {
  const LaunchFacts f = launch_of("RunInstances", "Client.VcpuLimitExceeded", k_run_request);
  EXPECT_EQ(f.outcome, Outcome::attempt);
  EXPECT_EQ(f.launched_count, 0);
  EXPECT_EQ(f.instance_types, Types{"p3.2xlarge"});
  EXPECT_EQ(f.max_count, 1);
}

TEST(LaunchOutcome, ErrorWithInstancesInResponseStillLaunchesZero) {
  const LaunchFacts f = launch_of("RunInstances", "Server.InsufficientInstanceCapacity",
                                  k_run_request, response_with({"p3.2xlarge"}));
  EXPECT_EQ(f.outcome, Outcome::attempt);
  EXPECT_EQ(f.launched_count, 0);
}

TEST(LaunchOutcome, DryRun) {
  const LaunchFacts f = launch_of("RunInstances", "Client.DryRunOperation", k_run_request);
  EXPECT_EQ(f.outcome, Outcome::dryrun);
  EXPECT_EQ(f.launched_count, 0);
  EXPECT_EQ(f.instance_types, Types{"p3.2xlarge"});
}

TEST(LaunchOutcome, DryRunWithoutPrefix) {
  EXPECT_EQ(launch_of("RunInstances", "DryRunOperation", k_run_request).outcome, Outcome::dryrun);
}

TEST(LaunchOutcome, UnauthorizedOperationIsAttempt) {
  const LaunchFacts f = launch_of("RunInstances", "Client.UnauthorizedOperation",
                                  R"({"instanceType":"p2.xlarge",)"
                                  R"("instancesSet":{"items":[{"minCount":1,"maxCount":1}]}})");
  EXPECT_EQ(f.outcome, Outcome::attempt);
  EXPECT_EQ(f.instance_types, Types{"p2.xlarge"});
}

TEST(LaunchOutcome, AccessDeniedWithoutPrefixIsAttempt) {
  EXPECT_EQ(launch_of("RunInstances", "AccessDenied", k_run_request).outcome, Outcome::attempt);
}

TEST(LaunchSpot, RequestSpotInstances) {
  const LaunchFacts f =
      launch_of("RequestSpotInstances", "",
                R"({"spotPrice":"1.0","instanceCount":4,"type":"one-time",)"
                R"("launchSpecification":{"imageId":"ami-1","instanceType":"p3.8xlarge"}})");
  EXPECT_TRUE(f.is_launch_api);
  EXPECT_EQ(f.outcome, Outcome::launch);
  EXPECT_EQ(f.instance_types, Types{"p3.8xlarge"});
  EXPECT_EQ(f.min_count, 4);
  EXPECT_EQ(f.max_count, 4);
}

TEST(LaunchSpot, RequestSpotFleet) {
  const LaunchFacts f = launch_of(
      "RequestSpotFleet", "",
      R"({"spotFleetRequestConfig":{"iamFleetRole":"arn:aws:iam::1:role/f","targetCapacity":10,)"
      R"("launchSpecifications":[{"imageId":"ami-1","instanceType":"g4dn.xlarge"},)"
      R"({"imageId":"ami-1","instanceType":"g5.2xlarge"}]}})");
  EXPECT_EQ(f.outcome, Outcome::launch);
  EXPECT_EQ(f.instance_types, (Types{"g4dn.xlarge", "g5.2xlarge"}));
  EXPECT_EQ(f.max_count, 10);
}

TEST(LaunchSpot, RequestSpotFleetItemsEncoding) {
  const LaunchFacts f =
      launch_of("RequestSpotFleet", "",
                R"({"spotFleetRequestConfig":{"targetCapacity":"6",)"
                R"("launchSpecifications":{"items":[{"instanceType":"p4d.24xlarge"}]}}})");
  EXPECT_EQ(f.instance_types, Types{"p4d.24xlarge"});
  EXPECT_EQ(f.max_count, 6);
}

const std::string k_fleet_response =
    R"({"CreateFleetResponse":{"fleetId":"fleet-1","errorSet":{},"fleetInstanceSet":{"items":[)"
    R"({"instanceIds":["i-a","i-b"],"instanceType":"p4d.24xlarge","lifecycle":"on-demand"}]}}})";

TEST(LaunchFleet, CreateFleetSingleOverrideObject) {
  const LaunchFacts f = launch_of(
      "CreateFleet", "",
      R"({"CreateFleetRequest":{"Type":"instant","TargetCapacitySpecification":)"
      R"({"TotalTargetCapacity":2,"DefaultTargetCapacityType":"on-demand"},)"
      R"("LaunchTemplateConfigs":{"tag":1,"LaunchTemplateSpecification":)"
      R"({"LaunchTemplateId":"lt-1","Version":"1"},"Overrides":{"tag":1,"InstanceType":"p4d.24xlarge"}}}})",
      k_fleet_response);
  EXPECT_EQ(f.outcome, Outcome::launch);
  EXPECT_EQ(f.request_types, Types{"p4d.24xlarge"});
  EXPECT_EQ(f.instance_types, Types{"p4d.24xlarge"});
  EXPECT_EQ(f.max_count, 2);
  EXPECT_EQ(f.launched_count, 2);
  ASSERT_EQ(f.instances.size(), 2u);
  EXPECT_EQ(f.instances[0].id, "i-a");
  EXPECT_EQ(f.instances[1].id, "i-b");
}

TEST(LaunchFleet, CreateFleetOverrideListWithTags) {
  const LaunchFacts f = launch_of(
      "CreateFleet", "",
      R"({"CreateFleetRequest":{"TargetCapacitySpecification":{"TotalTargetCapacity":"12"},)"
      R"("LaunchTemplateConfigs":[{"tag":1,"Overrides":[{"tag":1,"InstanceType":"P5.48XLARGE"},)"
      R"({"tag":2,"InstanceType":"g6.xlarge"}]}]}})");
  EXPECT_EQ(f.request_types, (Types{"p5.48xlarge", "g6.xlarge"}));
  EXPECT_EQ(f.max_count, 12);
  EXPECT_EQ(f.launched_count, 0);
}

TEST(LaunchTemplate, CreateLaunchTemplateConfigures) {
  const LaunchFacts f = launch_of(
      "CreateLaunchTemplate", "",
      R"({"CreateLaunchTemplateRequest":{"LaunchTemplateName":"t","LaunchTemplateData":)"
      R"({"InstanceType":"p3.16xlarge","UserData":"<sensitiveDataRemoved>","ImageId":"ami-1"}}})",
      R"({"CreateLaunchTemplateResponse":{"launchTemplate":{"launchTemplateId":"lt-9",)"
      R"("launchTemplateName":"t","latestVersionNumber":1}}})");
  EXPECT_TRUE(f.is_launch_api);
  EXPECT_EQ(f.outcome, Outcome::configure);
  EXPECT_EQ(f.instance_types, Types{"p3.16xlarge"});
  EXPECT_EQ(f.launched_count, 0);
}

TEST(LaunchTemplate, CreateLaunchTemplateVersionConfigures) {
  const LaunchFacts f = launch_of(
      "CreateLaunchTemplateVersion", "",
      R"({"CreateLaunchTemplateVersionRequest":{"LaunchTemplateId":"lt-9","SourceVersion":"1",)"
      R"("LaunchTemplateData":{"InstanceType":"g5.12xlarge"}}})");
  EXPECT_EQ(f.outcome, Outcome::configure);
  EXPECT_EQ(f.instance_types, Types{"g5.12xlarge"});
}

TEST(LaunchTemplate, FailedCreateLaunchTemplateIsAttempt) {
  const LaunchFacts f = launch_of(
      "CreateLaunchTemplate", "Client.UnauthorizedOperation",
      R"({"CreateLaunchTemplateRequest":{"LaunchTemplateData":{"InstanceType":"p3.2xlarge"}}})");
  EXPECT_EQ(f.outcome, Outcome::attempt);
}

TEST(LaunchModify, InstanceTypeValueConfigures) {
  const LaunchFacts f = launch_of("ModifyInstanceAttribute", "",
                                  R"({"instanceId":"i-1","instanceType":{"value":"p3.16xlarge"}})");
  EXPECT_EQ(f.outcome, Outcome::configure);
  EXPECT_EQ(f.instance_types, Types{"p3.16xlarge"});
}

TEST(LaunchModify, GenericAttributeValueForm) {
  const LaunchFacts f =
      launch_of("ModifyInstanceAttribute", "",
                R"({"instanceId":"i-1","attribute":"instanceType","value":"p3.2xlarge"})");
  EXPECT_EQ(f.outcome, Outcome::configure);
  EXPECT_EQ(f.instance_types, Types{"p3.2xlarge"});
}

TEST(LaunchModify, GenericFormWithValueBeforeAttribute) {
  // Regression: found by this test before the fix.
  const LaunchFacts f =
      launch_of("ModifyInstanceAttribute", "",
                R"({"instanceId":"i-1","value":"p3.2xlarge","attribute":"instanceType"})");
  EXPECT_EQ(f.outcome, Outcome::configure);
  EXPECT_EQ(f.instance_types, Types{"p3.2xlarge"});
}

TEST(LaunchModify, UserDataChangeHasNoTypes) {
  for (const std::string request :
       {R"({"instanceId":"i-1","userData":"<sensitiveDataRemoved>"})",
        R"({"instanceId":"i-1","attribute":"userData","value":"<sensitiveDataRemoved>"})"}) {
    SCOPED_TRACE(request);
    const LaunchFacts f = launch_of("ModifyInstanceAttribute", "", request);
    EXPECT_TRUE(f.is_launch_api);
    EXPECT_EQ(f.outcome, Outcome::none);
    EXPECT_TRUE(f.instance_types.empty());
  }
}

TEST(LaunchScope, UnrelatedEventNameIsIgnored) {
  const LaunchFacts f =
      launch_of("DescribeInstances", "",
                R"({"instanceType":"p3.2xlarge","filterSet":{"items":[{"name":"instance-type"}]}})",
                response_with({"p3.2xlarge"}));
  EXPECT_FALSE(f.is_launch_api);
  EXPECT_EQ(f.outcome, Outcome::none);
  EXPECT_TRUE(f.instance_types.empty());
  EXPECT_TRUE(f.instances.empty());
  EXPECT_EQ(f.launched_count, 0);
}

TEST(LaunchScope, IsLaunchApi) {
  for (const char* name :
       {"RunInstances", "RunScheduledInstances", "RequestSpotInstances", "RequestSpotFleet",
        "CreateFleet", "CreateLaunchTemplate", "CreateLaunchTemplateVersion",
        "ModifyInstanceAttribute", "StartInstances"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(is_launch_api(name));
  }
  for (const char* name : {"DescribeInstances", "TerminateInstances", "", "RunInstance"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(is_launch_api(name));
  }
}

TEST(LaunchScope, BuildEventExtractsOnlyForLaunchNames) {
  auto record = [&](std::string_view name) {
    return Record(R"({"eventName":")" + std::string(name) +
                  R"(","eventSource":"ec2.amazonaws.com","requestParameters":)" +
                  std::string(k_run_request) + R"(,"responseElements":)" +
                  response_with({"p3.2xlarge"}) + "}");
  };
  std::string bad;
  const Event launch = build_event(record("RunInstances"), Origin{"f", 3}, bad);
  EXPECT_EQ(launch.launch.instance_types, Types{"p3.2xlarge"});
  EXPECT_EQ(launch.launch.launched_count, 1);
  EXPECT_EQ(launch.origin.record, 3u);
  EXPECT_EQ(bad, "");

  const Event other = build_event(record("DescribeInstances"), Origin{"f", 4}, bad);
  EXPECT_FALSE(other.launch.is_launch_api);
  EXPECT_TRUE(other.launch.instance_types.empty());
}

// ---------------------------------------------------------------------------------------------
// Family, size and multiplier

struct TypeCase {
  std::string type;
  std::string family;
  std::string size;
  long multiplier;
};

void PrintTo(const TypeCase& c, std::ostream* os) {
  *os << c.type;
}

class InstanceTypeParts : public testing::TestWithParam<TypeCase> {};

TEST_P(InstanceTypeParts, FamilySizeMultiplier) {
  const TypeCase& c = GetParam();
  EXPECT_EQ(instance_family(c.type), c.family);
  EXPECT_EQ(instance_size(c.type), c.size);
  EXPECT_EQ(size_multiplier(instance_size(c.type)), c.multiplier);
}

INSTANTIATE_TEST_SUITE_P(Table, InstanceTypeParts,
                         testing::Values(TypeCase{"p3dn.24xlarge", "p3dn", "24xlarge", 24},
                                         TypeCase{"p6-b200.48xlarge", "p6-b200", "48xlarge", 48},
                                         TypeCase{"u-6tb1.metal", "u-6tb1", "metal", 0},
                                         TypeCase{"c7i.metal-48xl", "c7i", "metal-48xl", 48},
                                         TypeCase{"m5.xlarge", "m5", "xlarge", 1},
                                         TypeCase{"m5.2xlarge", "m5", "2xlarge", 2},
                                         TypeCase{"t3.micro", "t3", "micro", 0},
                                         TypeCase{"m5.large", "m5", "large", 0},
                                         TypeCase{"p3.2xlarge", "p3", "2xlarge", 2},
                                         TypeCase{"nodot", "nodot", "", 0}));

TEST(SizeMultiplier, MalformedSizes) {
  EXPECT_EQ(size_multiplier("axlarge"), 0);
  EXPECT_EQ(size_multiplier("metal-xl"), 0);
  EXPECT_EQ(size_multiplier("metal-4x8xl"), 0);
  EXPECT_EQ(size_multiplier(""), 0);
}

} // namespace
} // namespace trailwatch
