// HoldSet: many attached holds on one HoldMany call (see control.proto).
//
// An app holding many targets at once (a launcher showing hundreds of rooms)
// pays the daemon one call (~16 KB) for all of them instead of one per hold:
//
//   auto set = client.OpenHoldSet();                 // one call, one thread
//   auto lobby = set->AddRoom("lobby");              // blocks until HELD
//   if (!lobby) std::cerr << lobby.error().message;  // refused/unreachable
//   set->Remove(*lobby);                             // a leave
//   ...                                              // ~HoldSet: all leave
//
// Like Hold, the set re-attaches by itself when the daemon restarts: it opens
// a new call, holds every target again and reports the gap once all are.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "presence/client/client.h"

namespace presence::client {

// A hold's handle in its HoldSet: never 0, never reused, and unchanged when
// the set re-attaches (the daemon's hold ids change then).
using HoldSetKey = std::uint64_t;

struct HoldSetOptions {
  // Every event about one hold of the set, HELD included (also after
  // re-attaching), ENDED_BY_LOGOUT too (then on_ended follows).
  std::function<void(HoldSetKey, const v1::HoldEvent&)> on_event;
  // The call broke (daemon stopped or crashed); re-attaching starts.
  std::function<void(const Error&)> on_detached;
  // Re-attached after a break and every target held again; the gap is how
  // long the holds were missing.
  std::function<void(const Gap&)> on_gap;
  // The hold left the set for good: logout ended it, or the daemon refused
  // it when re-attaching (e.g. FAILED_PRECONDITION). Its key is now unknown.
  std::function<void(HoldSetKey, const Error&)> on_ended;
  // How often re-attaching is tried while the daemon is away.
  std::chrono::milliseconds retry_interval{150};
};

// Attached holds sharing one HoldMany call. Move-only; destroying it (or
// Close()) cancels the call, which makes the daemon drop every hold on it at
// once. Events are read on a background thread that invokes the
// HoldSetOptions callbacks; a callback must not destroy the set, and may not
// Add (Add waits for that same thread), but may Remove.
//
// Add, Remove, size and held may be called from several threads at once.
class HoldSet {
 public:
  using Key = HoldSetKey;

  HoldSet(HoldSet&&) noexcept;
  HoldSet& operator=(HoldSet&&) noexcept;
  HoldSet(const HoldSet&) = delete;
  HoldSet& operator=(const HoldSet&) = delete;
  ~HoldSet();

  // Adds a hold and blocks until the daemon answers HELD, or refuses it (the
  // daemon's code and reason as the Error), or the Options timeout passes.
  // While the set is re-attaching, the target is held once the daemon is
  // back, if that happens within the timeout.
  Result<Key> Add(const v1::Target& target);
  Result<Key> AddRoom(const std::string& room_id);
  Result<Key> AddUser();

  // Releases one hold (a leave, if it was the target's last). Does not wait
  // for the daemon. NOT_FOUND if the key is not in the set (any more).
  Result<Unit> Remove(Key key);

  // The holds in the set, held or waiting to be held again.
  std::size_t size() const;
  // True while the key's hold is in force (HELD received, call open).
  bool held(Key key) const;
  // False for a key not in the set (removed, ended, never added).
  bool contains(Key key) const;

  // Cancels the call and waits for the reader thread. Idempotent.
  void Close();

  struct State;  // implementation detail

 private:
  friend class Client;
  explicit HoldSet(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace presence::client
