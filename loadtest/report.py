"""After the load test: the checks, then the one line scripts/loadtest.sh prints.

    python loadtest/report.py SUMMARY.json --seconds 60

Reads Locust's totals (written by loadtest/locustfile.py), checks the ledger (no handover without its
lines, no item whose state disagrees with its last handover, none acknowledged twice: loadtest/integrity.py)
and runs ``manage.py verify_audit`` on the database the app wrote to. Prints

    load: <U> users, <S> s, <N> requests, <E> errors, p50 <ms> ms, p95 <ms> ms, audit chain OK

and exits 0 only when there were no errors and every check passed; the details of a failure go to stderr.
"""

import argparse
import io
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402

from loadtest.integrity import ledger_problems  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("summary")
    parser.add_argument("--seconds", type=int, required=True)
    options = parser.parse_args()
    summary = json.loads(Path(options.summary).read_text(encoding="utf-8"))

    problems = ledger_problems()
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=out)
        chain = "audit chain OK"
    except CommandError as error:
        chain = "audit chain BROKEN"
        problems.append(f"verify_audit: {error} {out.getvalue().strip()}")

    sign_ins = summary["sign_ins"]
    print(f"sign-ins while the people arrived: {sign_ins['requests']} requests, p50 {sign_ins['p50']:.0f} ms, "
          f"p95 {sign_ins['p95']:.0f} ms", file=sys.stderr)
    for kind, count in summary["errors_by_kind"].items():
        print(f"error x{count}: {kind}", file=sys.stderr)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if summary["errors"] or problems or os.environ.get("LOADTEST_VERBOSE"):
        print("slowest (p95): " + "; ".join(f"{method} {name} n={n} p50={p50} p95={p95} max={peak:.0f}"
                                            for method, name, n, _e, p50, p95, peak in summary["by_name"][:8]),
              file=sys.stderr)
    print(f"load: {summary['users']} users, {options.seconds} s, {summary['requests']} requests, "
          f"{summary['errors']} errors, p50 {summary['p50']:.0f} ms, p95 {summary['p95']:.0f} ms, {chain}")
    return 0 if not summary["errors"] and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
