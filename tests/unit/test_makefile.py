"""The Makefile's pytest rule: "no tests collected" (pytest exit 5) passes only for a suite without test files."""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_suite(tmp_path, files, pytest_args=""):
    """`$(call pytest,...)` of the Makefile on a suite directory holding `files` ({name: text}): (exit status, output)."""
    suite = tmp_path / "suite"
    suite.mkdir()
    for name, text in files.items():
        (suite / name).write_text(text)
    rule = "selftest:\n\t$(call pytest,selftest,%s,)" % suite
    # Not the outer make's or pytest's settings (a `make unit PYTEST_ARGS=...` around this test passes them down).
    env = dict((key, value) for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL") and not key.startswith("PYTEST_"))
    result = subprocess.run(
        [
            "make",
            "-C",
            ROOT,
            "--no-print-directory",
            "--eval",
            rule,
            "selftest",
            "PY=%s" % sys.executable,
            "REPORTS=%s" % (tmp_path / "reports"),
            "PYTEST_ARGS=%s" % pytest_args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def test_a_suite_with_test_files_that_collects_nothing_fails(tmp_path):
    status, output = run_suite(tmp_path, {"test_empty.py": "# the tests were lost\n"})
    assert status != 0, output
    assert "has test files but pytest collected no test" in output


def test_a_suite_without_test_files_passes(tmp_path):
    status, output = run_suite(tmp_path, {"helpers.py": "VALUE = 1\n"})
    assert status == 0, output
    assert "no test files yet" in output


def test_a_suite_that_runs_its_tests_passes(tmp_path):
    status, output = run_suite(tmp_path, {"test_one.py": "def test_one():\n    assert True\n"})
    assert status == 0, output
    assert "1 passed" in output


def test_pytest_args_that_match_nothing_in_a_suite_pass(tmp_path):
    status, output = run_suite(tmp_path, {"test_one.py": "def test_one():\n    assert True\n"}, "-k no_such_test")
    assert status == 0, output
    assert "nothing matched PYTEST_ARGS here" in output


def test_a_failing_suite_fails(tmp_path):
    status, output = run_suite(tmp_path, {"test_one.py": "def test_one():\n    assert False\n"})
    assert status != 0, output
