#include "core/hold_table.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "fake_time.h"

namespace presence::daemon {
namespace {

using testing::kT0;
using namespace std::chrono_literals;

Hold MakeHold(std::string id, Target target, uint32_t uid = 1000,
              bool attached = false, TimePoint since = kT0,
              std::optional<TimePoint> expires_at = std::nullopt) {
  Hold hold;
  hold.id = std::move(id);
  hold.target = std::move(target);
  hold.owner = Owner{uid, 42, "test"};
  hold.attached = attached;
  hold.since = since;
  hold.expires_at = expires_at;
  return hold;
}

std::vector<std::string> Ids(const std::vector<const Hold*>& holds) {
  std::vector<std::string> ids;
  for (const Hold* hold : holds) ids.push_back(hold->id);
  return ids;
}

TEST(HoldTableTest, EmptyTable) {
  HoldTable table;
  EXPECT_EQ(table.size(), 0u);
  EXPECT_TRUE(table.empty());
  EXPECT_TRUE(table.ActiveTargets().empty());
  EXPECT_FALSE(table.IsActive(Target::User()));
  EXPECT_EQ(table.Find("x"), nullptr);
  EXPECT_FALSE(table.Remove("x").has_value());
  EXPECT_FALSE(table.NextExpiry().has_value());
  EXPECT_TRUE(table.HoldsOn(Target::User()).empty());
  EXPECT_TRUE(table.RemoveExpired(kT0 + 1h).empty());
  EXPECT_TRUE(table.Clear().empty());
}

TEST(HoldTableTest, RefcountTwoHoldsOneTarget) {
  HoldTable table;
  const Target room = Target::Room("lobby");
  bool activated = false;
  ASSERT_TRUE(table.Add(MakeHold("h1", room, 1000), &activated));
  EXPECT_TRUE(activated);
  ASSERT_TRUE(
      table.Add(MakeHold("h2", room, 1001, true, kT0 + 1s), &activated));
  EXPECT_FALSE(activated);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_TRUE(table.IsActive(room));
  EXPECT_EQ(table.ActiveTargets(), std::vector<Target>{room});

  auto removed = table.Remove("h1");
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->hold.id, "h1");
  EXPECT_EQ(removed->hold.owner.uid, 1000u);
  EXPECT_FALSE(removed->target_released);
  EXPECT_TRUE(table.IsActive(room));  // the other hold keeps it

