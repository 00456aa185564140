"""Timing helpers: percentiles of repeated work, and one figure of the table."""

import statistics
import time
from dataclasses import asdict, dataclass


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def latencies(work, repeat: int, warmup: int = 2) -> list[float]:
    """Milliseconds of each call of ``work(i)`` after ``warmup`` unmeasured calls."""
    for i in range(warmup):
        work(i)
    found = []
    for i in range(repeat):
        started = time.perf_counter()
        work(i)
        found.append((time.perf_counter() - started) * 1000)
    return found


def best_seconds(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


@dataclass
class Figure:
    name: str
    unit: str
    product: float
    raw: float | None = None
    product_p50: float | None = None
    raw_p50: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.raw in (None, 0) or self.product is None:
            return None
        return self.product / self.raw

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def latency_figure(name, product_ms, raw_ms, limit_ms=None, within=None) -> Figure:
    """A p95 latency beside its raw baseline; the target holds when both limits do."""
    product95, raw95 = percentile(product_ms, 0.95), percentile(raw_ms, 0.95) if raw_ms else None
    figure = Figure(name, "ms p95", product95, raw95, statistics.median(product_ms),
                    statistics.median(raw_ms) if raw_ms else None)
    checks, words = [], []
    if limit_ms is not None:
        checks.append(product95 <= limit_ms)
        words.append(f"p95 ≤ {limit_ms} ms")
    if within is not None and raw95:
        checks.append(product95 <= within * raw95)
        words.append(f"≤ {within}× raw")
    if checks:
        figure.target, figure.met = ", ".join(words), all(checks)
    return figure


def throughput_figure(name, unit, product, raw, at_least_share=None, at_least=None) -> Figure:
    figure = Figure(name, unit, product, raw)
    if at_least_share is not None and raw:
        figure.target, figure.met = f"≥ {at_least_share:.0%} of raw", product >= at_least_share * raw
    if at_least is not None:
        figure.target, figure.met = f"≥ {at_least:,.0f} {unit}", product >= at_least
    return figure
