#include "tako/state/store.h"

#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>

#include <gtest/gtest.h>

#include "sample.h"
#include "tako/state/ids.h"
#include "tako/util/fs.h"

using namespace tako::state;
using namespace tako::state::testing;
using nlohmann::json;

namespace {

std::string openssl_hex(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  std::string out;
  char buf[3];
  for (unsigned char c : md) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    out += buf;
  }
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void spit(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

bool exists(const std::string& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

struct Warnings {
  std::vector<std::string> lines;
  WarningSink sink() {
    return [this](const std::string& m) { lines.push_back(m); };
  }
};

const std::string kId = "exec-20250715-120000-1a2b3c4d";

// Writes `doc` through the protocol; returns the file path.
std::string write_doc(const std::string& dir, const StateDocument& doc) {
  auto st = write_state_file(dir, doc.root.run_id, serialize_with_checksum(to_json(doc)));
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
  return state_path(dir, doc.root.run_id);
}

}  // namespace

TEST(StateChecksum, MatchesIndependentSha256OfCompactSortedJson) {
  json j = json::parse(R"({"z":"é","a":[1,2,{"y":null,"b":true}],"m":{"k":-5,"c":"x y"}})");
  const std::string compact = R"({"a":[1,2,{"b":true,"y":null}],"m":{"c":"x y","k":-5},"z":"é"})";
  EXPECT_EQ(compute_checksum(j), "sha256:" + openssl_hex(compact));
  // A "checksum" member is not part of the hashed text.
  json with = j;
  with["checksum"] = "sha256:whatever";
  EXPECT_EQ(compute_checksum(with), compute_checksum(j));
}

TEST(StateChecksum, FileChecksumVerifiesIndependently) {
  tako::util::TempDir tmp("tako-state");
  std::string path = write_doc(tmp.path(), appendix_b());
  json file = json::parse(slurp(path));
  std::string recorded = file["checksum"];
  file.erase("checksum");
  EXPECT_EQ(recorded, "sha256:" + openssl_hex(file.dump()));
  EXPECT_EQ(recorded.size(), 7u + 64u);
}

TEST(StateFileFormat, TwoSpaceIndentSortedKeysMode0600) {
  tako::util::TempDir tmp("tako-state");
  std::string dir = tmp.path() + "/state";
  std::string path = write_doc(dir, appendix_b());
  std::string text = slurp(path);
  EXPECT_EQ(text.substr(0, 4), "{\n  ");
  EXPECT_EQ(text.back(), '\n');
  // sorted keys at the top level: checksum, format_version, hostname, pid, root, tako_version, updated_at
  size_t c = text.find("\n  \"checksum\""), f = text.find("\n  \"format_version\""), u = text.find("\n  \"updated_at\"");
  EXPECT_LT(c, f);
  EXPECT_LT(f, u);
  EXPECT_EQ(text, json::parse(text).dump(2) + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(StateAtomicWrite, RotatesBackupAndLeavesNoTemporary) {
  tako::util::TempDir tmp("tako-state");
  StateDocument v1 = appendix_b();
  StateDocument v2 = v1;
  v2.root.error = "second version";
  std::string path = write_doc(tmp.path(), v1);
  EXPECT_FALSE(exists(path + ".bak"));
  write_doc(tmp.path(), v2);
  auto cur = read_state_file(path);
  auto bak = read_state_file(path + ".bak");
  ASSERT_TRUE(cur.ok());
  ASSERT_TRUE(bak.ok());
  EXPECT_EQ(cur->doc, v2);
  EXPECT_EQ(bak->doc, v1);
  EXPECT_FALSE(exists(path + ".tmp." + std::to_string(::getpid())));
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(tmp.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 2);
}

TEST(StateAtomicWrite, CrashAfterBackupRenameLeavesLoadableState) {
  tako::util::TempDir tmp("tako-state");
  StateDocument v1 = appendix_b();
  StateDocument v2 = v1;
  v2.root.error = "v2";
  std::string path = write_doc(tmp.path(), v1);
  write_doc(tmp.path(), v2);
  // Crash between steps (2) and (3) of the next write: current renamed to .bak,
  // a half-written temporary left behind, no <id>.json.
  ASSERT_EQ(std::rename(path.c_str(), (path + ".bak").c_str()), 0);
  std::string tmpfile = path + ".tmp.999999";
  spit(tmpfile, serialize_with_checksum(to_json(v1)).substr(0, 100));
  Warnings w;
  auto loaded = load_state(tmp.path(), kId, w.sink());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->doc, v2);
  EXPECT_TRUE(loaded->from_backup);
  ASSERT_EQ(w.lines.size(), 1u);
  EXPECT_EQ(w.lines[0], "state file " + path + " is corrupt (open " + path +
                            ": no such file or directory); using backup " + path + ".bak");
}

TEST(StateAtomicWrite, CrashAfterTemporaryWriteKeepsCurrent) {
  tako::util::TempDir tmp("tako-state");
  StateDocument v1 = appendix_b();
  std::string path = write_doc(tmp.path(), v1);
  spit(path + ".tmp.12345", "{\"partial\": ");
  Warnings w;
  auto loaded = load_state(tmp.path(), kId, w.sink());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->doc, v1);
  EXPECT_FALSE(loaded->from_backup);
  EXPECT_TRUE(w.lines.empty());
  // The next write replaces our own temporary name and cleans up normally.
  write_doc(tmp.path(), v1);
  EXPECT_TRUE(exists(path + ".bak"));
}

TEST(StateLoad, CorruptFallbackReasons) {
  tako::util::TempDir tmp("tako-state");
  StateDocument v1 = appendix_b();
  StateDocument v2 = v1;
  v2.root.workflow = "release2";
  std::string path = write_doc(tmp.path(), v1);
  write_doc(tmp.path(), v2);
  std::string good = slurp(path);

  struct Case {
    std::string content;
    std::string reason;
  };
  std::string tampered = good;
  tampered.replace(tampered.find("release2"), 8, "release3");
  json no_sum = json::parse(good);
  no_sum.erase("checksum");
  json bad_schema = json::parse(good);
  bad_schema.erase("checksum");
  bad_schema["root"]["status"] = "exploded";
  std::string bad_schema_text = serialize_with_checksum(bad_schema);
  // Intact, signed documents that do not hold this run or do not form a tree.
  const std::string other_id = "exec-20250101-000000-0000000f";
  auto resigned = [&](const std::function<void(json&)>& edit) {
    json j = json::parse(good);
    j.erase("checksum");
    edit(j);
    return serialize_with_checksum(j);
  };
  std::string other_run = resigned([&](json& j) { j["root"]["run_id"] = other_id; });
  std::string root_parent = resigned([&](json& j) { j["root"]["parent_run_id"] = other_id; });
  std::string dup_child = resigned([&](json& j) { j["root"]["children"][0]["run_id"] = kId; });
  std::string wrong_parent = resigned([&](json& j) { j["root"]["children"][0]["parent_run_id"] = other_id; });
  // A fan-out naming its own run as a child: a resume waited for itself forever.
  std::string fan_out_self = resigned([&](json& j) {
    for (auto& st : j["root"]["steps"]) {
      if (st["fan_out"].is_object()) st["fan_out"]["children"][0] = kId;
    }
  });
  std::vector<Case> cases = {
      {"", "invalid JSON: parse error at line 1, column 1: syntax error while parsing value - unexpected end of "
           "input; expected '[', '{', or a literal"},
      {good.substr(0, good.size() / 2), ""},  // some parse error
      {tampered, "checksum mismatch"},
      {no_sum.dump(2), "missing checksum"},
      {"[1,2,3]", "not a JSON object"},
      {"{\"checksum\": 5}", "checksum is not a string"},
      {bad_schema_text,
       "invalid document: root.status: expected one of pending, running, completed, failed, timed_out, cancelled, "
       "got \"exploded\""},
      {std::string(100000, '[') + std::string(100000, ']'), "JSON nested deeper than 512 levels"},
      {other_run, "invalid document: root.run_id: holds run " + other_id + ", not " + kId},
      {root_parent, "invalid document: root.parent_run_id: expected null"},
      {dup_child, "invalid document: root.children[0].run_id: duplicate run id " + kId},
      {wrong_parent, "invalid document: root.children[0].parent_run_id: expected " + kId},
      {fan_out_self, "invalid document: root.steps[1].fan_out.children: " + kId + " is not a child run of " + kId},
      {"\xff\xfe{}", ""},
  };
  for (const auto& c : cases) {
    spit(path, c.content);
    Warnings w;
    auto loaded = load_state(tmp.path(), kId, w.sink());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->doc, v1);
    EXPECT_EQ(loaded->path, path + ".bak");
    ASSERT_EQ(w.lines.size(), 1u);
    std::string prefix = "state file " + path + " is corrupt (";
    std::string suffix = "); using backup " + path + ".bak";
    EXPECT_EQ(w.lines[0].substr(0, prefix.size()), prefix);
    EXPECT_TRUE(w.lines[0].ends_with(suffix)) << w.lines[0];
    if (!c.reason.empty()) {
      EXPECT_EQ(w.lines[0], prefix + c.reason + suffix);
    }
  }
}

TEST(StateLoad, NoValidBackupAndNotFound) {
  tako::util::TempDir tmp("tako-state");
  Warnings w;
  auto missing = load_state(tmp.path(), kId, w.sink());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "run '" + kId + "' not found");
  auto missing_dir = load_state(tmp.path() + "/nope", kId, w.sink());
  EXPECT_EQ(missing_dir.error().message, "run '" + kId + "' not found");
  // Not a run id (never becomes a path).
  auto traversal = load_state(tmp.path(), "../../etc/passwd", w.sink());
  EXPECT_EQ(traversal.error().message, "run '../../etc/passwd' not found");

