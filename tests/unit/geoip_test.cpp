// SPDX-License-Identifier: MIT
// GeoIP enricher against real .mmdb files: databases generated at test time by
// tests/tools/make_mmdb.pl (MaxMind::DB::Writer; skipped when Perl or the module is missing) and
// the CC0 country database scripts/setup.sh puts into data/geoip (skipped when absent).
//
// The generated databases use documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24,
// 2001:db8::/32) and hold trap networks (10/8, fc00::/7, 8.8.0/24, 6.237.252/24 → "ZZ") that a
// correct reader never returns: private addresses are not looked up, and legacy forms such as
// "8.8.8" are never handed to getaddrinfo.
#include "enrich/geoip.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"
#include "util/data_dir.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <optional>
#include <stdlib.h>
#include <string>
#include <thread>
#include <vector>

// maxminddb.h 1.7.1 defines _POSIX_C_SOURCE: include it after system headers.
#include <maxminddb.h>

namespace trailwatch {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

// A temporary directory removed at destruction.
struct TempDir {
  fs::path path;

  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "trailwatch-geoip-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path = pattern;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) {
      fs::remove_all(path, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// Runs `command` through the shell; returns its exit status and appends its output to `output`.
int run_command(const std::string& command, std::string& output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return -1;
  }
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) {
    output += buf;
  }
  return pclose(pipe);
}

// The databases written by make_mmdb.pl into a temporary directory, removed at exit.
struct Generated {
  TempDir dir;
  std::string skip_reason; // set when the generator cannot run here
  std::string error;       // set when it ran and failed

  Generated() {
    std::string output;
    if (run_command("command -v perl", output) != 0) {
      skip_reason = "perl is not installed";
    } else if (run_command("perl -MMaxMind::DB::Writer::Tree -e 1", output) != 0) {
      skip_reason = "Perl module MaxMind::DB::Writer is missing (Debian package "
                    "libmaxmind-db-writer-perl)";
    } else if (dir.path.empty()) {
      error = "cannot create a temporary directory";
    } else {
      output.clear();
      const std::string script = std::string(TRAILWATCH_TEST_TOOLS) + "/make_mmdb.pl";
      if (run_command("perl '" + script + "' '" + dir.path.string() + "'", output) != 0) {
        error = "make_mmdb.pl failed: " + output;
      }
    }
  }

