"""Connection storms: many clients open a connection at the same instant and run one query each.

The clients are threads of one JVM (bench/storm/ConnectionStorm.java, pgjdbc), compiled once
per run; each storm is a fresh JVM so one route's storm cannot warm the next one's client.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import statistics
import subprocess
from pathlib import Path

from process_cpu import CpuMeter
from progress import say
from services import Route

PGJDBC = Path.home() / ".m2/repository/org/postgresql/postgresql/42.7.14/postgresql-42.7.14.jar"


@dataclasses.dataclass
class StormRun:
    route: str
    clients: int
    round: int
    ok: int = 0
    errors: int = 0
    wall_ms: float | None = None
    peak_open: int | None = None
    connect_ms: dict | None = None
    answered_ms: dict | None = None
    error_messages: dict | None = None
    proxy_cpu_ms_per_connection: float | None = None
    client_cpu_ms_per_connection: float | None = None
    error: str | None = None


class StormHarness:
    def __init__(self, java_home: Path, source: Path, work: Path):
        self.java_home = java_home
        self.classes = work / "storm-classes"
        if not PGJDBC.exists():
            raise RuntimeError(f"pgjdbc not found at {PGJDBC} (the project build downloads it)")
        self.classes.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(java_home / "bin/javac"), "-d", str(self.classes), "-cp", str(PGJDBC), str(source)],
                       check=True, capture_output=True, text=True)

    def storm(self, route: Route, clients: int, round_number: int, proxy_pid: int | None) -> StormRun:
        """One storm; with proxy_pid, also the CPU that process (and the client JVM) spent per connection."""
        run = StormRun(route.name, clients, round_number)
        command = [str(self.java_home / "bin/java"), "-Xss512k", "-cp", f"{self.classes}:{PGJDBC}", "ConnectionStorm",
                   route.jdbc_url(), route.user, route.password or "-", str(clients)]
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            with CpuMeter(proxy_pid) as proxy_cpu:
                result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            run.error = "the storm did not finish within 300 s"
            return run
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        client_cpu = (children_after.ru_utime + children_after.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
        run.client_cpu_ms_per_connection = round(client_cpu * 1000 / clients, 2)
        if proxy_cpu.cpu() is not None:
            run.proxy_cpu_ms_per_connection = round(proxy_cpu.cpu() * 1000 / clients, 2)
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        if result.returncode != 0 or not lines:
            tail = (result.stderr or result.stdout).strip().splitlines()
            run.error = tail[-1] if tail else f"exit status {result.returncode}"
            return run
        figures = json.loads(lines[-1])
        for key in ("ok", "errors", "wall_ms", "peak_open", "connect_ms", "answered_ms", "error_messages"):
            setattr(run, key, figures.get(key))
        return run


def warm_up(harness: StormHarness, routes: list[Route], clients: int, proxy_pids: dict[str, int]) -> list[StormRun]:
    """One storm per path that is not counted: the first storm a JVM gateway meets compiles its connection paths
    (TLS handshake, sign-in, upstream log-in, a session's start and end), which the pgbench phase's warm-up of a few
    long sessions never runs, and would put the JIT's work into the figures of a gateway that has been serving for a
    while. Its figures are kept apart (`warm_up_runs`), for what a freshly started gateway pays."""
    runs = []
    for route in routes:
        run = harness.storm(route, clients, 0, proxy_pids.get(route.name))
        runs.append(run)
        say(f"  storm warm-up (not counted) {route.name:<22} {describe(run)}")
    return runs


def measure(harness: StormHarness, routes: list[Route], clients: int, rounds: int,
            proxy_pids: dict[str, int]) -> list[StormRun]:
    runs = []
    for round_number in range(1, rounds + 1):
        offset = round_number % len(routes)
        for route in routes[offset:] + routes[:offset]:
            run = harness.storm(route, clients, round_number, proxy_pids.get(route.name))
            runs.append(run)
            say(f"  storm round {round_number}/{rounds} {route.name:<22} {describe(run)}")
    return runs


def describe(run: StormRun) -> str:
    if run.error:
        return f"ERROR {run.error}"
    text = f"{run.ok}/{run.clients} ok"
    if run.connect_ms:
        text += f"  connect p50 {run.connect_ms['p50']:.1f} ms p99 {run.connect_ms['p99']:.1f} ms"
    text += f"  all done in {run.wall_ms:.0f} ms  peak open {run.peak_open}"
    if run.proxy_cpu_ms_per_connection is not None:
        text += f"  proxy CPU {run.proxy_cpu_ms_per_connection:.2f} ms/conn"
    text += f"  client CPU {run.client_cpu_ms_per_connection:.2f} ms/conn"
    if run.errors:
        text += f"  errors: {run.error_messages}"
    return text


@dataclasses.dataclass
class StormSummary:
    route: str
    clients: int
    rounds: int
    connect_p50_ms: float | None
    connect_p99_ms: float | None
    answered_p99_ms: float | None
    wall_ms: float | None
    errors: int
    error_messages: dict
    proxy_cpu_ms_per_connection: float | None
    client_cpu_ms_per_connection: float | None


def summarize(runs: list[StormRun]) -> list[StormSummary]:
    """Median over rounds of each round's percentiles; errors are summed."""
    summaries = []
    for route in dict.fromkeys(r.route for r in runs):
        group = [r for r in runs if r.route == route]
        good = [r for r in group if r.error is None and r.connect_ms]
        messages: dict[str, int] = {}
        for r in group:
            for message, count in (r.error_messages or {}).items():
                messages[message] = messages.get(message, 0) + count
            if r.error:
                messages[r.error] = messages.get(r.error, 0) + r.clients
        summaries.append(StormSummary(
            route, group[0].clients, len(group),
            median([r.connect_ms["p50"] for r in good]), median([r.connect_ms["p99"] for r in good]),
            median([r.answered_ms["p99"] for r in good if r.answered_ms]), median([r.wall_ms for r in good]),
            sum((r.errors or 0) for r in group) + sum(r.clients for r in group if r.error), messages,
            median([r.proxy_cpu_ms_per_connection for r in good if r.proxy_cpu_ms_per_connection is not None]),
            median([r.client_cpu_ms_per_connection for r in good if r.client_cpu_ms_per_connection is not None])))
    return summaries


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None
