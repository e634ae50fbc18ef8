"""The city-scale benchmark suite (issue 7; targets in DESIGN.md "What fast means here").

    .venv/bin/python -m tests.bench [--db postgres|sqlite|both] [--scale city|town|small|tiny]
        [--runs 30] [--json PATH] [--compare PREVIOUS.json] [--keep] [--reuse URL ...]

For each database it loads the demo generator's data at the chosen scale into a fresh database
(PostgreSQL: a new database with a unique name on ``--pg-admin-url``; SQLite: a new file), or
reuses a kept one (``--reuse URL``, upgraded to head first), then measures, after a warm-up:

- each screen's service call as its page makes it (p50 and p95 over ``--runs``), and the same
  statements replayed bare through the driver (screen time ÷ bare SQL);
- a four-page plan rendered to PDF (``bench_plan_pdf``);
- the dashboard, when ``tests/bench/bench_dashboard.py`` is there;
- start-up of the real program (``ui.app``, offscreen) until the main window shows its first
  page's data (``HUBAPP_READY_MARKER``);
- the longest GUI-thread stall (10 ms heartbeat) while the real program loads each screen.

On PostgreSQL everything runs as a coordinator of one hub, a login role created for the run with
``hubapp-admin user add`` and dropped at the end, so row-level security is part of the cost. The
database and its group roles are dropped at the end unless ``--keep``. It prints a table per
database and writes JSON (``--json``) that ``--compare`` reads back.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import gc
import json
import os
import platform
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PG_ADMIN_URL = os.environ.get("HUBAPP_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SCREEN_TARGET_MS = 100.0
RATIO_TARGET = 2.0
STALL_TARGET_MS = 50.0
PDF_TARGET_MS = 200.0
STARTUP_TARGET_MS = 2000.0
DASHBOARD_TARGET_MS = 300.0
BENCH_HUB = "NORTH"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- Machine -----------------------------------------------------------------------------------


def cpu_yardstick_ms(repeats: int = 5) -> float:
    """The fastest of ``repeats`` runs of a fixed pure-Python loop (ten million additions), in ms.

    Machines called "2 cores" differ, and a shared one differs from hour to hour. Every figure here
    that is CPU-bound scales with it, so a run's table is compared with another's through it (it is
    taken at the start and at the end of a run).
    """
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


def machine(pg_version: str | None) -> dict[str, Any]:
    """The machine the figures come from."""
    cpu = platform.processor() or ""
    ram_gb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram_gb, "os": platform.platform(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "postgresql": pg_version,
        "load_average": [round(x, 2) for x in os.getloadavg()], "cpu_yardstick_ms": cpu_yardstick_ms(),
    }


def describe_machine(m: dict[str, Any]) -> str:
    return (f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; PostgreSQL {m['postgresql'] or '-'}, "
            f"SQLite {m['sqlite']}, Python {m['python']}; load average {m['load_average']}; CPU yardstick "
            f"{m.get('cpu_yardstick_ms', '-')} ms (the fastest of 5 runs of 10 million Python additions)")


# ---- Rows of the table -------------------------------------------------------------------------


def row(measure: str, times: list[float], target: float, *, bare: list[float] | None = None,
        note: str = "", kind: str = "screen") -> dict[str, Any]:
    """One line of the table: p50/p95 against the target, and the ratio to bare SQL if any."""
    from tests.bench.screens import percentile

    p50, p95 = statistics.median(times), percentile(times, 95)
    bare_p50 = statistics.median(bare) if bare else None
    ratio = p50 / bare_p50 if bare_p50 else None
    misses = []
    if p95 > target:
        misses.append("p95")
    if ratio is not None and ratio > RATIO_TARGET:
        misses.append("ratio")
    return {"measure": measure, "kind": kind, "runs": len(times), "p50": round(p50, 1), "p95": round(p95, 1),
            "max": round(max(times), 1), "target": target, "bare_p50": None if bare_p50 is None else round(bare_p50, 1),
            "ratio": None if ratio is None else round(ratio, 2),
            "verdict": "pass" if not misses else "MISS " + "+".join(misses), "note": note}


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    head = f"{'measure':<40}{'runs':>5}{'p50 ms':>9}{'p95 ms':>9}{'target':>9}{'bare p50':>10}{'ratio':>7}  verdict"
    print(head)
    print("-" * (len(head) + 6))
    for r in rows:
        bare = "" if r["bare_p50"] is None else f"{r['bare_p50']:.1f}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        target = f"≤{r['target']:.0f}"
        print(f"{r['measure']:<40}{r['runs']:>5}{r['p50']:>9.1f}{r['p95']:>9.1f}{target:>9}{bare:>10}{ratio:>7}  "
              f"{r['verdict']}{'  (' + r['note'] + ')' if r['note'] else ''}")


def print_comparison(previous: dict[str, Any], current: dict[str, Any]) -> None:
    """p95 now against an earlier run, per database and measure."""
    print(f"\nCompared with {previous.get('started', '?')} ({describe_machine(previous['machine'])}):")
    print(f"{'database':<12}{'measure':<40}{'p95 before':>11}{'p95 now':>9}{'change':>9}{'ratio before':>14}{'now':>6}")
    for db, section in current["databases"].items():
        before = {r["measure"]: r for r in previous.get("databases", {}).get(db, {}).get("rows", [])}
        for r in section["rows"]:
            old = before.get(r["measure"])
            if old is None:
                print(f"{db:<12}{r['measure']:<40}{'-':>11}{r['p95']:>9.1f}{'new':>9}")
                continue
            change = (r["p95"] - old["p95"]) / old["p95"] * 100 if old["p95"] else 0.0
            ro = "" if old.get("ratio") is None else f"{old['ratio']:.2f}"
            rn = "" if r.get("ratio") is None else f"{r['ratio']:.2f}"
            print(f"{db:<12}{r['measure']:<40}{old['p95']:>11.1f}{r['p95']:>9.1f}{change:>+8.0f}%{ro:>14}{rn:>6}")


# ---- Databases ---------------------------------------------------------------------------------


def prepare_database(kind: str, args: argparse.Namespace, reuse: str | None) -> tuple[str, dict[str, Any], bool]:
    """The database URL to measure, the load report, and whether this run made it."""
    from hubapp.data.db import make_engine
    from hubapp.data.migrate import upgrade
    from tests.bench import load

    families = args.families or load.SCALES[args.scale]
    if reuse is not None:
        log(f"{kind}: reusing {make_url(reuse).render_as_string(hide_password=True)}"
            f"{'' if args.no_upgrade else '; upgrading to head'}")
        engine = make_engine(reuse)
        start = time.perf_counter()
        if not args.no_upgrade:
            upgrade(engine)
        with engine.connect() as conn:
            if kind == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        engine.dispose()
        return reuse, {"reused": True, "seconds": {"upgrade": round(time.perf_counter() - start, 1)},
                       "counts": load.table_counts(reuse)}, False
    if kind == "postgresql":
        os.environ["HUBAPP_ROLE_PREFIX"] = f"hubapp_b{uuid.uuid4().hex[:6]}_"
        url = load.create_pg_database(args.pg_admin_url)
    else:
        folder = Path(args.sqlite_dir or tempfile.gettempdir())
        url = f"sqlite:///{folder / f'hubapp_bench_{uuid.uuid4().hex[:10]}.sqlite'}"
    log(f"{kind}: loading {families} families into {make_url(url).database}")
    try:
        report = load.load(url, families, args.seed, log=log)
    except BaseException:
        drop_database(kind, args, url)
        raise
    log(f"{kind}: loaded in {report.total_seconds:.0f} s " +
        ", ".join(f"{k} {v:.0f} s" for k, v in report.seconds.items()))
    # The load leaves objects in this process that the program never holds, and a full collection
    # while measuring then took about 210 ms: the outliers that set a fresh run's p95 (the dashboard
    # after an episode change: 364-432 ms fresh, 240-276 ms reusing the same data). Frozen, the
    # collections made while measuring skip them (about 20 ms each).
    start = time.perf_counter()
    gc.collect()
    before = time.perf_counter() - start
    gc.freeze()
    start = time.perf_counter()
    gc.collect()
    log(f"{kind}: {gc.get_freeze_count():,} objects left by the load frozen (not scanned while measuring): a full "
        f"collection {before * 1000:.0f} ms before, {(time.perf_counter() - start) * 1000:.0f} ms after")
    return url, {"reused": False, "families": families,
                 "seconds": {k: round(v, 1) for k, v in report.seconds.items()},
                 "total_seconds": round(report.total_seconds, 1), "counts": report.counts}, True


def role_prefix_of(url: str) -> str | None:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text("SELECT value FROM setting WHERE key = 'security.role_prefix'")).scalar()
    engine.dispose()
    return value if isinstance(value, str) else None


def drop_database(kind: str, args: argparse.Namespace, url: str) -> None:
    from tests.bench import load

    if kind == "postgresql":
        prefix = role_prefix_of(url)
        load.drop_pg_database(args.pg_admin_url, url)
        if prefix and prefix != "hubapp_":
            load.drop_pg_roles(args.pg_admin_url, prefix)
        log(f"postgresql: dropped {make_url(url).database} and its group roles ({prefix}*)")
    else:
        path = Path(make_url(url).database or "")
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
        log(f"sqlite: removed {path}")


def create_login(url: str) -> tuple[str, str]:
    """A coordinator of one hub, with a login role (``hubapp-admin user add``); returns (name, URL)."""
    name = f"bench_coord_{uuid.uuid4().hex[:8]}"
    password = secrets.token_urlsafe(18)
    subprocess.run(
        [sys.executable, "-m", "hubapp.cli", "--url", url, "user", "add", name, "--name", "Bench Coordinator",
         "--role", "coordinator", "--hub", BENCH_HUB, "--password-stdin"],
        input=password + "\n", text=True, check=True, capture_output=True, cwd=ROOT)
    role_url = make_url(url).set(username=name, password=password).render_as_string(hide_password=False)
    return name, role_url


def drop_login(url: str, name: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :n"), {"n": name})
        conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
        conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
    engine.dispose()


# ---- The program in a subprocess ---------------------------------------------------------------


def program_env(tmp: Path, url: str) -> dict[str, str]:
    """Offscreen, own user directories, the database in ``HUBAPP_DATABASE_URL`` (not in argv,
    where ``ps`` would show the login's password)."""
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", HUBAPP_DATA_DIR=str(tmp / "data"),
                HUBAPP_CONFIG_DIR=str(tmp / "config"), HUBAPP_SITE_CONFIG_DIR=str(tmp / "site"),
                HUBAPP_DATABASE_URL=url)


