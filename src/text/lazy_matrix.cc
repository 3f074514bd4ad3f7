#include "text/lazy_matrix.h"

#include <sys/mman.h>

#include <cstring>
#include <new>
#include <thread>

namespace rungs::text {
namespace {

// SplitMix64's output function: a bijection that mixes every input bit into
// every output bit.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

void UniformRows::Fill(int64_t row, float* out) const {
  // A SplitMix64 stream started from a hash of (seed, row); each 64-bit draw
  // gives two 24-bit uniforms u, mapped to (2u - 1) * a exactly in float.
  constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;
  uint64_t state = Mix((static_cast<uint64_t>(static_cast<uint32_t>(seed_)) << 32) ^
                       Mix(static_cast<uint64_t>(row) + kGamma));
  constexpr float kScale = 1.0f / (1 << 23);  // 24-bit integer -> [0, 2)
  for (int64_t j = 0; j < cols_; j += 2) {
    state += kGamma;
    const uint64_t bits = Mix(state);
    out[j] = (static_cast<float>(bits >> 40) * kScale - 1.0f) * a_;
    if (j + 1 < cols_) out[j + 1] = (static_cast<float>((bits >> 16) & 0xFFFFFF) * kScale - 1.0f) * a_;
  }
}

namespace {

constexpr int64_t kSmallPageBytes = 4096;

// Whether a matrix's mapping is in huge pages: only where it spans one at
// least (a smaller one would be rounded up to a whole huge page).
bool Huge(int64_t rows, int64_t cols) {
  return rows * int64_t{sizeof(int32_t)} + rows * cols * int64_t{sizeof(float)} >=
         LazyMatrix::kPageBytes;
}

// `bytes` in whole pages.
int64_t InPages(int64_t bytes, bool huge) {
  const int64_t page = huge ? LazyMatrix::kPageBytes : kSmallPageBytes;
  return (bytes + page - 1) / page * page;
}

}  // namespace

LazyMatrix::Mapping::Mapping(int64_t bytes, bool huge) {
  if (bytes == 0) return;
  const size_t page = static_cast<size_t>(huge ? kPageBytes : kSmallPageBytes);
  size_ = static_cast<size_t>(InPages(bytes, huge));
  // Address space only: memory comes with the first write to a page. Huge
  // pages are given to aligned ranges only: map a page more than needed and
  // unmap what lies outside the aligned part.
  const size_t extra = huge ? page : 0;
  void* p = ::mmap(nullptr, size_ + extra, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (start + page - 1) / page * page;
  if (aligned > start) ::munmap(p, aligned - start);
  if (extra > aligned - start) {
    ::munmap(reinterpret_cast<void*>(aligned + size_), extra - (aligned - start));
  }
  data_ = reinterpret_cast<void*>(aligned);
  if (huge) ::madvise(data_, size_, MADV_HUGEPAGE);  // a hint only
}

LazyMatrix::Mapping::~Mapping() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

LazyMatrix::Storage::Storage(int64_t rows, int64_t cols)
    : memory(SlotTableBytes(rows, cols) + rows * cols * int64_t{sizeof(float)}, Huge(rows, cols)),
      slots(static_cast<std::atomic<int32_t>*>(memory.data())),
      values(reinterpret_cast<float*>(static_cast<char*>(memory.data()) +
                                      SlotTableBytes(rows, cols))) {
  for (int64_t i = 0; i < rows; ++i) new (&slots[i]) std::atomic<int32_t>(kAbsent);
}

LazyMatrix::LazyMatrix(int64_t rows, int64_t cols, std::shared_ptr<const RowSource> source)
    : rows_(rows), cols_(cols), source_(std::move(source)),
      storage_(std::make_unique<Storage>(rows, cols)) {}

LazyMatrix::LazyMatrix(const LazyMatrix& other) : LazyMatrix(other.rows_, other.cols_, other.source_) {
  for (int64_t i = 0; i < rows_; ++i) {
    if (const float* row = other.RowIfPresent(i)) {
      std::memcpy(MutableRow(i), row, static_cast<size_t>(cols_) * sizeof(float));
    }
  }
}

LazyMatrix& LazyMatrix::operator=(const LazyMatrix& other) {
  if (this != &other) *this = LazyMatrix(other);
  return *this;
}

float* LazyMatrix::Make(int64_t i) {
  std::atomic<int32_t>& slot = storage_->slots[i];
  int32_t expected = kAbsent;
  if (slot.compare_exchange_strong(expected, kMaking, std::memory_order_acq_rel)) {
    const int64_t s = storage_->used.fetch_add(1, std::memory_order_relaxed);
    float* row = At(static_cast<int32_t>(s));
    if (source_ != nullptr) {
      source_->Fill(i, row);
    } else {
      std::memset(row, 0, static_cast<size_t>(cols_) * sizeof(float));
    }
    slot.store(static_cast<int32_t>(s), std::memory_order_release);
    return row;
  }
  // Another thread is making this row: it takes a few hundred nanoseconds.
  int32_t s = expected;
  while (s < 0) {
    std::this_thread::yield();
    s = slot.load(std::memory_order_acquire);
  }
  return At(s);
}

const float* LazyMatrix::Row(int64_t i, float* scratch) const {
  if (const float* row = RowIfPresent(i)) return row;
  if (source_ != nullptr) {
    source_->Fill(i, scratch);
  } else {
    std::memset(scratch, 0, static_cast<size_t>(cols_) * sizeof(float));
  }
  return scratch;
}

int64_t LazyMatrix::present_rows() const { return storage_->used.load(std::memory_order_acquire); }

std::vector<int32_t> LazyMatrix::PresentRowIds() const {
  std::vector<int32_t> ids;
  ids.reserve(static_cast<size_t>(present_rows()));
  for (int64_t i = 0; i < rows_; ++i) {
    if (present(i)) ids.push_back(static_cast<int32_t>(i));
  }
  return ids;
}

int64_t LazyMatrix::resident_bytes() const { return ResidentBytes(rows_, cols_, present_rows()); }

int64_t LazyMatrix::ResidentBytes(int64_t rows, int64_t cols, int64_t used) {
  return SlotTableBytes(rows, cols) + InPages(used * cols * int64_t{sizeof(float)}, Huge(rows, cols));
}

int64_t LazyMatrix::SlotTableBytes(int64_t rows, int64_t cols) {
  return InPages(rows * int64_t{sizeof(int32_t)}, Huge(rows, cols));
}

}  // namespace rungs::text
