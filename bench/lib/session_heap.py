"""bench/session-heap: what one idle, authenticated TLS PostgreSQL session costs the gateway in heap.

Starts what bench/soak starts (PostgreSQL, `tracegate serve` with the shipped JVM options), then
opens pgbench sessions over TLS that stay connected and nearly idle (a `SELECT 1` every few
seconds among all of them), in steps (default 200, then 400). At each step, once the upstream
holds that many sessions, it runs a full GC and takes the gateway's class histogram (jcmd
GC.class_histogram): the live heap's growth per session between steps is the figure
`limits.heapPerSessionKiB` is derived from (docs/operations.md, "Sizing"). Writes
bench/results/<date>-session-heap.md with the largest classes per session.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from progress import say
from soak import JAVA_HOME, Soak, process_status, publish


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/session-heap", description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="200,400", help="sessions open at each measurement (default 200,400)")
    parser.add_argument("--port-base", type=int, default=26700, help="first of the run's loopback ports (default 26700)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tracegate-session-heap"), help="work directory (wiped)")
    parser.add_argument("--no-build", action="store_true", help="use the jars built earlier under cli/target")
    args = parser.parse_args()
    args.steps = [int(n) for n in args.steps.split(",")]
    # What Soak reads; only the gateway's set-up is used.
    args.sessions, args.minutes, args.psql_loops, args.held_loops, args.http_connections = max(args.steps) + 20, 1, 0, 0, 1
    return args


def histogram(pid: int) -> dict[str, tuple[int, int]]:
    """Live instances and bytes per class, after a full GC."""
    jcmd = str(JAVA_HOME / "bin/jcmd")
    subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, check=True)
    out = subprocess.run([jcmd, str(pid), "GC.class_histogram"], capture_output=True, text=True, check=True).stdout
    classes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0].endswith(":"):
            classes[parts[3]] = (int(parts[1]), int(parts[2]))
    return classes


def upstream_sessions(soak: Soak) -> int:
    result = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(soak.ports["postgres"]), "-U", "postgres", "-At", "-c",
                             "SELECT count(*) FROM pg_stat_activity WHERE datname = 'soak'"], capture_output=True,
                            text=True, env={**os.environ, "PGSSLMODE": "disable"})
    return int(result.stdout.strip() or 0)


def main() -> int:
    args = parse_args()
    soak = Soak(args)
    clients: list[subprocess.Popen] = []
    steps: list[tuple[int, dict, float]] = []
    try:
        soak.start()
        steps.append((0, histogram(soak.gateway.pid), process_status(soak.gateway.pid)[0]))
        script = soak.work / "idle.sql"
        script.write_text("SELECT 1;\n")
        env = {**soak.env("bench"), "PGSSLMODE": "require"}
        opened = 0
        for target in args.steps:
            say(f"opening {target - opened} more TLS sessions through the gateway")
            clients.append(subprocess.Popen(["pgbench", "-n", "-c", str(target - opened), "-j", "2", "-T", "3600",
                                             "--rate", "0.5", "-f", str(script)], env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            opened = target
            while upstream_sessions(soak) < target:
                if any(c.poll() is not None for c in clients):
                    raise RuntimeError("pgbench stopped before its sessions were open")
                time.sleep(2)
            time.sleep(5)
            steps.append((target, histogram(soak.gateway.pid), process_status(soak.gateway.pid)[0]))
    finally:
        for client in clients:
            client.terminate()
        soak.stop_all()
    return publish("session-heap", report(steps), [])


def report(steps: list[tuple[int, dict, float]]) -> str:
    total = lambda classes: sum(b for _, b in classes.values())
    lines = ["# Heap per session", "", "Idle, authenticated TLS PostgreSQL sessions (pgbench, `sslmode=require`), "
             "live heap after a full GC (`jcmd GC.class_histogram`).", "",
             "| sessions | live heap MiB | per session since the step before (KiB) | gateway RSS MiB |", "|---:|---:|---:|---:|"]
    for i, (n, classes, rss) in enumerate(steps):
        per = "" if i == 0 else f"{(total(classes) - total(steps[i - 1][1])) / (n - steps[i - 1][0]) / 1024:,.1f}"
        lines.append(f"| {n:,} | {total(classes) / 1024 / 1024:,.1f} | {per} | {rss:,.0f} |")
    (n0, first, _), (n1, last, _) = steps[-2], steps[-1]
    rows = sorted(((last.get(k, (0, 0))[1] - first.get(k, (0, 0))[1], last.get(k, (0, 0))[0] - first.get(k, (0, 0))[0], k)
                   for k in set(first) | set(last)), reverse=True)[:15]
    lines += ["", f"Largest classes per session, {n0:,} to {n1:,} sessions:", "", "| bytes | instances | class |", "|---:|---:|---|"]
    lines += [f"| {b / (n1 - n0):,.0f} | {i / (n1 - n0):,.1f} | `{k}` |" for b, i, k in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