  std::string path = state_path(tmp.path(), kId);
  spit(path, "garbage");
  auto corrupt = load_state(tmp.path(), kId, w.sink());
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.error().message, "state for run " + kId + " is corrupt and no valid backup exists");
  spit(path + ".bak", "garbage too");
  corrupt = load_state(tmp.path(), kId, w.sink());
  EXPECT_EQ(corrupt.error().message, "state for run " + kId + " is corrupt and no valid backup exists");
  std::remove(path.c_str());
  corrupt = load_state(tmp.path(), kId, w.sink());
  EXPECT_EQ(corrupt.error().message, "state for run " + kId + " is corrupt and no valid backup exists");
  EXPECT_TRUE(w.lines.empty());
  // A FIFO in place of the file must not block.
  std::remove(path.c_str());
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  corrupt = load_state(tmp.path(), kId, w.sink());
  EXPECT_EQ(corrupt.error().message, "state for run " + kId + " is corrupt and no valid backup exists");
  std::remove(path.c_str());
  // A directory in place of the file.
  std::remove((path + ".bak").c_str());
  std::filesystem::create_directory(path);
  corrupt = load_state(tmp.path(), kId, w.sink());
  EXPECT_EQ(corrupt.error().message, "state for run " + kId + " is corrupt and no valid backup exists");
}

