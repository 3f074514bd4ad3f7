"""The best finished result as rungs picks it (src/tune/best_choice.h),
worked out here on its own, for the benchmarks that check rungs' choice
(bench/chaos) or replay it over a run (bench/tune's time to reach a peer).

Each accuracy is judged by itself less its noise allowance: its standard
error over the validation rows times the expected best of as many standard
normals as its epoch level has results (the winner's curse). The highest
judged wins; ties go to more epochs, then to the first in start order.
Without validation rows (a loss, a command's metric): most epochs, then the
highest value.
"""
import functools
import math


@functools.lru_cache(maxsize=None)
def expected_max_of_normals(n):
    """E[max of n independent standard normals] (0 for n = 1), by the
    trapezoid rule rungs uses (src/tune/best_choice.cc)."""
    if n <= 1:
        return 0.0
    steps, lo, hi = 3600, -9.0, 9.0
    h = (hi - lo) / steps
    total = 0.0
    for i in range(steps + 1):
        x = lo + i * h
        phi = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
        cdf = 0.5 * math.erfc(-x / math.sqrt(2))
        total += (0.5 if i in (0, steps) else 1.0) * x * n * phi * cdf ** (n - 1)
    return total * h


def best_result(done, validation_rows):
    """The best of `done` (dicts with "epochs" and "value", finite, in start
    order), or None when it is empty."""
    if not done:
        return None
    counts = {}
    for d in done:
        counts[d["epochs"]] = counts.get(d["epochs"], 0) + 1
    allowance = {epochs: expected_max_of_normals(n) for epochs, n in counts.items()}

    def judged(d):
        if validation_rows == 0:
            return d["value"]
        m = min(max(d["value"], 0.0), 1.0)
        return d["value"] - math.sqrt(m * (1 - m) / validation_rows) * allowance[d["epochs"]]

    def key(d):
        if validation_rows == 0:
            return (d["epochs"], judged(d))
        return (judged(d), d["epochs"])

    best = done[0]
    for d in done[1:]:
        if key(d) > key(best):
            best = d
    return best
