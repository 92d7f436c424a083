#include "tako/report/html_report.h"

#include <gtest/gtest.h>

#include <regex>

#include "helpers.h"
#include "tako/report/html_escape.h"

namespace tako::report {
namespace {

using namespace tako::report::testing;

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

const char* const kHostile = "</script><script>alert(1)</script><!-- \"'&";

state::StateDocument hostile_tree() {
  auto doc = fan_out_tree();
  doc.root.steps.back().fan_out->event.payload = {{"note", kHostile}, {kHostile, 1}};
  doc.root.children.front().repository = "o/<b>bold</b>";
  doc.root.children.back().error = std::string("<img src=x onerror=alert(2)>");
  doc.root.children.back().steps.front().id = "t\"><svg onload=alert(3)>";
  return doc;
}

TEST(Html, EscapeHtml) {
  EXPECT_EQ(escape_html("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(escape_html("plain é"), "plain é");
}

TEST(Html, ScriptSafeJson) {
  nlohmann::json j = {{"k", "</script><!--&\xE2\x80\xA8"}};
  std::string s = script_safe_json(j);
  EXPECT_EQ(s, "{\"k\":\"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\"}");
  EXPECT_EQ(nlohmann::json::parse(s), j);  // the same value once parsed
}

TEST(Html, SelfContained) {
  std::string page = render_html(build_timeline(fan_out_tree(), fan_out_history(), at_ms(500)));
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  // Every href is an anchor in the page.
  std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), href); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[1].str().front(), '#') << (*it)[1];
  }
}

TEST(Html, OneBarPerRunStepAndWait) {
  std::string page = render_html(build_timeline(fan_out_tree(), fan_out_history(), at_ms(500)));
  EXPECT_EQ(count(page, "class=\"bar run "), 4u);
  EXPECT_EQ(count(page, "class=\"bar step "), 6u);
  EXPECT_EQ(count(page, "class=\"bar wait wait-queue\""), 3u);
  EXPECT_EQ(count(page, "class=\"bar wait wait-lock\""), 1u);
  // The lock wait of b is shaded from 40% to 45% of the 100 ms tree.
  EXPECT_NE(page.find("data-run=\"b\" style=\"left:40.0000%;width:5.0000%\" title=\"waiting for lock on o/b: 5ms\""),
            std::string::npos);
}

TEST(Html, TreeStatusesErrorsAndEvent) {
  std::string page = render_html(build_timeline(fan_out_tree(), fan_out_history(), at_ms(500)));
  for (const char* repo : {"o/root", "o/a", "o/b", "o/c"}) EXPECT_NE(page.find(repo), std::string::npos) << repo;
  EXPECT_NE(page.find("<span class=\"status s-failed\">failed</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"status s-skipped\">skipped</span>"), std::string::npos);
  EXPECT_NE(page.find("<div class=\"err\">step &#39;test&#39; failed: exit status 2</div>"), std::string::npos);
  EXPECT_NE(page.find("exit 2"), std::string::npos);
  EXPECT_NE(page.find("<dd class=\"mono event-type\">ping</dd>"), std::string::npos);
  EXPECT_NE(page.find("&quot;version&quot;: &quot;1.2.3&quot;"), std::string::npos);
  EXPECT_NE(page.find("waited 5ms for lock on o/b"), std::string::npos);
  // Children sit under the fan-out step that triggered them.
  EXPECT_LT(page.find("<li data-step=\"fan\">"), page.find("<li id=\"run-a\""));
}

TEST(Html, HostileDataStaysData) {
  std::string page = render_html(build_timeline(hostile_tree(), fan_out_history(), at_ms(500)));
  EXPECT_EQ(page.find("</script><script>alert(1)"), std::string::npos);
  EXPECT_EQ(page.find("<b>bold</b>"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<svg"), std::string::npos);
  EXPECT_EQ(page.find("<!--"), std::string::npos);
  // Exactly the page's own two scripts, each closed once.
  EXPECT_EQ(count(page, "<script"), 2u);
  EXPECT_EQ(count(page, "</script>"), 2u);
  EXPECT_NE(page.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // The data block holds the payload, recoverable as JSON.
  const std::string open = "<script type=\"application/json\" id=\"tako-timeline\">";
  const size_t from = page.find(open) + open.size();
  const std::string data = page.substr(from, page.find("</script>", from) - from);
  auto j = nlohmann::json::parse(data);
  EXPECT_EQ(j["fan_outs"][0]["payload"]["note"], kHostile);
}

}  // namespace
}  // namespace tako::report