  std::string path(const std::string& name) const { return (dir.path / name).string(); }
};

// Generates the databases on first use, once per test program.
const Generated& generated() {
  static const Generated k_generated;
  return k_generated;
}

// Saves an environment variable and restores it at destruction.
class ScopedEnv {
public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : m_name(name) {
    if (const char* old = std::getenv(name)) {
      m_old = old;
    }
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (m_old) {
      setenv(m_name, m_old->c_str(), 1);
    } else {
      unsetenv(m_name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  const char* m_name;
  std::optional<std::string> m_old;
};

// One line per GeoInfo, for readable comparisons.
std::string dump(const GeoInfo& info) {
  std::string out = std::string(source_kind_name(info.kind)) + " ip=" + info.ip +
                    " country=" + info.country + " name=" + info.country_name +
                    " city=" + info.city;
  out += " asn=" + (info.asn ? std::to_string(*info.asn) : std::string("-"));
  out += " org=" + info.asn_org;
  return out;
}

class GeoipTest : public testing::Test {
protected:
  void SetUp() override {
    const Generated& g = generated();
    if (!g.skip_reason.empty()) {
      GTEST_SKIP() << g.skip_reason;
    }
    ASSERT_TRUE(g.error.empty()) << g.error;
    // Explicit paths win over the environment, but keep it out of every test anyway.
    m_env.emplace(k_geoip_env, std::nullopt);
  }

  static std::string db(const std::string& name) { return generated().path(name); }

  // An enricher over the generated databases `names`, given as --geoip paths.
  static std::unique_ptr<Enricher> open(const std::vector<std::string>& names) {
    GeoipConfig config;
    for (const auto& name : names) {
      config.paths.push_back(db(name));
    }
    return make_geoip_enricher(config);
  }

  // The message of the Fatal that opening `paths` throws ("" when none is thrown).
  static std::string fatal_message(const std::vector<std::string>& paths) {
    GeoipConfig config;
    config.paths = paths;
    try {
      make_geoip_enricher(config);
    } catch (const Fatal& e) {
      return e.what();
    }
    return {};
  }

  std::optional<ScopedEnv> m_env;
};

TEST_F(GeoipTest, CityLayout) {
  const auto geo = open({"GeoLite2-City.mmdb"});
  ASSERT_EQ(geo->databases().size(), 1u);
  const DatabaseInfo info = geo->databases()[0];
  EXPECT_EQ(info.path, db("GeoLite2-City.mmdb"));
  EXPECT_EQ(info.type, "GeoLite2-City");
  EXPECT_EQ(info.layout, "maxmind-city");
  EXPECT_THAT(info.build_date, testing::MatchesRegex("20[0-9][0-9]-[01][0-9]-[0-3][0-9]"));

  EXPECT_EQ(dump(geo->lookup("203.0.113.7")),
            "public ip=203.0.113.7 country=BR name=Brazil city=Recife asn=- org=");
  // Non-ASCII city, copied out with its length (the data is not NUL-terminated).
  EXPECT_EQ(dump(geo->lookup("192.0.2.55")),
            "public ip=192.0.2.55 country=SE name=Sweden city=Link\xc3\xb6ping asn=- org=");
  // A network without a city.
  EXPECT_EQ(dump(geo->lookup("198.51.100.1")),
            "public ip=198.51.100.1 country=NL name=Netherlands city= asn=- org=");
  // A real IPv6 lookup.
  EXPECT_EQ(dump(geo->lookup("2001:db8::1")),
            "public ip=2001:db8::1 country=JP name=Japan city=Tokyo asn=- org=");
  EXPECT_EQ(dump(geo->lookup("2001:db8:ffff:1::42")),
            "public ip=2001:db8:ffff:1::42 country=JP name=Japan city=Tokyo asn=- org=");
  // Public, but not in the database.
  EXPECT_EQ(dump(geo->lookup("2a00::1")), "public ip=2a00::1 country= name= city= asn=- org=");
  EXPECT_EQ(dump(geo->lookup("1.1.1.1")), "public ip=1.1.1.1 country= name= city= asn=- org=");
}

TEST_F(GeoipTest, CountryLayoutWithRegisteredCountryFallback) {
  const auto geo = open({"GeoLite2-Country.mmdb"});
  ASSERT_EQ(geo->databases().size(), 1u);
  EXPECT_EQ(geo->databases()[0].layout, "maxmind-country");
  EXPECT_EQ(geo->databases()[0].type, "GeoLite2-Country");
  EXPECT_EQ(dump(geo->lookup("203.0.113.200")),
            "public ip=203.0.113.200 country=BR name=Brazil city= asn=- org=");
  // Only registered_country in this network.
  EXPECT_EQ(dump(geo->lookup("192.0.2.1")),
            "public ip=192.0.2.1 country=US name=United States city= asn=- org=");
  EXPECT_EQ(geo->lookup("2001:db8::9").country, "JP");
}

TEST_F(GeoipTest, AsnLayoutWithAndWithoutOrganisation) {
  const auto geo = open({"GeoLite2-ASN.mmdb"});
  ASSERT_EQ(geo->databases().size(), 1u);
  EXPECT_EQ(geo->databases()[0].layout, "asn");
  EXPECT_EQ(dump(geo->lookup("203.0.113.7")),
            "public ip=203.0.113.7 country= name= city= asn=64500 org=Example Hosting");
  EXPECT_EQ(dump(geo->lookup("198.51.100.1")),
            "public ip=198.51.100.1 country= name= city= asn=64501 org=");
  EXPECT_EQ(dump(geo->lookup("2001:db8::5")),
            "public ip=2001:db8::5 country= name= city= asn=64502 org=Example IPv6 Net");
  EXPECT_EQ(dump(geo->lookup("45.0.10.1")),
            "public ip=45.0.10.1 country= name= city= asn=65010 org=Filler 10");
}

TEST_F(GeoipTest, FlatCountryCodeLayout) {
  const auto geo = open({"flat-country.mmdb"});
  ASSERT_EQ(geo->databases().size(), 1u);
  EXPECT_EQ(geo->databases()[0].layout, "country_code");
  EXPECT_EQ(geo->databases()[0].type, "ip-location-db-country");
  EXPECT_EQ(dump(geo->lookup("203.0.113.7")),
            "public ip=203.0.113.7 country=BR name= city= asn=- org=");
  EXPECT_EQ(geo->lookup("2001:db8::1").country, "JP");
  EXPECT_EQ(geo->lookup("45.0.63.1").country, "DE");
}

TEST_F(GeoipTest, FlatCityLayout) {
  const auto geo = open({"flat-city.mmdb"});
  ASSERT_EQ(geo->databases().size(), 1u);
  EXPECT_EQ(geo->databases()[0].layout, "flat-city");
  EXPECT_EQ(dump(geo->lookup("203.0.113.7")),
            "public ip=203.0.113.7 country=BR name= city=Recife asn=- org=");
  EXPECT_EQ(geo->lookup("192.0.2.1").city, "Link\xc3\xb6ping");
  EXPECT_EQ(geo->lookup("2001:db8::1").city, "Tokyo");
}

class RecordSize : public GeoipTest, public testing::WithParamInterface<int> {};

TEST_P(RecordSize, SameAnswersAtEverySize) {
  const std::string name = "country-rs" + std::to_string(GetParam()) + ".mmdb";
  const auto geo = open({name});
  ASSERT_EQ(geo->databases().size(), 1u);
  for (int n = 0; n < 64; ++n) {
    SCOPED_TRACE(n);
    const GeoInfo info = geo->lookup("45.0." + std::to_string(n) + ".77");
    EXPECT_EQ(info.country, n % 2 != 0 ? "FR" : "DE");
    EXPECT_EQ(info.country_name, n % 2 != 0 ? "France" : "Germany");
  }
  EXPECT_EQ(geo->lookup("45.0.64.1").country, "");
  EXPECT_EQ(geo->lookup("198.51.100.255").country, "NL");
  EXPECT_EQ(geo->lookup("203.0.113.0").country, "BR");
  EXPECT_EQ(geo->lookup("192.0.2.9").country, "US");
  EXPECT_EQ(geo->lookup("2001:db8:1234::1").country, "JP");
  EXPECT_EQ(geo->lookup("::ffff:198.51.100.3").country, "NL");
}

INSTANTIATE_TEST_SUITE_P(Sizes, RecordSize, testing::Values(24, 28, 32));

TEST_F(GeoipTest, Ipv6LookupInIpv4OnlyDatabaseIsNoData) {
  const auto geo = open({"ipv4-only.mmdb"});
  ASSERT_EQ(geo->databases().size(), 1u);
  testing::internal::CaptureStderr();
  const GeoInfo v6 = geo->lookup("2001:db8::1");
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(dump(v6), "public ip=2001:db8::1 country= name= city= asn=- org=");
  EXPECT_EQ(err, "") << "error 11 is 'no data', not a failure worth a message";
  EXPECT_EQ(geo->lookup("203.0.113.7").country, "BR");
  EXPECT_EQ(geo->lookup("::ffff:203.0.113.7").country, "BR");
}

TEST_F(GeoipTest, MappedIpv6IsNormalisedBeforeLookup) {
  // no-alias.mmdb has no ::ffff:0:0/96 alias: mmdblookup finds nothing for the mapped form, so
  // only the normalisation to dotted IPv4 makes these work.
  const auto geo = open({"no-alias.mmdb"});
  for (const char* input : {"::ffff:203.0.113.7", "::FFFF:203.0.113.7", "::ffff:cb00:7107"}) {
    SCOPED_TRACE(input);
    EXPECT_EQ(dump(geo->lookup(input)),
              "public ip=203.0.113.7 country=BR name=Brazil city= asn=- org=");
  }
}

TEST_F(GeoipTest, PrivateAndReservedAreNotLookedUp) {
  const auto geo = open({"GeoLite2-Country.mmdb"});
  // 10/8 and fc00::/7 hold trap data: a lookup would give ZZ.
  for (const char* input : {"10.1.2.3", "::ffff:10.1.2.3", "fd12::1", "192.168.10.20", "127.0.0.1",
                            "::1", "fe80::1", "169.254.169.254", "100.64.1.1"}) {
    SCOPED_TRACE(input);
    const GeoInfo info = geo->lookup(input);
    EXPECT_EQ(info.kind, SourceKind::private_ip);
    EXPECT_EQ(info.country, "");
  }
  EXPECT_EQ(geo->lookup("10.1.2.3").ip, "10.1.2.3");
}

TEST_F(GeoipTest, AwsNamesAreLabelledAndNotLookedUp) {
  const auto geo = open({"GeoLite2-City.mmdb", "GeoLite2-ASN.mmdb"});
  for (const char* input :
       {"ec2.amazonaws.com", "autoscaling.amazonaws.com", "eks-nodegroup.amazonaws.com"}) {
    SCOPED_TRACE(input);
    EXPECT_EQ(dump(geo->lookup(input)), "aws-service ip= country= name= city= asn=- org=");
  }
  EXPECT_EQ(dump(geo->lookup("AWS Internal")), "aws-internal ip= country= name= city= asn=- org=");
  EXPECT_EQ(dump(geo->lookup("AWS Internal/3")),
            "aws-internal ip= country= name= city= asn=- org=");
  EXPECT_EQ(dump(geo->lookup("")), "empty ip= country= name= city= asn=- org=");
}

TEST_F(GeoipTest, InvalidValuesAreLabelledAndNotLookedUp) {
  // 8.8.0/24 and 6.237.252/24 hold trap data: getaddrinfo would read "8.8.8" as 8.8.0.8 and
  // "06.237.252.245" as octal.
  const auto geo = open({"GeoLite2-Country.mmdb"});
  for (const char* input : {"06.237.252.245", "253.252.51.07", "8.8.8", "fe80::1%lo", "1.2.3.4 ",
                            "203.0.113.7 ", " 203.0.113.7", "AWS Internal/", "::ffff:8.8.8"}) {
    SCOPED_TRACE(input);
    EXPECT_EQ(dump(geo->lookup(input)), "invalid ip= country= name= city= asn=- org=");
  }
  // Hostile but harmless input.
  EXPECT_EQ(geo->lookup(std::string(100000, '9')).kind, SourceKind::invalid);
  EXPECT_EQ(geo->lookup(std::string("\xff\xfe\x00\x01", 4)).kind, SourceKind::invalid);
}

TEST_F(GeoipTest, SeveralDatabasesAreMerged) {
  const auto geo = open({"flat-country.mmdb", "GeoLite2-ASN.mmdb"});
  ASSERT_EQ(geo->databases().size(), 2u);
  EXPECT_EQ(geo->databases()[0].layout, "country_code");
  EXPECT_EQ(geo->databases()[1].layout, "asn");
  EXPECT_EQ(dump(geo->lookup("203.0.113.7")),
            "public ip=203.0.113.7 country=BR name= city= asn=64500 org=Example Hosting");
  EXPECT_EQ(dump(geo->lookup("198.51.100.1")),
            "public ip=198.51.100.1 country=NL name= city= asn=64501 org=");
  EXPECT_EQ(dump(geo->lookup("2001:db8::1")),
            "public ip=2001:db8::1 country=JP name= city= asn=64502 org=Example IPv6 Net");
}

TEST_F(GeoipTest, FirstDatabaseWinsAndDisagreeingPlacesAreNotMixed) {
  // flat-country first: its code wins, the name and city come from the City database, which
  // agrees on the country.
  const auto geo = open({"flat-country.mmdb", "GeoLite2-City.mmdb"});
  EXPECT_EQ(dump(geo->lookup("203.0.113.7")),
            "public ip=203.0.113.7 country=BR name=Brazil city=Recife asn=- org=");
  // Country says FR for odd 45.0.N/24, City says DE: the City's city name is not taken.
  const auto mixed = open({"GeoLite2-Country.mmdb", "GeoLite2-City.mmdb"});
  EXPECT_EQ(dump(mixed->lookup("45.0.1.1")),
            "public ip=45.0.1.1 country=FR name=France city= asn=- org=");
  EXPECT_EQ(dump(mixed->lookup("45.0.2.1")),
            "public ip=45.0.2.1 country=DE name=Germany city=City 2 asn=- org=");
}

TEST_F(GeoipTest, ExplicitBrokenPathsAreFatal) {
  const std::string missing = db("no-such-file.mmdb");
  std::string message = fatal_message({missing});
  EXPECT_THAT(message, HasSubstr(missing));
  EXPECT_THAT(message, HasSubstr(MMDB_strerror(MMDB_FILE_OPEN_ERROR)));
  EXPECT_THAT(message, HasSubstr("No such file or directory"));

  for (const char* name : {"corrupt.mmdb", "not-an-mmdb.mmdb", "empty.mmdb"}) {
    SCOPED_TRACE(name);
    message = fatal_message({db("GeoLite2-ASN.mmdb"), db(name)});
    EXPECT_THAT(message, HasSubstr("--geoip " + db(name) + ": cannot open GeoIP database: "));
  }
  EXPECT_THAT(fatal_message({db("corrupt.mmdb")}),
              HasSubstr(MMDB_strerror(MMDB_INVALID_METADATA_ERROR)));
  EXPECT_THAT(fatal_message({db("not-an-mmdb.mmdb")}),
              HasSubstr(MMDB_strerror(MMDB_INVALID_METADATA_ERROR)));

  message = fatal_message({db("anonymous-ip.mmdb")});
  EXPECT_THAT(message, HasSubstr(db("anonymous-ip.mmdb")));
  EXPECT_THAT(message, HasSubstr("GeoIP2-Anonymous-IP"));

  EXPECT_THAT(fatal_message({"/dev/null"}), HasSubstr("not a regular file"));
  EXPECT_THAT(fatal_message({""}), HasSubstr("empty path"));
  TempDir empty;
  EXPECT_THAT(fatal_message({empty.path.string()}), HasSubstr("no .mmdb files"));
}

TEST_F(GeoipTest, ExplicitDirectoryTakesItsMmdbFiles) {
  TempDir dir;
  fs::copy_file(db("GeoLite2-ASN.mmdb"), dir.path / "b-asn.mmdb");
  fs::copy_file(db("flat-country.mmdb"), dir.path / "a.mmdb");
  fs::copy_file(db("anonymous-ip.mmdb"), dir.path / "c.mmdb"); // skipped with a warning
  std::ofstream(dir.path / "notes.txt") << "not a database\n";
  GeoipConfig config;
  config.paths = {dir.path.string()};
  testing::internal::CaptureStderr();
  const auto geo = make_geoip_enricher(config);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("warning"));
  EXPECT_THAT(err, HasSubstr("c.mmdb"));
  ASSERT_EQ(geo->databases().size(), 2u);
  EXPECT_EQ(geo->databases()[0].path, (dir.path / "a.mmdb").string());
  EXPECT_EQ(geo->databases()[1].path, (dir.path / "b-asn.mmdb").string());
  EXPECT_EQ(geo->lookup("203.0.113.7").asn, 64500u);

  // A corrupt file in an explicit directory is Fatal.
  fs::remove(dir.path / "c.mmdb");
  fs::copy_file(db("corrupt.mmdb"), dir.path / "d.mmdb");
  EXPECT_THAT(fatal_message({dir.path.string()}), HasSubstr((dir.path / "d.mmdb").string()));
}

TEST_F(GeoipTest, EnvironmentVariableIsExplicit) {
  {
    ScopedEnv env(k_geoip_env, db("flat-country.mmdb") + "::" + db("GeoLite2-ASN.mmdb"));
    const auto geo = make_geoip_enricher(GeoipConfig{});
    ASSERT_EQ(geo->databases().size(), 2u);
    EXPECT_EQ(dump(geo->lookup("203.0.113.7")),
              "public ip=203.0.113.7 country=BR name= city= asn=64500 org=Example Hosting");

    // --geoip wins over the environment.
    GeoipConfig config;
    config.paths = {db("GeoLite2-City.mmdb")};
    const auto flagged = make_geoip_enricher(config);
    ASSERT_EQ(flagged->databases().size(), 1u);
    EXPECT_EQ(flagged->databases()[0].type, "GeoLite2-City");

    // --no-geoip wins over both.
    config.disabled = true;
    EXPECT_TRUE(make_geoip_enricher(config)->databases().empty());
    EXPECT_TRUE(discover_geoip_databases(config).empty());
  }
  {
    ScopedEnv env(k_geoip_env, db("corrupt.mmdb"));
    try {
      make_geoip_enricher(GeoipConfig{});
      ADD_FAILURE() << "expected Fatal";
    } catch (const Fatal& e) {
      EXPECT_THAT(e.what(), HasSubstr(std::string(k_geoip_env) + ": " + db("corrupt.mmdb")));
    }
  }
}

TEST_F(GeoipTest, AutoDiscoveryWarnsAboutBrokenFilesAndDeduplicatesRoles) {
  TempDir root;
  const fs::path a = root.path / "a";
  const fs::path b = root.path / "b";
  fs::create_directories(a);
  fs::create_directories(b);
  fs::copy_file(db("corrupt.mmdb"), a / "GeoLite2-City.mmdb");             // broken: warning
  fs::copy_file(db("GeoLite2-Country.mmdb"), a / "GeoLite2-Country.mmdb"); // country
  fs::copy_file(db("anonymous-ip.mmdb"), a / "GeoIP2-Anonymous-IP.mmdb");  // no known data
  fs::copy_file(db("GeoLite2-ASN.mmdb"), a / "random-name.mmdb");          // name not taken
  fs::copy_file(db("GeoLite2-ASN.mmdb"), b / "GeoLite2-ASN.mmdb");         // asn
  fs::copy_file(db("flat-country.mmdb"), b / "dbip-country-lite.mmdb");    // country again
  fs::copy_file(db("GeoLite2-City.mmdb"), b / "dbip-city-lite.mmdb");      // adds city

  const auto candidates =
      scan_geoip_folders({(root.path / "missing").string(), a.string(), b.string(), a.string()});
  std::vector<std::string> names;
  for (const auto& candidate : candidates) {
    EXPECT_EQ(candidate.origin, GeoipOrigin::discovered);
    names.push_back(fs::path(candidate.path).filename().string());
  }
  EXPECT_THAT(names, testing::ElementsAre("GeoIP2-Anonymous-IP.mmdb", "GeoLite2-City.mmdb",
                                          "GeoLite2-Country.mmdb", "GeoLite2-ASN.mmdb",
                                          "dbip-city-lite.mmdb", "dbip-country-lite.mmdb"));

  testing::internal::CaptureStderr();
  const auto geo = open_geoip_enricher(candidates);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("trailwatch: warning: " + (a / "GeoLite2-City.mmdb").string()));
  EXPECT_THAT(err, HasSubstr(MMDB_strerror(MMDB_INVALID_METADATA_ERROR)));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;

  std::vector<std::string> used;
  for (const auto& info : geo->databases()) {
    used.push_back(info.path);
  }
  EXPECT_THAT(used, testing::ElementsAre((a / "GeoLite2-Country.mmdb").string(),
                                         (b / "GeoLite2-ASN.mmdb").string(),
                                         (b / "dbip-city-lite.mmdb").string()));
  EXPECT_EQ(dump(geo->lookup("203.0.113.7")),
            "public ip=203.0.113.7 country=BR name=Brazil city=Recife asn=64500 "
            "org=Example Hosting");
}

TEST_F(GeoipTest, AutoDiscoveryPrefersCombinedFileOverHalves) {
  TempDir root;
  const fs::path both = root.path / "both";
  const fs::path halves = root.path / "halves";
  fs::create_directories(both);
  fs::create_directories(halves);
  for (const char* name :
       {"geo-test-country.mmdb", "geo-test-country-ipv4.mmdb", "geo-test-country-ipv6.mmdb"}) {
    fs::copy_file(db("flat-country.mmdb"), both / name);
  }
  fs::copy_file(db("ipv4-only.mmdb"), halves / "x-country-ipv4.mmdb");
  fs::copy_file(db("flat-country.mmdb"), halves / "x-country-ipv6.mmdb");

  auto candidates = scan_geoip_folders({both.string()});
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].path, (both / "geo-test-country.mmdb").string());

