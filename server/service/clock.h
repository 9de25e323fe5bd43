// Where the service layer gets "now" from; tests and benchmarks may inject
// their own.
#pragma once

#include <functional>

#include "store/presence_store.h"

namespace presence::server {

using Clock = std::function<Time()>;

inline Time SystemNow() {
  return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
}

}  // namespace presence::server
