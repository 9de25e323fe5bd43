// Detached holds survive a daemon restart: they are kept in a small text
// file under the state directory, written atomically (temp file, fsync,
// rename) by a background writer so a start or stop call never waits for
// the disk. Changes within 50 ms are written once, newest snapshot winning;
// a crash loses at most the last 50 ms of changes.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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

std::string SerializeHolds(const std::vector<StoredHold>& holds);
// Nothing (and *error says which line and why) when the text is malformed.
std::optional<std::vector<StoredHold>> ParseHolds(const std::string& text,
                                                  std::string* error);

class HoldFile {
 public:
  explicit HoldFile(std::string path);
  ~HoldFile();

  // The stored holds. A corrupt file is moved aside with a warning and
  // nothing is returned, so the daemon still starts.
  std::vector<StoredHold> Load();
  // Queues a snapshot for the writer.
  void Save(std::vector<StoredHold> holds);
  // Waits until everything queued is on disk.
  void Flush();

  const std::string& path() const { return path_; }

 private:
  void Run();
  bool Write(const std::string& text);

  const std::string path_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<std::vector<StoredHold>> pending_;
  bool writing_ = false;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace presence::daemon
