// ParseConfig / ParseProcess: a reading visitor over config_fields.h. Each
// ReadValue overload checks one JSON value against one C++ type and names
// the JSON path on failure; the first failure stops the walk.
#include "runtime/spec/parse.h"

#include <cmath>
#include <concepts>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/spec/bounded_json.h"
#include "runtime/spec/config_fields.h"
#include "runtime/spec/json_path.h"
#include "runtime/spec/names.h"

namespace runbox::spec {
namespace {

using Json = nlohmann::json;

class FieldReader;

template <typename T>
concept Struct = requires(FieldReader& r, T& t) {
  VisitFields(r, t);
};

template <typename T>
concept Integer = std::integral<T> && !std::same_as<T, bool>;

// All overloads are declared before any is defined: the templates call
// each other for nested types, and ordinary lookup only sees what is
// declared above the definition.
absl::Status ReadValue(const Json& j, const std::string& path,
                       std::string& out);
absl::Status ReadValue(const Json& j, const std::string& path, bool& out);
template <Integer T>
absl::Status ReadValue(const Json& j, const std::string& path, T& out);
template <NamedEnum E>
absl::Status ReadValue(const Json& j, const std::string& path, E& out);
template <typename T>
absl::Status ReadValue(const Json& j, const std::string& path,
                       std::optional<T>& out);
template <typename T>
absl::Status ReadValue(const Json& j, const std::string& path,
                       std::vector<T>& out);
template <typename T>
absl::Status ReadValue(const Json& j, const std::string& path,
                       std::map<std::string, T>& out);
template <Struct T>
absl::Status ReadValue(const Json& j, const std::string& path, T& out);
// Not the generic Struct walk: names this runbox does not know go to
// out.unknown instead of failing the parse.
absl::Status ReadValue(const Json& j, const std::string& path,
                       Capabilities& out);

absl::string_view TypeName(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "number";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "array";
    case Json::value_t::object:
      return "object";
    case Json::value_t::binary:
    case Json::value_t::discarded:
      break;
  }
  return "invalid value";
}

absl::Status TypeError(const std::string& path, absl::string_view expected,
                       const Json& got) {
  return SpecError(
      path, absl::StrCat("expected ", expected, ", got ", TypeName(got)));
}

template <Integer T>
constexpr absl::string_view IntegerName() {
  if constexpr (std::same_as<T, uint16_t>) return "uint16";
  if constexpr (std::same_as<T, uint32_t>) return "uint32";
  if constexpr (std::same_as<T, uint64_t>) return "uint64";
  if constexpr (std::same_as<T, int32_t>) return "int32";
  if constexpr (std::same_as<T, int64_t>) return "int64";
  return "integer";
}

absl::Status CheckString(const std::string& path, const std::string& s) {
  if (s.find('\0') != std::string::npos) {
    return SpecError(path, "contains a NUL byte");
  }
  return absl::OkStatus();
}

// Visits one struct's fields against one JSON object.
class FieldReader {
 public:
  FieldReader(const Json& object, const std::string& path)
      : object_(object), path_(path) {}

  template <typename T>
  void Field(const char* key, T& member, Presence presence) {
    if (!status_.ok()) return;
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) {
      if (presence == Presence::kRequired) {
        status_ = SpecError(
            path_, absl::StrCat("missing required field \"", key, "\""));
      }
      return;
    }
    status_ = ReadValue(*it, JsonField(path_, key), member);
  }

  const absl::Status& status() const { return status_; }

 private:
  const Json& object_;
  const std::string& path_;
  absl::Status status_;
};

absl::Status ReadValue(const Json& j, const std::string& path,
                       std::string& out) {
  const auto* s = j.get_ptr<const Json::string_t*>();
  if (s == nullptr) return TypeError(path, "string", j);
  RETURN_IF_ERROR(CheckString(path, *s));
  out = *s;
  return absl::OkStatus();
}

absl::Status ReadValue(const Json& j, const std::string& path, bool& out) {
  const auto* b = j.get_ptr<const Json::boolean_t*>();
  if (b == nullptr) return TypeError(path, "boolean", j);
  out = *b;
  return absl::OkStatus();
}

template <Integer T>
absl::Status ReadValue(const Json& j, const std::string& path, T& out) {
  if (const auto* u = j.get_ptr<const Json::number_unsigned_t*>()) {
    if (!std::in_range<T>(*u)) {
      return SpecError(
          path, absl::StrCat(*u, " is out of range for ", IntegerName<T>()));
    }
    out = static_cast<T>(*u);
    return absl::OkStatus();
  }
  if (const auto* i = j.get_ptr<const Json::number_integer_t*>()) {
    if (!std::in_range<T>(*i)) {
      return SpecError(
          path, absl::StrCat(*i, " is out of range for ", IntegerName<T>()));
    }
    out = static_cast<T>(*i);
    return absl::OkStatus();
  }
  if (const auto* f = j.get_ptr<const Json::number_float_t*>()) {
    // Integer literals beyond 64 bits arrive as floats.
    if (std::trunc(*f) == *f && std::fabs(*f) >= 9.2e18) {
      return SpecError(
          path, absl::StrCat(*f, " is out of range for ", IntegerName<T>()));
    }
    return SpecError(path, absl::StrCat("expected integer, got ", *f));
  }
  return TypeError(path, "integer", j);
}

