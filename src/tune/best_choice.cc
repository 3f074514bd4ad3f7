#include "tune/best_choice.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <numeric>
#include <set>

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

namespace {

// The rule both ChooseBest and RankBest apply, its allowances computed once.
class Judge {
 public:
  Judge(std::span<const Scored> results, bool maximize, int64_t validation_rows)
      : sign_(maximize ? 1 : -1), rows_(validation_rows) {
    if (rows_ == 0) return;
    // The allowance per epoch level: E[max] of its result count.
    std::map<int, int64_t> count;
    for (const Scored& r : results) ++count[r.epochs];
    for (auto [epochs, n] : count) allowance_[epochs] = ExpectedMaxOfNormals(n);
  }

  // Whether `a` is strictly better than `b`; with no noise scale the epochs
  // decide first.
  bool Better(const Scored& a, const Scored& b) const {
    return rows_ == 0 ? a.epochs > b.epochs || (a.epochs == b.epochs && Judged(a) > Judged(b))
                      : Judged(a) > Judged(b) || (Judged(a) == Judged(b) && a.epochs > b.epochs);
  }

 private:
  // Higher is better.
  double Judged(const Scored& r) const {
    if (rows_ == 0) return sign_ * r.metric;
    const double m = std::clamp(r.metric, 0.0, 1.0);
    return sign_ * r.metric - std::sqrt(m * (1 - m) / double(rows_)) * allowance_.at(r.epochs);
  }

  double sign_;
  int64_t rows_;
  std::map<int, double> allowance_;
};

}  // namespace

size_t ChooseBest(std::span<const Scored> results, bool maximize, int64_t validation_rows) {
  const Judge judge(results, maximize, validation_rows);
  size_t best = 0;
  for (size_t i = 1; i < results.size(); ++i) {
    if (judge.Better(results[i], results[best])) best = i;
  }
  return best;
}

std::vector<size_t> RankBest(std::span<const Scored> results, bool maximize,
                             int64_t validation_rows) {
  const Judge judge(results, maximize, validation_rows);
  std::vector<size_t> order(results.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t i, size_t j) { return judge.Better(results[i], results[j]); });
  return order;
}

std::vector<size_t> BestOfEachTrial(std::span<const Scored> results,
                                    std::span<const uint32_t> trials, bool maximize,
                                    int64_t validation_rows, size_t count) {
  // RankBest's order (equals: the earlier result first), sorted only as far
  // as it is read: the `count` trials are nearly always among the first few
  // results, and a run asks for them after every result (tune/rung_counter.h),
  // when a Lambda run holds tens of thousands.
  const Judge judge(results, maximize, validation_rows);
  auto before = [&](size_t i, size_t j) {
    if (judge.Better(results[i], results[j])) return true;
    return !judge.Better(results[j], results[i]) && i < j;
  };
  std::vector<size_t> order(results.size());
  std::iota(order.begin(), order.end(), size_t{0});
  for (size_t sorted = std::min(order.size(), 4 * count);;
       sorted = std::min(order.size(), 2 * sorted)) {
    std::partial_sort(order.begin(), order.begin() + sorted, order.end(), before);
    std::vector<size_t> best;
    std::set<uint32_t> seen;
    for (size_t k = 0; k < sorted && best.size() < count; ++k) {
      if (seen.insert(trials[order[k]]).second) best.push_back(order[k]);
    }
    if (best.size() == count || sorted == order.size()) return best;
  }
}

}  // namespace rungs::tune
