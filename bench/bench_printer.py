"""Bytes per ticket and render time per ticket, for 80/58 mm paper and native/image QR.

    .venv/bin/python bench/bench_printer.py [--renders 200]

"steady" renders tickets of one office and service with changing numbers, as a kiosk
does all day (the header and footer pictures come from the cache); "uncached" clears the
picture cache before every render, the cost of a kiosk's first ticket or a new service.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from printer import PAPER_58, PAPER_80, render_ticket, sample_ticket  # noqa: E402
from printer.textimage import _render  # noqa: E402

CASES = [(paper, qr) for paper in (PAPER_80, PAPER_58) for qr in ("native", "image")]


def timings(paper, qr: str, renders: int, uncached: bool) -> list[float]:
    base = sample_ticket()
    out = []
    for i in range(renders):
        ticket = replace(base, code=f"{1000 + i}", ahead=i % 40, eta_minutes=(i % 40) * 3)
        if uncached:
            _render.cache_clear()
        start = time.perf_counter()
        render_ticket(ticket, paper, qr=qr)
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()

    render_ticket(sample_ticket())  # load fonts and escpos's capability data once
    print(f"{args.renders} renders per row; times in ms")
    print(
        f"{'paper':>6} {'qr':>7} {'bytes':>7} {'steady mean':>12} {'p95':>6}"
        f" {'uncached mean':>14} {'p95':>6}"
    )
    for paper, qr in CASES:
        size = len(render_ticket(sample_ticket(), paper, qr=qr))
        steady = timings(paper, qr, args.renders, uncached=False)
        cold = timings(paper, qr, args.renders, uncached=True)
        print(
            f"{paper.mm:>4}mm {qr:>7} {size:>7} {statistics.mean(steady):>12.2f}"
            f" {p95(steady):>6.2f} {statistics.mean(cold):>14.2f} {p95(cold):>6.2f}"
        )


if __name__ == "__main__":
    main()
