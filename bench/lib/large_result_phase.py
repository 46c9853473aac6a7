"""A multi-million-row result through every route, timed, while the gateway's memory is sampled.

Two ways to pull a large result, both through psql with its output discarded:
- copy:   COPY (SELECT ...) TO STDOUT, the server streams CopyData messages;
- cursor: a SELECT with FETCH_COUNT set, so psql fetches through a cursor in batches of
          FETCH_COUNT rows and the gateway relays ordinary DataRow messages.
The gateway's resident set is sampled from /proc while the result flows: if it buffered the
result, its peak would grow with the row count.
"""

from __future__ import annotations

import contextlib
import dataclasses
import statistics
import subprocess
import threading
import time

from progress import say
from services import Route, TracegateGateway

FETCH_COUNT = 100_000


def query(rows: int) -> str:
    return f"SELECT g, md5(g::text) FROM generate_series(1,{rows}) g"


def result_bytes(rows: int) -> int:
    """Bytes of the text result (id, tab, 32 hex digits, newline per row), as COPY sends it."""
    total = 0
    digits = 1
    low = 1
    while low <= rows:
        high = min(rows, low * 10 - 1)
        total += (high - low + 1) * (digits + 1 + 32 + 1)
        digits += 1
        low *= 10
    return total


@dataclasses.dataclass
class LargeResultRun:
    route: str
    method: str
    rows: int
    round: int
    seconds: float | None = None
    rows_per_second: float | None = None
    mb_per_second: float | None = None
    gateway_rss_before_mb: float | None = None
    gateway_rss_peak_mb: float | None = None
    gateway_hwm_mb: float | None = None
    error: str | None = None


class RssSampler:
    """Samples a gateway's VmRSS every few milliseconds on a background thread."""

    def __init__(self, gateway: TracegateGateway, interval: float = 0.02):
        self.gateway = gateway
        self.interval = interval
        self.peak_kib = 0
        self.hwm_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._read()

    def _read(self) -> None:
        memory = self.gateway.memory_kib()
        self.peak_kib = max(self.peak_kib, memory.get("VmRSS", 0))
        self.hwm_kib = max(self.hwm_kib, memory.get("VmHWM", 0))

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._read()
            time.sleep(self.interval)


def run_once(route: Route, method: str, rows: int, round_number: int, gateway: TracegateGateway | None) -> LargeResultRun:
    run = LargeResultRun(route.name, method, rows, round_number)
    if method == "copy":
        command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", f"COPY ({query(rows)}) TO STDOUT"]
        script = None
    else:
        command = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-"]
        script = f"\\set FETCH_COUNT {FETCH_COUNT}\n{query(rows)};\n"
    if gateway is not None:
        run.gateway_rss_before_mb = gateway.memory_kib().get("VmRSS", 0) * 1024 / 1e6
    sampler = RssSampler(gateway) if gateway is not None else contextlib.nullcontext()
    started = time.monotonic()
    try:
        with sampler:
            result = subprocess.run(command, env=route.libpq_env(), input=script, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        run.error = "psql did not finish within 900 s"
        return run
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        run.error = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit status {result.returncode}"
        return run
    run.seconds = elapsed
    run.rows_per_second = rows / elapsed
    run.mb_per_second = result_bytes(rows) / elapsed / 1e6
    if gateway is not None:
        run.gateway_rss_peak_mb = sampler.peak_kib * 1024 / 1e6
        run.gateway_hwm_mb = sampler.hwm_kib * 1024 / 1e6
    return run


def methods(route: Route) -> tuple[str, ...]:
    """COPY TO STDOUT is refused by design for callers whose results are masked (docs/masking.md)."""
    return ("cursor",) if route.name == "tracegate-masking" else ("copy", "cursor")


def measure(routes: list[Route], gateways: dict[str, TracegateGateway], rows: int, rounds: int,
            small_rows: int | None) -> list[LargeResultRun]:
    """First a smaller result through each gateway, then a warm-up, then rounds over every route.

    Were the gateway to hold results in memory, its peak would grow from the smaller to the larger one.
    """
    runs = []
    if small_rows:
        for route in routes:
            if route.name in gateways:
                for method in methods(route):
                    run = run_once(route, method, small_rows, 0, gateways[route.name])
                    runs.append(run)
                    say(f"  smaller result first  {method:<6} {route.name:<22} {describe(run)}")
    warmed = set()
    for route in routes:
        gateway = gateways.get(route.name)
        if gateway is not None and gateway.pid not in warmed:
            # Not reported: the gateway's relay needs a few million rows before the JIT has compiled it.
            warmed.add(gateway.pid)
            for method in methods(route):
                run = run_once(route, method, rows, 0, gateway)
                say(f"  warm-up (not reported) {method:<6} {route.name:<21} {describe(run)}")
    for round_number in range(1, rounds + 1):
        for method in ("copy", "cursor"):
            offset = round_number % len(routes)
            for route in routes[offset:] + routes[:offset]:
                if method not in methods(route):
                    continue
                run = run_once(route, method, rows, round_number, gateways.get(route.name))
                runs.append(run)
                say(f"  large result round {round_number}/{rounds} {method:<6} {route.name:<22} {describe(run)}")
    return runs


def describe(run: LargeResultRun) -> str:
    if run.error:
        return f"ERROR {run.error}"
    text = f"{run.rows:,} rows in {run.seconds:6.2f} s  {run.mb_per_second:6.1f} MB/s"
    if run.gateway_rss_peak_mb is not None:
        text += f"  gateway RSS {run.gateway_rss_before_mb:.0f} -> peak {run.gateway_rss_peak_mb:.0f} MB"
    return text


@dataclasses.dataclass
class LargeResultSummary:
    route: str
    method: str
    rows: int
    seconds: float | None
    rows_per_second: float | None
    mb_per_second: float | None
    vs_direct: float | None
    gateway_rss_before_mb: float | None
    gateway_rss_peak_mb: float | None
    gateway_hwm_mb: float | None
    errors: list[str]


def summarize(runs: list[LargeResultRun]) -> list[LargeResultSummary]:
    keys = []
    for run in runs:
        key = (run.route, run.method, run.rows)
        if key not in keys:
            keys.append(key)
    summaries = []
    for route, method, rows in keys:
        group = [r for r in runs if (r.route, r.method, r.rows) == (route, method, rows)]
        good = [r for r in group if r.error is None]
        seconds = statistics.median([r.seconds for r in good]) if good else None
        peaks = [r.gateway_rss_peak_mb for r in good if r.gateway_rss_peak_mb is not None]
        before = [r.gateway_rss_before_mb for r in good if r.gateway_rss_before_mb is not None]
        hwm = [r.gateway_hwm_mb for r in good if r.gateway_hwm_mb is not None]
        summaries.append(LargeResultSummary(
            route, method, rows, seconds,
            rows / seconds if seconds else None,
            result_bytes(rows) / seconds / 1e6 if seconds else None,
            None,
            min(before) if before else None, max(peaks) if peaks else None, max(hwm) if hwm else None,
            sorted({r.error for r in group if r.error})))
    by_key = {(s.route, s.method, s.rows): s for s in summaries}
    for s in summaries:
        direct = by_key.get(("direct", s.method, s.rows))
        if direct and direct.seconds and s.seconds:
            s.vs_direct = direct.seconds / s.seconds
    return summaries
