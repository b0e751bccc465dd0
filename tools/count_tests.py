#!/usr/bin/env python3
"""Counts the test cases of one `bazel test` run from its build event file.

Usage: count_tests.py BEP_JSON_FILE BAZEL_EXIT_CODE [--allow-empty]
Only test.xml files of shards run (or cache-hit) in that invocation are read.
Last line printed: `N passed, M failed[, K skipped]`.
"""
import json
import sys
import urllib.parse
import xml.etree.ElementTree as ET


def count_xml(path):
    """Returns (passed, failed, skipped, failed_names, testcases) for a test.xml."""
    passed = failed = skipped = cases = 0
    names = []
    for tc in ET.parse(path).iter("testcase"):
        cases += 1
        if tc.get("status") == "notrun" or tc.get("result") == "suppressed":
            continue  # gtest DISABLED_ test: not counted
        name = ".".join(filter(None, [tc.get("classname"), tc.get("name")]))
        if tc.find("failure") is not None or tc.find("error") is not None:
            failed += 1
            names.append(name)
        elif tc.get("result") == "skipped" or tc.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped, names, cases


def main():
    bep_file, bazel_rc = sys.argv[1], int(sys.argv[2])
    allow_empty = "--allow-empty" in sys.argv[3:]
    tests = set()  # labels of every test target configured or run
    results = {}  # (label, config, run, shard) -> (attempt, status, xml path)
    events = []
    try:
        with open(bep_file) as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass  # truncated last line if bazel died
    except OSError:
        pass
    for ev in events:
        kind, eid = next(iter(ev["id"].items()))
        if kind == "targetConfigured" and "testSize" in ev.get("configured", {}):
            if ev["configured"].get("targetKind") != "test_suite rule":
                tests.add(eid["label"])
        elif kind == "testResult":
            key = (eid["label"], eid.get("configuration", {}).get("id"),
                   eid.get("run", 1), eid.get("shard", 1))
            tr = ev.get("testResult", {})
            xml = next((urllib.parse.unquote(urllib.parse.urlparse(o["uri"]).path)
                        for o in tr.get("testActionOutput", [])
                        if o.get("name") == "test.xml"), None)
            attempt = eid.get("attempt", 1)
            if key not in results or results[key][0] < attempt:
                results[key] = (attempt, tr.get("status", "NO_STATUS"), xml)
            tests.add(eid["label"])

    passed = failed = skipped = 0
    for label in sorted(tests):
        shards = [r for k, r in results.items() if k[0] == label]
        if not shards:
            failed += 1
            print(f"FAILED: {label} (not built or not run)")
            continue
        t_pass = t_fail = t_skip = t_cases = 0
        for _, status, xml in shards:
            ok = status in ("PASSED", "FLAKY")
            try:
                p, f, s, names, cases = count_xml(xml) if xml else (0, 0, 0, [], 0)
            except (OSError, ET.ParseError):
                p, f, s, names, cases = 0, 0, 0, [], 0
            for n in names:
                print(f"FAILED: {label} {n}")
            if not ok and f == 0:  # crashed, timed out, or exited non-zero anyway
                f = 1
                print(f"FAILED: {label} ({status}, no failing test case in test.xml)")
            t_pass, t_fail, t_skip, t_cases = t_pass + p, t_fail + f, t_skip + s, t_cases + cases
        if t_cases == 0 and t_fail == 0 and not allow_empty:
            t_fail = 1
            print(f"FAILED: {label} (test.xml has no test cases)")
        passed, failed, skipped = passed + t_pass, failed + t_fail, skipped + t_skip

    if bazel_rc == 4:
        print("NOTE: no test targets matched")
    elif bazel_rc not in (0, 3):  # build/analysis error, bad flag, interrupted...
        print(f"FAILED: bazel test exited with code {bazel_rc}")
        failed = max(failed, 1)
    line = f"{passed} passed, {failed} failed"
    print(line + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed or bazel_rc else 0


if __name__ == "__main__":
    sys.exit(main())
