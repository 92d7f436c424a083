#include "tako/engine/outputs.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "tako/util/fs.h"

using namespace tako;
using engine::compute_outputs;
using engine::parse_output_file;

namespace {

std::vector<config::OutputSpec> specs(std::vector<std::pair<std::string, std::string>> kv) {
  std::vector<config::OutputSpec> out;
  for (auto& [k, v] : kv) out.push_back(config::OutputSpec{k, v, {}});
  return out;
}

Result<std::string> no_templates(const std::string&, const nlohmann::json&) { return Error{"unexpected"}; }

}  // namespace

TEST(Outputs, OutputFileFormats) {
  auto m = parse_output_file("a=1\nb=x=y\r\nmulti<<EOF\nline 1\nline 2\nEOF\na=2\nbad line\n=novalue\nopen<<Z\nnever closed\n");
  EXPECT_EQ(m["a"], "2");
  EXPECT_EQ(m["b"], "x=y");
  EXPECT_EQ(m["multi"], "line 1\nline 2");
  EXPECT_EQ(m.count("open"), 0u);
  EXPECT_EQ(m.size(), 3u);
}

TEST(Outputs, StdoutStderrEnv) {
  util::TempDir dir("tako-out");
  ASSERT_TRUE(util::write_file_atomic(dir.path() + "/output", "published_by=exec-1\n").ok());
  engine::OutputSources src{dir.path(), "  hello\n", "\twarn \n", dir.path() + "/output"};
  auto r = compute_outputs(specs({{"o", "from_stdout"}, {"e", "from_stderr"}, {"p", "from_env:published_by"}}),
                           src, no_templates);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["o"], "hello");
  EXPECT_EQ((*r)["e"], "warn");
  EXPECT_EQ((*r)["p"], "exec-1");
  auto missing = compute_outputs(specs({{"q", "from_env:NOPE"}}), src, no_templates);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "output 'q': variable 'NOPE' was not written to $TAKO_OUTPUT");
}

TEST(Outputs, FromFileAndEscapes) {
  util::TempDir dir("tako-out");
  std::string repo = dir.path() + "/repo";
  ASSERT_TRUE(util::make_dirs(repo + "/sub").ok());
  ASSERT_TRUE(util::write_file_atomic(repo + "/sub/VERSION", "1.4.0\n").ok());
  ASSERT_TRUE(util::write_file_atomic(dir.path() + "/outside", "secret").ok());
  ASSERT_EQ(::symlink((dir.path() + "/outside").c_str(), (repo + "/link").c_str()), 0);
  engine::OutputSources src{repo, "", "", ""};
  auto ok = compute_outputs(specs({{"v", "from_file:sub/VERSION"}}), src, no_templates);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)["v"], "1.4.0");
  for (const char* p : {"../outside", "/etc/passwd", "sub/../../outside", "link"}) {
    auto r = compute_outputs(specs({{"v", std::string("from_file:") + p}}), src, no_templates);
    ASSERT_FALSE(r.ok()) << p;
    EXPECT_EQ(r.error().message, std::string("output 'v': path '") + p + "' escapes the repository");
  }
  auto missing = compute_outputs(specs({{"v", "from_file:nope.txt"}}), src, no_templates);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "output 'v': file 'nope.txt' not found");
}

TEST(Outputs, TemplatesRunLastWithOutputsSoFar) {
  engine::OutputSources src{"/", "out", "", ""};
  std::vector<std::string> seen;
  auto render = [&](const std::string& text, const nlohmann::json& so_far) -> Result<std::string> {
    seen.push_back(text + "|" + so_far.dump());
    return std::string("rendered");
  };
  auto r = compute_outputs(specs({{"z", "{{ .stdout }}"}, {"a", "{{ .outputs.b }}"}, {"b", "from_stdout"}}), src,
                           render);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "{{ .outputs.b }}|{\"b\":\"out\"}");
  EXPECT_EQ(seen[1], "{{ .stdout }}|{\"a\":\"rendered\",\"b\":\"out\"}");
}
