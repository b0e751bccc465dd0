// The probe on the real kernel: ProbeMain (probe.h) on a LinuxHost.
#include <string>
#include <vector>

#include "conformance/probe/probe.h"
#include "hostapi/linux/linux_host.h"

int main(int argc, char** argv) {
  runbox::LinuxHost host;
  return runbox::conformance::ProbeMain(
      host, std::vector<std::string>(argv, argv + argc));
}
