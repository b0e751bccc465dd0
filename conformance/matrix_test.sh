#!/bin/sh
# Runs in the test's runfiles tree, where the sources sit at their paths.
exec python3 tools/conformance-matrix --check
