// libpresence-client's HoldSet end to end: many attached holds on one
// HoldMany call of the real presenced, counted by the real presence-server
// (tests/client/e2e_fixture.h: 3 s online threshold, so a count that drops
// within a second was dropped by a leave).
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "e2e_fixture.h"
#include "presence/client/hold_set.h"

namespace presence::testing {
namespace {

using Clock = std::chrono::steady_clock;
namespace client = ::presence::client;

// A Unix socket in front of presenced that counts the gRPC calls passing
// through it: each call is an HTTP/2 stream, opened by the client's first
// HEADERS frame on a new stream id. Status cannot tell calls apart (every
// holder of one process looks alike), the wire can.
class CallCountingProxy {
 public:
  CallCountingProxy(std::string path, std::string target)
      : path_(std::move(path)), target_(std::move(target)) {
    listener_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_un address = Address(path_);
    if (bind(listener_, reinterpret_cast<const sockaddr*>(&address),
             sizeof address) != 0 ||
        listen(listener_, 8) != 0 || pipe(stop_) != 0) {
      ADD_FAILURE() << "proxy: cannot listen on " << path_;
    }
    thread_ = std::thread([this] { Loop(); });
  }
  ~CallCountingProxy() {
    (void)!write(stop_[1], "x", 1);
    thread_.join();
    for (const auto& link : links_) {
      close(link.app);
      close(link.daemon);
    }
    close(listener_);
    close(stop_[0]);
    close(stop_[1]);
  }

  const std::string& path() const { return path_; }
  int calls() const { return calls_.load(); }

 private:
  struct Link {
    int app = -1, daemon = -1;
    std::string unparsed;  // app -> daemon bytes not yet split into frames
    std::size_t preface_left = 24;  // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    std::set<uint32_t> streams;
  };

  static sockaddr_un Address(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    return address;
  }

  static bool Forward(int from, int to, std::string* data) {
    char buffer[16384];
    const ssize_t n = read(from, buffer, sizeof buffer);
    if (n <= 0) return false;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = write(to, buffer + done, n - done);
      if (w <= 0) return false;
      done += w;
    }
    if (data != nullptr) data->append(buffer, n);
    return true;
  }

  void CountFrames(Link& link) {
    std::string& bytes = link.unparsed;
    const std::size_t skip = std::min(link.preface_left, bytes.size());
    bytes.erase(0, skip);
    link.preface_left -= skip;
    const auto byte = [&](std::size_t i) {
      return static_cast<uint32_t>(static_cast<unsigned char>(bytes[i]));
    };
    while (bytes.size() >= 9) {
      const uint32_t length = byte(0) << 16 | byte(1) << 8 | byte(2);
      if (bytes.size() < 9 + length) break;
      const uint32_t stream =
          (byte(5) & 0x7f) << 24 | byte(6) << 16 | byte(7) << 8 | byte(8);
      if (byte(3) == 0x1 /* HEADERS */ && link.streams.insert(stream).second) {
        ++calls_;
      }
      bytes.erase(0, 9 + length);
    }
  }

