// A fresh directory under $TMPDIR, removed with everything in it on
// destruction.
#pragma once

#include <string>

namespace presence::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const;
  // Writes `contents` to File(name) and returns that path.
  std::string Write(const std::string& name, const std::string& contents) const;

 private:
  std::string path_;
};

// The whole file, or "" when it cannot be read (e.g. not written yet).
std::string ReadFile(const std::string& path);

}  // namespace presence::testing