  removed = table.Remove("h2");
  ASSERT_TRUE(removed.has_value());
  EXPECT_TRUE(removed->target_released);
  EXPECT_FALSE(table.IsActive(room));
  EXPECT_TRUE(table.ActiveTargets().empty());
  EXPECT_EQ(table.size(), 0u);
  EXPECT_FALSE(table.Remove("h2").has_value());  // gone once
}

TEST(HoldTableTest, ReactivationAfterRelease) {
  HoldTable table;
  bool activated = false;
  ASSERT_TRUE(table.Add(MakeHold("h1", Target::User()), &activated));
  ASSERT_TRUE(table.Remove("h1")->target_released);
  ASSERT_TRUE(table.Add(MakeHold("h2", Target::User()), &activated));
  EXPECT_TRUE(activated);
}

TEST(HoldTableTest, DuplicateIdChangesNothing) {
  HoldTable table;
  ASSERT_TRUE(table.Add(MakeHold("h1", Target::Room("a"), 1000), nullptr));
  bool activated = true;
  EXPECT_FALSE(
      table.Add(MakeHold("h1", Target::Room("b"), 2000, false, kT0, kT0 + 1s),
                &activated));
  EXPECT_EQ(table.size(), 1u);
  EXPECT_FALSE(table.IsActive(Target::Room("b")));
  EXPECT_FALSE(table.NextExpiry().has_value());
  EXPECT_EQ(table.Find("h1")->owner.uid, 1000u);
  EXPECT_EQ(table.Find("h1")->target, Target::Room("a"));
}

TEST(HoldTableTest, EmptyIdRejected) {
  HoldTable table;
  EXPECT_FALSE(table.Add(MakeHold("", Target::User()), nullptr));
  EXPECT_EQ(table.size(), 0u);
}

TEST(HoldTableTest, FindAndFields) {
  HoldTable table;
  ASSERT_TRUE(
      table.Add(MakeHold("h1", Target::Room("r"), 7, true, kT0 + 3s, kT0 + 10s),
                nullptr));
  const Hold* hold = table.Find("h1");
  ASSERT_NE(hold, nullptr);
  EXPECT_EQ(hold->target, Target::Room("r"));
  EXPECT_EQ(hold->owner.uid, 7u);
  EXPECT_EQ(hold->owner.pid, 42);
  EXPECT_EQ(hold->owner.client_name, "test");
  EXPECT_TRUE(hold->attached);
  EXPECT_EQ(hold->since, kT0 + 3s);
  EXPECT_EQ(hold->expires_at, kT0 + 10s);
}

TEST(HoldTableTest, HoldsOnOrderedBySince) {
  HoldTable table;
  const Target user = Target::User();
  ASSERT_TRUE(table.Add(MakeHold("c", user, 1, false, kT0 + 2s), nullptr));
  ASSERT_TRUE(table.Add(MakeHold("a", user, 1, false, kT0 + 3s), nullptr));
  ASSERT_TRUE(table.Add(MakeHold("b", user, 1, false, kT0 + 1s), nullptr));
  ASSERT_TRUE(table.Add(MakeHold("z", Target::Room("r")), nullptr));
  EXPECT_EQ(Ids(table.HoldsOn(user)),
            (std::vector<std::string>{"b", "c", "a"}));
  EXPECT_EQ(Ids(table.HoldsOn(Target::Room("r"))),
            std::vector<std::string>{"z"});
  EXPECT_TRUE(table.HoldsOn(Target::Room("none")).empty());
  EXPECT_EQ(Ids(table.All()), (std::vector<std::string>{"a", "b", "c", "z"}));
}

TEST(HoldTableTest, ActiveTargetsSorted) {
  HoldTable table;
  ASSERT_TRUE(table.Add(MakeHold("1", Target::Room("b")), nullptr));
  ASSERT_TRUE(table.Add(MakeHold("2", Target::Room("a")), nullptr));
  ASSERT_TRUE(table.Add(MakeHold("3", Target::User()), nullptr));
  ASSERT_TRUE(table.Add(MakeHold("4", Target::Room("a")), nullptr));
  EXPECT_EQ(table.ActiveTargets(),
            (std::vector<Target>{Target::User(), Target::Room("a"),
                                 Target::Room("b")}));
}

TEST(HoldTableTest, TtlExpiryAndNextExpiry) {
  HoldTable table;
  const Target room = Target::Room("r");
  ASSERT_TRUE(table.Add(MakeHold("forever", room), nullptr));
  ASSERT_TRUE(
      table.Add(MakeHold("late", room, 1, false, kT0, kT0 + 30s), nullptr));
  ASSERT_TRUE(table.Add(
      MakeHold("early", Target::User(), 1, false, kT0, kT0 + 10s), nullptr));
  ASSERT_TRUE(table.Add(
      MakeHold("mid", Target::User(), 1, false, kT0, kT0 + 20s), nullptr));
  EXPECT_EQ(table.NextExpiry(), kT0 + 10s);

  EXPECT_TRUE(table.RemoveExpired(kT0 + 10s - 1ms).empty());
  auto expired = table.RemoveExpired(kT0 + 10s);  // expires_at <= now
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].hold.id, "early");
  EXPECT_FALSE(expired[0].target_released);  // "mid" still holds the user
  EXPECT_EQ(table.NextExpiry(), kT0 + 20s);

  expired = table.RemoveExpired(kT0 + 1h);
  ASSERT_EQ(expired.size(), 2u);
  EXPECT_EQ(expired[0].hold.id, "mid");  // earliest first
  EXPECT_TRUE(expired[0].target_released);
  EXPECT_EQ(expired[1].hold.id, "late");
  EXPECT_FALSE(expired[1].target_released);  // "forever" stays
  EXPECT_FALSE(table.NextExpiry().has_value());
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.IsActive(room));
  EXPECT_FALSE(table.IsActive(Target::User()));
}

TEST(HoldTableTest, RemoveDropsExpiryIndex) {
  HoldTable table;
  ASSERT_TRUE(table.Add(MakeHold("a", Target::User(), 1, false, kT0, kT0 + 5s),
                        nullptr));
  ASSERT_TRUE(table.Add(MakeHold("b", Target::User(), 1, false, kT0, kT0 + 9s),
                        nullptr));
  ASSERT_TRUE(table.Remove("a"));
  EXPECT_EQ(table.NextExpiry(), kT0 + 9s);
  ASSERT_TRUE(table.Remove("b"));
  EXPECT_FALSE(table.NextExpiry().has_value());
  EXPECT_TRUE(table.RemoveExpired(kT0 + 1h).empty());
}

TEST(HoldTableTest, SameExpiryManyHolds) {
  HoldTable table;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(table.Add(MakeHold("h" + std::to_string(i), Target::User(), 1,
                                   false, kT0, kT0 + 1s),
                          nullptr));
  }
  auto expired = table.RemoveExpired(kT0 + 1s);
  ASSERT_EQ(expired.size(), 5u);
  int released = 0;
  for (const auto& r : expired) released += r.target_released ? 1 : 0;
  EXPECT_EQ(released, 1);
  EXPECT_TRUE(expired.back().target_released);
}

