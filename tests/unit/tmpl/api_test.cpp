// Public API: parse/execute, cache, field references, threads, tako render.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "helpers.h"
#include "tako/tmpl/render_command.h"

namespace {

using namespace tmpl_test;
using tako::tmpl::FieldRef;

TEST(Api, ErrorNamesUseTemplateName) {
  auto t = tako::tmpl::parse("x\n{{ .a.b }}", "release.build.run");
  ASSERT_TRUE(t.ok());
  auto r = tako::tmpl::execute(**t, json{{"a", 1}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "template: release.build.run:2:5: executing \"release.build.run\" at <.a.b>: can't evaluate field b in type "
            "interface {}");
  auto p = tako::tmpl::parse("{{ if }}", "wf.step.env.X");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message, "template: wf.step.env.X:1: missing value for if");
}

TEST(Api, MissingKeyParsing) {
  EXPECT_EQ(tako::tmpl::missing_key_from_string("empty"), MissingKey::Empty);
  EXPECT_EQ(tako::tmpl::missing_key_from_string("default"), MissingKey::Default);
  EXPECT_EQ(tako::tmpl::missing_key_from_string("invalid"), MissingKey::Default);
  EXPECT_EQ(tako::tmpl::missing_key_from_string("zero"), MissingKey::Zero);
  EXPECT_EQ(tako::tmpl::missing_key_from_string("error"), MissingKey::Error);
  EXPECT_FALSE(tako::tmpl::missing_key_from_string("bogus").has_value());
}

TEST(Api, CacheIsLruAndSharesParses) {
  tako::tmpl::TemplateCache cache(2);
  auto a1 = cache.get("{{.a}}");
  auto a2 = cache.get("{{.a}}");
  ASSERT_TRUE(a1.ok() && a2.ok());
  EXPECT_EQ(a1->get(), a2->get());
  EXPECT_EQ(cache.hits(), 1u);
  ASSERT_TRUE(cache.get("{{.b}}").ok());
  ASSERT_TRUE(cache.get("{{.a}}").ok());  // refresh a
  ASSERT_TRUE(cache.get("{{.c}}").ok());  // evicts b
  EXPECT_EQ(cache.size(), 2u);
  auto a3 = cache.get("{{.a}}");
  EXPECT_EQ(a3->get(), a1->get());
  uint64_t misses = cache.misses();
  ASSERT_TRUE(cache.get("{{.b}}").ok());
  EXPECT_EQ(cache.misses(), misses + 1);
  // same text, different names: different entries (names appear in errors)
  auto n1 = cache.get("{{.a}}", "one");
  EXPECT_EQ((*n1)->name(), "one");
  EXPECT_FALSE(cache.get("{{").ok());  // errors are reported, not cached
  EXPECT_EQ(tako::tmpl::render("{{.x}}", json{{"x", 3}}).value(), "3");
}

TEST(Api, ConcurrentExecutionOfOneTemplate) {
  auto t = tako::tmpl::parse("{{range $i, $e := .l}}{{printf \"%d:%v \" $i $e}}{{end}}{{.name | upper}}");
  ASSERT_TRUE(t.ok());
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < 8; ++k) {
    threads.emplace_back([&, k] {
      json d = {{"l", {k, "x"}}, {"name", "n" + std::to_string(k)}};
      std::string want = "0:" + std::to_string(k) + " 1:x N" + std::to_string(k);
      for (int i = 0; i < 500; ++i) {
        auto r = tako::tmpl::execute(**t, d);
        if (!r.ok() || *r != want) bad++;
        auto c = tako::tmpl::default_cache().get("{{.name}}-" + std::to_string(i % 7));
        if (!c.ok()) bad++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

std::vector<std::string> refs(const std::string& text) {
  auto t = tako::tmpl::parse(text);
  EXPECT_TRUE(t.ok()) << text;
  std::vector<std::string> out;
  for (const FieldRef& r : tako::tmpl::field_references(**t)) {
    std::string s;
    for (const auto& p : r.path) s += "." + p;
    out.push_back(s + "@" + std::to_string(r.line));
  }
  return out;
}

TEST(Api, FieldReferences) {
  using V = std::vector<std::string>;
  EXPECT_EQ(refs("{{ .inputs.x }} {{ .Inputs.y | upper }}"), (V{".inputs.x@1", ".Inputs.y@1"}));
  EXPECT_EQ(refs("{{ index .inputs \"x\" }}"), (V{".inputs.x@1", ".inputs@1"}));
  EXPECT_EQ(refs("\n{{ .steps.build.outputs.v }}"), (V{".steps.build.outputs.v@2"}));
  EXPECT_EQ(refs("{{ with .inputs }}{{ .z }}{{ end }}"), (V{".inputs@1", ".inputs.z@1"}));
  EXPECT_EQ(refs("{{ range .inputs.list }}{{ .elem }}{{ $.env.HOME }}{{ end }}"),
            (V{".inputs.list@1", ".env.HOME@1"}));
  EXPECT_EQ(refs("{{ if eq .inputs.a \"x\" }}{{ (.event).Payload.v }}{{ end }}"),
            (V{".inputs.a@1", ".event.Payload.v@1", ".event@1"}));
  EXPECT_EQ(refs("{{ define \"x\" }}{{ .notroot }}{{ end }}{{ template \"x\" .inputs.t }}"), (V{".inputs.t@1"}));
  EXPECT_EQ(refs("{{ index .inputs .dyn }}"), (V{".inputs@1", ".dyn@1"}));
}

std::string write_temp(const std::string& content, const char* suffix) {
  std::string path = testing::TempDir() + "tmpl_render_" + std::to_string(getpid()) + suffix;
  std::ofstream(path) << content;
  return path;
}

TEST(Api, RunRender) {
  tako::tmpl::RenderRequest req;
  req.text = "{{.missing}}|{{.a}}";
  auto r = tako::tmpl::run_render(req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "|");  // empty mode, empty data
  req.data_file = write_temp("{\"a\": 7, \"f\": 1.0, \"big\": 12345678901}", ".json");
  EXPECT_EQ(tako::tmpl::run_render(req).value(), "|7");
  req.text = "{{.f}} {{.big}}";
  EXPECT_EQ(tako::tmpl::run_render(req).value(), "1 12345678901");
  req.text = "{{.missing}}";
  req.missingkey = "default";
  EXPECT_EQ(tako::tmpl::run_render(req).value(), "<no value>");
  req.missingkey = "error";
  EXPECT_EQ(tako::tmpl::run_render(req).error().message,
            "template: template:1:2: executing \"template\" at <.missing>: map has no entry for key \"missing\"");
  req.missingkey = "empty";
  req.data_file = write_temp("a: 1\nb: [x, 2]\nc: ~\n", ".yaml");
  req.text = "{{.a}} {{.b}} [{{.c}}]";
  EXPECT_EQ(tako::tmpl::run_render(req).value(), "1 [x 2] []");
  req.text = "{{";
  EXPECT_EQ(tako::tmpl::run_render(req).error().message, "template: template:1: unclosed action");
}

}  // namespace
