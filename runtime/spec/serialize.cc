// SerializeConfig / SerializeProcess: a writing visitor over
// config_fields.h into an insertion-ordered nlohmann document.
#include "runtime/spec/serialize.h"

#include <concepts>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/spec/config_fields.h"
#include "runtime/spec/names.h"

namespace runbox::spec {
namespace {

// Ordered so the output follows the spec's field order, not the alphabet.
using Json = nlohmann::ordered_json;

class FieldWriter;

template <typename T>
concept Struct = requires(FieldWriter& w, const T& t) {
  VisitFields(w, t);
};

template <typename T>
concept Integer = std::integral<T> && !std::same_as<T, bool>;

Json ToJson(const std::string& s);
Json ToJson(bool b);
template <Integer T>
Json ToJson(T value);
template <NamedEnum E>
Json ToJson(E value);
template <typename T>
Json ToJson(const std::optional<T>& value);
template <typename T>
Json ToJson(const std::vector<T>& values);
template <typename T>
Json ToJson(const std::map<std::string, T>& values);
template <Struct T>
Json ToJson(const T& value);
// Not the generic Struct walk: names parse kept in `unknown` are written
// back after the known ones of their set.
Json ToJson(const Capabilities& caps);

template <typename T>
bool IsAbsent(const T& value) {
  return value == T{};
}

class FieldWriter {
 public:
  explicit FieldWriter(Json& object) : object_(object) {}

  template <typename T>
  void Field(const char* key, const T& member, Presence presence) {
    if (presence == Presence::kOptional && IsAbsent(member)) return;
    object_[key] = ToJson(member);
  }

  template <typename T>
  void Field(const char* key, const std::optional<T>& member,
             Presence presence) {
    // An optional member has no value to write when it is empty, whatever
    // the presence says.
    if (!member.has_value()) return;
    object_[key] = ToJson(*member);
  }

 private:
  Json& object_;
};

Json ToJson(const std::string& s) { return s; }
Json ToJson(bool b) { return b; }

template <Integer T>
Json ToJson(T value) {
  return value;
}

template <NamedEnum E>
Json ToJson(E value) {
  return std::string(EnumName(value));
}

template <typename T>
Json ToJson(const std::optional<T>& value) {
  return value.has_value() ? ToJson(*value) : Json(nullptr);
}

template <typename T>
Json ToJson(const std::vector<T>& values) {
  Json array = Json::array();
  for (const T& v : values) array.push_back(ToJson(v));
  return array;
}

template <typename T>
Json ToJson(const std::map<std::string, T>& values) {
  Json object = Json::object();
  for (const auto& [key, v] : values) object[key] = ToJson(v);
  return object;
}

template <Struct T>
Json ToJson(const T& value) {
  Json object = Json::object();
  FieldWriter writer(object);
  VisitFields(writer, value);
  return object;
}

Json ToJson(const Capabilities& caps) {
  struct Set {
    const char* key;
    const std::vector<Capability>* known;
    const std::vector<std::string>* unknown;
  };
  const Set sets[] = {
      {"bounding", &caps.bounding, &caps.unknown.bounding},
      {"effective", &caps.effective, &caps.unknown.effective},
      {"inheritable", &caps.inheritable, &caps.unknown.inheritable},
      {"permitted", &caps.permitted, &caps.unknown.permitted},
      {"ambient", &caps.ambient, &caps.unknown.ambient},
  };
  Json object = Json::object();
  for (const Set& set : sets) {
    // Empty sets are left out, as the Struct walk leaves out every empty
    // optional field.
    if (set.known->empty() && set.unknown->empty()) continue;
    Json array = ToJson(*set.known);
    for (const std::string& name : *set.unknown) array.push_back(name);
    object[set.key] = std::move(array);
  }
  return object;
}

std::string Dump(const Json& document, JsonStyle style) {
  const int indent = style == JsonStyle::kIndented ? 1 : -1;
  // `replace` instead of the default `strict`, which throws on invalid
  // UTF-8.
  return document.dump(indent, '\t', /*ensure_ascii=*/false,
                       Json::error_handler_t::replace);
}

}  // namespace

std::string SerializeConfig(const Config& config, JsonStyle style) {
  return Dump(ToJson(config), style);
}

std::string SerializeProcess(const Process& process, JsonStyle style) {
  return Dump(ToJson(process), style);
}

}  // namespace runbox::spec
