// The building blocks of the CLI grammar: a flag's description (FlagInfo,
// shared by the scanner and the help text), the scanner that splits words
// into flags and arguments, a flag bound to a field of an option struct
// (Flag<T>), and the value parsers that give runc's value syntax (Go's
// strconv rules, docker's memory sizes, Go durations). The tables built
// from these are in command_table.cc.
#ifndef RUNBOX_RUNTIME_CLI_FLAG_SPEC_H_
#define RUNBOX_RUNTIME_CLI_FLAG_SPEC_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "runtime/cli/options.h"

namespace runbox::cli {

// kBool flags take no separate word: `--detach`, `--detach=false`. kValue
// flags take `--name value` or `--name=value`. This is Go's flag package,
// which urfave/cli (and so runc) uses.
enum class FlagArity { kBool, kValue };

// What the scanner and the help text know of a flag. Any name is accepted
// with one or two dashes (`-bundle`, `--b`), as in Go.
struct FlagInfo {
  absl::string_view name;   // Long name, without dashes.
  absl::string_view alias;  // One-letter alias or empty.
  FlagArity arity = FlagArity::kBool;
  absl::string_view placeholder;  // "DIR" in `--bundle DIR`; value flags.
  absl::string_view usage;        // One line, lower case, no period.
  bool repeatable = false;        // Each use appends (runc's slice flags).
  bool hidden = false;            // Accepted but not in the help.
};

// A flag bound to a field of the option struct T. `set` parses one
// occurrence's value (a bool flag without `=` gets "true") and stores it;
// its error message is the reason only ("not a number"), the caller names
// the flag and the value.
template <typename T>
struct Flag {
  FlagInfo info;
  std::function<absl::Status(T& opts, absl::string_view value)> set;
};

// ---- The scanner: splits words into flag uses and positional arguments.

// Where flags may appear among a command's words.
enum class ArgOrder {
  // urfave/cli v1 moves flags written after positional arguments to the
  // front, so `kill ID --all` and `delete ID --force` work in runc: flags
  // may appear anywhere before `--`.
  kInterspersed,
  // Go's flag package alone (runc's exec and ps set SkipArgReorder): the
  // first positional argument ends the flags, so `exec ID ls -la` keeps
  // `-la` for ls. The global flags parse this way too: the command name
  // ends them.
  kFlagsFirst,
};

// One occurrence of a flag.
struct FlagUse {
  size_t flag = 0;       // Index into the FlagInfo list.
  std::string spelling;  // As written, without "=value": "-b", "--bundle".
  std::string value;     // "true" for a bool flag written without a value.
};

struct ScanResult {
  std::vector<FlagUse> uses;             // In command-line order.
  std::vector<std::string> positionals;  // In order; `--` removed.
};

// Scans `args` with Go's flag syntax: `-name`, `--name`, `-name=value`,
// `--name=value`; a value flag without `=` takes the next word, whatever it
// is; `--` ends the flags; `-` alone is a positional argument. Errors use
// Go's wording: "flag provided but not defined: --foo", "flag needs an
// argument: --bundle", "bad flag syntax: ---x".
absl::StatusOr<ScanResult> ScanFlags(absl::Span<const FlagInfo> flags,
                                     absl::Span<const std::string> args,
                                     ArgOrder order);

// ---- Value parsers. Errors are InvalidArgument with a short reason. ----

// Go's strconv.ParseBool: 1 t T TRUE true True, 0 f F FALSE false False.
absl::StatusOr<bool> ParseGoBool(absl::string_view text);
// Any text, unchanged.
absl::StatusOr<std::string> ParseText(absl::string_view text);
// Go's strconv.ParseInt(text, 0, 64), which Go's int flags use: an
// optional sign, then decimal, 0x hex, 0o or leading-0 octal, or 0b binary.
// (Go's `_` digit separators are not accepted.)
absl::StatusOr<int64_t> ParseGoInt(absl::string_view text);
// ParseGoInt within [0, INT32_MAX] (--preserve-fds).
absl::StatusOr<int> ParseCount(absl::string_view text);
// ParseGoInt within [0, 65535] (--blkio-weight).
absl::StatusOr<uint16_t> ParseUint16(absl::string_view text);
// Decimal only, as runc's update parses its string flags.
absl::StatusOr<uint64_t> ParseDecimalUint64(absl::string_view text);
absl::StatusOr<int64_t> ParseDecimalInt64(absl::string_view text);
// "-1" (unlimited) or docker/go-units RAMInBytes: a number with an optional
// fraction, an optional space, then an optional binary unit k/m/g/t/p (any
// case) optionally followed by "i" and/or "b": "1024", "32m", "1.5g",
// "512 MiB".
absl::StatusOr<int64_t> ParseMemoryBytes(absl::string_view text);
// A Go duration ("5s", "1m30s", "250ms") greater than zero.
absl::StatusOr<absl::Duration> ParsePositiveDuration(absl::string_view text);
// "table" or "json".
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text);
// "text" or "json" ("" is text, as in runc).
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view text);
// "auto" or a Go bool.
absl::StatusOr<RootlessMode> ParseRootlessMode(absl::string_view text);
// "uid[:gid]", decimal.
absl::StatusOr<ExecUser> ParseExecUser(absl::string_view text);
// A group id in ParseGoInt syntax (runc's --additional-gids is an int64
// slice flag), 0 to 2^32-1.
absl::StatusOr<Gid> ParseGid(absl::string_view text);

