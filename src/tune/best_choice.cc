#include "tune/best_choice.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <numeric>

namespace rungs::tune {

double ExpectedMaxOfNormals(int64_t n) {
  if (n <= 1) return 0;
  // E[max] = integral of x n phi(x) Phi(x)^(n-1); the integrand is below
  // 1e-12 outside [-9, 9] for any n a search reaches.
  constexpr int kSteps = 3600;
  constexpr double kLo = -9, kHi = 9, kH = (kHi - kLo) / kSteps;
  double sum = 0;
  for (int i = 0; i <= kSteps; ++i) {
    const double x = kLo + i * kH;
    const double phi = std::exp(-x * x / 2) / std::sqrt(2 * std::numbers::pi);
    const double cdf = 0.5 * std::erfc(-x / std::numbers::sqrt2);
    const double f = x * double(n) * phi * std::pow(cdf, double(n - 1));
    sum += (i == 0 || i == kSteps ? 0.5 : 1.0) * f;  // trapezoids
  }
  return sum * kH;
}

std::vector<size_t> RankBest(std::span<const Scored> results, bool maximize,
                             int64_t validation_rows) {
  const double sign = maximize ? 1 : -1;
  // The allowance per epoch level: E[max] of its result count.
  std::map<int, double> allowance;
  if (validation_rows > 0) {
    std::map<int, int64_t> count;
    for (const Scored& r : results) ++count[r.epochs];
    for (auto [epochs, n] : count) allowance[epochs] = ExpectedMaxOfNormals(n);
  }
  // Higher is better; with no noise scale the epochs decide first.
  auto judged = [&](const Scored& r) {
    if (validation_rows == 0) return sign * r.metric;
    const double m = std::clamp(r.metric, 0.0, 1.0);
    return sign * r.metric - std::sqrt(m * (1 - m) / double(validation_rows)) * allowance[r.epochs];
  };
  auto better = [&](size_t i, size_t j) {
    const Scored& a = results[i];
    const Scored& b = results[j];
    return validation_rows == 0
               ? a.epochs > b.epochs || (a.epochs == b.epochs && judged(a) > judged(b))
               : judged(a) > judged(b) || (judged(a) == judged(b) && a.epochs > b.epochs);
  };
  std::vector<size_t> order(results.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), better);
  return order;
}

}  // namespace rungs::tune
