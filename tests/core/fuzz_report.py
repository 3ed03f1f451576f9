"""Print how many requests the fuzz sent per role and database (also under pytest-xdist).

Why a plugin: the counts are recorded as user properties of each fuzz test report, which
xdist sends from the workers to the controller; only the controller's terminal summary sees
all of them.
"""

from __future__ import annotations

from collections import defaultdict


def pytest_terminal_summary(terminalreporter) -> None:
    """Sum the fuzz tests' recorded request counts and print one line per database."""
    totals: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == "fuzz_requests":
                    pair = totals[value["database"]][value["role"]]
                    pair[0] += value["GET"]
                    pair[1] += value["POST"]
    for database, roles in sorted(totals.items()):
        parts = ", ".join(f"{role} {get + post} ({get} GET, {post} POST)"
                          for role, (get, post) in sorted(roles.items()))
        total = sum(get + post for get, post in roles.values())
        terminalreporter.write_line(f"fuzz requests on {database}: {total} in all; {parts}")
