// Detached holds survive a daemon restart: they are kept in a small text
// file under the state directory, written atomically (temp file, fsync,
// rename, fsync of the directory) by a background writer, so a start or stop
// never blocks a gRPC thread on the disk. A caller that must know the hold
// is on disk passes a callback: it runs once a write that includes its
// change is done, with the result. Snapshots that arrive while a write is
// under way are written together next (group commit).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "contract/mutex.h"
#include "core/hold_table.h"

namespace presence::daemon {

// A detached hold as stored: wall-clock times in Unix milliseconds.
struct StoredHold {
  std::string id;
  Target target;
  Owner owner;
  int64_t since_ms = 0;
  int64_t expires_at_ms = 0;  // 0: no TTL
};

// The detached holds of `table`, as stored.
std::vector<StoredHold> DetachedHolds(const HoldTable& table);

std::string SerializeHolds(const std::vector<StoredHold>& holds);
// Nothing (and *error says which line and why) when the text is malformed.
std::optional<std::vector<StoredHold>> ParseHolds(const std::string& text,
                                                  std::string* error);

// How a save went: message names the file and the OS error.
struct SaveResult {
  int os_error = 0;
  std::string message;

  bool ok() const { return message.empty(); }
  // The disk or the quota is full (as opposed to broken or read-only).
  bool resource_exhausted() const;
};

class HoldFile {
 public:
  using OnSaved = std::function<void(const SaveResult&)>;

  explicit HoldFile(std::string path);
  ~HoldFile();

  // The stored holds. A file that cannot be used (not a regular file,
  // unreadable, corrupt) is moved aside with a warning naming both paths
  // and nothing is returned, so the daemon still starts and never
  // overwrites it.
  std::vector<StoredHold> Load();
  // Queues a snapshot for the writer; `on_saved` runs on the writer thread,
  // without any lock of this class held.
  void Save(std::vector<StoredHold> holds, OnSaved on_saved = {});
  // Waits until everything queued is written and its callbacks have run.
  void Flush();

  const std::string& path() const { return path_; }

 private:
  void Run();
  SaveResult Write(const std::string& text);
  // Moves an unusable file out of the way, to PATH.<kind>-<time>; says
  // where in the log.
  void MoveAside(const std::string& kind, const std::string& why);

  const std::string path_;
  Mutex mutex_;
  std::condition_variable changed_;
  std::optional<std::vector<StoredHold>> pending_ ABSL_GUARDED_BY(mutex_);
  // Callbacks of the pending snapshot.
  std::vector<OnSaved> waiting_ ABSL_GUARDED_BY(mutex_);
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  // Save errors are logged when they start and when they end, not per
  // write. The writer thread's own.
  std::string failing_;
  std::thread writer_;
};

}  // namespace presence::daemon
