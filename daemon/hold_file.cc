#include "hold_file.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "wall_clock.h"

namespace presence::daemon {
namespace {

// One hold per line, tab-separated; ids and names cannot contain tabs (they
// are checked for control characters on the way in).
constexpr const char* kHeader = "presenced-holds 1";
// Far beyond any real set of detached holds; a bigger "holds file" is
// something else.
constexpr off_t kMaxFileSize = 64 << 20;

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

std::string OsError(const std::string& what, int error) {
  return what + ": " + std::strerror(error);
}

// Reads the regular file at `path` without blocking on a FIFO or following
// a symlink; nothing when there is no file, *error when it cannot be used.
std::optional<std::string> ReadRegularFile(const std::string& path,
                                           std::string* error) {
  const int fd =
      open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) *error = OsError("cannot open it", errno);
    return std::nullopt;
  }
  struct stat info {};
  std::string text;
  if (fstat(fd, &info) != 0) {
    *error = OsError("cannot stat it", errno);
  } else if (!S_ISREG(info.st_mode)) {
    *error = "it is not a regular file";
  } else if (info.st_size > kMaxFileSize) {
    *error = "it is larger than " + std::to_string(kMaxFileSize) + " bytes";
  } else {
    char buffer[8192];
    ssize_t got;
    while ((got = read(fd, buffer, sizeof buffer)) > 0)
      text.append(buffer, got);
    if (got < 0) *error = OsError("cannot read it", errno);
  }
  close(fd);
  if (!error->empty()) return std::nullopt;
  return text;
}

}  // namespace

std::vector<StoredHold> DetachedHolds(const HoldTable& table) {
  const WallClock clock;
  std::vector<StoredHold> stored;
  for (const Hold* hold : table.All()) {
    if (hold->attached) continue;
    stored.push_back(StoredHold{hold->id, hold->target, hold->owner,
                                clock.Ms(hold->since),
                                clock.Ms(hold->expires_at)});
  }
  return stored;
}

bool SaveResult::resource_exhausted() const {
  return os_error == ENOSPC || os_error == EDQUOT || os_error == EFBIG;
}

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
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  writer_.join();
}

std::vector<StoredHold> HoldFile::Load() {
  std::string error;
  const std::optional<std::string> text = ReadRegularFile(path_, &error);
  if (!text) {
    if (!error.empty()) MoveAside("unusable", error);
    return {};
  }
  auto holds = ParseHolds(*text, &error);
  if (holds) return *holds;
  MoveAside("corrupt", "it is corrupt (" + error + ")");
  return {};
}

void HoldFile::MoveAside(const std::string& kind, const std::string& why) {
  // A name nothing has yet: an earlier unusable file may sit at the first.
  const std::string base =
      path_ + "." + kind + "-" + std::to_string(WallNowMs() / 1000);
  std::string aside = base;
  for (int n = 1; n < 100 && access(aside.c_str(), F_OK) == 0; ++n) {
    aside = base + "." + std::to_string(n);
  }
  if (std::rename(path_.c_str(), aside.c_str()) == 0) {
    spdlog::warn("{}: {}; moved it to {} and starting without detached holds",
                 path_, why, aside);
    return;
  }
  // It stays where it is: the next save fails on it (rename over a
  // directory) or replaces it, and says so.
  spdlog::error(
      "{}: {}; cannot move it aside ({}); starting without "
      "detached holds",
      path_, why, std::strerror(errno));
}

void HoldFile::Save(std::vector<StoredHold> holds, OnSaved on_saved) {
  {
    MutexLock lock(mutex_);
    pending_ = std::move(holds);
    if (on_saved) waiting_.push_back(std::move(on_saved));
  }
  changed_.notify_all();
}

void HoldFile::Flush() {
  MutexLock lock(mutex_);
  while (pending_ || writing_) mutex_.Wait(changed_);
}

void HoldFile::Run() {
  MutexLock lock(mutex_);
  while (true) {
    while (!stopping_ && !pending_) mutex_.Wait(changed_);
    if (!pending_) return;
    // Everything queued up to here goes in this one write.
    const std::string text = SerializeHolds(*pending_);
    pending_.reset();
    std::vector<OnSaved> callbacks;
    callbacks.swap(waiting_);
    writing_ = true;
    mutex_.unlock();
    const SaveResult result = Write(text);
    for (const auto& callback : callbacks) callback(result);
    mutex_.lock();
    writing_ = false;
    changed_.notify_all();
  }
}

SaveResult HoldFile::Write(const std::string& text) {
  const std::string temp = path_ + ".tmp";
  SaveResult result;
  auto fail = [&](const std::string& what) {
    result.os_error = errno;
    result.message = OsError(
        "cannot save the detached holds to " + path_ + " (" + what + ")",
        errno);
  };
  const int fd =
      open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
           0600);
  if (fd < 0) {
    fail("creating " + temp);
  } else {
    const ssize_t written = write(fd, text.data(), text.size());
    if (written != static_cast<ssize_t>(text.size())) {
      if (written >= 0) errno = ENOSPC;  // a short write: the disk is full
      fail("writing " + temp);
    } else if (fsync(fd) != 0) {
      fail("syncing " + temp);
    }
    if (close(fd) != 0 && result.ok()) fail("closing " + temp);
    if (result.ok() && std::rename(temp.c_str(), path_.c_str()) != 0) {
      fail("renaming " + temp);
    }
    if (!result.ok()) unlink(temp.c_str());
  }
  if (result.ok()) {
    // The rename itself is durable only once the directory is synced.
    const std::string dir = path_.substr(0, path_.rfind('/') + 1);
    const int dir_fd = open(dir.empty() ? "." : dir.c_str(),
                            O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
      fsync(dir_fd);
      close(dir_fd);
    }
  }
  if (!result.ok() && failing_ != result.message) {
    spdlog::error("{}", result.message);
  } else if (result.ok() && !failing_.empty()) {
    spdlog::info("detached holds saved to {} again", path_);
  }
  failing_ = result.message;
  return result;
}

}  // namespace presence::daemon