  void Loop() {
    for (;;) {
      std::vector<pollfd> fds = {{stop_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
      for (const auto& link : links_) {
        fds.push_back({link.app, POLLIN, 0});
        fds.push_back({link.daemon, POLLIN, 0});
      }
      if (poll(fds.data(), fds.size(), -1) < 0) return;
      if (fds[0].revents != 0) return;
      if (fds[1].revents & POLLIN) {
        Link link;
        link.app = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        link.daemon = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_un address = Address(target_);
        if (connect(link.daemon, reinterpret_cast<const sockaddr*>(&address),
                    sizeof address) != 0) {
          close(link.app);
          close(link.daemon);
        } else {
          links_.push_back(std::move(link));
        }
        continue;  // links_ changed: fds no longer match it
      }
      for (std::size_t i = 0; i < links_.size(); ++i) {
        Link& link = links_[i];
        bool open = true;
        if (fds[2 + 2 * i].revents != 0) {
          open = Forward(link.app, link.daemon, &link.unparsed);
          CountFrames(link);
        }
        if (open && fds[3 + 2 * i].revents != 0) {
          open = Forward(link.daemon, link.app, nullptr);
        }
        if (!open) {
          close(link.app);
          close(link.daemon);
          links_.erase(links_.begin() + i);
          break;
        }
      }
    }
  }

  std::string path_, target_;
  int listener_ = -1;
  int stop_[2] = {-1, -1};
  std::vector<Link> links_;  // the loop's thread only
  std::atomic<int> calls_{0};
  std::thread thread_;
};

// What a HoldSet reported through its callbacks.
struct Reports {
  std::mutex mu;
  std::map<client::HoldSet::Key, std::vector<v1::HoldEventType>> events;
  std::vector<client::Gap> gaps;
  std::vector<std::pair<client::HoldSet::Key, client::Error>> ended;
  std::atomic<int> detached{0};

  client::HoldSetOptions Options() {
    client::HoldSetOptions options;
    options.on_event = [this](client::HoldSet::Key key,
                              const v1::HoldEvent& event) {
      std::lock_guard<std::mutex> lock(mu);
      events[key].push_back(event.type());
    };
    options.on_detached = [this](const client::Error&) { ++detached; };
    options.on_gap = [this](const client::Gap& gap) {
      std::lock_guard<std::mutex> lock(mu);
      gaps.push_back(gap);
    };
    options.on_ended = [this](client::HoldSet::Key key,
                              const client::Error& error) {
      std::lock_guard<std::mutex> lock(mu);
      ended.emplace_back(key, error);
    };
    return options;
  }
  std::size_t Gaps() {
    std::lock_guard<std::mutex> lock(mu);
    return gaps.size();
  }
  std::size_t Ended() {
    std::lock_guard<std::mutex> lock(mu);
    return ended.size();
  }
  bool Got(client::HoldSet::Key key, v1::HoldEventType type) {
    std::lock_guard<std::mutex> lock(mu);
    const auto& got = events[key];
    return std::find(got.begin(), got.end(), type) != got.end();
  }
};

class HoldSetE2eTest : public E2eTest {
 protected:
  client::Client Connect(const std::string& socket = {}) {
    client::Options options;
    options.socket_path = socket.empty() ? daemon_->socket_path() : socket;
    options.timeout = milliseconds(3000);
    options.client_name = "hold-set-e2e";
    return client::Client(options);
  }

  // The room's viewer count, read through presenced (-1 when that fails).
  int64_t Count(client::Client& c, const std::string& room) {
    auto count = c.GetRoomViewerCount(room);
    return count ? count->count() : -1;
  }

  bool CountsAre(client::Client& c,
                 const std::map<std::string, int64_t>& expected,
                 milliseconds within) {
    return WaitUntil(
        [&] {
          for (const auto& [room, count] : expected) {
            if (Count(c, room) != count) return false;
          }
          return true;
        },
        within);
  }

  // The daemon's attached holders, by room.
  std::map<std::string, std::vector<v1::Holder>> Holders(client::Client& c) {
    std::map<std::string, std::vector<v1::Holder>> holders;
    auto status = c.GetStatus();
    EXPECT_TRUE(status) << status.error().message;
    if (!status) return holders;
    for (const auto& target : status->targets()) {
      holders[target.target().room_id()].assign(target.holders().begin(),
                                                target.holders().end());
    }
    return holders;
  }
};

// Three rooms on one HoldMany call: each counted, each shown by Status; one
// Remove is one leave; destroying the set is a leave for all.
TEST_F(HoldSetE2eTest, ManyRoomsOnOneCallLeaveOneByOneOrAllAtOnce) {
  TempDir dir;
  CallCountingProxy proxy(dir.File("proxy.sock"), daemon_->socket_path());
  client::Client through_proxy = Connect(proxy.path());
  client::Client c = Connect();
  Reports reports;
  std::optional<client::HoldSet> set;
  {
    auto opened = through_proxy.OpenHoldSet(reports.Options());
    ASSERT_TRUE(opened) << opened.error().message;
    set.emplace(std::move(*opened));
  }
  std::map<std::string, client::HoldSet::Key> keys;
  for (const std::string room : {"set-a", "set-b", "set-c"}) {
    auto key = set->AddRoom(room);
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_TRUE(set->held(*key));
    keys[room] = *key;
  }
  EXPECT_EQ(set->size(), 3u);
  EXPECT_EQ(proxy.calls(), 1) << "the three holds share one HoldMany call";

  ASSERT_TRUE(CountsAre(c, {{"set-a", 1}, {"set-b", 1}, {"set-c", 1}},
                        milliseconds(2000)));
  auto holders = Holders(c);
  ASSERT_EQ(holders.size(), 3u);
  std::set<std::string> hold_ids;
  for (const auto& [room, list] : holders) {
    ASSERT_EQ(list.size(), 1u) << room;
    EXPECT_TRUE(list[0].attached());
    EXPECT_EQ(list[0].client_name(), "hold-set-e2e");
    hold_ids.insert(list[0].hold_id());
  }
  EXPECT_EQ(hold_ids.size(), 3u);
  // Each hold's events reach its own key.
  for (const auto& entry : keys) {
    const auto key = entry.second;  // a lambda cannot capture a binding
    EXPECT_TRUE(WaitUntil(
        [&] {
          return reports.Got(key, v1::HOLD_EVENT_HELD) &&
                 reports.Got(key, v1::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED);
        },
        milliseconds(2000)))
        << entry.first;
  }

  // Remove is a leave: gone long before the 3 s threshold.
  ASSERT_TRUE(set->Remove(keys["set-b"]));
  EXPECT_FALSE(set->contains(keys["set-b"]));
  EXPECT_EQ(set->size(), 2u);
  EXPECT_TRUE(CountsAre(c, {{"set-b", 0}}, milliseconds(1000)));
  EXPECT_EQ(Count(c, "set-a"), 1);
  EXPECT_EQ(Count(c, "set-c"), 1);
  EXPECT_EQ(Holders(c).count("set-b"), 0u);
  auto again = set->Remove(keys["set-b"]);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().CodeName(), "NOT_FOUND");

  // Destroying the set cancels the call: the daemon drops every hold.
  const auto closed_at = Clock::now();
  set.reset();
  EXPECT_TRUE(CountsAre(c, {{"set-a", 0}, {"set-c", 0}}, milliseconds(1000)));
  RecordProperty("drop_after_close_ms",
                 std::to_string(std::chrono::duration_cast<milliseconds>(
                                    Clock::now() - closed_at)
                                    .count()));
  EXPECT_TRUE(Holders(c).empty());
  EXPECT_EQ(proxy.calls(), 1);
  EXPECT_EQ(reports.Ended(), 0u);
}

// A refusal is the daemon's code and reason; the set goes on.
TEST_F(HoldSetE2eTest, RefusedAddIsAnErrorAndTheSetKeepsWorking) {
  client::Client c = Connect();
  auto set = c.OpenHoldSet();
  ASSERT_TRUE(set) << set.error().message;
  auto lobby = set->AddRoom("lobby");
  ASSERT_TRUE(lobby) << lobby.error().message;

  auto empty = set->AddRoom("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().CodeName(), "INVALID_ARGUMENT");
  EXPECT_FALSE(empty.error().unreachable);
  EXPECT_NE(empty.error().message.find("target.room_id"), std::string::npos)
      << empty.error().message;
  EXPECT_EQ(empty.error().message.rfind("INVALID_ARGUMENT", 0),
            std::string::npos)
      << "the code is parsed out of the message: " << empty.error().message;

  auto unspecified = set->Add(v1::Target());
  ASSERT_FALSE(unspecified);
  EXPECT_EQ(unspecified.error().CodeName(), "INVALID_ARGUMENT");

  auto hall = set->AddRoom("hall");
  ASSERT_TRUE(hall) << hall.error().message;
  EXPECT_EQ(set->size(), 2u);
  EXPECT_TRUE(set->held(*lobby));
  EXPECT_TRUE(CountsAre(c, {{"lobby", 1}, {"hall", 1}}, milliseconds(2000)));
}

// Many threads adding and removing at once on the one call.
TEST_F(HoldSetE2eTest, AddAndRemoveFromManyThreads) {
  client::Client c = Connect();
  auto set = c.OpenHoldSet();
  ASSERT_TRUE(set) << set.error().message;
  constexpr int kThreads = 4, kRooms = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRooms; ++i) {
        auto key =
            set->AddRoom("mt-" + std::to_string(t) + "-" + std::to_string(i));
        if (!key) {
          ++failures;
        } else if (i % 2 == 1 && !set->Remove(*key)) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(set->size(), static_cast<std::size_t>(kThreads * kRooms / 2));
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto status = c.GetStatus();
        return status && status->targets_size() == kThreads * kRooms / 2;
      },
      milliseconds(2000)));
  for (const auto& [room, holders] : Holders(c)) {
    EXPECT_EQ(room.back() % 2, 0) << room << " was removed";
    EXPECT_EQ(holders.size(), 1u) << room;
  }
}

