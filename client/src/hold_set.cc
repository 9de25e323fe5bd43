// HoldSet: many attached holds on one HoldMany call, re-attached by
// ReattachingCall.
#include "presence/client/hold_set.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "call_errors.h"
#include "contract/status_name.h"
#include "presence/v1/control.grpc.pb.h"
#include "reattaching_call.h"

namespace presence::client {

namespace {

using Stream = grpc::ClientReaderWriter<v1::HoldManyRequest, v1::HoldEvent>;

// A REFUSED event: its code, and its message without the "<code name>: "
// that starts it for people (control.proto). A daemon older than the code
// field sends 0 (OK), which refuses nothing: UNKNOWN then.
Error RefusalError(const v1::HoldEvent& event) {
  const auto code = static_cast<grpc::StatusCode>(event.code());
  if (code == grpc::StatusCode::OK) {
    return Error{grpc::StatusCode::UNKNOWN, event.message(), false};
  }
  const std::string prefix = StatusCodeName(code) + ": ";
  const std::string& message = event.message();
  return Error{
      code,
      message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message,
      false};
}

Error Closed() {
  return Error{grpc::StatusCode::CANCELLED, "the hold set is closed", false};
}

}  // namespace

struct HoldSet::State final : detail::ReattachingCall {
  struct Entry {
    v1::Target target;
    std::string hold_id;           // on the open call; empty while not held
    std::uint64_t request_id = 0;  // its hold request awaiting an answer
    bool added = false;            // Add handed the key to its caller
  };

  State(std::shared_ptr<grpc::Channel> channel, const Options& client,
        HoldSetOptions options)
      : ReattachingCall(
            channel, client, "the HoldMany call",
            {options.on_detached, options.on_gap, options.retry_interval}),
        stub(v1::ControlService::NewStub(channel)),
        on_event(std::move(options.on_event)),
        on_ended(std::move(options.on_ended)) {}

  const std::unique_ptr<v1::ControlService::Stub> stub;
  const std::function<void(Key, const v1::HoldEvent&)> on_event;
  const std::function<void(Key, const Error&)> on_ended;

  mutable std::mutex mu;
  std::condition_variable cv;
  std::map<Key, Entry> entries;
  std::map<std::string, Key> keys;        // the daemon's hold id -> key
  std::map<std::uint64_t, Key> requests;  // hold request in flight -> key
  std::map<Key, Error> refused;           // for Add: why its key went
  Key last_key = 0;
  std::uint64_t last_request_id = 0;
  std::uint64_t call = 0;     // the number of the open call; 0 while detached
  std::optional<Error> dead;  // the daemon refused the call itself
  bool closed = false;

  std::uint64_t calls_made = 0;  // reader thread only

  // gRPC allows one write in flight per stream. The writer and its call
  // number change under write_mu, so a write never reaches a stream the
  // reader is finishing, nor a later call than the one it was meant for.
  // Never wait for write_mu while holding mu: the reader needs mu to drain
  // events.
  std::mutex write_mu;
  Stream* writer = nullptr;
  std::uint64_t writer_call = 0;

  CallEnd Call(grpc::ClientContext& context) override;
  void Ended(const Error& error) override;
  void Attach(Stream& stream, std::uint64_t number);
  void Detach();
  bool Dispatch(const v1::HoldEvent& event, std::uint64_t number);
  void ReportGapOnceHeld();

  Result<Key> Add(const v1::Target& target);
  Result<Unit> Remove(Key key);
  void Close();

  // Under mu: a hold request for the entry, awaited under a new request id.
  v1::HoldManyRequest HoldRequestFor(Key key, Entry& entry) {
    entry.request_id = ++last_request_id;
    requests[entry.request_id] = key;
    v1::HoldManyRequest request;
    *request.mutable_hold()->mutable_target() = entry.target;
    request.mutable_hold()->set_client_name(client().client_name);
    request.set_request_id(entry.request_id);
    return request;
  }

