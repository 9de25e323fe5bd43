#include "hold_file.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace presence::daemon {
namespace {

// One hold per line, tab-separated; ids and names cannot contain tabs (they
// are checked for control characters on the way in).
constexpr const char* kHeader = "presenced-holds 1";
constexpr std::chrono::milliseconds kCoalesce{50};

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

bool ToInt(const std::string& text, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = value;
  return true;
}

}  // namespace

std::string SerializeHolds(const std::vector<StoredHold>& holds) {
  std::string text = std::string(kHeader) + "\n";
  for (const StoredHold& hold : holds) {
    text += hold.id + '\t' + (hold.target.is_user() ? "user" : "room") + '\t' +
            hold.target.room_id + '\t' + std::to_string(hold.owner.uid) + '\t' +
            std::to_string(hold.owner.pid) + '\t' + hold.owner.client_name +
            '\t' + std::to_string(hold.since_ms) + '\t' +
            std::to_string(hold.expires_at_ms) + '\n';
  }
  return text;
}

std::optional<std::vector<StoredHold>> ParseHolds(const std::string& text,
                                                  std::string* error) {
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line != kHeader) {
    *error = "line 1: expected '" + std::string(kHeader) + "'";
    return std::nullopt;
  }
  std::vector<StoredHold> holds;
  for (int number = 2; std::getline(lines, line); ++number) {
    const auto fields = SplitTabs(line);
    StoredHold hold;
    int64_t uid = 0, pid = 0;
    const bool ok = fields.size() == 8 && !fields[0].empty() &&
                    (fields[1] == "user" || fields[1] == "room") &&
                    (fields[1] == "user") == fields[2].empty() &&
                    ToInt(fields[3], &uid) && uid >= 0 &&
                    ToInt(fields[4], &pid) &&
                    ToInt(fields[6], &hold.since_ms) &&
                    ToInt(fields[7], &hold.expires_at_ms);
    if (!ok) {
      *error = "line " + std::to_string(number) + ": malformed hold";
      return std::nullopt;
    }
    hold.id = fields[0];
    hold.target =
        fields[1] == "user" ? Target::User() : Target::Room(fields[2]);
    hold.owner =
        Owner{static_cast<uint32_t>(uid), static_cast<int32_t>(pid), fields[5]};
    holds.push_back(std::move(hold));
  }
  return holds;
}

HoldFile::HoldFile(std::string path)
    : path_(std::move(path)), writer_([this] { Run(); }) {}

HoldFile::~HoldFile() {
  Flush();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  writer_.join();
}

std::vector<StoredHold> HoldFile::Load() {
  std::ifstream file(path_);
  if (!file) return {};
  std::stringstream text;
  text << file.rdbuf();
  std::string error;
  auto holds = ParseHolds(text.str(), &error);
  if (holds) return *holds;
  const std::string aside =
      path_ + ".corrupt-" +
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
  std::rename(path_.c_str(), aside.c_str());
  spdlog::warn(
      "{} is corrupt ({}); moved it to {} and starting without "
      "detached holds",
      path_, error, aside);
  return {};
}

void HoldFile::Save(std::vector<StoredHold> holds) {
  bool was_idle;
  {
    std::lock_guard lock(mutex_);
    was_idle = !pending_;
    pending_ = std::move(holds);
  }
  // While a snapshot is already waiting, the writer will take the newest
  // one when its coalescing window ends: no need to wake it per call.
  if (was_idle) changed_.notify_all();
}

void HoldFile::Flush() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !pending_ && !writing_; });
}

void HoldFile::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || pending_; });
    if (!pending_) return;
    // A burst of starts and stops becomes one write, not one per call.
    changed_.wait_for(lock, kCoalesce, [&] { return stopping_; });
    const std::string text = SerializeHolds(*pending_);
    pending_.reset();
    writing_ = true;
    lock.unlock();
    Write(text);
    lock.lock();
    writing_ = false;
    changed_.notify_all();
  }
}

bool HoldFile::Write(const std::string& text) {
  const std::string temp = path_ + ".tmp";
  const int fd =
      open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0;
  if (ok) {
    ok = write(fd, text.data(), text.size()) ==
             static_cast<ssize_t>(text.size()) &&
         fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
  }
  ok = ok && std::rename(temp.c_str(), path_.c_str()) == 0;
  if (ok) {
    // The rename itself is durable only once the directory is synced.
    const std::string dir = path_.substr(0, path_.rfind('/') + 1);
    const int dir_fd = open(dir.empty() ? "." : dir.c_str(),
                            O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
      fsync(dir_fd);
      close(dir_fd);
    }
  } else {
    spdlog::error("cannot save detached holds to {}: {}", path_,
                  std::strerror(errno));
  }
  return ok;
}

}  // namespace presence::daemon
