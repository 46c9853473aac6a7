"""pgbench throughput and latency through every route, interleaved round-robin.

Each round visits every (script, clients) point and, for each point, every route, in an order
rotated from round to round, so a burst of machine noise lands on all routes alike rather
than on whichever route happened to run during it.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
import subprocess
from pathlib import Path

from process_cpu import CpuMeter, settle
from progress import say
from services import Route

SCRIPTS = {
    "select-only": ["-S"],   # one SELECT by primary key per transaction
    "tpcb-like": [],         # pgbench's default: BEGIN, 3 UPDATEs, SELECT, INSERT, END
    # -S plus the account's text column, which the set-up fills with an e-mail and a card number:
    # what a masking policy on a text column costs (docs/benchmarks.md, "The masking path").
    "select-text": ["-f", str(Path(__file__).resolve().parent.parent / "config/select-text.sql")],
}

# Scripts measured on some paths only, to keep the run short: select-text compares masking with no masking.
SCRIPT_ROUTES = {"select-text": {"direct", "tracegate-tls", "tracegate-masking"}}


def runs_on(script: str, route_name: str) -> bool:
    return script not in SCRIPT_ROUTES or route_name in SCRIPT_ROUTES[script]


def runs_with(route: Route, clients: int) -> bool:
    """A path of several gateway nodes needs at least one client per node."""
    return clients >= len(route.nodes())


@dataclasses.dataclass
class PgbenchRun:
    route: str
    script: str
    clients: int
    round: int
    seconds: int
    tps: float | None = None
    latency_ms: float | None = None
    connect_ms: float | None = None
    transactions: int | None = None
    failed: int | None = None
    proxy_cpu_us_per_tx: float | None = None
    error: str | None = None


def run_pgbench(route: Route, script: str, clients: int, seconds: int, round_number: int,
                proxy_pid: int | tuple[int, ...] | None = None) -> PgbenchRun:
    """One pgbench run; with proxy_pid, also the CPU that process (or those processes) spent per transaction.

    A route of several gateway nodes gets one pgbench per node, all at once, with the clients split
    evenly; their transactions add up, and the latency is their transaction-weighted average.
    """
    nodes = route.nodes()
    shares = [clients // len(nodes) + (1 if i < clients % len(nodes) else 0) for i in range(len(nodes))]
    run = PgbenchRun(route.name, script, clients, round_number, seconds)
    try:
        with CpuMeter(proxy_pid) as meter:
            processes = [subprocess.Popen(["pgbench", "-n", *SCRIPTS[script], "-c", str(share), "-j", str(min(share, 2)),
                                           "-T", str(seconds)], env=node.libpq_env(), stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, text=True)
                         for node, share in zip(nodes, shares)]
            outputs = [p.communicate(timeout=seconds + 180)[0] for p in processes]
    except subprocess.TimeoutExpired:
        for p in processes:
            p.kill()
        run.error = f"pgbench did not finish within {seconds + 180} s"
        return run
    parts = []
    for process, output in zip(processes, outputs):
        part = PgbenchRun(route.name, script, clients, round_number, seconds)
        parse_pgbench_output(output, part)
        if process.returncode != 0 or part.tps is None:
            lines = [line for line in output.splitlines() if line.strip() and not line.startswith("pgbench (")]
            run.error = "; ".join(lines[-3:]) or f"exit status {process.returncode}"
            return run
        parts.append(part)
    run.tps = sum(p.tps for p in parts)
    run.transactions = sum(p.transactions or 0 for p in parts)
    run.failed = sum(p.failed or 0 for p in parts)
    run.connect_ms = max(p.connect_ms or 0 for p in parts)
    run.latency_ms = sum(p.latency_ms * (p.transactions or 0) for p in parts) / max(1, run.transactions)
    if meter.cpu() is not None and run.transactions:
        # Includes the proxy's share of connection set-up, which is small against a run of seconds.
        run.proxy_cpu_us_per_tx = meter.cpu() * 1e6 / run.transactions
    return run


def parse_pgbench_output(output: str, run: PgbenchRun) -> None:
    patterns = {
        "tps": r"^tps = ([0-9.]+) \(without initial connection time\)",
        "latency_ms": r"^latency average = ([0-9.]+) ms",
        "connect_ms": r"^initial connection time = ([0-9.]+) ms",
        "transactions": r"^number of transactions actually processed: (\d+)",
        "failed": r"^number of failed transactions: (\d+)",
    }
    for field, pattern in patterns.items():
        match = re.search(pattern, output, re.MULTILINE)
        if match:
            value = match.group(1)
            setattr(run, field, int(value) if field in ("transactions", "failed") else float(value))


def warm_up(routes: list[Route], seconds: int, gateway_seconds: int) -> None:
    """Brings every route to steady state before anything is measured.

    The gateway gets longer: its JVM keeps getting faster for some twenty seconds of load while
    the JIT compiles the SQL classifier and the store's code paths.
    """
    for route in routes:
        for script in SCRIPTS:
            if not runs_on(script, route.name):
                continue
            duration = gateway_seconds if route.name.startswith("tracegate") else seconds
            if route.prepare:
                route.prepare()
            run = run_pgbench(route, script, 8, duration, 0)
            status = f"{run.tps:,.0f} tps" if run.tps else f"FAILED: {run.error}"
            say(f"  warm-up {route.name:<22} {script:<12} 8 clients, {duration} s: {status}")


def measure(routes: list[Route], client_counts: list[int], rounds: int, seconds: int,
            proxy_pids: dict[str, int | tuple[int, ...]]) -> list[PgbenchRun]:
    runs: list[PgbenchRun] = []
    points = [(script, clients) for script in SCRIPTS for clients in client_counts]
    total = rounds * sum(1 for script, clients in points for route in routes
                         if runs_on(script, route.name) and runs_with(route, clients))
    done = 0
    for round_number in range(1, rounds + 1):
        say(f"pgbench round {round_number}/{rounds}")
        for point_index, (script, clients) in enumerate(points):
            offset = (round_number + point_index) % len(routes)
            for route in routes[offset:] + routes[:offset]:
                if not runs_on(script, route.name) or not runs_with(route, clients):
                    continue
                if route.prepare:
                    route.prepare()
                    settle(proxy_pids.get(route.name))
                run = run_pgbench(route, script, clients, seconds, round_number, proxy_pids.get(route.name))
                # The gateway's storer is still writing this run's events; let it finish before the next path runs.
                settle(proxy_pids.get(route.name) if route.name.startswith("tracegate") else None)
                runs.append(run)
                done += 1
                if run.error:
                    status = f"ERROR {run.error}"
                else:
                    status = f"{run.tps:>10,.0f} tps  {run.latency_ms:7.3f} ms"
                    if run.proxy_cpu_us_per_tx is not None:
                        status += f"  proxy CPU {run.proxy_cpu_us_per_tx:6.1f} us/tx"
                say(f"  [{done:3d}/{total}] {script:<12} {clients:>2} clients  {route.name:<22} {status}")
    return runs


@dataclasses.dataclass
class PgbenchSummary:
    route: str
    script: str
    clients: int
    tps: float | None
    tps_min: float | None
    tps_max: float | None
    latency_ms: float | None
    proxy_cpu_us_per_tx: float | None
    rounds: int
    errors: list[str]
    vs_direct: float | None = None
    vs_pgbouncer: float | None = None
    vs_haproxy: float | None = None
    vs_tracegate: float | None = None


def summarize(runs: list[PgbenchRun]) -> list[PgbenchSummary]:
    """Median over rounds per (route, script, clients), with each route's ratio to the baselines."""
    keys = []
    for run in runs:
        key = (run.route, run.script, run.clients)
        if key not in keys:
            keys.append(key)
    summaries = []
    for route, script, clients in keys:
        group = [r for r in runs if (r.route, r.script, r.clients) == (route, script, clients)]
        good = [r for r in group if r.error is None and r.tps is not None]
        tps = [r.tps for r in good]
        latency = [r.latency_ms for r in good if r.latency_ms is not None]
        cpu = [r.proxy_cpu_us_per_tx for r in good if r.proxy_cpu_us_per_tx is not None]
        summaries.append(PgbenchSummary(
            route, script, clients,
            statistics.median(tps) if tps else None, min(tps) if tps else None, max(tps) if tps else None,
            statistics.median(latency) if latency else None, statistics.median(cpu) if cpu else None, len(group),
            sorted({r.error for r in group if r.error})))
    by_key = {(s.route, s.script, s.clients): s for s in summaries}
    for s in summaries:
        s.vs_direct = ratio(s, by_key.get(("direct", s.script, s.clients)))
        s.vs_pgbouncer = ratio(s, by_key.get(("pgbouncer", s.script, s.clients)))
        s.vs_haproxy = ratio(s, by_key.get(("haproxy", s.script, s.clients)))
        s.vs_tracegate = ratio(s, by_key.get(("tracegate-tls", s.script, s.clients)))
    return summaries


def ratio(summary: PgbenchSummary, baseline: PgbenchSummary | None) -> float | None:
    if baseline is None or baseline.tps is None or summary.tps is None or baseline.tps == 0:
        return None
    return summary.tps / baseline.tps
