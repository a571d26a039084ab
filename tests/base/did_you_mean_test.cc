#include "base/did_you_mean.h"

#include <gtest/gtest.h>

namespace scope_migrate {
namespace {

const std::vector<std::string> kFlags = {"prune",      "plan-file", "allow-blocked", "yes",
                                         "batch-size", "progress",  "no-progress"};

TEST(DidYouMeanTest, EditDistanceCountsEdits) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("prune", "prune"), 0u);
  EXPECT_EQ(EditDistance("prnue", "prune"), 2u);
  EXPECT_EQ(EditDistance("pru", "prune"), 2u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(DidYouMeanTest, APrefixOfOneNameSuggestsIt) {
  EXPECT_EQ(DidYouMean("allow", kFlags), "allow-blocked");
  EXPECT_EQ(DidYouMean("batch", kFlags), "batch-size");
}

TEST(DidYouMeanTest, ANearMissSuggestsTheNearest) {
  EXPECT_EQ(DidYouMean("prnue", kFlags), "prune");
  EXPECT_EQ(DidYouMean("yse", kFlags), "yes");
  EXPECT_EQ(DidYouMean("progres", kFlags), "progress");
}

TEST(DidYouMeanTest, NothingCloseSuggestsNothing) {
  EXPECT_EQ(DidYouMean("no-such-flag", kFlags), std::nullopt);
  EXPECT_EQ(DidYouMean("frobnicate", kFlags), std::nullopt);
  EXPECT_EQ(DidYouMean("", kFlags), std::nullopt);
}

}  // namespace
}  // namespace scope_migrate
