// hiredis underneath RedisStore: a small pool of blocking connections for
// the gRPC threads (one script call per round trip), and a subscriber with
// its own connection and thread. Neither ever blocks a caller for long:
// connecting and every command are bounded by the timeout, and a broken
// connection is dropped and made again on the next call.
#pragma once

#include <hiredis/hiredis.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "contract/mutex.h"
#include "store/presence_store.h"
#include "store/redis_scripts.h"

namespace presence::server {

struct RedisOptions {
  // "HOST:PORT", "[IPv6]:PORT", or a unix socket: "/path" or "unix:/path".
  std::string address = "127.0.0.1:6379";
  Millis timeout{500};   // connect, and each command
  int connections = 16;  // pool size
};

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Redis answered with an error reply the store does not expect.
struct RedisReplyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class RedisPool {
 public:
  explicit RedisPool(RedisOptions options);
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // Runs a script (EVALSHA; EVAL when Redis lost its script cache) with
  // these ARGV. Throws StoreUnavailable when Redis cannot be reached or is
  // not serving (LOADING, READONLY, ...), RedisReplyError for other error
  // replies.
  Reply Eval(redis_scripts::Id script, const std::vector<std::string>& argv);
  // One plain command, with the same errors.
  Reply Command(const std::vector<std::string>& args);

  const RedisOptions& options() const { return options_; }

 private:
  redisContext* Acquire();
  void Release(redisContext* context, bool broken);
  Reply Run(redisContext*& context, const std::vector<std::string>& args);
  // Runs `work` on a pooled connection and turns error replies into
  // exceptions; a connection that failed is dropped, not reused.
  Reply WithConnection(const std::function<Reply(redisContext*&)>& work);
  [[noreturn]] void Unavailable(const std::string& why) const;

  const RedisOptions options_;
  std::vector<std::string> shas_;  // per script, fixed by the texts

  Mutex mu_;
  std::condition_variable idle_cv_;
  // nullptr: a slot not connected.
  std::vector<redisContext*> idle_ ABSL_GUARDED_BY(mu_);
};

// SUBSCRIBEs to one channel on its own connection and thread, and passes
// every message to on_message (on that thread). Reconnects by itself, with
// backoff; on_subscribed runs after every (re)subscription.
class RedisSubscriber {
 public:
  RedisSubscriber(RedisOptions options, std::string channel,
                  std::function<void(std::string_view)> on_message,
                  std::function<void(bool first)> on_subscribed);
  ~RedisSubscriber();  // stops and joins

  // Waits until subscribed; false after `timeout`.
  bool WaitSubscribed(Millis timeout);

 private:
  void Run();
  bool SleepUnlessStopping(Millis period);

  const RedisOptions options_;
  const std::string channel_;
  const std::function<void(std::string_view)> on_message_;
  const std::function<void(bool)> on_subscribed_;

  Mutex mu_;
  std::condition_variable cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool subscribed_ ABSL_GUARDED_BY(mu_) = false;
  redisContext* current_ = nullptr;  // shut down to stop a blocked read
  std::thread thread_;               // last
};

// Connects with options.timeout as the connect timeout (and, when
// `command_timeout`, as the timeout of every command). Throws
// StoreUnavailable.
redisContext* RedisConnect(const RedisOptions& options, bool command_timeout);

}  // namespace presence::server
