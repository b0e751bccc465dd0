// The document `runbox features` prints (runtime-spec features.md).
#ifndef RUNBOX_RUNTIME_CLI_FEATURES_H_
#define RUNBOX_RUNTIME_CLI_FEATURES_H_

#include <string>

namespace runbox::cli {

// JSON, 4-space indent and a final newline, as runc prints it.
std::string FeaturesJson();

}  // namespace runbox::cli

#endif  // RUNBOX_RUNTIME_CLI_FEATURES_H_
