"""pytest plugin of ``make compat``: the node id of every failed test, one a line.

Loaded with ``-p compat_failures``; writes to the file named by OG_COMPAT_FAILURES.
A test counts once, whether it failed in setup, call or teardown; a module that
cannot be collected counts under its own node id.
"""

import os

_failed = []


def _record(report):
    if report.failed and report.nodeid not in _failed:
        _failed.append(report.nodeid)


def pytest_runtest_logreport(report):
    _record(report)


def pytest_collectreport(report):
    _record(report)


def pytest_sessionfinish(session):
    target = os.environ.get("OG_COMPAT_FAILURES")
    if target:
        with open(target, "w") as out:
            out.writelines(f"{nodeid}\n" for nodeid in _failed)
