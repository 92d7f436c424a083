#include "tako/cli/workflow_list.h"

#include <gtest/gtest.h>

#include "tako/config/loader.h"

using namespace tako::cli;

namespace {

ListedRepo repo(const std::string& identity, const std::string& yml) {
  auto cfg = tako::config::load_string("/r/" + identity + "/tako.yml", yml);
  EXPECT_TRUE(cfg) << cfg.error().message;
  return {identity, "/r/" + identity, std::make_shared<const tako::config::Config>(std::move(*cfg))};
}

const char* kApp = R"(version: "1"
workflows:
  zeta:
    steps: [echo z]
  build:
    description: Build it
    inputs:
      version: {type: string, required: true}
      count: {type: number, default: 3}
      dry: {type: boolean, default: false}
    steps: [echo b]
subscriptions:
  - artifact: o/lib:lib
    events: [{type: lib_built, schema_version: ^1.0.0}, lib_tagged]
    filters: ["event.payload.ok", "true"]
    workflow: build
    inputs: {version: "{{ .event.payload.v }}"}
  - artifact: a/early:*
    events: [x]
    schema_version: ~2.0.0
    workflow: build
    inputs: {version: "1"}
)";

}  // namespace

TEST(WorkflowList, JsonSortedWithInputsAndTriggers) {
  auto j = list_json({repo("o/app", kApp), repo("A/first", "version: \"1\"\n")});
  ASSERT_EQ(j["repositories"].size(), 2u);
  EXPECT_EQ(j["repositories"][0]["name"], "A/first");
  EXPECT_EQ(j["repositories"][0]["workflows"], nlohmann::json::array());
  const auto& app = j["repositories"][1];
  EXPECT_EQ(app["path"], "/r/o/app");
  ASSERT_EQ(app["workflows"].size(), 2u);
  EXPECT_EQ(app["workflows"][0]["name"], "build");
  EXPECT_EQ(app["workflows"][1]["name"], "zeta");
  const auto& b = app["workflows"][0];
  EXPECT_EQ(b["description"], "Build it");
  EXPECT_EQ(b["inputs"], nlohmann::json::parse(R"([
    {"name":"count","type":"number","required":false,"default":3,"description":""},
    {"name":"dry","type":"boolean","required":false,"default":false,"description":""},
    {"name":"version","type":"string","required":true,"default":null,"description":""}])"));
  ASSERT_EQ(b["triggers"].size(), 2u);
  EXPECT_EQ(b["triggers"][0], nlohmann::json::parse(R"({"source":"a/early","artifact":"*",
    "events":[{"type":"x","schema_version":"~2.0.0"}],"filters":[]})"));
  EXPECT_EQ(b["triggers"][1], nlohmann::json::parse(R"({"source":"o/lib","artifact":"lib",
    "events":[{"type":"lib_built","schema_version":"^1.0.0"},{"type":"lib_tagged","schema_version":null}],
    "filters":["event.payload.ok","true"]})"));
  EXPECT_EQ(app["workflows"][1]["triggers"], nlohmann::json::array());
}

TEST(WorkflowList, Text) {
  std::string text = list_text({repo("o/app", kApp), repo("A/first", "version: \"1\"\n")});
  EXPECT_EQ(text,
            "o/app  (/r/o/app)\n"
            "  build  Build it\n"
            "    input count: number, default 3\n"
            "    input dry: boolean, default false\n"
            "    input version: string, required\n"
            "    on x@~2.0.0 from a/early:*\n"
            "    on lib_built@^1.0.0, lib_tagged from o/lib:lib if (event.payload.ok) && (true)\n"
            "  zeta\n");
  EXPECT_EQ(list_text({repo("A/first", "version: \"1\"\n")}), "No workflows found.\n");
  EXPECT_EQ(list_text({}), "No workflows found.\n");
}
