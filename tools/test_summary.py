"""Print the summary at the end of `make test`.

Reads REPORTS/steps.tsv (one "step<TAB>exit status<TAB>seconds" line per step,
written by the Makefile) and the JUnit reports of the steps that write them:
REPORTS/<step>.xml (pytest) or REPORTS/<step>/*.xml (ansible-test sanity).
Writes the closing line to REPORTS/total.txt as well, for .ci/run.

The closing line counts test cases from those reports (pytest tests, sanity
tests); `failed` adds one for each step that failed without a failing test
case of its own (lint, build, changelog, or a runner that crashed).
"""

from __future__ import annotations

import glob
import os
import sys
import xml.etree.ElementTree as ET


def junit_counts(paths):
    """Return (passed, failed, skipped) summed over JUnit XML files, or None if there are none."""
    if not paths:
        return None
    tests = failed = skipped = 0
    for path in paths:
        root = ET.parse(path).getroot()
        for suite in [root] if root.tag == "testsuite" else root.findall("testsuite"):
            tests += int(suite.get("tests", 0))
            failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped += int(suite.get("skipped", 0))
    return tests - failed - skipped, failed, skipped


def main():
    reports = sys.argv[1]
    with open(os.path.join(reports, "steps.tsv"), encoding="utf-8") as steps_file:
        steps = [line.rstrip("\n").split("\t") for line in steps_file if line.strip()]

    passed = failed = skipped = 0
    print()
    print("=== make test summary")
    for name, status, seconds in steps:
        counts = junit_counts(glob.glob(os.path.join(reports, name + ".xml")) + glob.glob(os.path.join(reports, name, "*.xml")))
        detail = ""
        if counts:
            passed += counts[0]
            failed += counts[1]
            skipped += counts[2]
            detail = "%d passed, %d failed, %d skipped" % counts
        if status != "0" and not (counts and counts[1]):
            failed += 1
        verdict = "ok" if status == "0" else "FAILED (exit %s)" % status
        print("%-12s %-16s %5ss  %s" % (name, verdict, seconds, detail))

    total = "total: %d passed, %d failed, %d skipped" % (passed, failed, skipped)
    with open(os.path.join(reports, "total.txt"), "w", encoding="utf-8") as total_file:
        total_file.write(total + "\n")
    print(total)


if __name__ == "__main__":
    main()