  // Two halves of one database are both used, although they hold the same role.
  candidates = scan_geoip_folders({halves.string()});
  ASSERT_EQ(candidates.size(), 2u);
  const auto geo = open_geoip_enricher(candidates);
  EXPECT_EQ(geo->databases().size(), 2u);
  EXPECT_EQ(geo->lookup("2001:db8::1").country, "JP");

  // With the halves after a complete database from another folder, they add nothing.
  candidates = scan_geoip_folders({both.string(), halves.string()});
  EXPECT_EQ(candidates.size(), 3u);
  EXPECT_EQ(open_geoip_enricher(candidates)->databases().size(), 1u);
}

TEST_F(GeoipTest, AutoDiscoveryWithNothingUsableClassifiesOnly) {
  TempDir root;
  fs::copy_file(db("not-an-mmdb.mmdb"), root.path / "GeoLite2-Country.mmdb");
  testing::internal::CaptureStderr();
  const auto geo = open_geoip_enricher(scan_geoip_folders({root.path.string()}));
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("warning"));
  EXPECT_TRUE(geo->databases().empty());
  EXPECT_EQ(geo->lookup("203.0.113.7").kind, SourceKind::public_ip);
  EXPECT_TRUE(open_geoip_enricher({})->databases().empty());
}

TEST_F(GeoipTest, ConcurrentLookupsAgree) {
  const auto geo = open({"GeoLite2-City.mmdb", "GeoLite2-ASN.mmdb"});
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"203.0.113.7", "public ip=203.0.113.7 country=BR name=Brazil city=Recife asn=64500 "
                      "org=Example Hosting"},
      {"::ffff:203.0.113.7", "public ip=203.0.113.7 country=BR name=Brazil city=Recife "
                             "asn=64500 org=Example Hosting"},
      {"192.0.2.1", "public ip=192.0.2.1 country=SE name=Sweden city=Link\xc3\xb6ping asn=- org="},
      {"2001:db8::1",
       "public ip=2001:db8::1 country=JP name=Japan city=Tokyo asn=64502 org=Example IPv6 Net"},
      {"198.51.100.1", "public ip=198.51.100.1 country=NL name=Netherlands city= asn=64501 org="},
      {"10.0.0.1", "private ip=10.0.0.1 country= name= city= asn=- org="},
      {"ec2.amazonaws.com", "aws-service ip= country= name= city= asn=- org="},
      {"8.8.8", "invalid ip= country= name= city= asn=- org="},
  };
  constexpr int k_threads = 8;
  constexpr int k_rounds = 300;
  std::atomic<int> mismatches{0};
  std::atomic<int> checked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < k_rounds; ++round) {
        // Each thread also looks up addresses of its own, so the cache grows while others read.
        const std::string own = "45.0." + std::to_string((t * k_rounds + round) % 64) + "." +
                                std::to_string(round % 256);
        if (geo->lookup(own).country != "DE") {
          ++mismatches;
        }
        const auto& [input, want] = expected[static_cast<std::size_t>(round + t) % expected.size()];
        if (dump(geo->lookup(input)) != want) {
          ++mismatches;
        }
        checked += 2;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(checked.load(), k_threads * k_rounds * 2);
  EXPECT_EQ(mismatches.load(), 0);
}

