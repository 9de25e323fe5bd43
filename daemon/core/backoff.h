// Exponential backoff with "equal jitter": the n-th consecutive failure waits
// base/2 + jitter01 * base/2, where base = min(initial * 2^(n-1), cap). The
// caller supplies jitter01 (uniform in [0, 1)) so tests are deterministic.
#pragma once

#include "core/time.h"

namespace presence::daemon {

class Backoff {
 public:
  // `initial` and `cap` are clamped to at least 1 ms; cap >= initial.
  Backoff(Millis initial, Millis cap);

  // Records one more failure and returns how long to wait before retrying.
  // jitter01 outside [0, 1] is clamped.
  Millis Next(double jitter01);
  // A success: the next failure starts again from `initial`.
  void Reset();
  // Consecutive failures since construction or the last Reset().
  int failures() const { return failures_; }

  Millis initial() const { return initial_; }
  Millis cap() const { return cap_; }

 private:
  Millis initial_;
  Millis cap_;
  int failures_ = 0;
};

}  // namespace presence::daemon