TEST(HoldTableTest, ClearReleasesEachTargetOnce) {
  HoldTable table;
  ASSERT_TRUE(table.Add(MakeHold("u1", Target::User()), nullptr));
  ASSERT_TRUE(table.Add(MakeHold("u2", Target::User(), 1, true), nullptr));
  ASSERT_TRUE(table.Add(MakeHold("r1", Target::Room("a")), nullptr));
  ASSERT_TRUE(table.Add(
      MakeHold("r2", Target::Room("b"), 1, false, kT0, kT0 + 1s), nullptr));
  auto removed = table.Clear();
  ASSERT_EQ(removed.size(), 4u);
  std::map<Target, int> holds;
  std::map<Target, int> released;
  for (const auto& r : removed) {
    ++holds[r.hold.target];
    if (r.target_released) {
      ++released[r.hold.target];
      // The released entry is the last one for its target.
      EXPECT_EQ(holds[r.hold.target], r.hold.target == Target::User() ? 2 : 1);
    }
  }
  EXPECT_EQ(released.size(), 3u);
  for (const auto& [target, n] : released) EXPECT_EQ(n, 1) << target.ToString();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_TRUE(table.ActiveTargets().empty());
  EXPECT_FALSE(table.NextExpiry().has_value());
  bool activated = false;
  EXPECT_TRUE(table.Add(MakeHold("u1", Target::User()), &activated));
  EXPECT_TRUE(activated);
}

// --- stop rules --------------------------------------------------------

class StopRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Room "r": alice has two detached, bob one detached and one attached.
    Add("alice-1", room_, kAlice, false, 1s);
    Add("bob-1", room_, kBob, false, 2s);
    Add("alice-2", room_, kAlice, false, 3s);
    Add("bob-attached", room_, kBob, true, 4s);
    // Room "only-attached": nothing detached.
    Add("carol-attached", Target::Room("only-attached"), kCarol, true, 1s);
    // Room "bob-only": only bob's detached hold.
    Add("bob-2", Target::Room("bob-only"), kBob, false, 1s);
  }

  void Add(const std::string& id, const Target& t, uint32_t uid, bool attached,
           Millis since) {
    ASSERT_TRUE(
        table_.Add(MakeHold(id, t, uid, attached, kT0 + since), nullptr));
  }

  static constexpr uint32_t kAlice = 1000;
  static constexpr uint32_t kBob = 1001;
  static constexpr uint32_t kCarol = 1002;
  const Target room_ = Target::Room("r");
  HoldTable table_;
};

using Ids_ = std::vector<std::string>;

TEST_F(StopRulesTest, OwnUidStopsOnlyOwnDetached) {
  auto s = SelectDetachedToStop(table_, room_, kAlice, false);
  EXPECT_EQ(s.error, StopSelection::Error::kNone);
  EXPECT_EQ(s.hold_ids, (Ids_{"alice-1", "alice-2"}));
  s = SelectDetachedToStop(table_, room_, kBob, false);
  EXPECT_EQ(s.error, StopSelection::Error::kNone);
  EXPECT_EQ(s.hold_ids, Ids_{"bob-1"});  // never the attached one
}

TEST_F(StopRulesTest, OtherUidIsPermissionDenied) {
  auto s = SelectDetachedToStop(table_, room_, kCarol, false);
  EXPECT_EQ(s.error, StopSelection::Error::kPermissionDenied);
  EXPECT_TRUE(s.hold_ids.empty());
  s = SelectDetachedToStop(table_, Target::Room("bob-only"), kAlice, false);
  EXPECT_EQ(s.error, StopSelection::Error::kPermissionDenied);
  EXPECT_TRUE(s.hold_ids.empty());
}

TEST_F(StopRulesTest, RootAndAdminStopAllDetached) {
  for (auto [uid, admin] : {std::pair<uint32_t, bool>{0, false},
                            std::pair<uint32_t, bool>{kCarol, true}}) {
    auto s = SelectDetachedToStop(table_, room_, uid, admin);
    EXPECT_EQ(s.error, StopSelection::Error::kNone);
    EXPECT_EQ(s.hold_ids, (Ids_{"alice-1", "bob-1", "alice-2"}));
  }
}

TEST_F(StopRulesTest, AttachedHoldsNeverSelected) {
  auto s = SelectDetachedToStop(table_, Target::Room("only-attached"), 0, true);
  EXPECT_EQ(s.error, StopSelection::Error::kNotFound);
  EXPECT_TRUE(s.hold_ids.empty());
  s = SelectDetachedToStop(table_, Target::Room("only-attached"), kCarol,
                           false);
  EXPECT_EQ(s.error, StopSelection::Error::kNotFound);
}

