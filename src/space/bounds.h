// Constraint propagation over the ranges of constrained parameters.
//
// Constraints are stored as edges "x <= y" or "x < y" between slots (one
// slot per parameter that appears in a constraint). Propagate tightens each
// slot's [lo, hi] until every edge is consistent at the range ends, like
// Bellman-Ford on difference constraints. For such constraints the result is
// exact: every value left in a range belongs to some assignment satisfying
// all edges, so a space can be built one parameter at a time, each drawn or
// clamped inside its current range followed by another Propagate, and never
// reach a dead end. Internal to space/; thread-compatible.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rungs::space::internal {

struct Edge {
  uint32_t x = 0;
  uint32_t y = 0;
  bool strict = false;  // x < y rather than x <= y
};

// [lo, hi] per slot and whether the slot dropped out (its parameter is
// inactive, so its edges no longer bind). Typical spaces fit on the stack.
class Bounds {
 public:
  explicit Bounds(std::size_t slots);
  Bounds(const Bounds&) = delete;
  Bounds& operator=(const Bounds&) = delete;

  std::size_t size() const { return size_; }
  double& lo(std::size_t s) { return data_[3 * s]; }
  double& hi(std::size_t s) { return data_[3 * s + 1]; }
  double lo(std::size_t s) const { return data_[3 * s]; }
  double hi(std::size_t s) const { return data_[3 * s + 1]; }
  bool dropped(std::size_t s) const { return data_[3 * s + 2] != 0; }
  void Drop(std::size_t s) { data_[3 * s + 2] = 1; }

 private:
  static constexpr std::size_t kInline = 16;
  std::size_t size_;
  std::array<double, 3 * kInline> inline_;
  std::vector<double> heap_;
  double* data_;
};

// Tightens `bounds` until every edge between slots that have not dropped is
// consistent. `integral[s]` keeps slot s on whole numbers. Returns false
// when a range empties or the edges keep tightening each other (a strict
// cycle): the constraints cannot all hold.
bool Propagate(const std::vector<Edge>& edges, const std::vector<char>& integral,
               Bounds& bounds);

}  // namespace rungs::space::internal