// A daemon restart: the set re-attaches on a new call, holds every room
// again, reports one gap, and its keys still work.
TEST_F(HoldSetE2eTest, ReattachesAfterADaemonRestart) {
  client::Client c = Connect();
  Reports reports;
  auto set = c.OpenHoldSet(reports.Options());
  ASSERT_TRUE(set) << set.error().message;
  std::map<std::string, client::HoldSet::Key> keys;
  for (const std::string room : {"re-a", "re-b", "re-c"}) {
    auto key = set->AddRoom(room);
    ASSERT_TRUE(key) << key.error().message;
    keys[room] = *key;
  }
  ASSERT_TRUE(CountsAre(c, {{"re-a", 1}, {"re-b", 1}, {"re-c", 1}},
                        milliseconds(2000)));
  std::set<std::string> first_ids;
  for (const auto& [room, holders] : Holders(c)) {
    first_ids.insert(holders.at(0).hold_id());
  }

  const auto stop_started = Clock::now();
  ASSERT_EQ(daemon_->Stop(), 0);
  // Not a leave at once: the restart grace keeps them counted meanwhile.
  EXPECT_EQ(truth_->RoomCount("re-a"), 1);
  EXPECT_EQ(truth_->RoomCount("re-c"), 1);
  ASSERT_TRUE(WaitUntil([&] { return reports.detached.load() == 1; },
                        milliseconds(1000)));
  for (const auto& [room, key] : keys) {
    EXPECT_FALSE(set->held(key)) << room;
    EXPECT_TRUE(set->contains(key)) << room;
  }
  EXPECT_EQ(reports.Gaps(), 0u);

  daemon_->Restart();  // same socket and state dir
  const auto back_at = Clock::now();
  ASSERT_TRUE(
      WaitUntil([&] { return reports.Gaps() == 1; }, milliseconds(3000)))
      << "not re-attached within 3 s of the daemon coming back";
  ASSERT_TRUE(
      CountsAre(c, {{"re-a", 1}, {"re-b", 1}, {"re-c", 1}}, milliseconds(3000)))
      << "the server does not count the re-attached holds";
  RecordProperty("reattach_ms",
                 std::to_string(std::chrono::duration_cast<milliseconds>(
                                    Clock::now() - back_at)
                                    .count()));
  for (const auto& [room, key] : keys) EXPECT_TRUE(set->held(key)) << room;
  auto holders = Holders(c);
  ASSERT_EQ(holders.size(), 3u);
  for (const auto& [room, list] : holders) {
    ASSERT_EQ(list.size(), 1u) << room << ": re-added once";
    EXPECT_EQ(first_ids.count(list[0].hold_id()), 0u) << "a new hold id";
  }
  {
    std::lock_guard<std::mutex> lock(reports.mu);
    ASSERT_EQ(reports.gaps.size(), 1u);
    EXPECT_GT(reports.gaps[0].duration(), milliseconds(0));
    EXPECT_LE(
        reports.gaps[0].duration(),
        std::chrono::duration_cast<milliseconds>(Clock::now() - stop_started) +
            milliseconds(50));
  }
  EXPECT_EQ(reports.detached.load(), 1);
  EXPECT_EQ(reports.Ended(), 0u);

  // The keys map to the new holds: Remove is a leave on the new daemon.
  ASSERT_TRUE(set->Remove(keys["re-a"]));
  EXPECT_TRUE(CountsAre(c, {{"re-a", 0}}, milliseconds(1000)));
  EXPECT_EQ(Count(c, "re-b"), 1);
  EXPECT_EQ(Count(c, "re-c"), 1);
  // And the set takes new holds on the new call.
  auto more = set->AddRoom("re-d");
  ASSERT_TRUE(more) << more.error().message;
  EXPECT_TRUE(CountsAre(c, {{"re-d", 1}}, milliseconds(2000)));
  set->Close();
  EXPECT_TRUE(CountsAre(c, {{"re-b", 0}, {"re-c", 0}, {"re-d", 0}},
                        milliseconds(1000)));
}

