// main() of dual-host test binaries: a child function when re-executed with
// "--dual-host-child", the gtest suite otherwise (see dual_host.h).
#include "runtime/testing/dual_host.h"

int main(int argc, char** argv) { return runbox::DualHostMain(argc, argv); }