// ---- Flag<T> factories: one line per flag in the command tables. ----

struct FlagNames {
  absl::string_view name;
  absl::string_view alias = {};
};

// A bool flag into a bool or std::optional<bool> field.
template <typename T, typename Field>
Flag<T> BoolFlag(FlagNames names, Field T::*field, absl::string_view usage) {
  return {{names.name, names.alias, FlagArity::kBool, {}, usage},
          [field](T& opts, absl::string_view value) -> absl::Status {
            absl::StatusOr<bool> b = ParseGoBool(value);
            if (!b.ok()) return b.status();
            opts.*field = *b;
            return absl::OkStatus();
          }};
}

// A value flag: the last occurrence wins. `parse` gives the value stored
// into `field` (which may be a std::optional of it).
template <typename T, typename Field, typename Value>
Flag<T> ValueFlag(FlagNames names, absl::string_view placeholder,
                  Field T::*field,
                  absl::StatusOr<Value> (*parse)(absl::string_view),
                  absl::string_view usage) {
  return {{names.name, names.alias, FlagArity::kValue, placeholder, usage},
          [field, parse](T& opts, absl::string_view text) -> absl::Status {
            absl::StatusOr<Value> v = parse(text);
            if (!v.ok()) return v.status();
            opts.*field = *std::move(v);
            return absl::OkStatus();
          }};
}

// A repeatable value flag: each occurrence appends to `field`.
template <typename T, typename Value>
Flag<T> ListFlag(FlagNames names, absl::string_view placeholder,
                 std::vector<Value> T::*field,
                 absl::StatusOr<Value> (*parse)(absl::string_view),
                 absl::string_view usage) {
  return {{names.name, names.alias, FlagArity::kValue, placeholder, usage,
           /*repeatable=*/true},
          [field, parse](T& opts, absl::string_view text) -> absl::Status {
            absl::StatusOr<Value> v = parse(text);
            if (!v.ok()) return v.status();
            (opts.*field).push_back(*std::move(v));
            return absl::OkStatus();
          }};
}

// A flag of a command runbox does not implement: any value is accepted and
// recorded in canonical form ("--name" or "--name=value") in `field`.
template <typename T>
Flag<T> RecordedFlag(FlagNames names, FlagArity arity,
                     std::vector<std::string> T::*field,
                     absl::string_view usage) {
  std::string canonical = absl::StrCat("--", names.name);
  return {
      {names.name, names.alias, arity,
       arity == FlagArity::kValue ? "VALUE" : "", usage,
       /*repeatable=*/true},
      [field, arity, canonical](T& opts,
                                absl::string_view text) -> absl::Status {
        if (arity == FlagArity::kBool) {
          absl::StatusOr<bool> b = ParseGoBool(text);
          if (!b.ok()) return b.status();
          (opts.*field)
              .push_back(*b ? canonical : absl::StrCat(canonical, "=false"));
        } else {
          (opts.*field).push_back(absl::StrCat(canonical, "=", text));
        }
        return absl::OkStatus();
      }};
}

// Marks a flag hidden (accepted, left out of the help).
template <typename T>
Flag<T> Hidden(Flag<T> flag) {
  flag.info.hidden = true;
  return flag;
}

// A flag of a base struct used for a derived one (create's flags for run).
template <typename Derived, typename Base>
Flag<Derived> Upcast(Flag<Base> flag) {
  return {flag.info,
          [set = std::move(flag.set)](Derived& opts, absl::string_view v) {
            return set(opts, v);
          }};
}

}  // namespace runbox::cli

#endif  // RUNBOX_RUNTIME_CLI_FLAG_SPEC_H_
