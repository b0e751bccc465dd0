// main() of the Linux contract helper binary: the real process the contract
// cases spawn on LinuxHost. All behaviour is in contract_helper.cc.
#include <string>
#include <vector>

#include "hostapi/contract/contract_helper.h"
#include "hostapi/linux/linux_host.h"

int main(int argc, char** argv) {
  runbox::LinuxHost host;
  std::vector<std::string> args(argv, argv + argc);
  return runbox::contract::ContractHelperMain(host, args);
}