template <NamedEnum E>
absl::Status ReadValue(const Json& j, const std::string& path, E& out) {
  const auto* s = j.get_ptr<const Json::string_t*>();
  if (s == nullptr) return TypeError(path, "string", j);
  std::optional<E> value = EnumFromName<E>(*s);
  if (!value.has_value()) {
    return SpecError(
        path, absl::StrCat("unknown ", EnumNames<E>::kWhat, " ", Quote(*s)));
  }
  out = *value;
  return absl::OkStatus();
}

template <typename T>
absl::Status ReadValue(const Json& j, const std::string& path,
                       std::optional<T>& out) {
  out.emplace();
  return ReadValue(j, path, *out);
}

template <typename T>
absl::Status ReadValue(const Json& j, const std::string& path,
                       std::vector<T>& out) {
  const auto* array = j.get_ptr<const Json::array_t*>();
  if (array == nullptr) return TypeError(path, "array", j);
  out.clear();
  out.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    out.emplace_back();
    RETURN_IF_ERROR(ReadValue((*array)[i], JsonIndex(path, i), out.back()));
  }
  return absl::OkStatus();
}

template <typename T>
absl::Status ReadValue(const Json& j, const std::string& path,
                       std::map<std::string, T>& out) {
  const auto* object = j.get_ptr<const Json::object_t*>();
  if (object == nullptr) return TypeError(path, "object", j);
  out.clear();
  for (const auto& [key, value] : *object) {
    std::string entry_path = JsonKey(path, key);
    RETURN_IF_ERROR(CheckString(entry_path, key));
    RETURN_IF_ERROR(ReadValue(value, entry_path, out[key]));
  }
  return absl::OkStatus();
}

template <Struct T>
absl::Status ReadValue(const Json& j, const std::string& path, T& out) {
  if (!j.is_object()) {
    if (path.empty()) {
      return SpecError(
          "", absl::StrCat("expected a JSON object, got ", TypeName(j)));
    }
    return TypeError(path, "object", j);
  }
  FieldReader reader(j, path);
  VisitFields(reader, out);
  return reader.status();
}

// One capability set: an array of names, known ones to `known`, the rest
// (CAP_NEWER_THAN_RUNBOX, typos) to `unknown`, each in file order.
absl::Status ReadCapabilitySet(const Json& j, const std::string& path,
                               std::vector<Capability>& known,
                               std::vector<std::string>& unknown) {
  const auto* array = j.get_ptr<const Json::array_t*>();
  if (array == nullptr) return TypeError(path, "array", j);
  known.clear();
  unknown.clear();
  for (size_t i = 0; i < array->size(); ++i) {
    std::string name;
    RETURN_IF_ERROR(ReadValue((*array)[i], JsonIndex(path, i), name));
    if (std::optional<Capability> cap = EnumFromName<Capability>(name)) {
      known.push_back(*cap);
    } else {
      unknown.push_back(std::move(name));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadValue(const Json& j, const std::string& path,
                       Capabilities& out) {
  if (!j.is_object()) return TypeError(path, "object", j);
  struct Set {
    const char* key;
    std::vector<Capability>* known;
    std::vector<std::string>* unknown;
  };
  const Set sets[] = {
      {"bounding", &out.bounding, &out.unknown.bounding},
      {"effective", &out.effective, &out.unknown.effective},
      {"inheritable", &out.inheritable, &out.unknown.inheritable},
      {"permitted", &out.permitted, &out.unknown.permitted},
      {"ambient", &out.ambient, &out.unknown.ambient},
  };
  for (const Set& set : sets) {
    auto it = j.find(set.key);
    if (it == j.end() || it->is_null()) continue;
    RETURN_IF_ERROR(ReadCapabilitySet(*it, JsonField(path, set.key), *set.known,
                                      *set.unknown));
  }
  return absl::OkStatus();
}

template <Struct T>
absl::StatusOr<T> ParseDocument(absl::string_view text) {
  ASSIGN_OR_RETURN(
      Json document,
      ParseBoundedJson(text, JsonLimits{.max_depth = kMaxJsonDepth,
                                        .max_bytes = kMaxJsonBytes}));
  T out;
  try {
    RETURN_IF_ERROR(ReadValue(document, "", out));
  } catch (const std::exception& e) {
    // Every access above is non-throwing; this is a last line of defence
    // so that no exception leaves the module.
    return absl::InternalError(absl::StrCat("spec parser: ", e.what()));
  }
  return out;
}

}  // namespace

absl::StatusOr<Config> ParseConfig(absl::string_view json) {
  return ParseDocument<Config>(json);
}

absl::StatusOr<Process> ParseProcess(absl::string_view json) {
  return ParseDocument<Process>(json);
}

}  // namespace runbox::spec
