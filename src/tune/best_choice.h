// ChooseBest, RankBest: which finished results are the best models, allowing for the
// noise of a small validation set.
//
// With a few hundred validation rows an accuracy is a coin count: its
// standard error is sqrt(m (1 - m) / n), 2.5 points at m = 0.8 and n = 250.
// The best of the N results of one epoch level then overstates its true
// accuracy by about that error times E[max of N standard normals] when the N
// are about equally good (the winner's curse), and N is largest at the
// bottom rung: hundreds of trials against a few at the top. So each result
// is judged by its metric less that allowance for its level, and the best
// judged wins. A result of a lower rung that is better by more than the
// noise still wins (the rule "most epochs first" lost it: on mr, whose
// validation set is small, it kept worse top-rung models); with a large
// validation set the allowance vanishes and the best metric wins.
//
// Without a noise scale (validation_rows = 0: a loss, or a command's metric,
// which are no proportions) the rule is the old one: most epochs, then the
// best metric. Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rungs::tune {

struct Scored {
  int epochs = 0;      // the epoch level the metric was measured at
  double metric = 0;   // finite; a proportion in [0, 1] when validation_rows > 0
};

// The index of the best of `results` (non-empty); ties go to more epochs,
// then to the first. `validation_rows`: the rows each metric is a proportion
// over, or 0 when the noise is unknown. One pass: the journal's best is
// asked for at every dashboard refresh.
size_t ChooseBest(std::span<const Scored> results, bool maximize, int64_t validation_rows);
// Every index of `results`, best first by the same rule.
std::vector<size_t> RankBest(std::span<const Scored> results, bool maximize,
                             int64_t validation_rows);

// The best result of each of the first `count` trials by RankBest's order,
// best first (the trials the run's end may cross-check and refit); results[i]
// belongs to trials[i].
std::vector<size_t> BestOfEachTrial(std::span<const Scored> results,
                                    std::span<const uint32_t> trials, bool maximize,
                                    int64_t validation_rows, size_t count);

// E[max of n independent standard normals] (0 for n = 1), by quadrature.
double ExpectedMaxOfNormals(int64_t n);

}  // namespace rungs::tune
