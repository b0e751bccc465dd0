// The runbox binary: runbox::Main on the real kernel.
#include <string>
#include <vector>

#include "hostapi/linux/linux_host.h"
#include "runtime/cli/main.h"

int main(int argc, char** argv) {
  runbox::LinuxHost host;
  return runbox::Main(host, std::vector<std::string>(argv, argv + argc));
}
