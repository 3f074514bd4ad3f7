#include "base/status.h"

namespace rungs {

const std::string& Status::message() const {
  static const std::string kEmpty;
  return ok() ? kEmpty : error_->message;
}

}  // namespace rungs
