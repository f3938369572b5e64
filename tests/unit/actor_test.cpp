// SPDX-License-Identifier: MIT
// actor.hpp (and the userIdentity reading in record.cpp): a readable actor for every identity
// type of cloudtrail.md §5, including service events without a type.
#include "facts/actor.hpp"
#include "facts/event_builder.hpp"

#include <gtest/gtest.h>
#include <ostream>
#include <simdjson.h>
#include <string>

namespace trailwatch {
namespace {

// Reads `identity_json` as a record's userIdentity through build_event().
Event event_with_identity(const std::string& identity_json,
                          std::string_view recipient = "999988887777") {
  const std::string json = R"({"eventName":"DescribeInstances","recipientAccountId":")" +
                           std::string(recipient) + R"(","userIdentity":)" +
                           (identity_json.empty() ? std::string("null") : identity_json) + "}";
  std::string bad;
  return build_event(Record(json), Origin{"test", 0}, bad);
}

struct ActorCase {
  std::string name;
  std::string identity; // userIdentity JSON
  std::string actor;
};

void PrintTo(const ActorCase& c, std::ostream* os) {
  *os << c.name;
}

class ReadableActor : public testing::TestWithParam<ActorCase> {};

TEST_P(ReadableActor, FromUserIdentity) {
  const ActorCase& c = GetParam();
  EXPECT_EQ(event_with_identity(c.identity).actor, c.actor);
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, ReadableActor,
    testing::Values(
        ActorCase{"IAMUser",
                  R"({"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice",)"
                  R"("accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"alice"})",
                  "alice"},
        ActorCase{"IAMUserWithoutUserName",
                  R"({"type":"IAMUser","principalId":"AIDAEXAMPLE",)"
                  R"("arn":"arn:aws:iam::111122223333:user/team/dev/bob","accountId":"111122223333"})",
                  "bob"},
        ActorCase{"AssumedRole",
                  R"({"type":"AssumedRole","principalId":"AROAEXAMPLE:alice@example.com",)"
                  R"("arn":"arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com",)"
                  R"("accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":)"
                  R"({"sessionIssuer":{"type":"Role","userName":"AWSReservedSSO_Admin_0123"},)"
                  R"("attributes":{"mfaAuthenticated":"false"}}})",
                  "AWSReservedSSO_Admin_0123/alice@example.com"},
        ActorCase{"AssumedRoleWithSourceIdentity",
                  R"({"type":"AssumedRole","principalId":"AROAEXAMPLE:s1",)"
                  R"("arn":"arn:aws:sts::111122223333:assumed-role/Deploy/s1","sessionContext":)"
                  R"({"sourceIdentity":"carol","sessionIssuer":{"userName":"Deploy"}}})",
                  "Deploy/s1 (source identity carol)"},
        ActorCase{"AssumedRoleWithoutArn",
                  R"({"type":"AssumedRole","principalId":"AROAEXAMPLE:s2",)"
                  R"("sessionContext":{"sessionIssuer":{"userName":"Deploy"}}})",
                  "Deploy/s2"},
        ActorCase{"Root",
                  R"({"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root",)"
                  R"("accountId":"111122223333","accessKeyId":"ASIAEXAMPLE"})",
                  "root@111122223333"},
        ActorCase{"RootWithAlias",
                  R"({"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root",)"
                  R"("accountId":"111122223333","userName":"my-company-prod"})",
                  "root@111122223333 (my-company-prod)"},
        ActorCase{"AWSService",
                  R"({"type":"AWSService","invokedBy":"config.amazonaws.com"})",
                  "service:config.amazonaws.com"},
        ActorCase{"FederatedUser",
                  R"({"type":"FederatedUser","principalId":"111122223333:dave",)"
                  R"("arn":"arn:aws:sts::111122223333:federated-user/dave","accountId":"111122223333",)"
                  R"("sessionContext":{"sessionIssuer":{"type":"IAMUser","userName":"broker"}}})",
                  "dave (via broker)"},
        ActorCase{"AWSAccount",
                  R"({"type":"AWSAccount","principalId":"AIDAEXAMPLE","accountId":"444455556666"})",
                  "account 444455556666"},
        ActorCase{"IdentityCenterUser",
                  R"({"type":"IdentityCenterUser","accountId":"111122223333","onBehalfOf":)"
                  R"({"userId":"94482488-3041-7026-18f3-be45837cd0e4",)"
                  R"("identityStoreArn":"arn:aws:identitystore::111122223333:identitystore/d-1234567890"},)"
                  R"("credentialId":"EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE"})",
                  "identitycenter:d-1234567890/94482488-3041-7026-18f3-be45837cd0e4"},
        ActorCase{"SAMLUser",
                  R"({"type":"SAMLUser","principalId":"SAMLEXAMPLE","userName":"erin",)"
                  R"("identityProvider":"bdGOnTesti4+ErGPsk0ZzyBHOHo="})",
                  "erin@bdGOnTesti4+ErGPsk0ZzyBHOHo="},
        ActorCase{"WebIdentityUser",
                  R"({"type":"WebIdentityUser","principalId":"accounts.google.com:1234",)"
                  R"("userName":"frank","identityProvider":"accounts.google.com"})",
                  "frank@accounts.google.com"},
        ActorCase{"Role",
                  R"({"type":"Role","principalId":"AROAEXAMPLE","accountId":"111122223333"})",
                  "Role AROAEXAMPLE"},
        ActorCase{"Directory",
                  R"({"type":"Directory","accountId":"111122223333"})",
                  "Directory 111122223333"},
        ActorCase{"Unknown",
                  R"({"type":"Unknown","principalId":"EXAMPLE"})",
                  "Unknown EXAMPLE"},
        ActorCase{"MissingType",
                  R"({"principalId":"EXAMPLE","accountId":"111122223333"})",
                  "unknown EXAMPLE"},
        ActorCase{"AWSServiceEventWithoutType",
                  R"({"accountId":"111122223333","invokedBy":"ec2.amazonaws.com"})",
                  "service:ec2.amazonaws.com"},
        ActorCase{"EmptyObject", "{}", "unknown"}),
    [](const testing::TestParamInfo<ActorCase>& tpi) { return tpi.param.name; });