  // Under mu: the key leaves the set with `error`: for on_ended, or for the
  // Add still waiting for it.
  std::optional<std::pair<Key, Error>> Leave(Key key, const Error& error) {
    auto entry = entries.find(key);
    if (entry == entries.end()) return std::nullopt;
    const bool added = entry->second.added;
    keys.erase(entry->second.hold_id);
    entries.erase(entry);
    if (added) return std::make_pair(key, error);
    refused.emplace(key, error);
    cv.notify_all();
    return std::nullopt;
  }

  // False when the call is no longer `number` (the request is then dropped:
  // the daemon released everything of that call, and re-attaching re-sends
  // what is still wanted).
  bool Write(const v1::HoldManyRequest& request, std::uint64_t number) {
    std::lock_guard<std::mutex> lock(write_mu);
    return writer != nullptr && writer_call == number && writer->Write(request);
  }
  void WriteRelease(const std::string& hold_id, std::uint64_t number) {
    v1::HoldManyRequest request;
    request.set_release_hold_id(hold_id);
    Write(request, number);
  }
};

HoldSet::State::CallEnd HoldSet::State::Call(grpc::ClientContext& context) {
  CallEnd end;
  const std::uint64_t number = ++calls_made;
  // Opening the call waits for the channel's connection attempt; a call
  // that got no connection has failed already (it is not wait-for-ready).
  const std::unique_ptr<Stream> stream = stub->HoldMany(&context);
  end.connected = channel().GetState(false) == GRPC_CHANNEL_READY;
  v1::HoldEvent event;
  if (end.connected) {
    Attach(*stream, number);
    Answered();
    ReportGapOnceHeld();
    while (stream->Read(&event)) {
      end.held |= Dispatch(event, number);
      ReportGapOnceHeld();
    }
  } else {
    context.TryCancel();  // in case it is still connecting after all
    while (stream->Read(&event)) {
    }
  }
  {
    std::lock_guard<std::mutex> lock(write_mu);
    writer = nullptr;  // a write in flight fails now: the call is over
  }
  end.status = stream->Finish();
  Detach();
  return end;
}

// The call `number` is open: writes may go to it, and every target of the
// set (none on the first call) is held again on it.
void HoldSet::State::Attach(Stream& stream, std::uint64_t number) {
  {
    std::lock_guard<std::mutex> lock(write_mu);
    writer = &stream;
    writer_call = number;
  }
  std::vector<v1::HoldManyRequest> holds;
  {
    std::lock_guard<std::mutex> lock(mu);
    call = number;
    for (auto& [key, entry] : entries) {
      holds.push_back(HoldRequestFor(key, entry));
    }
  }
  for (const auto& request : holds) {
    if (!Write(request, number)) break;  // the call broke: reading ends too
  }
}

// The call is over, and the daemon dropped every hold of it.
void HoldSet::State::Detach() {
  std::lock_guard<std::mutex> lock(mu);
  call = 0;
  keys.clear();
  requests.clear();
  for (auto& [key, entry] : entries) {
    entry.hold_id.clear();
    entry.request_id = 0;
  }
}

// Routes one event of call `number` to its key; returns whether it was HELD.
bool HoldSet::State::Dispatch(const v1::HoldEvent& event,
                              std::uint64_t number) {
  std::vector<Key> about;  // the keys for on_event
  std::optional<std::pair<Key, Error>> ended;
  std::string unwanted;  // held for a key that is gone: release it
  {
    std::lock_guard<std::mutex> lock(mu);
    const auto by_hold_id = keys.find(event.hold_id());
    switch (event.type()) {
      case v1::HOLD_EVENT_HELD:
      case v1::HOLD_EVENT_REFUSED: {
        // A refused release (hold_id set) needs nothing: that hold is gone.
        // Nor does request_id 0 (an unreadable request; ours are readable).
        if (event.type() == v1::HOLD_EVENT_REFUSED &&
            !event.hold_id().empty()) {
          break;
        }
        const auto request = requests.find(event.request_id());
        Entry* entry = nullptr;
        Key key = 0;
        if (request != requests.end()) {
          key = request->second;
          requests.erase(request);
          const auto found = entries.find(key);
          // Only the entry's current request counts.
          if (found != entries.end() &&
              found->second.request_id == event.request_id()) {
            entry = &found->second;
          }
        }
        if (event.type() == v1::HOLD_EVENT_REFUSED) {
          if (entry != nullptr) ended = Leave(key, RefusalError(event));
        } else if (entry == nullptr) {
          unwanted = event.hold_id();  // removed, or its Add timed out
        } else {
          entry->request_id = 0;
          entry->hold_id = event.hold_id();
          keys[event.hold_id()] = key;
          about.push_back(key);
          cv.notify_all();
        }
        break;
      }
      case v1::HOLD_EVENT_ENDED_BY_LOGOUT:
        if (by_hold_id != keys.end()) {
          about.push_back(by_hold_id->second);
          ended = Leave(by_hold_id->second,
                        Error{grpc::StatusCode::FAILED_PRECONDITION,
                              "the hold was ended by logout", false});
        }
        break;
      default:
        if (by_hold_id != keys.end()) {
          about.push_back(by_hold_id->second);
        } else if (event.hold_id().empty()) {
          // The daemon sends these per hold (engine.cc, Broadcast); one
          // without a hold id would be about all of them.
          for (const auto& [key, entry] : entries) {
            if (!entry.hold_id.empty()) about.push_back(key);
          }
        }
        break;
    }
  }
  if (!unwanted.empty()) WriteRelease(unwanted, number);
  if (on_event) {
    for (Key key : about) on_event(key, event);
  }
  if (ended && on_ended) on_ended(ended->first, ended->second);
  return event.type() == v1::HOLD_EVENT_HELD;
}

// After a break: the gap ends once every target of the set is held again.
void HoldSet::State::ReportGapOnceHeld() {
  if (!InGap()) return;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& [key, entry] : entries) {
      if (entry.hold_id.empty()) return;
    }
  }
  AllHeld();
}

