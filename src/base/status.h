// Status and Result<T>: how every module reports failure.
//
// Errors are values, not exceptions: a call that can fail on bad input or
// the outside world returns Status (no value) or Result<T> (a value or an
// error). Exceptions are kept for bugs. Only main() turns an error into an
// exit code. Messages name the problem precisely: file, line, field.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <variant>

namespace rungs {

struct Error {
  std::string message;
  // The input field at fault, when one is ("eta", "evolution.sigma"): a
  // caller may name it as its user gave it (a flag) without reading the
  // message. Empty otherwise.
  std::string field;
};

// OK is a null pointer, so success costs nothing to pass around.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::make_shared<const Error>(std::move(error))) {}

  static Status Ok() { return Status(); }

  bool ok() const { return error_ == nullptr; }
  // The message of a failed status; empty when ok.
  const std::string& message() const;
  Error error() const { return ok() ? Error{} : *error_; }

 private:
  std::shared_ptr<const Error> error_;
};

// A value of type T, or the Error that prevented it.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  // A failed status becomes a failed result; passing an ok status is a bug.
  Result(const Status& status) : v_(status.error()) {}

  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }
  const std::string& message() const { return error().message; }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

// Builds an Error from pieces: Fail("train.csv:12: field 'label' is empty").
inline Error Fail(std::string message) { return Error{std::move(message)}; }

}  // namespace rungs

// Returns early from the enclosing function when `expr` (a Status) failed.
#define RUNGS_RETURN_IF_ERROR(expr)           \
  do {                                        \
    ::rungs::Status rungs_status_ = (expr);   \
    if (!rungs_status_.ok()) return rungs_status_.error(); \
  } while (0)
