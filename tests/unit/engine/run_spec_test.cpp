#include "tako/engine/run_spec.h"

#include <gtest/gtest.h>

namespace tako::engine {
namespace {

using nlohmann::json;

// A resumed child's TAKO_INPUT_<NAME> texts are rebuilt from its typed inputs (§7.6a, §11.4):
// they must read as the first attempt's did.
TEST(InputText, TypedValuesPrintAsTheirInputText) {
  EXPECT_EQ(input_text(json("1.50")), "1.50");  // strings as given
  EXPECT_EQ(input_text(json("")), "");
  EXPECT_EQ(input_text(json(true)), "true");
  EXPECT_EQ(input_text(json(false)), "false");
  EXPECT_EQ(input_text(json(42)), "42");
  EXPECT_EQ(input_text(json(-7)), "-7");
  EXPECT_EQ(input_text(json(1.5)), "1.5");
  EXPECT_EQ(input_text(json(2.0)), "2");
  EXPECT_EQ(input_text(json(1e21)), "1e+21");
  EXPECT_EQ(input_text(json::array({1, "a"})), "[1,\"a\"]");
}

}  // namespace
}  // namespace tako::engine