TEST_F(GeoipTest, CachedResultsAreTheSame) {
  const auto geo = open({"GeoLite2-City.mmdb", "GeoLite2-ASN.mmdb"});
  const std::string first = dump(geo->lookup("203.0.113.7"));
  EXPECT_EQ(dump(geo->lookup("203.0.113.7")), first);
  EXPECT_EQ(dump(geo->lookup("::ffff:203.0.113.7")), first);
  EXPECT_EQ(dump(geo->lookup("::ffff:cb00:7107")), first);
  const std::string v6 = dump(geo->lookup("2001:DB8::1"));
  EXPECT_EQ(dump(geo->lookup("2001:db8::1")), v6);
  EXPECT_EQ(dump(geo->lookup("2001:db8:0::1")), v6);
}

TEST(GeoipDiscovery, DefaultFolders) {
  const auto folders = default_geoip_folders();
  // Found from the running binary: the test binary lives in <build>/tests, so its data folder
  // is <build>/share/trailwatch (linked to the source tree by CMake).
  const auto data = util::data_dir();
  ASSERT_TRUE(data.has_value());
  EXPECT_THAT(folders, testing::Contains((*data / "geoip").string()));
  EXPECT_THAT(folders, testing::Contains(std::string("/usr/share/GeoIP")));
  EXPECT_THAT(folders, testing::Contains(std::string("/var/lib/GeoIP")));
  EXPECT_THAT(folders, testing::Contains(std::string("/usr/local/share/GeoIP")));
  {
    ScopedEnv xdg("XDG_DATA_HOME", std::string("/tmp/trailwatch-xdg"));
    EXPECT_EQ(default_geoip_folders().back(), "/tmp/trailwatch-xdg/GeoIP");
  }
  {
    ScopedEnv xdg("XDG_DATA_HOME", std::nullopt);
    ScopedEnv home("HOME", std::string("/tmp/trailwatch-home"));
    EXPECT_EQ(default_geoip_folders().back(), "/tmp/trailwatch-home/.local/share/GeoIP");
  }
  std::vector<std::string> sorted = folders;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
}

