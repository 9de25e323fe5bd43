#include "core/backoff.h"

#include <algorithm>

namespace presence::daemon {

Backoff::Backoff(Millis initial, Millis cap)
    : initial_(std::max(initial, Millis(1))), cap_(std::max(cap, initial_)) {}

Millis Backoff::Next(double jitter01) {
  ++failures_;
  // Double until the cap; never overflows, however many failures.
  Millis base = initial_;
  for (int i = 1; i < failures_ && base < cap_; ++i) base *= 2;
  base = std::min(base, cap_);
  const double jitter = std::clamp(jitter01, 0.0, 1.0);
  const auto half = base.count() / 2;
  const auto extra = static_cast<Millis::rep>(
      jitter * static_cast<double>(base.count() - half));
  return Millis(half + std::min(extra, base.count() - half));
}

void Backoff::Reset() { failures_ = 0; }

}  // namespace presence::daemon
