// Small statistics for benchmark figures.
#pragma once

#include <algorithm>
#include <vector>

namespace presence::bench {

// The q-quantile (0..1) of `samples`, nearest rank; 0 when empty.
template <typename T>
T Quantile(std::vector<T> samples, double q) {
  if (samples.empty()) return T{};
  std::sort(samples.begin(), samples.end());
  const auto rank = static_cast<std::size_t>(q * (samples.size() - 1) + 0.5);
  return samples[rank];
}

template <typename T>
T Median(std::vector<T> samples) {
  return Quantile(std::move(samples), 0.5);
}

}  // namespace presence::bench
