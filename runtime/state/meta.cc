// meta.json to and from Meta. The parser checks every field's type and
// names the field in its errors (a field of the wrong type is an error,
// never a default: DESIGN.md "Security rules"); it runs on the bounded,
// exception-free JSON reader shared by runbox's parsers.
#include "runtime/state/meta.h"

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/spec/bounded_json.h"
#include "runtime/state/container_id.h"

namespace runbox {
namespace {

using Json = nlohmann::json;

// Field names of meta.json. Changing one is a schema change.
constexpr char kSchemaVersion[] = "schema_version";
constexpr char kId[] = "id";
constexpr char kStatus[] = "status";
constexpr char kBundle[] = "bundle";
constexpr char kCreated[] = "created";
constexpr char kOwner[] = "owner";
constexpr char kSupervisor[] = "supervisor";
constexpr char kCreator[] = "creator";
constexpr char kInit[] = "init";
constexpr char kAnnotations[] = "annotations";
constexpr char kConfigDigest[] = "config_digest";
constexpr char kSandbox[] = "sandbox";
constexpr char kNoNewKeyring[] = "no_new_keyring";
constexpr char kPlannedCgroups[] = "planned_cgroups";
constexpr char kPlannedMounts[] = "planned_mounts";
constexpr char kResctrlGroup[] = "resctrl_group";
constexpr char kResctrlOwned[] = "resctrl_owned";
constexpr char kPid[] = "pid";
constexpr char kStartTime[] = "start_time";

// meta.json is flat; a deeply nested document is not one of ours.
constexpr JsonLimits kMetaJsonLimits{.max_depth = 8,
                                     .max_bytes = kMaxMetaBytes};

constexpr char kTimeFormat[] = "%Y-%m-%dT%H:%M:%E9SZ";

absl::Status FieldError(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("meta.json: field \"", field, "\": ", what));
}

absl::Status TypeError(absl::string_view field, absl::string_view expected,
                       const Json& got) {
  return FieldError(
      field, absl::StrCat("expected ", expected, ", got ", got.type_name()));
}

// The member `key` of `object`, or nullptr when absent.
const Json* Find(const Json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

absl::StatusOr<const Json*> Require(const Json& object, const char* key) {
  const Json* v = Find(object, key);
  if (v == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("meta.json: missing required field \"", key, "\""));
  }
  return v;
}

absl::StatusOr<std::string> GetString(const Json& v, absl::string_view field) {
  const std::string* s = v.get_ptr<const std::string*>();
  if (s == nullptr) return TypeError(field, "a string", v);
  return *s;
}

// An integer in [min, max]; floats ("1.0") are refused like any wrong type.
absl::StatusOr<int64_t> GetInt(const Json& v, absl::string_view field,
                               int64_t min, int64_t max) {
  if (const auto* i = v.get_ptr<const Json::number_integer_t*>()) {
    if (*i >= min && *i <= max) return *i;
  } else if (const auto* u = v.get_ptr<const Json::number_unsigned_t*>()) {
    if (*u <= static_cast<uint64_t>(max)) return static_cast<int64_t>(*u);
  } else {
    return TypeError(field, "an integer", v);
  }
  return FieldError(field, absl::StrCat("must be between ", min, " and ", max));
}

absl::StatusOr<uint64_t> GetUint64(const Json& v, absl::string_view field) {
  if (const auto* u = v.get_ptr<const Json::number_unsigned_t*>()) return *u;
  if (const auto* i = v.get_ptr<const Json::number_integer_t*>()) {
    if (*i >= 0) return static_cast<uint64_t>(*i);
    return FieldError(field, "must not be negative");
  }
  return TypeError(field, "an unsigned integer", v);
}

absl::StatusOr<ProcessIdentity> GetIdentity(const Json& v,
                                            absl::string_view field) {
  if (!v.is_object()) return TypeError(field, "an object", v);
  std::string pid_field = absl::StrCat(field, ".", kPid);
  std::string start_field = absl::StrCat(field, ".", kStartTime);
  const Json* pid = Find(v, kPid);
  if (pid == nullptr) return FieldError(pid_field, "missing");
  const Json* start = Find(v, kStartTime);
  if (start == nullptr) return FieldError(start_field, "missing");
  ProcessIdentity id;
  // Pid 0 or below would make kill(2) hit a process group: never valid.
  ASSIGN_OR_RETURN(int64_t p, GetInt(*pid, pid_field, 1,
                                     std::numeric_limits<int32_t>::max()));
  id.pid = Pid{static_cast<int32_t>(p)};
  ASSIGN_OR_RETURN(id.start_time, GetUint64(*start, start_field));
  return id;
}

absl::StatusOr<std::vector<std::string>> GetStringArray(
    const Json& v, absl::string_view field) {
  if (!v.is_array()) return TypeError(field, "an array of strings", v);
  std::vector<std::string> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    ASSIGN_OR_RETURN(std::string s,
                     GetString(v[i], absl::StrCat(field, "[", i, "]")));
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> GetStringMap(
    const Json& v, absl::string_view field) {
  if (!v.is_object()) return TypeError(field, "an object", v);
  std::map<std::string, std::string> out;
  for (auto it = v.begin(); it != v.end(); ++it) {
    ASSIGN_OR_RETURN(std::string s,
                     GetString(it.value(), absl::StrCat(field, ".", it.key())));
    out.emplace(it.key(), std::move(s));
  }
  return out;
}

absl::StatusOr<Meta> ParseMetaJson(const Json& doc) {
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "meta.json: expected a JSON object, got ", doc.type_name()));
  }
  Meta meta;
  // The version first: a newer file may differ in any other field.
  ASSIGN_OR_RETURN(const Json* version, Require(doc, kSchemaVersion));
  ASSIGN_OR_RETURN(int64_t v, GetInt(*version, kSchemaVersion, 1,
                                     std::numeric_limits<int32_t>::max()));
  if (v > kMetaSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "meta.json schema version ", v, " is newer than this runbox supports (",
        kMetaSchemaVersion, ")"));
  }
  meta.schema_version = static_cast<int>(v);

  ASSIGN_OR_RETURN(const Json* id, Require(doc, kId));
  ASSIGN_OR_RETURN(meta.id, GetString(*id, kId));
  if (absl::Status valid = ValidateContainerId(meta.id); !valid.ok()) {
    return FieldError(kId, valid.message());
  }

  ASSIGN_OR_RETURN(const Json* status, Require(doc, kStatus));
  ASSIGN_OR_RETURN(std::string status_name, GetString(*status, kStatus));
  std::optional<ContainerStatus> parsed = ParseContainerStatus(status_name);
  if (!parsed.has_value()) {
    return FieldError(kStatus,
                      absl::StrCat("unknown status \"", status_name, "\""));
  }
  meta.status = *parsed;

  ASSIGN_OR_RETURN(const Json* bundle, Require(doc, kBundle));
  ASSIGN_OR_RETURN(meta.bundle, GetString(*bundle, kBundle));

  ASSIGN_OR_RETURN(const Json* created, Require(doc, kCreated));
  ASSIGN_OR_RETURN(std::string created_text, GetString(*created, kCreated));
  absl::StatusOr<absl::Time> time = ParseRfc3339(created_text);
  if (!time.ok()) return FieldError(kCreated, time.status().message());
  meta.created = *time;

  ASSIGN_OR_RETURN(const Json* owner, Require(doc, kOwner));
  ASSIGN_OR_RETURN(int64_t uid, GetInt(*owner, kOwner, 0,
                                       std::numeric_limits<uint32_t>::max()));
  meta.owner = static_cast<Uid>(uid);

  if (const Json* f = Find(doc, kSupervisor)) {
    ASSIGN_OR_RETURN(meta.supervisor, GetIdentity(*f, kSupervisor));
  }
  if (const Json* f = Find(doc, kCreator)) {
    ASSIGN_OR_RETURN(meta.creator, GetIdentity(*f, kCreator));
  }
  if (const Json* f = Find(doc, kInit)) {
    ASSIGN_OR_RETURN(meta.init, GetIdentity(*f, kInit));
  }
  if (const Json* f = Find(doc, kAnnotations)) {
    ASSIGN_OR_RETURN(meta.annotations, GetStringMap(*f, kAnnotations));
  }
  if (const Json* f = Find(doc, kConfigDigest)) {
    ASSIGN_OR_RETURN(meta.config_digest, GetString(*f, kConfigDigest));
  }
  if (const Json* f = Find(doc, kSandbox)) {
    ASSIGN_OR_RETURN(meta.sandbox, GetString(*f, kSandbox));
  }
  if (const Json* f = Find(doc, kNoNewKeyring)) {
    const bool* b = f->get_ptr<const bool*>();
    if (b == nullptr) return TypeError(kNoNewKeyring, "a boolean", *f);
    meta.no_new_keyring = *b;
  }
  if (const Json* f = Find(doc, kPlannedCgroups)) {
    ASSIGN_OR_RETURN(meta.planned_cgroups, GetStringArray(*f, kPlannedCgroups));
  }
  if (const Json* f = Find(doc, kPlannedMounts)) {
    ASSIGN_OR_RETURN(meta.planned_mounts, GetStringArray(*f, kPlannedMounts));
  }
  if (const Json* f = Find(doc, kResctrlGroup)) {
    ASSIGN_OR_RETURN(meta.resctrl_group, GetString(*f, kResctrlGroup));
  }
  if (const Json* f = Find(doc, kResctrlOwned)) {
    const bool* b = f->get_ptr<const bool*>();
    if (b == nullptr) return TypeError(kResctrlOwned, "a boolean", *f);
    meta.resctrl_owned = *b;
  }
  return meta;
}

