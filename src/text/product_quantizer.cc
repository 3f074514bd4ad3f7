#include "text/product_quantizer.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>
#include <limits>

#include "base/parallel_for.h"

namespace rungs::text {
namespace {

constexpr int K = ProductQuantizer::kCentroids;
constexpr int64_t kMaxPoints = 256 * K;  // k-means sample, as fastText's
constexpr int kIterations = 25;
constexpr uint32_t kSeed = 1234;
constexpr float kSplitEps = 1e-7f;

// 256 centroids of d floats, transposed (coordinate j of centroid k at
// j * 256 + k) so that distances to all of them vectorize.
std::vector<float> Transpose(const float* c, int d) {
  std::vector<float> t(static_cast<size_t>(d) * K);
  for (int k = 0; k < K; ++k) {
    for (int j = 0; j < d; ++j) t[j * K + k] = c[k * d + j];
  }
  return t;
}

// The nearest centroid to x (ties: the lowest index).
uint8_t Nearest(const float* x, const float* transposed, int d) {
  alignas(64) float dist[K];
  for (int k = 0; k < K; ++k) dist[k] = 0.0f;
  for (int j = 0; j < d; ++j) {
    const float* t = transposed + j * K;
    const float xj = x[j];
    for (int k = 0; k < K; ++k) {
      const float diff = t[k] - xj;
      dist[k] += diff * diff;
    }
  }
  // Eight running minima side by side (the compiler vectorizes them), then
  // the best of the eight.
  constexpr int L = 8;
  float best[L];
  int index[L];
  for (int l = 0; l < L; ++l) {
    best[l] = dist[l];
    index[l] = l;
  }
  for (int k = L; k < K; k += L) {
    for (int l = 0; l < L; ++l) {
      const bool closer = dist[k + l] < best[l];
      best[l] = closer ? dist[k + l] : best[l];
      index[l] = closer ? k + l : index[l];
    }
  }
  int b = 0;
  for (int l = 1; l < L; ++l) {
    if (best[l] < best[b] || (best[l] == best[b] && index[l] < index[b])) b = l;
  }
  return static_cast<uint8_t>(index[b]);
}

// Lloyd's k-means of n points of d floats into 256 centroids `c`, started
// from 256 distinct sampled points; an empty cluster takes half of a cluster
// drawn in proportion to its size (fastText's rule), nudged apart by eps.
void Kmeans(const float* x, int64_t n, int d, float* c, std::minstd_rand& rng) {
  std::vector<int64_t> perm(static_cast<size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng);
  // k-means++ starting points: each next one drawn with probability
  // proportional to its squared distance from the nearest chosen so far.
  // fastText starts from 256 sampled points, and a model's rows never
  // trained are often all equal (zero): its centroids start on copies of one
  // point and are wasted; this spreads them over the data instead.
  std::vector<double> nearest(static_cast<size_t>(n), std::numeric_limits<double>::infinity());
  std::uniform_real_distribution<double> pick(0, 1);
  int64_t next = perm[0];
  for (int k = 0; k < K; ++k) {
    std::memcpy(c + k * d, x + next * d, sizeof(float) * d);
    double total = 0;
    for (int64_t i = 0; i < n; ++i) {
      double dist = 0;
      for (int j = 0; j < d; ++j) {
        const double diff = x[i * d + j] - c[k * d + j];
        dist += diff * diff;
      }
      nearest[i] = std::min(nearest[i], dist);
      total += nearest[i];
    }
    if (total == 0) {  // fewer distinct points than centroids: repeat some
      next = perm[(k + 1) % n];
      continue;
    }
    double target = pick(rng) * total;
    next = n - 1;
    for (int64_t i = 0; i < n; ++i) {
      target -= nearest[i];
      if (target < 0) {
        next = i;
        break;
      }
    }
  }
  std::vector<uint8_t> codes(static_cast<size_t>(n));
  std::vector<int64_t> count(K);
  std::uniform_real_distribution<> uniform(0, 1);
  for (int iter = 0; iter < kIterations; ++iter) {
    const std::vector<float> t = Transpose(c, d);
    for (int64_t i = 0; i < n; ++i) codes[i] = Nearest(x + i * d, t.data(), d);
    std::fill(count.begin(), count.end(), 0);
    std::fill(c, c + K * d, 0.0f);
    for (int64_t i = 0; i < n; ++i) {
      float* ci = c + codes[i] * d;
      for (int j = 0; j < d; ++j) ci[j] += x[i * d + j];
      ++count[codes[i]];
    }
    for (int k = 0; k < K; ++k) {
      if (count[k] == 0) continue;
      const float z = static_cast<float>(count[k]);
      for (int j = 0; j < d; ++j) c[k * d + j] /= z;
    }
    for (int k = 0; k < K; ++k) {
      if (count[k] != 0) continue;
      int m = 0;
      while (uniform(rng) * static_cast<double>(n - K) >= static_cast<double>(count[m] - 1)) {
        m = (m + 1) % K;
      }
      std::memcpy(c + k * d, c + m * d, sizeof(float) * d);
      for (int j = 0; j < d; ++j) {
        const float sign = j % 2 == 0 ? -1.0f : 1.0f;
        c[k * d + j] += sign * kSplitEps;
        c[m * d + j] -= sign * kSplitEps;
      }
      count[k] = count[m] / 2;
      count[m] -= count[k];
    }
  }
}

}  // namespace

ProductQuantizer::ProductQuantizer(int32_t dim, int32_t dsub)
    : dim_(dim), dsub_(dsub), nsubq_((dim + dsub - 1) / dsub),
      last_dsub_(dim % dsub == 0 ? dsub : dim % dsub),
      centroids_(static_cast<size_t>(dim) * K) {}

const float* ProductQuantizer::Centroid(int32_t m, int k) const {
  return centroids_.data() + static_cast<int64_t>(m) * K * dsub_ + k * Width(m);
}

float* ProductQuantizer::Centroid(int32_t m, int k) {
  return centroids_.data() + static_cast<int64_t>(m) * K * dsub_ + k * Width(m);
}

void ProductQuantizer::TrainPosition(const float* x, int64_t n, int32_t m) {
  std::minstd_rand rng(kSeed + static_cast<uint32_t>(m));
  const int d = Width(m);
  const int64_t np = std::min(n, kMaxPoints);
  std::vector<int64_t> perm(static_cast<size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  if (np != n) std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<float> slice(static_cast<size_t>(np * d));
  for (int64_t i = 0; i < np; ++i) {
    std::memcpy(slice.data() + i * d, x + perm[i] * dim_ + m * dsub_, sizeof(float) * d);
  }
  Kmeans(slice.data(), np, d, Centroid(m, 0), rng);
}

Status ProductQuantizer::Train(const float* x, int64_t n, int threads) {
  if (n < K) {
    return Fail("too few rows to quantize: " + std::to_string(n) + ", at least " +
                std::to_string(K) + " are needed");
  }
  ParallelFor(nsubq_, threads, [&](int64_t m) { TrainPosition(x, n, static_cast<int32_t>(m)); });
  return Status::Ok();
}

void ProductQuantizer::EncodeAll(const float* x, int64_t n, uint8_t* codes, int threads) const {
  std::vector<std::vector<float>> transposed;
  for (int32_t m = 0; m < nsubq_; ++m) transposed.push_back(Transpose(Centroid(m, 0), Width(m)));
  constexpr int64_t kBlock = 4096;
  ParallelFor((n + kBlock - 1) / kBlock, threads, [&](int64_t block) {
    for (int64_t i = block * kBlock; i < std::min(n, (block + 1) * kBlock); ++i) {
      for (int32_t m = 0; m < nsubq_; ++m) {
        codes[i * nsubq_ + m] = Nearest(x + i * dim_ + m * dsub_, transposed[m].data(), Width(m));
      }
    }
  });
}

void ProductQuantizer::Decode(const uint8_t* code, float alpha, float* out) const {
  for (int32_t m = 0; m < nsubq_; ++m) {
    const float* c = Centroid(m, code[m]);
    for (int j = 0; j < Width(m); ++j) out[m * dsub_ + j] = alpha * c[j];
  }
}

float ProductQuantizer::Dot(const float* x, const uint8_t* code, float alpha) const {
  float sum = 0.0f;
  for (int32_t m = 0; m < nsubq_; ++m) {
    const float* c = Centroid(m, code[m]);
    for (int j = 0; j < Width(m); ++j) sum += x[m * dsub_ + j] * c[j];
  }
  return sum * alpha;
}

void ProductQuantizer::Save(BinaryWriter& out) const {
  out.Put<int32_t>(dim_);
  out.Put<int32_t>(nsubq_);
  out.Put<int32_t>(dsub_);
  out.Put<int32_t>(last_dsub_);
  out.PutBytes(centroids_.data(), centroids_.size() * sizeof(float));
}

Status ProductQuantizer::Load(BinaryReader& in, std::string_view field) {
  const std::string f(field);
  RUNGS_RETURN_IF_ERROR(in.Get(dim_, f + " dim"));
  RUNGS_RETURN_IF_ERROR(in.Get(nsubq_, f + " nsubq"));
  RUNGS_RETURN_IF_ERROR(in.Get(dsub_, f + " dsub"));
  RUNGS_RETURN_IF_ERROR(in.Get(last_dsub_, f + " lastdsub"));
  if (dim_ < 1 || dim_ > 100000 || dsub_ < 1 || nsubq_ != (dim_ + dsub_ - 1) / dsub_ ||
      last_dsub_ != (dim_ % dsub_ == 0 ? dsub_ : dim_ % dsub_)) {
    return in.Bad("inconsistent product quantizer (dim " + std::to_string(dim_) + ", nsubq " +
                      std::to_string(nsubq_) + ", dsub " + std::to_string(dsub_) + ", lastdsub " +
                      std::to_string(last_dsub_) + ")",
                  f);
  }
  if (int64_t{dim_} * K * 4 > in.remaining()) return in.Bad("file is truncated", f + " centroids");
  centroids_.resize(static_cast<size_t>(dim_) * K);
  return in.GetBytes(centroids_.data(), centroids_.size() * sizeof(float), f + " centroids");
}

}  // namespace rungs::text
