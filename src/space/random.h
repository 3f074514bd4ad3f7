// Random draws from a std::mt19937_64, written here rather than taken from
// <random>'s distributions so a seed gives the same sequence with every
// standard library. Pure functions of the generator; thread-compatible.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace rungs::space {

// Uniform in [0, 1), from the top 53 bits.
inline double UniformUnit(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Uniform in [0, n) for n >= 1 (multiply-shift: bias below 2^-64 * n).
inline uint64_t UniformIndex(std::mt19937_64& rng, uint64_t n) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(rng()) * n) >> 64);
}

// N(0, 1) by Box-Muller; uses one of the pair so no state is kept.
inline double StandardNormal(std::mt19937_64& rng) {
  double u1 = 1.0 - UniformUnit(rng);  // (0, 1], so the log is finite
  double u2 = UniformUnit(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace rungs::space
