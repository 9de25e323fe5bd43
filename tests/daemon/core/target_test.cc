#include "core/target.h"

#include <gtest/gtest.h>

#include <map>

namespace presence::daemon {
namespace {

TEST(TargetTest, ToString) {
  EXPECT_EQ(Target::User().ToString(), "user");
  EXPECT_EQ(Target::Room("lobby").ToString(), "room:lobby");
}

TEST(TargetTest, EqualityAndOrder) {
  EXPECT_EQ(Target::User(), Target::User());
  EXPECT_EQ(Target::Room("a"), Target::Room("a"));
  EXPECT_NE(Target::Room("a"), Target::Room("b"));
  EXPECT_NE(Target::User(), Target::Room(""));
  EXPECT_LT(Target::User(), Target::Room(""));
  EXPECT_LT(Target::Room("a"), Target::Room("b"));
  EXPECT_FALSE(Target::Room("b") < Target::Room("a"));
  EXPECT_FALSE(Target::User() < Target::User());
}

TEST(TargetTest, UsableAsMapKey) {
  std::map<Target, int> m;
  m[Target::Room("b")] = 2;
  m[Target::User()] = 0;
  m[Target::Room("a")] = 1;
  m[Target::Room("a")] += 10;
  ASSERT_EQ(m.size(), 3u);
  auto it = m.begin();
  EXPECT_EQ(it->first, Target::User());
  EXPECT_EQ((++it)->first, Target::Room("a"));
  EXPECT_EQ(it->second, 11);
  EXPECT_EQ((++it)->first, Target::Room("b"));
}

}  // namespace
}  // namespace presence::daemon