TEST(StateLoad, ListsIdsFromCurrentAndBackupFiles) {
  tako::util::TempDir tmp("tako-state");
  EXPECT_TRUE(list_state_ids(tmp.path() + "/missing").empty());
  spit(tmp.path() + "/exec-20250101-000000-aaaaaaaa.json", "{}");
  spit(tmp.path() + "/exec-20250101-000000-bbbbbbbb.json.bak", "{}");
  spit(tmp.path() + "/exec-20250101-000000-aaaaaaaa.json.bak", "{}");
  spit(tmp.path() + "/exec-20250101-000000-cccccccc.json.tmp.77", "{}");
  spit(tmp.path() + "/notes.json", "{}");
  spit(tmp.path() + "/exec-20250101-000000-AAAAAAAA.json", "{}");
  EXPECT_EQ(list_state_ids(tmp.path()),
            (std::vector<std::string>{"exec-20250101-000000-aaaaaaaa", "exec-20250101-000000-bbbbbbbb"}));
}

TEST(StateSize, WarnsOnceOver10MiB) {
  tako::util::TempDir tmp("tako-state");
  StateDocument d = appendix_b();
  d.root.inputs["blob"] = std::string(11u * 1024 * 1024, 'x');
  Warnings w;
  {
    StateStore store({tmp.path(), std::chrono::milliseconds(50), w.sink()}, d);
    ASSERT_TRUE(store.write_now().ok());
    ASSERT_TRUE(store.write_now().ok());
  }
  std::string path = state_path(tmp.path(), kId);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  char mb[32];
  std::snprintf(mb, sizeof mb, "%.1f", double(st.st_size) / (1024.0 * 1024.0));
  ASSERT_EQ(w.lines.size(), 1u);
  EXPECT_EQ(w.lines[0], "state file " + path + " is " + mb + " MB (limit 100 MB)");
  EXPECT_EQ(std::string(mb), "11.0");
}

