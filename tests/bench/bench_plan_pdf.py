"""Benchmark: render a four-page family plan to PDF (DESIGN.md: under 200 ms).

Run it by hand (pytest ignores ``tests/bench``)::

    .venv/bin/python -m tests.bench.bench_plan_pdf [--runs 40]

It renders the professional and the family copy of a plan with enough actions for four pages of
the professional copy, after one warm-up render (fonts are registered once per process, so the
first render also loads them; that is reported on its own), and prints p50 and p95 per copy.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from hubapp.domain.meeting_dto import COPY_FAMILY, COPY_PROFESSIONAL
from hubapp.printing import render_pdf
from hubapp.printing.fonts import default_fonts
from hubapp.printing.plan_document import build_plan_document
from tests.pdf.plan_inputs import plan_data

TARGET_MS = 200.0


def pages_for(actions: int, copy: str) -> int:
    """How many pages a plan with ``actions`` actions takes."""
    return render_pdf(build_plan_document(plan_data(actions=actions), copy), io.BytesIO())


def four_page_actions() -> int:
    """The smallest number of actions that gives a four-page professional copy."""
    actions = 8
    while pages_for(actions, COPY_PROFESSIONAL) < 4:
        actions += 4
    return actions


def measure(actions: int, copy: str, runs: int) -> tuple[list[float], int, int]:
    """Render times in ms (document model and PDF), pages and bytes of the last run."""
    data = plan_data(actions=actions)
    times = []
    pages = size = 0
    for _ in range(runs):
        start = time.perf_counter()
        out = io.BytesIO()
        pages = render_pdf(build_plan_document(data, copy), out)
        times.append((time.perf_counter() - start) * 1000)
        size = len(out.getvalue())
    return times, pages, size


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    start = time.perf_counter()
    default_fonts().ensure_registered()
    first_ms = (time.perf_counter() - start) * 1000
    actions = four_page_actions()
    print(f"Font registration (once per process): {first_ms:.0f} ms; plan with {actions} actions")
    print(f"{'copy':<14}{'pages':>6}{'KB':>6}{'runs':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  target")
    for copy in (COPY_PROFESSIONAL, COPY_FAMILY):
        measure(actions, copy, 2)  # warm up caches
        times, pages, size = measure(actions, copy, args.runs)
        p50, p95 = statistics.median(times), percentile(times, 95)
        verdict = "ok" if p95 < TARGET_MS else "SLOW"
        print(f"{copy.lower():<14}{pages:>6}{size // 1024:>6}{args.runs:>6}{p50:>9.1f}{p95:>9.1f}"
              f"{max(times):>9.1f}  <{TARGET_MS:.0f} {verdict}")


if __name__ == "__main__":
    main()
