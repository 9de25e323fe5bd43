#include "support/process_stats.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace presence::testing {
namespace {

// CPU time `pid` has used so far in seconds; 0 when it cannot be read.
double CpuSeconds(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  const std::string stat((std::istreambuf_iterator<char>(file)),
                         std::istreambuf_iterator<char>());
  // The command name (field 2) is in parentheses and may hold spaces; the
  // fields after it start with the state (field 3). utime and stime are
  // fields 14 and 15, in clock ticks.
  const auto name_end = stat.rfind(')');
  if (name_end == std::string::npos) return 0;
  std::istringstream rest(stat.substr(name_end + 1));
  const std::vector<std::string> fields{
      std::istream_iterator<std::string>(rest),
      std::istream_iterator<std::string>()};
  if (fields.size() < 13) return 0;
  const double ticks = std::stod(fields[11]) + std::stod(fields[12]);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::int64_t FileSize(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? info.st_size : 0;
}

}  // namespace

int OpenFdCount(pid_t pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (!dir) return -1;
  int count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count;
}

UsageMeter::UsageMeter(pid_t pid, std::string path)
    : pid_(pid),
      path_(std::move(path)),
      start_(std::chrono::steady_clock::now()),
      cpu_seconds_(CpuSeconds(pid_)),
      file_size_(FileSize(path_)) {}

UsageMeter::Rates UsageMeter::Lap() {
  const auto now = std::chrono::steady_clock::now();
  const double cpu_seconds = CpuSeconds(pid_);
  const std::int64_t file_size = FileSize(path_);
  const double seconds = std::chrono::duration<double>(now - start_).count();
  Rates rates;
  if (seconds > 0) {
    rates.cpu_percent = 100 * (cpu_seconds - cpu_seconds_) / seconds;
    rates.file_bytes_per_second = (file_size - file_size_) / seconds;
  }
  start_ = now;
  cpu_seconds_ = cpu_seconds;
  file_size_ = file_size;
  return rates;
}

}  // namespace presence::testing
