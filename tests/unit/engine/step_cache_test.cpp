#include "tako/engine/step_cache.h"

#include <gtest/gtest.h>

#include <regex>

#include "tako/util/fs.h"

using namespace tako;
using engine::CacheKeyInput;
using engine::compute_cache_key;

namespace {

struct Fixture {
  util::TempDir dir{"tako-cache"};
  CacheKeyInput in;
  Fixture() {
    EXPECT_TRUE(util::make_dirs(dir.path() + "/src/a").ok());
    write("src/a/x.txt", "one");
    write("src/b.txt", "two");
    write("README.md", "readme");
    in.repository = "o/app";
    in.workflow = "w";
    in.step_id = "build";
    in.run = "make";
    in.env = {{"A", "1"}};
    in.checkout = dir.path();
    in.globs = {"src/**/*.txt"};
  }
  void write(const std::string& rel, const std::string& text) {
    EXPECT_TRUE(util::write_file_atomic(dir.path() + "/" + rel, text).ok());
  }
};

}  // namespace

TEST(StepCacheKey, StableHexAndSensitiveToEveryField) {
  Fixture f;
  const std::string base = compute_cache_key(f.in);
  EXPECT_TRUE(std::regex_match(base, std::regex("[0-9a-f]{64}"))) << base;
  EXPECT_EQ(compute_cache_key(f.in), base);

  auto differs = [&](auto mutate) {
    CacheKeyInput copy = f.in;
    mutate(copy);
    return compute_cache_key(copy) != base;
  };
  EXPECT_TRUE(differs([](CacheKeyInput& c) { c.repository = "o/other"; }));
  EXPECT_TRUE(differs([](CacheKeyInput& c) { c.workflow = "w2"; }));
  EXPECT_TRUE(differs([](CacheKeyInput& c) { c.step_id = "b2"; }));
  EXPECT_TRUE(differs([](CacheKeyInput& c) { c.run = "make all"; }));
  EXPECT_TRUE(differs([](CacheKeyInput& c) { c.image = "alpine"; }));
  EXPECT_TRUE(differs([](CacheKeyInput& c) { c.env = {{"A", "2"}}; }));
  EXPECT_TRUE(differs([](CacheKeyInput& c) { c.env = {{"B", "1"}}; }));
  EXPECT_TRUE(differs([](CacheKeyInput& c) { c.globs = {"src/*.txt"}; }));  // fewer files match
  // Env order does not matter (canonical JSON).
  CacheKeyInput two = f.in;
  two.env = {{"A", "1"}, {"B", "2"}};
  CacheKeyInput rev = f.in;
  rev.env = {{"B", "2"}, {"A", "1"}};
  EXPECT_EQ(compute_cache_key(two), compute_cache_key(rev));
}

TEST(StepCacheKey, FileContentAndSetMatter) {
  Fixture f;
  const std::string base = compute_cache_key(f.in);
  f.write("README.md", "changed");  // not matched
  EXPECT_EQ(compute_cache_key(f.in), base);
  f.write("src/a/x.txt", "changed");
  const std::string changed = compute_cache_key(f.in);
  EXPECT_NE(changed, base);
  f.write("src/a/x.txt", "one");
  EXPECT_EQ(compute_cache_key(f.in), base);
  f.write("src/a/new.txt", "");
  EXPECT_NE(compute_cache_key(f.in), base);
}

TEST(StepCacheKey, StoreAndLookup) {
  Fixture f;
  const std::string cache = f.dir.path() + "/cache";
  EXPECT_FALSE(engine::cache_lookup(cache, "abc").has_value());
  engine::cache_store(cache, "abc", {{"v", "1"}, {"w", "two\nlines"}});
  auto hit = engine::cache_lookup(cache, "abc");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(*hit, (std::map<std::string, std::string>{{"v", "1"}, {"w", "two\nlines"}}));
  auto text = util::read_file(cache + "/steps/abc.json");
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("\"created\""), std::string::npos);
  // A corrupt entry is a miss, not an error.
  ASSERT_TRUE(util::write_file_atomic(cache + "/steps/bad.json", "{oops").ok());
  EXPECT_FALSE(engine::cache_lookup(cache, "bad").has_value());
}
