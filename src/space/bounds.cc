#include "space/bounds.h"

#include <cmath>
#include <limits>

namespace rungs::space::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The largest value x may take when x <= h (or x < h).
double Below(double h, bool strict, bool integral) {
  if (integral) return strict ? std::ceil(h) - 1 : std::floor(h);
  return strict ? std::nextafter(h, -kInf) : h;
}

// The smallest value y may take when y >= l (or y > l).
double Above(double l, bool strict, bool integral) {
  if (integral) return strict ? std::floor(l) + 1 : std::ceil(l);
  return strict ? std::nextafter(l, kInf) : l;
}

}  // namespace

Bounds::Bounds(size_t slots) : size_(slots) {
  if (slots > kInline) heap_.resize(3 * slots);
  data_ = slots > kInline ? heap_.data() : inline_.data();
  for (size_t s = 0; s < slots; ++s) {
    lo(s) = -kInf;
    hi(s) = kInf;
    data_[3 * s + 2] = 0;
  }
}

bool Propagate(const std::vector<Edge>& edges, const std::vector<char>& integral,
               Bounds& bounds) {
  // Without a tightening cycle every bound settles within size() passes
  // (each pass extends the settled paths by one edge); one more confirms it.
  for (size_t pass = 0; pass <= bounds.size() + 1; ++pass) {
    bool changed = false;
    for (const Edge& e : edges) {
      if (bounds.dropped(e.x) || bounds.dropped(e.y)) continue;
      double hx = Below(bounds.hi(e.y), e.strict, integral[e.x]);
      if (hx < bounds.hi(e.x)) {
        bounds.hi(e.x) = hx;
        changed = true;
      }
      double ly = Above(bounds.lo(e.x), e.strict, integral[e.y]);
      if (ly > bounds.lo(e.y)) {
        bounds.lo(e.y) = ly;
        changed = true;
      }
      if (bounds.lo(e.x) > bounds.hi(e.x) || bounds.lo(e.y) > bounds.hi(e.y)) return false;
    }
    if (!changed) return true;
  }
  return false;
}

}  // namespace rungs::space::internal