TEST(StateSize, FailsOver100MiBAndKeepsPreviousFile) {
  tako::util::TempDir tmp("tako-state");
  StateDocument d = appendix_b();
  Warnings w;
  StateStore store({tmp.path(), std::chrono::milliseconds(50), w.sink()}, d);
  ASSERT_TRUE(store.write_now().ok());
  store.update([](StateDocument& doc) { doc.root.inputs["blob"] = std::string(101u * 1024 * 1024, 'y'); });
  auto st = store.write_now();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "state file for run " + kId + " exceeds 100 MB");
  EXPECT_FALSE(store.first_error().ok());
  EXPECT_EQ(store.flush().error().message, "state file for run " + kId + " exceeds 100 MB");
  auto loaded = read_state_file(state_path(tmp.path(), kId));
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->doc.root.inputs.contains("blob"));
  EXPECT_FALSE(exists(state_path(tmp.path(), kId) + ".tmp." + std::to_string(::getpid())));
  store.update([](StateDocument& doc) { doc.root.inputs.erase("blob"); });
}

TEST(StateSize, OversizedFileIsCorruptOnLoad) {
  tako::util::TempDir tmp("tako-state");
  std::string path = state_path(tmp.path(), kId);
  {
    std::ofstream out(path, std::ios::binary);
    out.seekp(static_cast<std::streamoff>(kMaxBytes) + 10);
    out.put('x');
  }
  auto r = read_state_file(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "file is larger than 100 MB");
}

TEST(StateSerialize, FastPathMatchesNlohmannBytes) {
  std::vector<StateDocument> docs;
  docs.push_back(appendix_b());
  StateDocument odd = appendix_b();
  odd.root.error = std::string("quote \" backslash \\ ctl \x01\x1f\b\f\n\r\t del \x7f é 😀 / end");
  odd.root.inputs = {{"f", 1.5}, {"neg", -0.0}, {"big", 18446744073709551615ull}, {"i", -42}, {"e", 1e300},
                     {"tiny", 5e-324}, {"arr", json::array()}, {"obj", json::object()}, {"nul", nullptr},
                     {"key \"q\"\n", {{"nested", {1, {{"x", "y"}}, json::array({json::array()})}}}}};
  odd.root.cli_inputs = {{"we\"ird\tkey", "v\\"}};
  odd.root.steps.front().outputs = {{"bad utf8 \xff", "also \xc3\x28 bad \xe2\x82 end \xed\xa0\x80 \xf4\x90\x80\x80"}};
  odd.root.children.front().event->payload = {{"x", "truncated \xe2\x82"}};
  odd.updated_at = at("2025-07-15T12:00:00.000000001Z");
  docs.push_back(odd);
  StateDocument empty;
  docs.push_back(empty);
  for (const auto& d : docs) {
    SerializedState fast = serialize_document_parts(d);
    std::string slow = serialize_with_checksum(to_json(d));
    EXPECT_EQ(fast.content, slow);
    EXPECT_EQ(fast.compact, to_json(d).dump(-1, ' ', false, json::error_handler_t::replace));
    EXPECT_EQ(fast.checksum, compute_checksum(to_json(d)));
    // And the result loads back.
    auto parsed = parse_state_text(fast.content);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  }
}