TEST_F(StopRulesTest, NotFoundWhenNoHoldOnTarget) {
  auto s = SelectDetachedToStop(table_, Target::User(), kAlice, false);
  EXPECT_EQ(s.error, StopSelection::Error::kNotFound);
  s = SelectDetachedToStop(table_, Target::Room("nowhere"), 0, true);
  EXPECT_EQ(s.error, StopSelection::Error::kNotFound);
}

TEST_F(StopRulesTest, SingleHoldById) {
  auto s = SelectHoldToStop(table_, room_, "alice-1", kAlice, false);
  EXPECT_EQ(s.error, StopSelection::Error::kNone);
  EXPECT_EQ(s.hold_ids, Ids_{"alice-1"});

  s = SelectHoldToStop(table_, room_, "alice-1", kBob, false);
  EXPECT_EQ(s.error, StopSelection::Error::kPermissionDenied);
  EXPECT_TRUE(s.hold_ids.empty());

  s = SelectHoldToStop(table_, room_, "alice-1", kBob, true);
  EXPECT_EQ(s.hold_ids, Ids_{"alice-1"});
  s = SelectHoldToStop(table_, room_, "alice-1", 0, false);
  EXPECT_EQ(s.hold_ids, Ids_{"alice-1"});

  s = SelectHoldToStop(table_, room_, "missing", 0, true);
  EXPECT_EQ(s.error, StopSelection::Error::kNotFound);
  // Attached holds go with their stream, not with a stop call.
  s = SelectHoldToStop(table_, room_, "bob-attached", kBob, false);
  EXPECT_EQ(s.error, StopSelection::Error::kNotFound);
  // The id must be on the named target.
  s = SelectHoldToStop(table_, Target::Room("other"), "alice-1", kAlice, false);
  EXPECT_EQ(s.error, StopSelection::Error::kNotFound);
  s = SelectHoldToStop(table_, Target::User(), "alice-1", 0, true);
  EXPECT_EQ(s.error, StopSelection::Error::kNotFound);
}

// --- scale -------------------------------------------------------------

TEST(HoldTableScaleTest, TenThousandHoldsOverHundredConnections) {
  HoldTable table;
  constexpr int kConnections = 100;
  constexpr int kPerConnection = 100;
  // 100 targets: the user and 99 rooms; every connection holds each once.
  auto target_of = [](int j) {
    return j == 0 ? Target::User() : Target::Room("room-" + std::to_string(j));
  };
  auto id_of = [](int c, int j) {
    return "c" + std::to_string(c) + "-h" + std::to_string(j);
  };
  int activations = 0;
  for (int c = 0; c < kConnections; ++c) {
    for (int j = 0; j < kPerConnection; ++j) {
      Hold hold = MakeHold(id_of(c, j), target_of(j), 1000 + c % 7, c % 2 == 0,
                           kT0 + Millis(c * kPerConnection + j));
      if (j % 10 == 0) hold.expires_at = kT0 + 1h + Millis(c);
      hold.owner.pid = 5000 + c;
      bool activated = false;
      ASSERT_TRUE(table.Add(std::move(hold), &activated));
      activations += activated ? 1 : 0;
    }
  }
  EXPECT_EQ(activations, kPerConnection);
  EXPECT_EQ(table.size(), 10000u);
  EXPECT_EQ(table.ActiveTargets().size(), 100u);
  EXPECT_EQ(table.HoldsOn(target_of(5)).size(), 100u);
  EXPECT_EQ(table.NextExpiry(), kT0 + 1h);

  // Connection 0 goes away: its holds go, every target stays.
  for (int j = 0; j < kPerConnection; ++j) {
    auto removed = table.Remove(id_of(0, j));
    ASSERT_TRUE(removed.has_value());
    EXPECT_FALSE(removed->target_released);
  }
  EXPECT_EQ(table.size(), 9900u);
  EXPECT_EQ(table.NextExpiry(), kT0 + 1h + 1ms);

  // TTLs: 10 holds per connection, the 99 left.
  auto expired = table.RemoveExpired(kT0 + 2h);
  EXPECT_EQ(expired.size(), 990u);
  EXPECT_EQ(table.size(), 8910u);
  EXPECT_FALSE(table.NextExpiry().has_value());

  // The rest, connection by connection: each target released exactly once.
  std::map<Target, int> released;
  for (const auto& r : expired) {
    if (r.target_released) ++released[r.hold.target];
  }
  for (int c = 1; c < kConnections; ++c) {
    for (int j = 0; j < kPerConnection; ++j) {
      if (j % 10 == 0) continue;
      auto removed = table.Remove(id_of(c, j));
      ASSERT_TRUE(removed.has_value());
      if (removed->target_released) ++released[removed->hold.target];
    }
  }
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(released.size(), 100u);
  for (const auto& [t, n] : released) EXPECT_EQ(n, 1) << t.ToString();
  EXPECT_TRUE(table.ActiveTargets().empty());
}

}  // namespace
}  // namespace presence::daemon
