// Differential corpus: expected results were produced by Go 1.19's
// text/template (generator and harness kept out of the build); the test
// itself needs no Go. Each record: template, missingkey mode, and either the
// exact output or the exact error message.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "helpers.h"

namespace {

using namespace tmpl_test;

struct Golden {
  std::string t, mode, out, err;
  bool ok;
};

std::vector<Golden> load() {
  std::vector<Golden> v;
  std::ifstream f(std::string(TMPL_TESTDATA_DIR) + "/go_golden.jsonl");
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    json j = json::parse(line);
    Golden g{j["t"], j["mode"], j.value("out", ""), j.value("err", ""), j["ok"]};
    v.push_back(std::move(g));
  }
  return v;
}

json data() {
  std::ifstream f(std::string(TMPL_TESTDATA_DIR) + "/go_golden_data.json");
  std::stringstream ss;
  ss << f.rdbuf();
  return json::parse(ss.str());
}

void check_mode(const std::string& mode) {
  static const auto cases = load();
  static const json d = data();
  ASSERT_GT(cases.size(), 1000u);
  int n = 0, failed = 0;
  for (const auto& c : cases) {
    if (c.mode != mode) continue;
    ++n;
    auto m = *tako::tmpl::missing_key_from_string(c.mode);
    std::string got = run(c.t, d, m);
    std::string want = c.ok ? c.out : "ERR: " + c.err;
    if (got != want) {
      ++failed;
      ADD_FAILURE() << "template: " << json(c.t).dump() << "\n  want: " << json(want).dump(-1, ' ', false, json::error_handler_t::replace)
                    << "\n  got:  " << json(got).dump(-1, ' ', false, json::error_handler_t::replace);
      if (failed > 30) break;
    }
  }
  EXPECT_GT(n, 100);
}

TEST(GoGolden, MissingKeyDefault) { check_mode("default"); }
TEST(GoGolden, MissingKeyZero) { check_mode("zero"); }
TEST(GoGolden, MissingKeyError) { check_mode("error"); }

}  // namespace
