// Value parsers of the CLI grammar. They follow the Go functions runc's
// flags go through (strconv.ParseBool/ParseInt/ParseUint, go-units
// RAMInBytes, time.ParseDuration) so an engine's argument means to runbox
// what it means to runc.
#include "runtime/cli/flag_spec.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace runbox::cli {
namespace {

absl::Status Invalid(absl::string_view reason) {
  return absl::InvalidArgumentError(reason);
}

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Unsigned digits in `base`, nothing else; nullopt on a bad digit or
// overflow. Empty text is 0 only when `allow_empty`.
std::optional<uint64_t> ParseDigits(absl::string_view digits, int base,
                                    bool allow_empty = false) {
  if (digits.empty() && !allow_empty) return std::nullopt;
  uint64_t n = 0;
  for (char c : digits) {
    int d = DigitValue(c);
    if (d >= base) return std::nullopt;
    if (n > (std::numeric_limits<uint64_t>::max() - d) / base) {
      return std::nullopt;
    }
    n = n * base + d;
  }
  return n;
}

// Go's base-0 magnitude (no sign): 0x.., 0o.., 0b.., 0.. (octal), decimal.
std::optional<uint64_t> ParseGoMagnitude(absl::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s[0] != '0') return ParseDigits(s, 10);
  if (s.size() >= 3) {
    switch (s[1]) {
      case 'x':
      case 'X':
        return ParseDigits(s.substr(2), 16);
      case 'o':
      case 'O':
        return ParseDigits(s.substr(2), 8);
      case 'b':
      case 'B':
        return ParseDigits(s.substr(2), 2);
      default:
        break;
    }
  }
  // "0" alone is zero; "0755" is octal.
  return ParseDigits(s.substr(1), 8, /*allow_empty=*/true);
}

// Applies an optional leading sign to a magnitude parser; range of int64.
template <typename MagnitudeFn>
std::optional<int64_t> ParseSigned(absl::string_view s, MagnitudeFn magnitude) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::optional<uint64_t> m = magnitude(s);
  if (!m.has_value()) return std::nullopt;
  constexpr uint64_t kMaxPositive = std::numeric_limits<int64_t>::max();
  if (negative) {
    if (*m > kMaxPositive + 1) return std::nullopt;
    return static_cast<int64_t>(0 - *m);
  }
  if (*m > kMaxPositive) return std::nullopt;
  return static_cast<int64_t>(*m);
}

}  // namespace

absl::StatusOr<ScanResult> ScanFlags(absl::Span<const FlagInfo> flags,
                                     absl::Span<const std::string> args,
                                     ArgOrder order) {
  ScanResult result;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      result.positionals.insert(result.positionals.end(), args.begin() + i + 1,
                                args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      if (order == ArgOrder::kFlagsFirst) {
        result.positionals.insert(result.positionals.end(), args.begin() + i,
                                  args.end());
        break;
      }
      result.positionals.push_back(arg);
      continue;
    }
    // Go's flag.parseOne: one or two dashes, then a name that neither
    // starts with '-' or '=' nor is empty.
    absl::string_view body(arg);
    body.remove_prefix(arg[1] == '-' ? 2 : 1);
    if (body.empty() || body[0] == '-' || body[0] == '=') {
      return absl::InvalidArgumentError(absl::StrCat("bad flag syntax: ", arg));
    }
    absl::string_view name = body;
    std::optional<absl::string_view> inline_value;
    if (size_t eq = body.find('='); eq != absl::string_view::npos) {
      name = body.substr(0, eq);
      inline_value = body.substr(eq + 1);
    }
    FlagUse use;
    use.spelling = std::string(arg.data(), name.end() - arg.data());
    size_t index = 0;
    while (index < flags.size() && flags[index].name != name &&
           (flags[index].alias.empty() || flags[index].alias != name)) {
      ++index;
    }
    if (index == flags.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("flag provided but not defined: ", use.spelling));
    }
    use.flag = index;
    if (inline_value.has_value()) {
      use.value = std::string(*inline_value);
    } else if (flags[index].arity == FlagArity::kBool) {
      use.value = "true";
    } else if (i + 1 < args.size()) {
      use.value = args[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("flag needs an argument: ", use.spelling));
    }
    result.uses.push_back(std::move(use));
  }
  return result;
}

absl::StatusOr<bool> ParseGoBool(absl::string_view text) {
  if (text == "1" || text == "t" || text == "T" || text == "TRUE" ||
      text == "true" || text == "True") {
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "FALSE" ||
      text == "false" || text == "False") {
    return false;
  }
  return Invalid("expected true or false");
}

absl::StatusOr<std::string> ParseText(absl::string_view text) {
  return std::string(text);
}

absl::StatusOr<int64_t> ParseGoInt(absl::string_view text) {
  std::optional<int64_t> n = ParseSigned(text, ParseGoMagnitude);
  if (!n.has_value()) return Invalid("not an integer (or out of range)");
  return *n;
}

absl::StatusOr<int> ParseCount(absl::string_view text) {
  absl::StatusOr<int64_t> n = ParseGoInt(text);
  if (!n.ok()) return n.status();
  if (*n < 0) return Invalid("must not be negative");
  if (*n > std::numeric_limits<int32_t>::max()) return Invalid("too large");
  return static_cast<int>(*n);
}