// The daemon refused the call itself: every hold leaves, and so will those
// added later.
void HoldSet::State::Ended(const Error& error) {
  std::vector<std::pair<Key, Error>> ended;
  {
    std::lock_guard<std::mutex> lock(mu);
    dead = error;
    std::vector<Key> all;
    for (const auto& [key, entry] : entries) all.push_back(key);
    for (Key key : all) {
      if (auto left = Leave(key, error)) ended.push_back(*left);
    }
  }
  cv.notify_all();
  if (on_ended) {
    for (const auto& [key, why] : ended) on_ended(key, why);
  }
}

Result<HoldSet::Key> HoldSet::State::Add(const v1::Target& target) {
  if (OnReaderThread()) {
    return Error{grpc::StatusCode::FAILED_PRECONDITION,
                 "HoldSet::Add from a HoldSet callback would wait for the "
                 "thread running that callback",
                 false};
  }
  std::unique_lock<std::mutex> lock(mu);
  if (closed) return Closed();
  if (dead) return *dead;
  const Key key = ++last_key;
  Entry& entry = entries[key];
  entry.target = target;
  // Detached: re-attaching holds it along with the others.
  const std::uint64_t number = call;
  if (number != 0) {
    const v1::HoldManyRequest request = HoldRequestFor(key, entry);
    lock.unlock();
    Write(request, number);
    lock.lock();
  }
  cv.wait_for(lock, client().timeout, [&] {
    const auto found = entries.find(key);
    return closed || refused.count(key) > 0 ||
           (found != entries.end() && !found->second.hold_id.empty());
  });
  if (const auto why = refused.find(key); why != refused.end()) {
    Error error = why->second;
    refused.erase(why);
    return error;
  }
  if (closed) return Closed();
  const auto found = entries.find(key);
  if (found == entries.end()) return Closed();  // not reached: see Leave
  if (!found->second.hold_id.empty()) {
    found->second.added = true;
    return key;
  }
  // No answer in time: forget it. A HELD arriving later finds no entry for
  // its request and is released.
  entries.erase(found);
  return detail::NoAnswerError(channel(), client(), "the hold");
}