TEST(StateAtomicWrite, RecyclesTheOldBackupAsTheNextTemporary) {
  tako::util::TempDir tmp("tako-state");
  StateDocument v1 = appendix_b();
  StateDocument v2 = v1, v3 = v1;
  v2.root.error = "second version, a little longer than the first";
  v3.root.error = "v3";  // shorter: the recycled file must be cut to the new length
  std::string path = write_doc(tmp.path(), v1);
  write_doc(tmp.path(), v2);
  struct stat bak_before {};
  ASSERT_EQ(::stat((path + ".bak").c_str(), &bak_before), 0);
  write_doc(tmp.path(), v3);
  struct stat cur {};
  ASSERT_EQ(::stat(path.c_str(), &cur), 0);
  EXPECT_EQ(cur.st_ino, bak_before.st_ino);  // the v1 inode now holds v3
  EXPECT_EQ(cur.st_mode & 0777, 0600u);
  EXPECT_EQ(slurp(path), serialize_with_checksum(to_json(v3)));
  auto bak = read_state_file(path + ".bak");
  ASSERT_TRUE(bak.ok());
  EXPECT_EQ(bak->doc, v2);
  EXPECT_FALSE(exists(path + ".tmp." + std::to_string(::getpid())));
}

// The recycled file is rewritten page by page where it differs; whatever it held (an older
// version, a same-size edit behind tako's back, a longer or shorter text), the result is the
// new content exactly, and the backup is the previous one.
TEST(StateAtomicWrite, RecycledFileHoldsExactlyTheNewContent) {
  tako::util::TempDir tmp("tako-state");
  const std::string id = "exec-20240101-000000-00000000";
  const std::string path = state_path(tmp.path(), id);
  std::string text(20000, 'a');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  std::string previous;
  unsigned seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u; };
  for (int round = 0; round < 40; ++round) {
    switch (round % 5) {
      case 0: text[next() % text.size()] ^= 1; break;                          // one byte in one page
      case 1: text.append(1000 + next() % 6000, char('A' + round % 26)); break;  // grows past pages
      case 2: text.resize(text.size() - next() % 3000); break;                  // shrinks
      case 3: text[0] = char('0' + round % 10); text.back() = '!'; break;      // first and last page
      case 4: text.insert(next() % text.size(), "shifted"); break;              // every later page moves
    }
    if (round == 20) {
      // Someone rewrote the backup in place with other bytes of the same length: the next
      // write recycles it and must not trust any of its pages.
      std::string bak = slurp(path + ".bak");
      std::string other(bak.size(), 'z');
      spit(path + ".bak", other);
    }
    ASSERT_TRUE(write_state_file(tmp.path(), id, text).ok()) << round;
    ASSERT_EQ(slurp(path), text) << "round " << round;
    if (!previous.empty()) {
      ASSERT_EQ(slurp(path + ".bak"), previous) << "round " << round;
    }
    previous = text;
  }
}

TEST(StateAtomicWrite, NeverWritesThroughAHardLinkedOrSymlinkedBackup) {
  tako::util::TempDir tmp("tako-state");
  StateDocument v1 = appendix_b();
  std::string path = write_doc(tmp.path(), v1);
  write_doc(tmp.path(), v1);
  const std::string outside = tmp.path() + "/outside";
  spit(outside, "precious");
  ::unlink((path + ".bak").c_str());
  ASSERT_EQ(::link(outside.c_str(), (path + ".bak").c_str()), 0);
  write_doc(tmp.path(), v1);
  EXPECT_EQ(slurp(outside), "precious");
  ::unlink((path + ".bak").c_str());
  ASSERT_EQ(::symlink(outside.c_str(), (path + ".bak").c_str()), 0);
  write_doc(tmp.path(), v1);
  EXPECT_EQ(slurp(outside), "precious");
  auto cur = read_state_file(path);
  ASSERT_TRUE(cur.ok());
  EXPECT_EQ(cur->doc, v1);
}

// A serialisation through `cache` gives the bytes and checksum of an uncached one.
static void expect_cached_equals_full(const StateDocument& d, FragmentCache& cache, const char* when) {
  SerializedState cached, plain;
  serialize_document_into(d, cached, &cache);
  serialize_document_into(d, plain, nullptr);
  EXPECT_EQ(cached.content, plain.content) << when;
  EXPECT_EQ(cached.checksum, plain.checksum) << when;
}

