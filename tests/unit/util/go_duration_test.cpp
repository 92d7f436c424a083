#include "tako/util/go_duration.h"

#include <gtest/gtest.h>

using tako::util::format_go_duration;
using tako::util::format_rounded_duration;
using tako::util::Nanos;
using tako::util::parse_go_duration;

namespace {

int64_t parse_ok(const char* s) {
  auto r = parse_go_duration(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r->count() : -1;
}

std::string parse_err(const char* s) {
  auto r = parse_go_duration(s);
  EXPECT_FALSE(r.ok()) << s;
  return r.ok() ? "" : r.error().message;
}

}  // namespace

TEST(GoDuration, ParsesUnitsAndFractions) {
  EXPECT_EQ(parse_ok("0"), 0);
  EXPECT_EQ(parse_ok("1ns"), 1);
  EXPECT_EQ(parse_ok("1us"), 1000);
  EXPECT_EQ(parse_ok("1\xC2\xB5s"), 1000);
  EXPECT_EQ(parse_ok("1\xCE\xBCs"), 1000);
  EXPECT_EQ(parse_ok("1.5s"), 1500000000);
  EXPECT_EQ(parse_ok("1h30m"), (90LL * 60) * 1000000000LL);
  EXPECT_EQ(parse_ok("10m"), 600LL * 1000000000LL);
  EXPECT_EQ(parse_ok("-2m"), -120LL * 1000000000LL);
  EXPECT_EQ(parse_ok("+5ms"), 5000000);
  EXPECT_EQ(parse_ok(".5s"), 500000000);
  EXPECT_EQ(parse_ok("1.s"), 1000000000);
  EXPECT_EQ(parse_ok("720h"), 720LL * 3600 * 1000000000LL);
}

TEST(GoDuration, ErrorsUseGoTexts) {
  EXPECT_EQ(parse_err(""), "time: invalid duration \"\"");
  EXPECT_EQ(parse_err("abc"), "time: invalid duration \"abc\"");
  EXPECT_EQ(parse_err("."), "time: invalid duration \".\"");
  EXPECT_EQ(parse_err("5"), "time: missing unit in duration \"5\"");
  EXPECT_EQ(parse_err("5 minutes"), "time: unknown unit \" minutes\" in duration \"5 minutes\"");
  EXPECT_EQ(parse_err("1d"), "time: unknown unit \"d\" in duration \"1d\"");
  EXPECT_EQ(parse_err("9999999999999h"), "time: invalid duration \"9999999999999h\"");
}

TEST(GoDuration, FormatsLikeGo) {
  EXPECT_EQ(format_go_duration(Nanos(0)), "0s");
  EXPECT_EQ(format_go_duration(Nanos(999)), "999ns");
  EXPECT_EQ(format_go_duration(Nanos(408037)), "408.037\xC2\xB5s");
  EXPECT_EQ(format_go_duration(Nanos(13244772)), "13.244772ms");
  EXPECT_EQ(format_go_duration(Nanos(2254700)), "2.2547ms");
  EXPECT_EQ(format_go_duration(Nanos(3004000000)), "3.004s");
  EXPECT_EQ(format_go_duration(Nanos(90LL * 1000000000)), "1m30s");
  EXPECT_EQ(format_go_duration(Nanos(7200LL * 1000000000)), "2h0m0s");
  EXPECT_EQ(format_go_duration(Nanos(9000LL * 1000000000)), "2h30m0s");
  EXPECT_EQ(format_go_duration(Nanos(-1500000000)), "-1.5s");
  EXPECT_EQ(format_go_duration(Nanos(1000)), "1\xC2\xB5s");
  EXPECT_EQ(format_go_duration(Nanos(1000000)), "1ms");
}

TEST(GoDuration, RoundedFormat) {
  EXPECT_EQ(format_rounded_duration(Nanos(61400000)), "61ms");
  EXPECT_EQ(format_rounded_duration(Nanos(61500000)), "62ms");
  EXPECT_EQ(format_rounded_duration(Nanos(150499999999)), "2m30s");
  EXPECT_EQ(format_rounded_duration(Nanos(1500000000)), "2s");
  EXPECT_EQ(format_rounded_duration(Nanos(300000)), "0s");
}
