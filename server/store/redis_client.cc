#include "store/redis_client.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>

namespace presence::server {
namespace {

timeval ToTimeval(Millis timeout) {
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  return tv;
}

std::string ContextError(const redisContext* context) {
  if (context == nullptr) return "out of memory";
  if (context->err == REDIS_ERR_IO &&
      (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS)) {
    return "timed out";
  }
  return context->errstr[0] != '\0' ? context->errstr : "connection error";
}

// Error replies meaning "this server cannot serve now": drop the connection
// and answer UNAVAILABLE.
bool IsUnavailableReply(std::string_view error) {
  for (std::string_view prefix : {"LOADING", "READONLY", "MASTERDOWN", "BUSY",
                                  "TRYAGAIN", "CLUSTERDOWN", "NOAUTH"}) {
    if (error.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

Reply Send(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return Reply(static_cast<redisReply*>(redisCommandArgv(
      context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

}  // namespace

redisContext* RedisConnect(const RedisOptions& options, bool command_timeout) {
  const timeval tv = ToTimeval(options.timeout);
  const std::string& address = options.address;
  redisContext* context = nullptr;
  bool tcp = false;
  if (address.rfind("unix:", 0) == 0) {
    context = redisConnectUnixWithTimeout(address.c_str() + 5, tv);
  } else if (!address.empty() && address[0] == '/') {
    context = redisConnectUnixWithTimeout(address.c_str(), tv);
  } else {
    const auto colon = address.rfind(':');
    std::string host =
        colon == std::string::npos ? address : address.substr(0, colon);
    int port = 6379;
    if (colon != std::string::npos) {
      try {
        port = std::stoi(address.substr(colon + 1));
      } catch (const std::exception&) {
        throw StoreUnavailable("redis at " + address +
                               " unavailable: not HOST:PORT or a socket path");
      }
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    context = redisConnectWithTimeout(host.c_str(), port, tv);
    tcp = true;
  }
  if (context == nullptr || context->err != 0) {
    const std::string why = ContextError(context);
    if (context != nullptr) redisFree(context);
    throw StoreUnavailable("redis at " + address + " unavailable: " + why);
  }
  if (command_timeout) redisSetTimeout(context, tv);
  // Notices a peer that vanished without closing (TCP only; on a unix
  // socket it would fail and mark the context broken).
  if (tcp && redisEnableKeepAlive(context) != REDIS_OK) context->err = 0;
  return context;
}

RedisPool::RedisPool(RedisOptions options)
    : options_(std::move(options)),
      idle_(std::max(1, options_.connections), nullptr) {}

RedisPool::~RedisPool() {
  for (redisContext* context : idle_) {
    if (context != nullptr) redisFree(context);
  }
}

void RedisPool::Unavailable(const std::string& why) const {
  throw StoreUnavailable("redis at " + options_.address +
                         " unavailable: " + why);
}

redisContext* RedisPool::Acquire() {
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  MutexLock lock(mu_);
  while (idle_.empty()) {
    if (!mu_.WaitUntil(idle_cv_, deadline) && idle_.empty()) {
      Unavailable("every connection is busy");
    }
  }
  redisContext* context = idle_.back();
  idle_.pop_back();
  return context;
}

void RedisPool::Release(redisContext* context, bool broken) {
  if (broken && context != nullptr) {
    redisFree(context);
    context = nullptr;
  }
  {
    MutexLock lock(mu_);
    idle_.push_back(context);
  }
  idle_cv_.notify_one();
}

// Sends one command on *context, connecting first when needed; a connection
// that failed is freed and set to null.
Reply RedisPool::Run(redisContext*& context,
                     const std::vector<std::string>& args) {
  const bool reused = context != nullptr;
  if (context == nullptr) {
    context = RedisConnect(options_, true);
    // Load every script once per connection, so EVALSHA finds them even
    // after Redis restarted empty.
    for (const auto& script : redis_scripts::All()) {
      redisAppendCommand(context, "SCRIPT LOAD %b", script.text.data(),
                         script.text.size());
    }
    std::vector<std::string> shas;
    for (std::size_t i = 0; i < redis_scripts::All().size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(context, &raw) != REDIS_OK) {
        const std::string why = ContextError(context);
        redisFree(context);
        context = nullptr;
        Unavailable(why);
      }
      Reply reply(static_cast<redisReply*>(raw));
      if (reply->type != REDIS_REPLY_STRING) {
        const std::string why = reply->type == REDIS_REPLY_ERROR
                                    ? reply->str
                                    : "SCRIPT LOAD failed";
        redisFree(context);
        context = nullptr;
        Unavailable(why);
      }
      shas.emplace_back(reply->str, reply->len);
    }
    MutexLock lock(mu_);
    if (shas_.empty()) shas_ = std::move(shas);
  }
  Reply reply = Send(context, args);
  if (!reply) {
    const std::string why = ContextError(context);
    redisFree(context);
    context = nullptr;
    // A pooled connection may have died while idle (Redis restarted): try
    // once more on a fresh one, unless Redis is merely slow.
    if (reused && why != "timed out") return Run(context, args);
    Unavailable(why);
  }
  return reply;
}

Reply RedisPool::WithConnection(
    const std::function<Reply(redisContext*&)>& work) {
  redisContext* context = Acquire();
  bool broken = true;
  try {
    Reply reply = work(context);
    broken = false;
    if (reply->type == REDIS_REPLY_ERROR) {
      // An error reply that means this server cannot serve now drops the
      // connection and is UNAVAILABLE; any other is the caller's error.
      const std::string error(reply->str, reply->len);
      if (IsUnavailableReply(error)) {
        broken = true;
        Unavailable(error);
      }
      throw RedisReplyError(error);
    }
    Release(context, false);
    return reply;
  } catch (...) {
    Release(context, broken);
    throw;
  }
}

Reply RedisPool::Command(const std::vector<std::string>& args) {
  return WithConnection(
      [&](redisContext*& context) { return Run(context, args); });
}

Reply RedisPool::Eval(redis_scripts::Id script,
                      const std::vector<std::string>& argv) {
  return WithConnection([&](redisContext*& context) {
    std::vector<std::string> args;
    args.reserve(argv.size() + 3);
    args.emplace_back("EVALSHA");
    if (context == nullptr) {
      // Connect (and learn the shas) before the sha is needed.
      Run(context, {"PING"});
    }
    {
      MutexLock lock(mu_);
      args.push_back(shas_.at(script));
    }
    args.emplace_back("0");
    args.insert(args.end(), argv.begin(), argv.end());
    Reply reply = Run(context, args);
    if (reply->type == REDIS_REPLY_ERROR &&
        std::string_view(reply->str, reply->len).substr(0, 8) == "NOSCRIPT") {
      args[0] = "EVAL";
      args[1] = redis_scripts::All()[script].text;
      reply = Run(context, args);
    }
    return reply;
  });
}

RedisSubscriber::RedisSubscriber(
    RedisOptions options, std::string channel,
    std::function<void(std::string_view)> on_message,
    std::function<void(bool first)> on_subscribed)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      on_message_(std::move(on_message)),
      on_subscribed_(std::move(on_subscribed)),
      thread_([this] { Run(); }) {}

RedisSubscriber::~RedisSubscriber() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
    // Wakes a read blocked on the connection.
    if (current_ != nullptr) ::shutdown(current_->fd, SHUT_RDWR);
  }
  cv_.notify_all();
  thread_.join();
}

bool RedisSubscriber::WaitSubscribed(Millis timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(mu_);
  while (!subscribed_ && !stopping_ && mu_.WaitUntil(cv_, deadline)) {
  }
  return subscribed_;
}

bool RedisSubscriber::SleepUnlessStopping(Millis period) {
  const auto deadline = std::chrono::steady_clock::now() + period;
  MutexLock lock(mu_);
  while (!stopping_ && mu_.WaitUntil(cv_, deadline)) {
  }
  return !stopping_;
}

void RedisSubscriber::Run() {
  Millis backoff(50);
  bool first = true;
  bool failing = false;
  while (true) {
    redisContext* context = nullptr;
    try {
      context = RedisConnect(options_, false);
    } catch (const StoreUnavailable& e) {
      if (!failing) spdlog::warn("redis subscriber: {}; retrying", e.what());
      failing = true;
      if (!SleepUnlessStopping(backoff)) return;
      backoff = std::min(backoff * 2, Millis(1000));
      continue;
    }
    {
      MutexLock lock(mu_);
      if (stopping_) {
        redisFree(context);
        return;
      }
      current_ = context;
    }
    Reply reply(static_cast<redisReply*>(redisCommand(
        context, "SUBSCRIBE %b", channel_.data(), channel_.size())));
    if (reply && reply->type == REDIS_REPLY_ARRAY) {
      if (failing) spdlog::info("redis subscriber: connected again");
      failing = false;
      backoff = Millis(50);
      on_subscribed_(first);
      first = false;
      {
        MutexLock lock(mu_);
        subscribed_ = true;
      }
      cv_.notify_all();
      while (true) {
        void* raw = nullptr;
        if (redisGetReply(context, &raw) != REDIS_OK) break;
        Reply message(static_cast<redisReply*>(raw));
        if (message->type == REDIS_REPLY_ARRAY && message->elements == 3 &&
            std::strcmp(message->element[0]->str, "message") == 0) {
          on_message_(std::string_view(message->element[2]->str,
                                       message->element[2]->len));
        }
      }
    }
    bool stopping;
    {
      MutexLock lock(mu_);
      current_ = nullptr;
      subscribed_ = false;
      stopping = stopping_;
    }
    const std::string why = ContextError(context);
    redisFree(context);
    if (stopping) return;
    if (!failing) {
      spdlog::warn("redis subscriber: lost redis at {} ({}); reconnecting",
                   options_.address, why);
    }
    failing = true;
    if (!SleepUnlessStopping(backoff)) return;
    backoff = std::min(backoff * 2, Millis(1000));
  }
}

}  // namespace presence::server