def measure_startup(url: str, runs: int) -> list[float]:
    """ms from starting ``python -m ui.app`` (on ``HUBAPP_DATABASE_URL``) to its ready marker.

    The sources are compiled to bytecode first, as an installed or frozen program's are: where the
    environment sets ``PYTHONDONTWRITEBYTECODE`` (this project's development machines do), every
    start would otherwise compile hubapp and ui again, about a second of the figure.
    """
    for package in ("hubapp", "ui"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    times = []
    # One user data directory for every start, as on a PC used every day: the first start (not
    # timed) warms the OS file cache and fills what the program keeps there (the bank holidays).
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs + 1):
            env = program_env(Path(tmp), url)
            env["HUBAPP_READY_MARKER"] = "1"
            start = time.time()
            proc = subprocess.Popen([sys.executable, "-m", "ui.app"], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            ready = None
            try:
                assert proc.stdout is not None
                deadline = time.time() + 120
                for line in proc.stdout:
                    if line.startswith("hubapp-ready "):
                        ready = float(line.split()[1])
                        break
                    if time.time() > deadline:
                        break
            finally:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if ready is None:
                raise RuntimeError(f"the program did not get ready (exit code {proc.returncode})")
            if i > 0:
                times.append((ready - start) * 1000)
    return times


def measure_gui(url: str, search_text: str, family_ids: list[int], runs: int) -> dict[str, dict[str, list[float]]]:
    """Load times and longest GUI-thread stalls per screen, from ``gui_probe`` in its own process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-m", "tests.bench.gui_probe", search_text, ",".join(map(str, family_ids)),
             "--runs", str(runs)], cwd=ROOT, env=program_env(Path(tmp), url), capture_output=True, text=True,
            timeout=900)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"gui_probe failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(lines[-1])


# ---- One database ------------------------------------------------------------------------------


def bench_database(kind: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Every measure on one database; returns the JSON section (rows, role)."""
    from hubapp.services.session import Backend
    from tests.bench import screens
    from tests.bench.bench_plan_pdf import four_page_actions
    from tests.bench.bench_plan_pdf import measure as pdf_measure

    login_name = None
    service_url = url
    if kind == "postgresql":
        login_name, service_url = create_login(url)
    try:
        backend = Backend(service_url)
        if not args.no_upgrade:  # the schema gate refuses an older revision (kept for before figures)
            backend.prepare()
        actor = backend.sign_in()
        role = (f"{login_name}: coordinator of hub {BENCH_HUB} (worker {actor.worker_id}, hubs {actor.hub_ids}), "
                "row-level security applies" if kind == "postgresql" else
                f"the PC's local worker {actor.username} (every hub, every role; SQLite has no row-level security)")
        log(f"{kind}: measuring as {role}")
        subjects = screens.pick_subjects(backend)
        bare = screens.BareReplay(service_url)
        rows = []
        only = args.only.lower() if args.only else ""
        for name, call in screens.screen_calls(backend, subjects).items():
            if only and only not in name:
                continue
            timing = screens.measure_screen(backend, call, args.runs, args.warmup, bare)
            note = f"{timing.statements} statements"
            if name.startswith("search"):
                note += f"; '{subjects.exact if 'exact' in name else subjects.misspelt}'"
            if name.startswith("family"):
                note += f"; family {subjects.family_id}, {subjects.family_note}"
            rows.append(row(name, timing.times, SCREEN_TARGET_MS, bare=timing.bare, note=note))
            log(f"  {name}: p50 {rows[-1]['p50']} ms, p95 {rows[-1]['p95']} ms, ratio {rows[-1]['ratio']}")
        bare.close()
        backend.close()
        if not only or "pdf" in only:
            actions = four_page_actions()
            pdf_measure(actions, "PROFESSIONAL", 2)
            times, pages, _size = pdf_measure(actions, "PROFESSIONAL", args.runs)
            rows.append(row("plan to PDF (professional copy)", times, PDF_TARGET_MS, kind="pdf",
                            note=f"{pages} pages, {actions} actions"))
        dashboard = HERE / "bench_dashboard.py"
        if dashboard.exists() and (not only or "dashboard" in only):
            from tests.bench import bench_dashboard  # type: ignore[attr-defined]

            seconds = bench_dashboard.measure(service_url, hub_id=actor.hub_ids[0], runs=min(args.runs, 20))
            # seconds: the dashboard calls, then one drill-down (bench_dashboard.measure's contract)
            rows.append(row("dashboard, one hub, 12 months", [t * 1000 for t in seconds[:-1]],
                            DASHBOARD_TARGET_MS, note=f"drill-down {seconds[-1] * 1000:.0f} ms"))
            if kind == "postgresql":  # kept month parts: this month worked out again after a change
                hub = actor.hub_ids[0]
                for source, what, note in (
                        ("meeting", "a review recorded", "only review compliance reads meetings"),
                        ("episode", "an episode changed", "all kept figures but the front door's read episodes: a busy hub's usual case")):
                    seconds = bench_dashboard.measure(
                        service_url, hub_id=hub, runs=min(args.runs, 20),
                        before_each=lambda s=source: bench_dashboard.log_change(url, hub, s))
                    rows.append(row(f"dashboard, after {what} in the hub this month",
                                    [t * 1000 for t in seconds[:-1]], DASHBOARD_TARGET_MS, note=note))
        if not args.skip_gui and (not only or "start" in only):
            times = measure_startup(service_url, args.startup_runs)
            rows.append(row("start-up until the window takes input", times, STARTUP_TARGET_MS, kind="startup",
                            note="python -m ui.app, offscreen, to the first page's data"))
            log(f"  start-up: p50 {rows[-1]['p50']} ms")
        if not args.skip_gui and (not only or "stall" in only):
            other = subjects.request_family_id
            gui = measure_gui(service_url, subjects.exact, [subjects.family_id, other], args.gui_runs)
            for screen, figures in gui.items():
                rows.append(row(f"GUI stall: {screen}", figures["stall_ms"], STALL_TARGET_MS, kind="stall",
                                note=f"load p50 {statistics.median(figures['load_ms']):.0f} ms"))
                log(f"  stall {screen}: max {rows[-1]['max']} ms")
        return {"role": role, "rows": rows}
    finally:
        if login_name is not None:
            drop_login(url, login_name)


def pg_version(admin_url: str) -> str | None:
    try:
        engine = create_engine(admin_url)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return str(version)
    except Exception:  # noqa: BLE001 - no server: SQLite only
        return None


def main(argv: list[str] | None = None) -> int:
    from tests.bench.load import SCALES

    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--scale", choices=tuple(SCALES), default="city",
                        help="city: 100,000 families (default); " +
                        ", ".join(f"{k}: {v:,}" for k, v in SCALES.items() if k != "city"))
    parser.add_argument("--families", type=int, help="families to load (overrides --scale)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per measure (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    parser.add_argument("--startup-runs", type=int, default=5, help="program starts timed (default 5)")
    parser.add_argument("--gui-runs", type=int, default=10, help="loads of each screen in the program (default 10)")
    parser.add_argument("--json", type=Path, help="write the results here (default: a file in the temp directory)")
    parser.add_argument("--compare", type=Path, metavar="PREVIOUS", help="show the change against an earlier JSON")
    parser.add_argument("--keep", action="store_true", help="keep the databases made (printed) for --reuse")
    parser.add_argument("--reuse", action="append", default=[], metavar="URL",
                        help="measure this kept database instead of loading one (repeat for both kinds)")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL, help="a superuser on the server (default %(default)s)")
    parser.add_argument("--sqlite-dir", help="where to make the SQLite file (default: the temp directory)")
    parser.add_argument("--only", help="measure only what has this in its name (e.g. 'search', 'stall')")
    parser.add_argument("--no-upgrade", action="store_true",
                        help="measure a --reuse database at its own revision (before/after figures)")
    parser.add_argument("--skip-gui", action="store_true", help="leave out start-up and GUI stalls")
    args = parser.parse_args(argv)

    kinds = {"postgres": ["postgresql"], "sqlite": ["sqlite"], "both": ["postgresql", "sqlite"]}[args.db]
    reuse = {make_url(u).get_backend_name(): u for u in args.reuse}
    version = pg_version(args.pg_admin_url) if "postgresql" in kinds else None
    result: dict[str, Any] = {"started": dt.datetime.now().isoformat(timespec="seconds"),
                              "command": ["python", "-m", "tests.bench", *(argv if argv is not None else sys.argv[1:])],
                              "machine": machine(version), "databases": {}}
    for kind in kinds:
        url, load_report, made = prepare_database(kind, args, reuse.get(kind))
        try:
            section = bench_database(kind, url, args)
            section["load"] = load_report
            result["databases"][kind] = section
        finally:
            if made and not args.keep:
                drop_database(kind, args, url)
            elif made:
                log(f"{kind}: kept for --reuse {url}")
                result.setdefault("kept", {})[kind] = make_url(url).render_as_string(hide_password=True)
    result["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result["machine"]["cpu_yardstick_ms_end"] = cpu_yardstick_ms()

    print(f"\nMachine: {describe_machine(result['machine'])}; at the end {result['machine']['load_average_end']}, "
          f"yardstick {result['machine']['cpu_yardstick_ms_end']} ms")
    print("Shared CPU: other work on the machine makes these figures noisy (see the load averages).")
    for kind, section in result["databases"].items():
        ld = section["load"]
        counts = ld.get("counts", {})
        main_counts = ", ".join(f"{t} {counts.get(t, 0):,}" for t in (
            "family", "person", "request_for_support", "plan", "transfer_request", "audit_event"))
        took = ("reused" if ld.get("reused") else f"loaded in {ld['total_seconds']:.0f} s (" +
                ", ".join(f"{k} {v:.0f} s" for k, v in ld["seconds"].items()) + ")")
        print(f"\n{kind}: {took}; {main_counts}; {sum(counts.values()):,} rows in all")
        print(f"Measured as {section['role']}")
        print_table(f"{kind}: p50/p95 in ms over the runs; ratio = screen p50 ÷ bare SQL p50", section["rows"])
    path = args.json or Path(tempfile.gettempdir()) / f"hubapp-bench-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"\nResults written to {path}")
    if args.compare:
        print_comparison(json.loads(args.compare.read_text()), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
