// LazyMatrix: the input matrix of a model (word and n-gram rows), whose rows
// come into being when they are first used. Until then a row reads as its
// initial value, which a RowSource computes from the row index alone.
//
// Why: a fastText model has nwords + bucket rows (2M buckets x dim 100 is
// 800 MB), but training on a small corpus touches a fraction of them. fastText
// allocates and fills every row up front; here a training pays, in memory and
// time, for the rows it touches, and the untouched rows are computed only
// when a whole model is written (doc/lazy-matrix.md).
//
// Layout: present rows are packed in the order they were made into one
// mapping reserved for every row (address space only); a table of one int32
// per row gives each row's slot (or absent). Only the pages of present rows
// and the slot table are resident. Both are in huge pages when at least one
// big: that costs no memory here (rows are packed, so only the last page is
// part empty) and saves a page fault per 4 KB of new rows and most of the
// TLB misses of rows scattered over a big table.
//
// Threads: MutableRow may be called from any number of threads at once
// (Hogwild training): when several threads make the same row, one wins a
// compare-exchange on the row's slot and fills it, the others wait for it;
// since the initial value depends on the row index only, the result does not
// depend on who won. Writes to a row's values are not synchronized (Hogwild).
// Everything else (copy, Row, RowIfPresent) must not run concurrently with
// MutableRow making new rows.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace rungs::text {

// The initial value of every row of a LazyMatrix. Implementations are
// immutable and safe to call from many threads.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // Writes row `row`'s initial value (cols floats) into `out`.
  virtual void Fill(int64_t row, float* out) const = 0;
};

// fastText's initial input weights, uniform in [-a, a) with a = 1/dim, but
// drawn per row from a generator keyed by (seed, row): the value of a row
// does not depend on the thread count nor on which rows were drawn before.
class UniformRows : public RowSource {
 public:
  UniformRows(int64_t cols, float a, int32_t seed) : cols_(cols), a_(a), seed_(seed) {}
  void Fill(int64_t row, float* out) const override;

 private:
  int64_t cols_;
  float a_;
  int32_t seed_;
};

class LazyMatrix {
 public:
  // A huge page: the unit in which present rows become resident, for a
  // matrix at least that big.
  static constexpr int64_t kPageBytes = int64_t{2} << 20;

  LazyMatrix() : LazyMatrix(0, 0, nullptr) {}
  // rows x cols, no row present yet; absent rows read as `source` gives them
  // (zeros when source is null). Throws std::bad_alloc when the slot table
  // cannot be allocated.
  LazyMatrix(int64_t rows, int64_t cols, std::shared_ptr<const RowSource> source);
  // Copies the present rows (packed in row order) and shares the source.
  LazyMatrix(const LazyMatrix& other);
  LazyMatrix& operator=(const LazyMatrix& other);
  LazyMatrix(LazyMatrix&&) noexcept = default;
  LazyMatrix& operator=(LazyMatrix&&) noexcept = default;

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  const std::shared_ptr<const RowSource>& source() const { return source_; }

  // Row i, made from the source first if absent. Safe from many threads.
  float* MutableRow(int64_t i) {
    const int32_t slot = storage_->slots[i].load(std::memory_order_acquire);
    return slot >= 0 ? At(slot) : Make(i);
  }
  // Row i if present, else nullptr.
  const float* RowIfPresent(int64_t i) const {
    const int32_t slot = storage_->slots[i].load(std::memory_order_acquire);
    return slot >= 0 ? At(slot) : nullptr;
  }
  // Row i: the present row, or its initial value written into `scratch`
  // (cols floats) and `scratch` returned. Does not make the row.
  const float* Row(int64_t i, float* scratch) const;

  bool present(int64_t i) const { return RowIfPresent(i) != nullptr; }
  // Rows made so far.
  int64_t present_rows() const;
  // Ids of the present rows, ascending.
  std::vector<int32_t> PresentRowIds() const;
  // Bytes this matrix holds: present rows and the slot table, in whole pages.
  int64_t resident_bytes() const;
  // resident_bytes() of a matrix of `rows` x `cols` with `used` rows made.
  static int64_t ResidentBytes(int64_t rows, int64_t cols, int64_t used);

 private:
  // Anonymous memory of at least `bytes`, unmapped when destroyed: in huge
  // pages (aligned and advised) or small ones.
  class Mapping {
   public:
    Mapping(int64_t bytes, bool huge);
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping();
    void* data() const { return data_; }

   private:
    void* data_ = nullptr;
    size_t size_ = 0;
  };
  // One mapping: the slot table, then (from a page boundary) the rows.
  struct Storage {
    Storage(int64_t rows, int64_t cols);
    Mapping memory;
    std::atomic<int32_t>* slots;   // per row: slot, or kAbsent/kMaking
    float* values;                 // rows x cols floats, packed in the order made
    std::atomic<int64_t> used{0};  // slots handed out
  };
  // The slot table's bytes in whole pages of the matrix's mapping.
  static int64_t SlotTableBytes(int64_t rows, int64_t cols);
  static constexpr int32_t kAbsent = -1;
  static constexpr int32_t kMaking = -2;

  float* At(int32_t slot) const { return storage_->values + slot * cols_; }
  float* Make(int64_t i);

  int64_t rows_ = 0;
  int64_t cols_ = 0;
  std::shared_ptr<const RowSource> source_;
  std::unique_ptr<Storage> storage_;
};

}  // namespace rungs::text
