// MutateJson: see json_mutator.h.
#include "fuzz/json_mutator.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

// libFuzzer's own mutation; weak so that the gcc replay tests, which never
// call the mutator, link without libFuzzer.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size)
    __attribute__((weak));

namespace runbox::fuzz {
namespace {

using Json = nlohmann::json;

// Mutated documents come from the corpus, which is bounded by -max_len, but
// a chain of subtree copies could still nest deeply: stay well below the
// parsers' depth bound plus a margin, so the bound itself is exercised.
constexpr int kMaxDepth = 80;

struct Walk {
  bool too_deep = false;
  std::vector<Json*> nodes;
  std::vector<std::string> keys;
  std::vector<std::string> strings;
};

void Collect(Json& j, Walk& walk, int depth) {
  walk.nodes.push_back(&j);
  if (depth > kMaxDepth) {
    walk.too_deep = true;
    return;
  }
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      walk.keys.push_back(it.key());
      Collect(it.value(), walk, depth + 1);
    }
  } else if (j.is_array()) {
    for (Json& e : j) Collect(e, walk, depth + 1);
  } else if (j.is_string()) {
    walk.strings.push_back(j.get<std::string>());
  }
}

Json BoundaryValue(std::mt19937& rng, const Walk& walk) {
  switch (rng() % 16) {
    case 0:
      return nullptr;
    case 1:
      return true;
    case 2:
      return false;
    case 3:
      return 0;
    case 4:
      return -1;
    case 5:
      return std::numeric_limits<int32_t>::max();
    case 6:
      return std::numeric_limits<int32_t>::min();
    case 7:
      return std::numeric_limits<uint32_t>::max();
    case 8:
      return uint64_t{std::numeric_limits<uint32_t>::max()} + 1;
    case 9:
      return std::numeric_limits<int64_t>::max();
    case 10:
      return std::numeric_limits<uint64_t>::max();
    case 11:
      return 1.5;
    case 12:
      return "";
    case 13:
      return Json::array();
    case 14:
      return Json::object();
    default:
      if (walk.strings.empty()) return "x";
      return walk.strings[rng() % walk.strings.size()];
  }
}

// Changes `doc` in place; false when the chosen change was not possible.
bool MutateOnce(Json& doc, std::mt19937& rng) {
  Walk walk;
  Collect(doc, walk, 0);
  Json& node = *walk.nodes[rng() % walk.nodes.size()];
  const Json& other = *walk.nodes[rng() % walk.nodes.size()];
  switch (rng() % 8) {
    case 0:  // A boundary value or another type.
    case 1:
      node = BoundaryValue(rng, walk);
      return true;
    case 2: {  // A copy of another subtree (not an ancestor of itself).
      Json copy = other;
      node = std::move(copy);
      return true;
    }
    case 3: {  // Add a member named like some key of the document.
      if (!node.is_object() || walk.keys.empty()) return false;
      node[walk.keys[rng() % walk.keys.size()]] =
          rng() % 2 ? Json(other) : BoundaryValue(rng, walk);
      return true;
    }
    case 4: {  // Drop a member or an element.
      if (node.is_object() && !node.empty()) {
        auto it = node.begin();
        std::advance(it, rng() % node.size());
        node.erase(it);
        return true;
      }
      if (node.is_array() && !node.empty()) {
        node.erase(node.begin() + rng() % node.size());
        return true;
      }
      return false;
    }
    case 5: {  // Duplicate an element.
      if (!node.is_array() || node.empty()) return false;
      Json copy = node[rng() % node.size()];
      node.push_back(std::move(copy));
      return true;
    }
    case 6: {  // A string from elsewhere (enum spellings, paths...).
      if (walk.strings.empty()) return false;
      node = walk.strings[rng() % walk.strings.size()];
      return true;
    }
    default: {  // Nudge a number.
      if (node.is_number_unsigned()) {
        uint64_t v = node.get<uint64_t>();
        node = rng() % 2 ? v + 1 : v - 1;
        return true;
      }
      if (node.is_number_integer()) {
        int64_t v = node.get<int64_t>();
        if (v == std::numeric_limits<int64_t>::max()) {
          node = uint64_t{1} << 63;  // One past, as the next type.
        } else if (v == std::numeric_limits<int64_t>::min()) {
          node = v + 1;
        } else {
          node = rng() % 2 ? v + 1 : v - 1;
        }
        return true;
      }
      return false;
    }
  }
}

}  // namespace

size_t MutateJson(uint8_t* data, size_t size, size_t max_size,
                  unsigned int seed) {
  std::mt19937 rng(seed);
  if (rng() % 2 == 0 || LLVMFuzzerMutate == nullptr) {
    return LLVMFuzzerMutate != nullptr ? LLVMFuzzerMutate(data, size, max_size)
                                       : size;
  }
  Json doc = Json::parse(data, data + size, /*cb=*/nullptr,
                         /*allow_exceptions=*/false);
  if (doc.is_discarded()) return LLVMFuzzerMutate(data, size, max_size);
  // Deep nesting is the byte mutator's business (dump recurses).
  Walk check;
  Collect(doc, check, 0);
  if (check.too_deep) return LLVMFuzzerMutate(data, size, max_size);
  int changes = 1 + rng() % 3;
  for (int i = 0; i < changes; ++i) MutateOnce(doc, rng);
  std::string text = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, text.data(), text.size());
  return text.size();
}

}  // namespace runbox::fuzz
