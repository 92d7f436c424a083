// The values of the yaml-test-suite's valid cases (tests/conformance/yaml/cases.jsonl, MIT, see the LICENSE there)
// through yaml::parse + util::yaml_to_json, compared with the JSON the suite expects. The CLI runner checks
// acceptance and rejection; this checks that what is accepted is read right.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <vector>
#include <string>

#include <nlohmann/json.hpp>

#include "tako/util/data_doc.h"
#include "tako/yaml/parser.h"

namespace {

TEST(YamlSuiteValues, ValidCasesReadTheExpectedValues) {
  const char* root = std::getenv("TAKO_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  std::ifstream in(std::string(root) + "/tests/conformance/yaml/cases.jsonl");
  ASSERT_TRUE(in.good());
  std::string line;
  int compared = 0;
  std::vector<std::string> mismatches;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto c = nlohmann::json::parse(line);
    if (c["error"].get<bool>() || !c.contains("json") || !c["json"].is_string()) continue;
    const std::string id = c["id"].get<std::string>();
    // Several documents: the suite concatenates their values; we read the first only.
    auto expected = nlohmann::json::parse(c["json"].get<std::string>(), nullptr, false);
    if (expected.is_discarded()) continue;
    tako::util::normalize_numbers(expected);
    auto doc = tako::yaml::parse(c["yaml"].get<std::string>());
    ASSERT_TRUE(doc.ok()) << id << ": " << doc.error().message;
    nlohmann::json got = tako::util::yaml_to_json(doc->root());
    ++compared;
    if (got != expected) mismatches.push_back(id + ": got " + got.dump() + " want " + expected.dump());
  }
  EXPECT_GT(compared, 200);
  for (const auto& m : mismatches) ADD_FAILURE() << m;
  std::cout << compared << " values compared, " << mismatches.size() << " mismatches\n";
}

}  // namespace
