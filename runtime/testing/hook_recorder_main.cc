// The hook recorder binary: HookRecorderMain (fake_programs.h) on the real
// kernel, with its /proc probes.
#include <string>
#include <vector>

#include "hostapi/linux/linux_host.h"
#include "runtime/testing/fake_programs.h"

int main(int argc, char** argv) {
  runbox::LinuxHost host;
  return runbox::HookRecorderMain(host,
                                  std::vector<std::string>(argv, argv + argc),
                                  runbox::LinuxRecorderProbes());
}