nlohmann::ordered_json IdentityJson(const ProcessIdentity& id) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j[kPid] = id.pid.value;
  j[kStartTime] = id.start_time;
  return j;
}

}  // namespace

absl::string_view ContainerStatusName(ContainerStatus status) {
  switch (status) {
    case ContainerStatus::kCreating:
      return "creating";
    case ContainerStatus::kCreated:
      return "created";
    case ContainerStatus::kRunning:
      return "running";
    case ContainerStatus::kPaused:
      return "paused";
    case ContainerStatus::kStopped:
      return "stopped";
  }
  return "unknown";
}

std::optional<ContainerStatus> ParseContainerStatus(absl::string_view name) {
  for (ContainerStatus s :
       {ContainerStatus::kCreating, ContainerStatus::kCreated,
        ContainerStatus::kRunning, ContainerStatus::kPaused,
        ContainerStatus::kStopped}) {
    if (ContainerStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string FormatRfc3339Nanos(absl::Time time) {
  return absl::FormatTime(kTimeFormat, time, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view text) {
  absl::Time time;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, absl::UTCTimeZone(), &time,
                       &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid RFC 3339 time \"", text, "\": ", err));
  }
  // Nanoseconds, as FormatRfc3339Nanos writes: absl keeps quarter
  // nanoseconds of a longer fraction, which would not survive a round trip
  // (found by //fuzz:meta_fuzzer).
  return absl::UnixEpoch() +
         absl::Floor(time - absl::UnixEpoch(), absl::Nanoseconds(1));
}

std::string SerializeMeta(const Meta& meta) {
  // ordered_json: fields in a fixed, readable order (the version first).
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j[kSchemaVersion] = kMetaSchemaVersion;
  j[kId] = meta.id;
  j[kStatus] = std::string(ContainerStatusName(meta.status));
  j[kBundle] = meta.bundle;
  j[kCreated] = FormatRfc3339Nanos(meta.created);
  j[kOwner] = meta.owner;
  if (meta.supervisor.has_value())
    j[kSupervisor] = IdentityJson(*meta.supervisor);
  if (meta.creator.has_value()) j[kCreator] = IdentityJson(*meta.creator);
  if (meta.init.has_value()) j[kInit] = IdentityJson(*meta.init);
  if (!meta.annotations.empty()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::object();
    for (const auto& [k, v] : meta.annotations) a[k] = v;
    j[kAnnotations] = std::move(a);
  }
  if (!meta.config_digest.empty()) j[kConfigDigest] = meta.config_digest;
  if (!meta.sandbox.empty()) j[kSandbox] = meta.sandbox;
  if (meta.no_new_keyring) j[kNoNewKeyring] = true;
  if (!meta.planned_cgroups.empty()) j[kPlannedCgroups] = meta.planned_cgroups;
  if (!meta.planned_mounts.empty()) j[kPlannedMounts] = meta.planned_mounts;
  if (!meta.resctrl_group.empty()) j[kResctrlGroup] = meta.resctrl_group;
  if (meta.resctrl_owned) j[kResctrlOwned] = true;
  // error_handler_t::replace: invalid UTF-8 must not throw (dump's default).
  return j.dump(-1, ' ', false,
                nlohmann::ordered_json::error_handler_t::replace);
}

absl::StatusOr<Meta> ParseMeta(absl::string_view text) {
  absl::StatusOr<Json> doc = ParseBoundedJson(text, kMetaJsonLimits);
  if (!doc.ok()) return Annotate(doc.status(), "meta.json");
  // Every access above is checked (get_ptr, find); this is a last guard so
  // that no nlohmann exception can escape the parser.
  try {
    return ParseMetaJson(*doc);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("meta.json: ", e.what()));
  }
}

}  // namespace runbox
