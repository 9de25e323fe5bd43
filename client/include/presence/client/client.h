// libpresence-client: what a local C++ app links to talk to presenced.
//
// Typed calls for every control operation (presence/v1/control.proto), errors
// as a gRPC status code plus message, and Hold: a move-only RAII handle on an
// attached hold that keeps the user or a room "present" exactly as long as the
// object lives, and re-attaches by itself when the daemon restarts.
//
//   presence::client::Client client;                 // default socket
//   auto hold = client.HoldRoom("lobby");            // blocks until HELD
//   if (!hold) std::cerr << hold.error().message;    // refused/unreachable
//   ...                                              // presence while alive
//
// Many holds at once go on one call: client.OpenHoldSet() (hold_set.h).
//
// Thread safety: a Client may be used from several threads at once; a Hold's
// callbacks run on the Hold's own thread and must not destroy that Hold.
#pragma once

#include <grpcpp/support/status_code_enum.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "presence/v1/control.pb.h"

namespace presence::client {

namespace v1 = ::presence::v1;

// The socket used when Options::socket_path is empty and PRESENCED_SOCKET is
// not set.
inline constexpr const char kDefaultSocketPath[] =
    "/run/presenced/presenced.sock";
inline constexpr const char kSocketEnvVar[] = "PRESENCED_SOCKET";

// $PRESENCED_SOCKET if set and non-empty, else kDefaultSocketPath.
std::string DefaultSocketPath();

// A failed call: the daemon's gRPC status code and message. `unreachable` is
// true when the daemon could not be reached at all (no socket, refused, no
// connection within the timeout) rather than answering with an error.
struct Error {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  bool unreachable = false;

  // "UNAVAILABLE", "INVALID_ARGUMENT", ...
  std::string CodeName() const;
};

// The gRPC status code names, e.g. "INVALID_ARGUMENT".
std::string CodeName(grpc::StatusCode code);

struct Unit {};

// A value or an Error.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

struct Options {
  std::string socket_path;  // empty: DefaultSocketPath()
  // Deadline of each unary call, and how long Hold waits for HELD.
  std::chrono::milliseconds timeout{5000};
  std::string client_name;  // empty: program_invocation_short_name
};

// Daemon gone and back: the hold was not in force from `start` (the stream
// broke) to `end` (HELD arrived again).
struct Gap {
  std::chrono::system_clock::time_point start;
  std::chrono::system_clock::time_point end;
  std::chrono::milliseconds duration() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(end - start);
  }
};

struct HoldOptions {
  // Every event the daemon sends, HELD included (also after re-attaching).
  std::function<void(const v1::HoldEvent&)> on_event;
  // The stream broke (daemon stopped or crashed); re-attaching starts.
  std::function<void(const Error&)> on_detached;
  // Re-attached after a break; the gap is how long the hold was missing.
  std::function<void(const Gap&)> on_gap;
  // The hold is over for good and will not re-attach: the daemon refused
  // re-attaching (e.g. FAILED_PRECONDITION) or ended it (logout).
  std::function<void(const Error&)> on_ended;
  // How often re-attaching is tried while the daemon is away.
  std::chrono::milliseconds retry_interval{150};
};

// An attached hold. Move-only; destroying it (or Release()) cancels the
// stream, which makes the daemon drop the hold at once. Events are read on a
// background thread that invokes the HoldOptions callbacks.
class Hold {
 public:
  Hold(Hold&&) noexcept;
  Hold& operator=(Hold&&) noexcept;
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;
  ~Hold();

  // The daemon's current id of this hold (a new one after re-attaching).
  std::string id() const;
  // True while the hold is in force (HELD received, stream open).
  bool held() const;
  // False once released, or ended for good (see HoldOptions::on_ended).
  bool active() const;
  const v1::Target& target() const;

  // Cancels the stream and waits for the reader thread. Idempotent.
  void Release();

  struct State;  // implementation detail

 private:
  friend class Client;
  explicit Hold(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

// The updates of a Sync call; read them one by one.
class Watch {
 public:
  Watch(Watch&&) noexcept;
  Watch& operator=(Watch&&) noexcept;
  ~Watch();

  // Blocks for the next update; false when the stream is over (then Finish).
  bool Next(v1::UserPresence* presence);
  // Ends the stream early; Next returns false soon. Safe from other threads
  // and signal-free contexts (not from a signal handler).
  void Cancel();
  // After Next returned false: why it ended (nullopt for a clean end or our
  // own Cancel).
  std::optional<Error> Finish();

  struct State;

 private:
  friend class Client;
  explicit Watch(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

class HoldSet;  // hold_set.h, included at the end of this header
struct HoldSetOptions;

class Client {
 public:
  // Creates the channel; does not connect yet (the first call does).
  explicit Client(Options options = {});
  static Client Connect(Options options = {}) {
    return Client(std::move(options));
  }
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  const Options& options() const;  // with the defaults filled in

  // Waits until the channel is connected or the timeout passes.
  Result<Unit> WaitConnected();

  // The current user's presence switch. Each returns the state after the call.
  Result<bool> IsEnabled();
  Result<bool> Enable();
  Result<bool> Disable();

  // Detached holds; ttl 0 = until stopped. Start returns the hold id.
  Result<std::string> StartUserHeartbeat(
      std::chrono::milliseconds ttl = std::chrono::milliseconds(0));
  // Empty hold_id: all of the caller's detached holds on the target. Returns
  // how many were stopped.
  Result<int> StopUserHeartbeat(const std::string& hold_id = {});
  Result<std::string> StartRoomHeartbeat(
      const std::string& room_id,
      std::chrono::milliseconds ttl = std::chrono::milliseconds(0));
  Result<int> StopRoomHeartbeat(const std::string& room_id,
                                const std::string& hold_id = {});

  // Attached holds: block until the daemon sends HELD (or refuses).
  Result<Hold> HoldUser(HoldOptions options = {});
  Result<Hold> HoldRoom(const std::string& room_id, HoldOptions options = {});
  Result<Hold> HoldTarget(const v1::Target& target, HoldOptions options = {});

  // Opens one HoldMany call to carry many attached holds (hold_set.h). Fails
  // when the daemon cannot be reached within the timeout.
  Result<HoldSet> OpenHoldSet();
  Result<HoldSet> OpenHoldSet(HoldSetOptions options);

  // Reads.
  Result<std::vector<v1::UserPresence>> GetUserPresence(
      const std::vector<std::string>& user_ids);
  Result<std::int64_t> GetOnlineUserCount();
  Result<v1::ListOnlineUsersResponse> ListOnlineUsers(
      int page_size = 0, const std::string& page_token = {});
  // Every page, concatenated.
  Result<std::vector<v1::UserPresence>> ListAllOnlineUsers(int page_size = 0);
  Result<v1::GetRoomViewerCountResponse> GetRoomViewerCount(
      const std::string& room_id);
  Result<v1::ListRoomViewersResponse> ListRoomViewers(
      const std::string& room_id, int page_size = 0,
      const std::string& page_token = {});
  Result<std::vector<v1::RoomViewer>> ListAllRoomViewers(
      const std::string& room_id, int page_size = 0);

  // Presence updates of the users, first their current state. No deadline.
  Watch Sync(const std::vector<std::string>& user_ids,
             const std::string& view_id = {});

  Result<v1::Status> GetStatus();

  // Need root or the admin group.
  Result<Unit> Logout();
  Result<Unit> Login();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace presence::client

// Last, as it needs the types above: whoever includes client.h can use
// OpenHoldSet's result.
#include "presence/client/hold_set.h"  // IWYU pragma: export
