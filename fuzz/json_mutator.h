// A structure-aware libFuzzer mutator for JSON inputs (config.json,
// process.json, meta.json): it parses the input, changes one node in a way
// that keeps the JSON well-formed (a boundary value, a value of another
// type, a string or key taken from elsewhere in the document, a copied
// subtree, a removed or duplicated member) and writes it back, so that the
// fuzzer spends its time past the JSON syntax, in the parsers' field rules
// and in the validators. Half of the time, and whenever the input is not
// JSON, it leaves the job to libFuzzer's byte mutations (which, with the
// dictionary, also reach the syntax errors).
#ifndef RUNBOX_FUZZ_JSON_MUTATOR_H_
#define RUNBOX_FUZZ_JSON_MUTATOR_H_

#include <cstddef>
#include <cstdint>

namespace runbox::fuzz {

// The body of LLVMFuzzerCustomMutator.
size_t MutateJson(uint8_t* data, size_t size, size_t max_size,
                  unsigned int seed);

}  // namespace runbox::fuzz

// Defines LLVMFuzzerCustomMutator with MutateJson in a fuzz target.
#define RUNBOX_FUZZ_JSON_MUTATOR()                                      \
  extern "C" size_t LLVMFuzzerCustomMutator(                            \
      uint8_t* data, size_t size, size_t max_size, unsigned int seed) { \
    return ::runbox::fuzz::MutateJson(data, size, max_size, seed);      \
  }

#endif  // RUNBOX_FUZZ_JSON_MUTATOR_H_