// A crash (SIGKILL: no leave, no end of the call) and a fresh start.
TEST_F(HoldSetE2eTest, ReattachesAfterADaemonCrash) {
  client::Client c = Connect();
  Reports reports;
  auto set = c.OpenHoldSet(reports.Options());
  ASSERT_TRUE(set) << set.error().message;
  auto a = set->AddRoom("crash-a");
  auto b = set->AddRoom("crash-b");
  ASSERT_TRUE(a && b);
  daemon_->process().Signal(SIGKILL);
  ASSERT_TRUE(daemon_->process().Wait(milliseconds(2000)).has_value());
  ASSERT_TRUE(WaitUntil([&] { return reports.detached.load() == 1; },
                        milliseconds(1000)));
  daemon_->Restart();
  ASSERT_TRUE(
      WaitUntil([&] { return reports.Gaps() == 1; }, milliseconds(3000)));
  EXPECT_TRUE(set->held(*a));
  EXPECT_TRUE(set->held(*b));
  auto holders = Holders(c);
  EXPECT_EQ(holders.size(), 2u);
  EXPECT_EQ(holders["crash-a"].size(), 1u);
  EXPECT_EQ(holders["crash-b"].size(), 1u);
  set->Close();
  EXPECT_TRUE(
      WaitUntil([&] { return Holders(c).empty(); }, milliseconds(1000)));
}