absl::StatusOr<uint16_t> ParseUint16(absl::string_view text) {
  absl::StatusOr<int64_t> n = ParseGoInt(text);
  if (!n.ok()) return n.status();
  if (*n < 0 || *n > std::numeric_limits<uint16_t>::max()) {
    return Invalid("must be between 0 and 65535");
  }
  return static_cast<uint16_t>(*n);
}

absl::StatusOr<uint64_t> ParseDecimalUint64(absl::string_view text) {
  std::optional<uint64_t> n = ParseDigits(text, 10);
  if (!n.has_value()) return Invalid("not an unsigned integer");
  return *n;
}

absl::StatusOr<int64_t> ParseDecimalInt64(absl::string_view text) {
  std::optional<int64_t> n =
      ParseSigned(text, [](absl::string_view s) { return ParseDigits(s, 10); });
  if (!n.has_value()) return Invalid("not an integer (or out of range)");
  return *n;
}

absl::StatusOr<int64_t> ParseMemoryBytes(absl::string_view text) {
  if (text == "-1") return -1;
  const absl::Status bad =
      Invalid("not a size (bytes, or a number with a k, m, g, t or p suffix)");
  // go-units: ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$, then ParseFloat,
  // which takes at most one fraction.
  size_t i = 0;
  auto digits_from = [&](size_t from) {
    size_t j = from;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    return j;
  };
  i = digits_from(0);
  if (i == 0) return bad;
  absl::string_view whole = text.substr(0, i);
  absl::string_view number = whole;
  if (i < text.size() && text[i] == '.') {
    size_t end = digits_from(i + 1);
    if (end == i + 1) return bad;
    number = text.substr(0, end);
    i = end;
  }
  if (i < text.size() && text[i] == ' ') ++i;
  uint64_t multiplier = 1;
  if (i < text.size()) {
    switch (text[i]) {
      case 'k':
      case 'K':
        multiplier = uint64_t{1} << 10;
        break;
      case 'm':
      case 'M':
        multiplier = uint64_t{1} << 20;
        break;
      case 'g':
      case 'G':
        multiplier = uint64_t{1} << 30;
        break;
      case 't':
      case 'T':
        multiplier = uint64_t{1} << 40;
        break;
      case 'p':
      case 'P':
        multiplier = uint64_t{1} << 50;
        break;
      default:
        break;
    }
    if (multiplier != 1) ++i;
  }
  if (i < text.size() && (text[i] == 'i' || text[i] == 'I')) ++i;
  if (i < text.size() && (text[i] == 'b' || text[i] == 'B')) ++i;
  if (i != text.size()) return bad;

  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  if (number.size() == whole.size()) {
    std::optional<uint64_t> n = ParseDigits(whole, 10);
    if (!n.has_value() || *n > kMax / multiplier) return Invalid("too large");
    return static_cast<int64_t>(*n * multiplier);
  }
  double value = 0;
  if (!absl::SimpleAtod(number, &value)) return bad;
  value *= static_cast<double>(multiplier);
  // 2^63 is exactly representable; anything at or above it overflows.
  if (!(value < 9223372036854775808.0)) return Invalid("too large");
  return static_cast<int64_t>(value);  // Truncates, as Go's int64(f).
}

absl::StatusOr<absl::Duration> ParsePositiveDuration(absl::string_view text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d == absl::InfiniteDuration() ||
      d == -absl::InfiniteDuration()) {
    return Invalid("not a duration (like 5s, 1m30s or 500ms)");
  }
  if (d <= absl::ZeroDuration()) return Invalid("must be greater than 0");
  return d;
}

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  return Invalid("must be table or json");
}

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view text) {
  if (text.empty() || text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return Invalid("must be text or json");
}

absl::StatusOr<RootlessMode> ParseRootlessMode(absl::string_view text) {
  if (text == "auto") return RootlessMode::kAuto;
  absl::StatusOr<bool> b = ParseGoBool(text);
  if (!b.ok()) return Invalid("must be true, false or auto");
  return *b ? RootlessMode::kTrue : RootlessMode::kFalse;
}

absl::StatusOr<Gid> ParseGid(absl::string_view text) {
  absl::StatusOr<int64_t> n = ParseGoInt(text);
  if (!n.ok() || *n < 0 || *n > std::numeric_limits<uint32_t>::max()) {
    return Invalid("not a group id (0 to 4294967295)");
  }
  return static_cast<Gid>(*n);
}

absl::StatusOr<ExecUser> ParseExecUser(absl::string_view text) {
  // runc reads both ids with strconv.Atoi: decimal only.
  auto id = [](absl::string_view s) -> std::optional<uint32_t> {
    std::optional<uint64_t> n = ParseDigits(s, 10);
    if (!n.has_value() || *n > std::numeric_limits<uint32_t>::max()) {
      return std::nullopt;
    }
    return static_cast<uint32_t>(*n);
  };
  const absl::Status bad = Invalid("expected uid[:gid] with numeric ids");
  ExecUser user;
  absl::string_view uid = text;
  size_t colon = text.find(':');
  if (colon != absl::string_view::npos) {
    uid = text.substr(0, colon);
    std::optional<uint32_t> gid = id(text.substr(colon + 1));
    if (!gid.has_value()) return bad;
    user.gid = *gid;
  }
  std::optional<uint32_t> n = id(uid);
  if (!n.has_value()) return bad;
  user.uid = *n;
  return user;
}

}  // namespace runbox::cli