TEST(StateSerialize, FragmentCacheGivesTheSameBytesAsAFullSerialisation) {
  StateDocument d = appendix_b();
  FragmentCache cache;
  auto same = [&](const char* when) { expect_cached_equals_full(d, cache, when); };
  same("first write fills the cache");
  same("unchanged children are reused");
  RunNode& child = d.root.children.front();
  child.status = RunStatus::Failed;
  child.error = "changed after it was cached";
  same("a changed child is serialised again");
  child.children.push_back(run(new_run_id(), "o/grandchild", "w", RunStatus::Pending));
  same("a new grandchild");
  child.children.back().status = RunStatus::Completed;
  same("a changed grandchild changes its parent's text");
  child.status = RunStatus::Completed;  // the executor's last change, then it freezes the run
  cache.freeze(child.run_id);
  same("frozen: made once more with the final content");
  EXPECT_TRUE(cache.newly_frozen.empty());
  EXPECT_TRUE(cache.fragments.at(&child).frozen);
  same("frozen: reused without comparing");
  cache.thaw_all();
  EXPECT_TRUE(cache.fragments.empty());
  child.error = "changed after thaw";
  same("after thaw_all nothing is reused blindly");
}

// Fragments are keyed by node address: a node freed and another run allocated in its place
// (the allocator hands the same block back) must not get the old run's text.
TEST(StateSerialize, FragmentOfARemovedRunIsNotReusedForANewRunAtItsAddress) {
  StateDocument d = appendix_b();
  FragmentCache cache;
  auto same = [&](const char* when) { expect_cached_equals_full(d, cache, when); };
  for (int round = 0; round < 4; ++round) {
    same("filled");
    const std::string old_id = d.root.children.front().run_id;
    if (round % 2 == 1) cache.freeze(old_id);
    same("maybe frozen");
    RunNode replacement = run(new_run_id(), "o/replacement-" + std::to_string(round), "w", RunStatus::Pending);
    d.root.children.pop_front();
    d.root.children.push_front(replacement);
    same("a new run where the old one was");
  }
}

TEST(StateSerialize, StepFragmentsFollowEveryChangeOfAStep) {
  StateDocument d = appendix_b();
  for (int i = 0; i < 5; ++i) {
    StepNode s;
    s.id = "s" + std::to_string(i);
    s.status = StepStatus::Completed;
    s.log = "logs/" + s.id + ".log";
    d.root.steps.push_back(s);
  }
  FragmentCache cache;
  auto same = [&](const char* when) { expect_cached_equals_full(d, cache, when); };
  same("first write fills the cache");
  EXPECT_GE(cache.steps.size(), 5u);
  same("unchanged steps are reused");
  d.root.steps.back().outputs["version"] = "1.2.3";
  same("a new output");
  d.root.steps.back().status = StepStatus::Failed;
  d.root.steps.back().error = "exit status 1";
  same("a new status and error");
  d.root.steps.splice(d.root.steps.begin(), d.root.steps, std::prev(d.root.steps.end()));
  same("a step moved to another place");
  d.root.steps.pop_front();
  StepNode fresh;
  fresh.id = "fresh";
  d.root.steps.push_back(fresh);  // may reuse the freed node's address
  same("a removed step and a new one");
  RunNode moved = d.root;  // the same steps one level deeper: other indentation
  moved.run_id = new_run_id();
  d.root.children.push_back(moved);
  same("the same steps at another depth");
}

TEST(StateSerialize, StepFragmentsOfRemovedStepsAreDropped) {
  StateDocument d = appendix_b();
  FragmentCache cache;
  SerializedState out;
  for (int round = 0; round < 20; ++round) {
    d.root.steps.clear();
    for (int i = 0; i < 50; ++i) {
      StepNode s;
      s.id = "r" + std::to_string(round) + "s" + std::to_string(i);
      d.root.steps.push_back(s);
    }
    serialize_document_into(d, out, &cache);
  }
  // 1,000 steps were written in all; only about the live ones stay cached.
  EXPECT_LE(cache.steps.size(), 3 * 50u + 64u + 64u);
}

TEST(StateSerialize, FragmentsDependOnDepth) {
  // The same run serialised at another depth (another indentation) is not reused.
  StateDocument d = appendix_b();
  FragmentCache cache;
  SerializedState out;
  serialize_document_into(d, out, &cache);
  RunNode moved = d.root.children.front();
  d.root.children.front().children.push_back(moved);  // same run id one level deeper
  d.root.children.pop_back();
  SerializedState cached, plain;
  serialize_document_into(d, cached, &cache);
  serialize_document_into(d, plain, nullptr);
  EXPECT_EQ(cached.content, plain.content);
}
