// Pasha: the adaptive top rung of PASHA (Bohdal et al., "PASHA: Efficient
// HPO and NAS with Progressive Resource Allocation", ICLR 2023) for one ASHA
// bracket.
//
// Jobs may train up to the current top rung K (cap()), which starts at the
// second rung. Whenever a trial reports at K, the trials with a result at K
// are ordered by it (T_1, T_2, ... best first, ties by arrival) and their
// results at K - 1 are sorted (S_1 <= S_2 <= ...). The ranking is settled
// when every T_i's result at K - 1 is within epsilon of S_i: the two rungs
// order the trials alike, up to swaps among results closer than epsilon at
// K - 1 (the paper's soft ranking). When it is not, K grows by one, up to
// the bracket's top rung, and the comparison starts afresh at the new K.
// So budget goes to longer training only while longer training still
// changes which configurations look best.
//
// Both orders live in order-statistic trees. Before a result arrives every
// position passes; the new one enters at position p of one order and q of
// the other, so only positions min(p, q)..max(p, q) can change: a report
// costs O(log m + |p - q|) for m trials at K, and stops at the first
// failing position. Memory: 40 bytes per trial at K plus one entry per job
// running at K. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>

#include "sched/rank.h"

namespace rungs::sched {

class Pasha {
 public:
  // `top_rung`: the bracket's real top rung (>= 1 for anything to adapt).
  Pasha(double epsilon, int top_rung);

  // The highest rung a job may train to now.
  int cap() const { return cap_; }

  // `trial` was promoted to `rung` from a result scoring `below` at rung - 1.
  void Promoted(uint32_t trial, int rung, double below);
  // A result of `trial` at `rung`; unusable results leave the ranking alone.
  // Returns true when it grew the cap.
  bool Report(uint32_t trial, int rung, const Rank& rank, bool usable);

 private:
  struct Entry {  // a trial at K: its rank there and its score at K - 1
    Rank rank;
    double below = 0;
  };
  struct ByRank {
    bool operator()(const Entry& a, const Entry& b) const { return a.rank < b.rank; }
  };
  // Scores at K - 1 with the trial to keep equal scores apart.
  using Below = std::pair<double, uint32_t>;
  template <class Key, class Less>
  using OrderedSet = __gnu_pbds::tree<Key, __gnu_pbds::null_type, Less, __gnu_pbds::rb_tree_tag,
                                      __gnu_pbds::tree_order_statistics_node_update>;

  // True when the positions from..to (inclusive) of both orders agree.
  bool Settled(size_t from, size_t to) const;
  void Grow();

  const double epsilon_;
  const int top_;
  int cap_;
  OrderedSet<Entry, ByRank> at_cap_;           // trials with a result at K, by it
  OrderedSet<Below, std::less<Below>> below_;  // their scores at K - 1, sorted
  std::unordered_map<uint32_t, double> running_;  // promoted to K, not reported: score below
};

}  // namespace rungs::sched
