// ParseBoundedJson: a SAX handler that builds the document itself, so the
// depth limit applies while parsing (nlohmann's SAX parser is iterative)
// and parse errors arrive as a message instead of an exception.
#include "runtime/spec/bounded_json.h"

#include <new>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace runbox {
namespace {

using Json = nlohmann::json;

class BoundedBuilder final : public nlohmann::json_sax<Json> {
 public:
  explicit BoundedBuilder(int max_depth) : max_depth_(max_depth) {}

  bool null() override { return Insert(Json(nullptr)) != nullptr; }
  bool boolean(bool v) override { return Insert(Json(v)) != nullptr; }
  bool number_integer(number_integer_t v) override {
    return Insert(Json(v)) != nullptr;
  }
  bool number_unsigned(number_unsigned_t v) override {
    return Insert(Json(v)) != nullptr;
  }
  bool number_float(number_float_t v, const string_t&) override {
    return Insert(Json(v)) != nullptr;
  }
  bool string(string_t& v) override {
    return Insert(Json(std::move(v))) != nullptr;
  }
  bool binary(binary_t&) override {
    // Only the binary formats (CBOR, BSON...) produce these.
    error_ = "unexpected binary value";
    return false;
  }
  bool start_object(std::size_t) override {
    return Open(Json::value_t::object);
  }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(Json::value_t::array); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::json::exception& ex) override {
    // what() is "[json.exception.parse_error.101] parse error at line 1,
    // column 5: ..."; the bracketed id means nothing to a user.
    absl::string_view what = ex.what();
    if (size_t end = what.find("] "); end != absl::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    error_ = absl::StrCat("invalid JSON: ", what);
    return false;
  }

  const std::string& error() const { return error_; }
  Json TakeRoot() { return std::move(root_); }

 private:
  // Places a completed value (or a new empty container) in its parent and
  // returns where it now lives. Parents are on stack_; a parent array only
  // grows after its open child is closed, so the pointers stay valid.
  Json* Insert(Json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *stack_.back();
    if (auto* array = parent.get_ptr<Json::array_t*>()) {
      array->push_back(std::move(value));
      return &array->back();
    }
    if (auto* object = parent.get_ptr<Json::object_t*>()) {
      // A repeated key replaces the earlier value, as in Go's decoder.
      Json& slot = (*object)[key_];
      slot = std::move(value);
      return &slot;
    }
    error_ = "internal error: value outside a container";
    return nullptr;
  }

  bool Open(Json::value_t type) {
    if (static_cast<int>(stack_.size()) >= max_depth_) {
      error_ = absl::StrCat("invalid JSON: nested deeper than ", max_depth_,
                            " levels");
      return false;
    }
    Json* container = Insert(Json(type));
    if (container == nullptr) return false;
    stack_.push_back(container);
    return true;
  }

  bool Close() {
    if (stack_.empty()) {
      error_ = "internal error: unbalanced container";
      return false;
    }
    stack_.pop_back();
    return true;
  }

  const int max_depth_;
  Json root_;
  std::vector<Json*> stack_;
  std::string key_;
  std::string error_;
};

}  // namespace

absl::StatusOr<nlohmann::json> ParseBoundedJson(absl::string_view text,
                                                const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON: ", text.size(),
                     " bytes exceeds the limit of ", limits.max_bytes));
  }
  BoundedBuilder builder(limits.max_depth);
  bool ok = false;
  try {
    ok = Json::sax_parse(text.data(), text.data() + text.size(), &builder,
                         Json::input_format_t::json, /*strict=*/true,
                         /*ignore_comments=*/false);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("invalid JSON: out of memory");
  } catch (...) {
    // nlohmann reports errors through the handler; nothing else should
    // throw, but an exception must never leave this module.
    return absl::InvalidArgumentError("invalid JSON: parser exception");
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        builder.error().empty() ? "invalid JSON" : builder.error());
  }
  return builder.TakeRoot();
}

}  // namespace runbox