TEST(GeoipDiscovery, DisabledMeansClassifyOnly) {
  GeoipConfig config;
  config.paths = {"/no/such/file.mmdb"};
  config.disabled = true;
  const auto geo = make_geoip_enricher(config);
  EXPECT_TRUE(geo->databases().empty());
  EXPECT_EQ(geo->lookup("AWS Internal/3").kind, SourceKind::aws_internal);
}

// The CC0 database scripts/setup.sh installs from npm @ip-location-db/geo-whois-asn-country-mmdb.
TEST(GeoipRealDatabase, GeoWhoisAsnCountry) {
  const std::string path = TRAILWATCH_PROJECT_DIR "/data/geoip/geo-whois-asn-country.mmdb";
  if (!fs::exists(path)) {
    GTEST_SKIP() << path << " is missing (scripts/setup.sh installs it from npm)";
  }
  GeoipConfig config;
  config.paths = {path};
  const auto geo = make_geoip_enricher(config);
  ASSERT_EQ(geo->databases().size(), 1u);
  EXPECT_EQ(geo->databases()[0].layout, "country_code");
  EXPECT_THAT(geo->databases()[0].build_date,
              testing::MatchesRegex("20[0-9][0-9]-[01][0-9]-[0-3][0-9]"));
  EXPECT_EQ(geo->lookup("81.2.69.160").country, "GB");
  EXPECT_EQ(geo->lookup("::ffff:81.2.69.160").country, "GB");
  EXPECT_EQ(geo->lookup("2a01:4f8::1").country, "DE");
  EXPECT_EQ(geo->lookup("10.0.0.1").country, "");
  EXPECT_EQ(geo->lookup("8.8.8").country, "");
}

} // namespace
} // namespace trailwatch