Result<Unit> HoldSet::State::Remove(Key key) {
  std::string hold_id;
  std::uint64_t number;
  {
    std::lock_guard<std::mutex> lock(mu);
    const auto entry = entries.find(key);
    if (entry == entries.end() || !entry->second.added) {
      return Error{
          grpc::StatusCode::NOT_FOUND,
          "no hold with key " + std::to_string(key) + " in this hold set",
          false};
    }
    // A hold request still in flight (re-attaching) is answered by a HELD
    // that no longer finds the entry, and that hold is released then.
    hold_id = entry->second.hold_id;
    number = call;
    keys.erase(hold_id);
    entries.erase(entry);
  }
  if (!hold_id.empty()) WriteRelease(hold_id, number);
  return Unit{};
}

void HoldSet::State::Close() {
  {
    std::lock_guard<std::mutex> lock(mu);
    closed = true;
    entries.clear();
    keys.clear();
  }
  cv.notify_all();
  Stop();
}

// ---------------------------------------------------------------- HoldSet

HoldSet::HoldSet(std::shared_ptr<State> state) : state_(std::move(state)) {}
HoldSet::HoldSet(HoldSet&&) noexcept = default;
HoldSet& HoldSet::operator=(HoldSet&& other) noexcept {
  if (this != &other) {
    Close();
    state_ = std::move(other.state_);
  }
  return *this;
}
HoldSet::~HoldSet() { Close(); }

void HoldSet::Close() {
  if (state_) state_->Close();
}

Result<HoldSet::Key> HoldSet::Add(const v1::Target& target) {
  if (!state_) return Closed();
  return state_->Add(target);
}

Result<HoldSet::Key> HoldSet::AddRoom(const std::string& room_id) {
  v1::Target target;
  target.set_kind(v1::TARGET_KIND_ROOM);
  target.set_room_id(room_id);
  return Add(target);
}

Result<HoldSet::Key> HoldSet::AddUser() {
  v1::Target target;
  target.set_kind(v1::TARGET_KIND_USER);
  return Add(target);
}

Result<Unit> HoldSet::Remove(Key key) {
  if (!state_) return Closed();
  return state_->Remove(key);
}

std::size_t HoldSet::size() const {
  if (!state_) return 0;
  std::lock_guard<std::mutex> lock(state_->mu);
  return std::count_if(state_->entries.begin(), state_->entries.end(),
                       [](const auto& entry) { return entry.second.added; });
}

bool HoldSet::held(Key key) const {
  if (!state_) return false;
  std::lock_guard<std::mutex> lock(state_->mu);
  const auto entry = state_->entries.find(key);
  return entry != state_->entries.end() && entry->second.added &&
         !entry->second.hold_id.empty();
}

bool HoldSet::contains(Key key) const {
  if (!state_) return false;
  std::lock_guard<std::mutex> lock(state_->mu);
  const auto entry = state_->entries.find(key);
  return entry != state_->entries.end() && entry->second.added;
}

// ---------------------------------------------------------------- Client

Result<HoldSet> Client::OpenHoldSet() { return OpenHoldSet(HoldSetOptions{}); }

Result<HoldSet> Client::OpenHoldSet(HoldSetOptions options) {
  auto state = std::make_shared<HoldSet::State>(
      detail::ChannelOf(*impl_), Client::options(), std::move(options));
  state->Start(state);
  if (auto error = state->AwaitFirstAnswer()) return *error;
  return HoldSet(std::move(state));
}

}  // namespace presence::client