// An empty set stays attached through a restart (nothing to hold again: the
// gap ends as soon as the new call is open) and holds on the new call.
TEST_F(HoldSetE2eTest, EmptySetReattachesToo) {
  client::Client c = Connect();
  Reports reports;
  auto set = c.OpenHoldSet(reports.Options());
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(daemon_->Stop(), 0);
  ASSERT_TRUE(WaitUntil([&] { return reports.detached.load() == 1; },
                        milliseconds(1000)));
  daemon_->Restart();
  ASSERT_TRUE(
      WaitUntil([&] { return reports.Gaps() == 1; }, milliseconds(3000)));
  EXPECT_EQ(reports.detached.load(), 1);
  auto key = set->AddRoom("after-restart");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_TRUE(CountsAre(c, {{"after-restart", 1}}, milliseconds(2000)));
}

// Logout ends each hold of the set (on_ended with its key); the set itself
// stays open and holds again once logged in.
TEST_F(HoldSetE2eTest, LogoutEndsEachHoldButNotTheSet) {
  client::Client c = Connect();
  Reports reports;
  auto set = c.OpenHoldSet(reports.Options());
  ASSERT_TRUE(set) << set.error().message;
  auto a = set->AddRoom("night-a");
  auto b = set->AddRoom("night-b");
  ASSERT_TRUE(a && b);
  auto logout = c.Logout();
  if (!logout && logout.error().CodeName() == "PERMISSION_DENIED") {
    GTEST_SKIP() << "logout needs root or the admin group";
  }
  ASSERT_TRUE(logout) << logout.error().message;
  ASSERT_TRUE(
      WaitUntil([&] { return reports.Ended() == 2; }, milliseconds(2000)));
  {
    std::lock_guard<std::mutex> lock(reports.mu);
    std::set<client::HoldSet::Key> ended;
    for (const auto& [key, error] : reports.ended) {
      ended.insert(key);
      EXPECT_EQ(error.CodeName(), "FAILED_PRECONDITION");
    }
    EXPECT_EQ(ended, (std::set<client::HoldSet::Key>{*a, *b}));
  }
  EXPECT_TRUE(reports.Got(*a, v1::HOLD_EVENT_ENDED_BY_LOGOUT));
  EXPECT_EQ(set->size(), 0u);
  EXPECT_FALSE(set->contains(*a));
  auto refused = set->AddRoom("night-c");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().CodeName(), "FAILED_PRECONDITION");

  ASSERT_TRUE(c.Login());
  auto held = set->AddRoom("night-d");
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_TRUE(CountsAre(c, {{"night-d", 1}}, milliseconds(2000)));
  EXPECT_EQ(reports.detached.load(), 0);
}

TEST_F(HoldSetE2eTest, OpenFailsWhenTheDaemonIsDown) {
  ASSERT_EQ(daemon_->Stop(), 0);
  client::Client c = Connect();
  const auto start = Clock::now();
  auto set = c.OpenHoldSet();
  ASSERT_FALSE(set);
  EXPECT_TRUE(set.error().unreachable) << set.error().message;
  EXPECT_LT(Clock::now() - start, milliseconds(1000)) << "fails fast";
}

}  // namespace
}  // namespace presence::testing
