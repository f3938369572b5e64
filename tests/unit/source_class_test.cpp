// SPDX-License-Identifier: MIT
// classify_source(): every class of sourceIPAddress from cloudtrail.md §6, and the classifying
// enricher built on it.
#include "enrich/enrich.hpp"
#include "enrich/source_class.hpp"

#include <gtest/gtest.h>
#include <ostream>
#include <string>

namespace trailwatch {
namespace {

struct Case {
  std::string input;
  SourceKind kind;
  std::string ip; // expected normalised address ("" for non-addresses)
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << testing::PrintToString(c.input) << " → " << source_kind_name(c.kind);
}

class ClassifySource : public testing::TestWithParam<Case> {};

TEST_P(ClassifySource, KindAndNormalisedAddress) {
  const Case& c = GetParam();
  const GeoInfo info = classify_source(c.input);
  EXPECT_EQ(source_kind_name(info.kind), std::string(source_kind_name(c.kind)));
  EXPECT_EQ(info.ip, c.ip);
  EXPECT_TRUE(info.country.empty());
  EXPECT_FALSE(info.asn.has_value());
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, ClassifySource,
    testing::Values(
        Case{"", SourceKind::empty, ""},
        // AWS internal, with and without a number; anything else after it is invalid.
        Case{"AWS Internal", SourceKind::aws_internal, ""},
        Case{"AWS Internal/3", SourceKind::aws_internal, ""},
        Case{"AWS Internal/12345", SourceKind::aws_internal, ""},
        Case{"AWS Internal/", SourceKind::invalid, ""},
        Case{"AWS Internal/x", SourceKind::invalid, ""},
        Case{"AWS Internal ", SourceKind::invalid, ""},
        Case{"aws internal", SourceKind::invalid, ""},
        // AWS service DNS names and other DNS-like names.
        Case{"ec2.amazonaws.com", SourceKind::aws_service, ""},
        Case{"autoscaling.amazonaws.com", SourceKind::aws_service, ""},
        Case{"eks-nodegroup.amazonaws.com", SourceKind::aws_service, ""},
        Case{"ssm.us-east-1.amazonaws.com", SourceKind::aws_service, ""},
        Case{"cloudformation.amazonaws.com", SourceKind::aws_service, ""},
        Case{"ec2.amazonaws.com ", SourceKind::invalid, ""},
        Case{".amazonaws.com", SourceKind::invalid, ""},
        Case{"ec2..amazonaws.com", SourceKind::invalid, ""},
        Case{"ec2.amazonaws.com.", SourceKind::invalid, ""},
        Case{"-ec2.amazonaws.com", SourceKind::invalid, ""},
        Case{"localhost", SourceKind::invalid, ""},
        Case{"ec2 amazonaws.com", SourceKind::invalid, ""},
        // Public and private addresses.
        Case{"198.51.100.7", SourceKind::public_ip, "198.51.100.7"},
        Case{"8.8.8.8", SourceKind::public_ip, "8.8.8.8"},
        Case{"2001:db8::1", SourceKind::public_ip, "2001:db8::1"},
        Case{"2001:DB8:0:0:0:0:0:1", SourceKind::public_ip, "2001:db8::1"},
        Case{"2a01:4f8::1", SourceKind::public_ip, "2a01:4f8::1"},
        Case{"::ffff:198.51.100.7", SourceKind::public_ip, "198.51.100.7"},
        Case{"::ffff:c633:6407", SourceKind::public_ip, "198.51.100.7"},
        Case{"10.1.2.3", SourceKind::private_ip, "10.1.2.3"},
        Case{"172.16.0.1", SourceKind::private_ip, "172.16.0.1"},
        Case{"192.168.10.20", SourceKind::private_ip, "192.168.10.20"},
        Case{"127.0.0.1", SourceKind::private_ip, "127.0.0.1"},
        Case{"100.64.0.1", SourceKind::private_ip, "100.64.0.1"},
        Case{"169.254.169.254", SourceKind::private_ip, "169.254.169.254"},
        Case{"::ffff:10.0.0.1", SourceKind::private_ip, "10.0.0.1"},
        Case{"::1", SourceKind::private_ip, "::1"},
        Case{"fe80::1", SourceKind::private_ip, "fe80::1"},
        Case{"fd00::5", SourceKind::private_ip, "fd00::5"},
        // Not addresses: forms glibc's getaddrinfo would accept and misread, and other junk.
        Case{"06.237.252.245", SourceKind::invalid, ""},
        Case{"253.252.51.07", SourceKind::invalid, ""},
        Case{"08.8.8.8", SourceKind::invalid, ""},
        Case{"8.8.8", SourceKind::invalid, ""},
        Case{"8.8", SourceKind::invalid, ""},
        Case{"134744072", SourceKind::invalid, ""},
        Case{"0x8.8.8.8", SourceKind::invalid, ""},
        Case{"fe80::1%lo", SourceKind::invalid, ""},
        Case{"1.2.3.4 ", SourceKind::invalid, ""},
        Case{" 1.2.3.4", SourceKind::invalid, ""},
        Case{"1.2.3.4/32", SourceKind::invalid, ""},
        Case{"256.1.1.1", SourceKind::invalid, ""},
        Case{"-", SourceKind::invalid, ""},
        Case{std::string("1.2.3.4\0", 8), SourceKind::invalid, ""},
        Case{std::string(300, 'a') + ".com", SourceKind::invalid, ""}));
// clang-format on

TEST(SourceKindName, AllKinds) {
  EXPECT_STREQ(source_kind_name(SourceKind::unknown), "unknown");
  EXPECT_STREQ(source_kind_name(SourceKind::public_ip), "public");
  EXPECT_STREQ(source_kind_name(SourceKind::private_ip), "private");
  EXPECT_STREQ(source_kind_name(SourceKind::aws_service), "aws-service");
  EXPECT_STREQ(source_kind_name(SourceKind::aws_internal), "aws-internal");
  EXPECT_STREQ(source_kind_name(SourceKind::invalid), "invalid");
  EXPECT_STREQ(source_kind_name(SourceKind::empty), "empty");
}

TEST(ClassifyingEnricher, ClassifiesWithoutDatabases) {
  const auto enricher = make_classifying_enricher();
  EXPECT_TRUE(enricher->databases().empty());
  const GeoInfo info = enricher->lookup("::ffff:203.0.113.9");
  EXPECT_EQ(info.kind, SourceKind::public_ip);
  EXPECT_EQ(info.ip, "203.0.113.9");
  EXPECT_TRUE(info.country.empty());
  EXPECT_EQ(enricher->lookup("AWS Internal/3").kind, SourceKind::aws_internal);
  EXPECT_EQ(enricher->lookup("06.237.252.245").kind, SourceKind::invalid);
}

} // namespace
} // namespace trailwatch
