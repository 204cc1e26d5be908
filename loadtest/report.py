"""After the load test: the checks, then the one line scripts/loadtest.sh prints.

    python loadtest/report.py SUMMARY.json --seconds 60

Reads Locust's totals (written by loadtest/locustfile.py), checks the ledger (no handover without its
lines, no item whose state disagrees with its last handover, none acknowledged twice: loadtest/integrity.py)
and runs ``manage.py verify_audit`` on the database the app wrote to. Prints

    load: <U> users, <S> s, <N> requests, <E> errors, p50 <ms> ms, p95 <ms> ms, audit chain OK

and exits 0 only when there were no errors and every check passed; the details of a failure go to stderr.

The two-server mode adds ``--world world.json --servers 127.0.0.1:P1,127.0.0.1:P2 --host-header NAME``: every
file attached during the run is read back through the other server (loadtest/across.py), and the line says

    load: 2 servers behind nginx, <U> users, <S> s, <N> requests, <E> errors, p50 <ms> ms, p95 <ms> ms,
          /register/ n=<n> p95 <ms> ms, <C> contracts in <K> sections, audit chain OK, files across servers OK (n/n)
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

from contracts.models import Contract  # noqa: E402
from loadtest.integrity import ledger_problems  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("summary")
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--world", help="world.json of the two-server mode")
    parser.add_argument("--servers", default="", help="the app servers' host:port, comma-separated")
    parser.add_argument("--host-header", default="")
    options = parser.parse_args()
    summary = json.loads(Path(options.summary).read_text(encoding="utf-8"))

    problems: list[str] = []
    across = ""
    servers = [server for server in options.servers.split(",") if server]
    if options.world:
        from loadtest.across import files_across, share

        world = json.loads(Path(options.world).read_text(encoding="utf-8"))
        print(f"world: roles on the sections and the ward held by {world['scopes']} (ScopeGrant), register page "
              f"{'there' if world.get('register') else 'not in this version'}", file=sys.stderr)
        uploads = summary.get("uploads", [])
        print("uploads by app server: " + ", ".join(f"{k or '?'} {n}" for k, n in sorted(share(uploads).items())),
              file=sys.stderr)
        if uploads and len(share(uploads)) < len(servers):
            problems.append(f"nginx sent every upload to one server: {share(uploads)}")
        try:
            good, written, found = files_across(world, uploads, servers, options.host_header)
        except (OSError, RuntimeError) as error:
            good, written, found = 0, -1, [f"reading the files back: {error}"]
        problems += found
        if not written:
            problems.append("no evidence file was attached during the run")
        across = f", files across servers {'OK' if good == written and not found else 'MISSING'} ({good}/{written})"
    problems += ledger_problems()
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
    if summary.get("late_codes"):
        late = summary["late_codes"]
        print(f"sign-ins that needed the next code (the answer took over 30 s): {len(late)}, "
              f"longest {max(late):.0f} s", file=sys.stderr)
    for kind, count in summary["errors_by_kind"].items():
        print(f"error x{count}: {kind}", file=sys.stderr)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if summary["errors"] or problems or os.environ.get("LOADTEST_VERBOSE") or options.world:
        print("slowest (p95): " + "; ".join(f"{method} {name} n={n} p50={p50} p95={p95} max={peak:.0f}"
                                            for method, name, n, _e, p50, p95, peak in summary["by_name"][:8]),
              file=sys.stderr)
    if not options.world:
        print(f"load: {summary['users']} users, {options.seconds} s, {summary['requests']} requests, "
              f"{summary['errors']} errors, p50 {summary['p50']:.0f} ms, p95 {summary['p95']:.0f} ms, {chain}")
        return 0 if not summary["errors"] and not problems else 1
    register = next((row for row in summary["by_name"] if row[0] == "GET" and row[1] == "/register/"), None)
    if not world.get("register"):
        register_text = "no /register/ in this version (its task skipped)"
    else:
        register_text = (f"/register/ n={register[2]} p95 {register[5]:.0f} ms" if register and register[2]
                         else "/register/ not opened in the measured time")
    sections = Contract.objects.values("ward_section").distinct().count()
    print(f"load: {len(servers)} servers behind nginx, {summary['users']} users, {options.seconds} s, "
          f"{summary['requests']} requests, {summary['errors']} errors, p50 {summary['p50']:.0f} ms, "
          f"p95 {summary['p95']:.0f} ms, {register_text}, {Contract.objects.count()} contracts in {sections} "
          f"sections, {chain}{across}")
    return 0 if not summary["errors"] and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
