#include "core/heavy_hitters.h"

#include <gtest/gtest.h>

#include <string>

namespace scope_migrate {
namespace {

using Top = std::vector<std::pair<std::string, uint64_t>>;

TEST(HeavyHittersTest, ExactUnderTheBound) {
  HeavyHitters hitters(3);
  hitters.Add("GET /a", 2);
  hitters.Add("GET /b", 5);
  hitters.Add("GET /a", 4);
  for (const char* item : {"c", "d", "e"}) hitters.Add(item, 1);
  EXPECT_FALSE(hitters.approximate());
  EXPECT_EQ(hitters.Top(3), (Top{{"GET /a", 6}, {"GET /b", 5}, {"c", 1}}));
}

TEST(HeavyHittersTest, PastTheBoundKeepsTheHeavyOnesAndSaysApproximate) {
  HeavyHitters hitters(2);
  hitters.Add("heavy", 100);
  hitters.Add("second", 50);
  for (int i = 0; i < 20; ++i) hitters.Add("light-" + std::to_string(i), 1);
  hitters.Add("heavy", 1);
  EXPECT_TRUE(hitters.approximate());
  const Top top = hitters.Top(2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0], (std::pair<std::string, uint64_t>{"heavy", 101}));
  EXPECT_EQ(top[1], (std::pair<std::string, uint64_t>{"second", 50}));
}

}  // namespace
}  // namespace scope_migrate
