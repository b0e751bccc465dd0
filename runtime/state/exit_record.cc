// exit-status: its JSON form, the write-once durable write and the read.
#include "runtime/state/exit_record.h"

#include <cerrno>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/spec/bounded_json.h"
#include "runtime/state/layout.h"

namespace runbox {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxExitRecordBytes = 4096;
constexpr JsonLimits kExitRecordLimits{.max_depth = 4,
                                       .max_bytes = kMaxExitRecordBytes};

absl::Status Corrupt(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("exit-status: ", what));
}

absl::StatusOr<int64_t> GetInt(const Json& doc, const char* key, int64_t min,
                               int64_t max) {
  auto it = doc.find(key);
  if (it == doc.end()) {
    return Corrupt(absl::StrCat("missing required field \"", key, "\""));
  }
  int64_t v = 0;
  if (const auto* i = it->get_ptr<const Json::number_integer_t*>()) {
    v = *i;
  } else if (const auto* u = it->get_ptr<const Json::number_unsigned_t*>()) {
    v = *u > static_cast<uint64_t>(max) ? max + 1 : static_cast<int64_t>(*u);
  } else {
    return Corrupt(absl::StrCat(
        "field \"", key, "\": expected an integer, got ", it->type_name()));
  }
  if (v < min || v > max) {
    return Corrupt(absl::StrCat("field \"", key, "\": must be between ", min,
                                " and ", max));
  }
  return v;
}

absl::StatusOr<ExitStatus> ParseExitRecordJson(const Json& doc) {
  if (!doc.is_object()) {
    return Corrupt(
        absl::StrCat("expected a JSON object, got ", doc.type_name()));
  }
  auto kind = doc.find("kind");
  if (kind == doc.end()) return Corrupt("missing required field \"kind\"");
  const std::string* name = kind->get_ptr<const std::string*>();
  if (name == nullptr) {
    return Corrupt(absl::StrCat("field \"kind\": expected a string, got ",
                                kind->type_name()));
  }
  if (*name == "exited") {
    ASSIGN_OR_RETURN(int64_t code, GetInt(doc, "code", 0, 255));
    return ExitStatus::Exited(static_cast<int>(code));
  }
  if (*name == "signaled") {
    ASSIGN_OR_RETURN(int64_t sig, GetInt(doc, "signal", 1, kMaxSignal));
    bool core = false;
    if (auto c = doc.find("core_dumped"); c != doc.end()) {
      const bool* b = c->get_ptr<const bool*>();
      if (b == nullptr) {
        return Corrupt(absl::StrCat(
            "field \"core_dumped\": expected a boolean, got ", c->type_name()));
      }
      core = *b;
    }
    return ExitStatus::Signaled(static_cast<Signal>(sig), core);
  }
  return Corrupt(absl::StrCat("field \"kind\": unknown kind \"", *name, "\""));
}

}  // namespace

std::string SerializeExitRecord(const ExitStatus& status) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (status.exited()) {
    j["kind"] = "exited";
    j["code"] = status.code;
  } else {
    j["kind"] = "signaled";
    j["signal"] = static_cast<int>(status.signal);
    j["core_dumped"] = status.core_dumped;
  }
  return j.dump();
}

absl::StatusOr<ExitStatus> ParseExitRecord(absl::string_view text) {
  absl::StatusOr<Json> doc = ParseBoundedJson(text, kExitRecordLimits);
  if (!doc.ok()) return Annotate(doc.status(), "exit-status");
  // Every access is checked; this guard keeps any nlohmann exception from
  // leaving the parser.
  try {
    return ParseExitRecordJson(*doc);
  } catch (const nlohmann::json::exception& e) {
    return Corrupt(e.what());
  }
}

absl::Status WriteExitRecord(Host& host, const Fd& container_dir,
                             const ExitStatus& status) {
  absl::Status s = AtomicWriteFileAt(
      host, container_dir, StateLayout::kExitStatusFile,
      SerializeExitRecord(status), StateLayout::kFileMode, ExistingFile::kKeep);
  if (!IsErrno(s, EEXIST)) return s;
  // Already written: the same status again is a retry, anything else is an
  // attempt to rewrite history.
  ASSIGN_OR_RETURN(std::optional<ExitStatus> recorded,
                   ReadExitRecord(host, container_dir));
  if (recorded.has_value() && *recorded == status) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat(
      "exit status already recorded as ",
      recorded.has_value() ? ToString(*recorded) : std::string("(none)"),
      "; not overwritten with ", ToString(status)));
}

absl::StatusOr<std::optional<ExitStatus>> ReadExitRecord(
    Files& files, const Fd& container_dir) {
  absl::StatusOr<std::string> text = ReadFileAt(
      files, container_dir, StateLayout::kExitStatusFile, kMaxExitRecordBytes);
  if (IsErrno(text, ENOENT)) return std::optional<ExitStatus>();
  if (!text.ok()) return text.status();
  ASSIGN_OR_RETURN(ExitStatus status, ParseExitRecord(*text));
  return std::optional<ExitStatus>(status);
}

}  // namespace runbox
