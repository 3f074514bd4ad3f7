// Rank: how results compare. Lower ranks are better in every direction.
//
// A result's score is its metric, negated when maximizing, so that smaller
// is always better; a failed, diverged or timed-out job, or a NaN or
// infinite metric, scores +infinity (the worst). Equal scores go to the earlier result: `seq`
// counts results in the order they were reported.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "job/job.h"
#include "sched/options.h"

namespace rungs::sched {

struct Rank {
  double score = 0;
  uint32_t seq = 0;    // order of arrival among all results
  uint32_t trial = 0;

  friend bool operator<(const Rank& a, const Rank& b) {
    if (a.score != b.score) return a.score < b.score;
    return a.seq < b.seq;
  }
};

// True when the result can be ranked by its metric (and promoted).
inline bool Usable(const job::JobResult& r) {
  return r.outcome == job::Outcome::kOk && std::isfinite(r.metric);
}

inline double Score(const job::JobResult& r, Direction direction) {
  if (!Usable(r)) return std::numeric_limits<double>::infinity();
  return direction == Direction::kMinimize ? r.metric : -r.metric;
}

}  // namespace rungs::sched