// clang-format on

TEST(IdentityFields, CopiedFromUserIdentity) {
  const Event e = event_with_identity(
      R"({"type":"AssumedRole","principalId":"AROAEXAMPLE:s","arn":"arn:aws:sts::111122223333:assumed-role/R/s",)"
      R"("accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","invokedBy":"autoscaling.amazonaws.com",)"
      R"("sessionContext":{"sessionIssuer":{"userName":"R"},"sourceIdentity":"si"}})");
  EXPECT_EQ(e.identity.type, "AssumedRole");
  EXPECT_EQ(e.identity.arn, "arn:aws:sts::111122223333:assumed-role/R/s");
  EXPECT_EQ(e.identity.account_id, "111122223333");
  EXPECT_EQ(e.identity.principal_id, "AROAEXAMPLE:s");
  EXPECT_EQ(e.identity.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(e.identity.invoked_by, "autoscaling.amazonaws.com");
  EXPECT_EQ(e.identity.session_issuer_user_name, "R");
  EXPECT_EQ(e.identity.source_identity, "si");
  EXPECT_EQ(e.account, "111122223333");
}

TEST(IdentityFields, KeysAreCaseInsensitive) {
  const Event e = event_with_identity(
      R"({"Type":"IAMUser","username":"gina","accesskeyid":"AKIAEXAMPLE","ACCOUNTID":"1"})");
  EXPECT_EQ(e.identity.type, "IAMUser");
  EXPECT_EQ(e.identity.user_name, "gina");
  EXPECT_EQ(e.identity.access_key_id, "AKIAEXAMPLE");
  EXPECT_EQ(e.actor, "gina");
}

TEST(IdentityFields, AccountFallsBackToRecipientAccount) {
  EXPECT_EQ(event_with_identity(R"({"type":"AWSService","invokedBy":"x.amazonaws.com"})").account,
            "999988887777");
  EXPECT_EQ(event_with_identity("", "123456789012").account, "123456789012");
}

TEST(IdentityFields, WrongTypesAreIgnored) {
  const Event e = event_with_identity(R"({"type":"IAMUser","userName":42,"arn":["x"]})");
  EXPECT_TRUE(e.identity.user_name.empty());
  EXPECT_TRUE(e.identity.arn.empty());
  EXPECT_EQ(e.actor, "IAMUser");
}

TEST(ReadableActorDirect, FromIdentityStruct) {
  Identity id;
  id.type = "AssumedRole";
  id.arn = "arn:aws:sts::1:assumed-role/Role/Session";
  EXPECT_EQ(readable_actor(id), "Role/Session");
  id.source_identity = "alice";
  EXPECT_EQ(readable_actor(id), "Role/Session (source identity alice)");
}

} // namespace
} // namespace trailwatch
