// main() of the Linux control test server; the behaviour is in
// control_test_server.cc.
#include <string>
#include <vector>

#include "hostapi/linux/linux_host.h"
#include "runtime/sandbox/control/control_test_server.h"

int main(int argc, char** argv) {
  runbox::LinuxHost host;
  std::vector<std::string> args(argv, argv + argc);
  return runbox::control::ControlTestServerMain(host, args);
}
