#include "app/port_file.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace presence::server {

void WritePortFile(const std::string& path, const std::string& address) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << address << "\n";
    if (!file.flush()) {
      throw std::runtime_error("cannot write port file " + temporary);
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot rename " + temporary + " to " + path);
  }
}

}  // namespace presence::server
