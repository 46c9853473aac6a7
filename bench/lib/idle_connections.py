"""bench/idle-connections: thousands of idle, unauthenticated connections against the PostgreSQL listener.

Starts what bench/soak starts (PostgreSQL, `tracegate serve`), but with the listener's default caps
(256 unauthenticated connections, 32 per address, 10 s to authenticate). Opens pgbench sessions
first, then floods the listener with --connections sockets that send nothing: once from one
address, once spread over 400 addresses. Counts how many the gateway holds and how many it refuses
at once (FATAL 53300), checks that the open sessions carry on, that a client from another address
is served during the one-address flood, and samples the gateway's RSS and threads. Writes
bench/results/<date>-idle-connections.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from progress import say
from soak import Soak, check_rows, last_lines, process_status, publish


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/idle-connections", description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=10_000, help="idle connections per flood (default 10000)")
    parser.add_argument("--port-base", type=int, default=26600, help="first of the run's loopback ports (default 26600)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tracegate-idle"), help="work directory (wiped)")
    parser.add_argument("--no-build", action="store_true", help="use the jars built earlier under cli/target")
    parser.add_argument("--note", default="", help="a line about the conditions, written into the results file")
    args = parser.parse_args()
    # What Soak reads; only the gateway's set-up is used.
    args.sessions, args.held_loops, args.minutes = 100, 1, 1
    return args


def gateway_figures(soak: Soak) -> dict[str, float]:
    figures = {}
    figures["RSS MiB"], figures["threads"] = process_status(soak.gateway.pid)
    figures["open files"] = len(os.listdir(f"/proc/{soak.gateway.pid}/fd"))
    return figures


def flood(port: int, count: int, sources: list[str]) -> tuple[list[socket.socket], float]:
    sockets = []
    started = time.monotonic()
    for i in range(count):
        s = socket.socket()
        s.bind((sources[i % len(sources)], 0))
        s.connect(("127.0.0.1", port))
        sockets.append(s)
    return sockets, time.monotonic() - started


def fates(sockets: list[socket.socket]) -> dict[str, int]:
    """Refused at once (FATAL 53300), held (nothing to read yet), cut at the start-up deadline (FATAL 57014), closed."""
    counts = {"held": 0, "cut at the deadline with 57014": 0, "refused with 53300": 0, "closed": 0, "other": 0}
    for s in sockets:
        s.setblocking(False)
        try:
            data = s.recv(1024)
            if not data:
                counts["closed"] += 1
            elif data[:1] == b"E" and b"53300" in data:
                counts["refused with 53300"] += 1
            elif data[:1] == b"E" and b"57014" in data:
                counts["cut at the deadline with 57014"] += 1
            else:
                counts["other"] += 1
        except BlockingIOError:
            counts["held"] += 1
        except OSError:
            counts["closed"] += 1
    return counts


def served(soak: Soak) -> bool:
    result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-c", "SELECT 1"], env=soak.env("clerk"),
                            capture_output=True, text=True, timeout=60)
    return result.returncode == 0 and result.stdout.strip() == "1"


def main() -> int:
    args = parse_args()
    soak = Soak(args)
    soak.default_listener_limits = True
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows, checks = [], []
    try:
        soak.start()
        port = soak.ports["gateway"]
        rows.append(("before", gateway_figures(soak), {}, 0.0))
        script = soak.work / "select.sql"
        script.write_text("SELECT 1;\n")
        # Sessions opened before the floods and kept through both: they must never fail.
        pgbench = subprocess.Popen(["pgbench", "-n", "-c", "4", "-j", "1", "-T", "150", "-f", str(script)],
                                   env=soak.env("bench"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(10)
        for name, sources in (("one address", ["127.0.0.2"]),
                              ("400 addresses", [f"127.0.{3 + i // 200}.{10 + i % 200}" for i in range(400)])):
            say(f"flood from {name}: {args.connections} idle connections")
            sockets, seconds = flood(port, args.connections, sources)
            time.sleep(3)
            counted = fates(sockets)
            figures = gateway_figures(soak)
            newcomer = served(soak)
            rows.append((f"during the flood from {name}", figures, counted, seconds))
            # Held at once: within the cap. A flood longer than the start-up deadline sees the first ones cut (57014) and
            # their places taken by later ones, so over the whole flood more than the cap may have been admitted.
            admitted = counted["held"] + counted["cut at the deadline with 57014"]
            checks.append((f"{name}: held at once within the cap",
                           admitted > 0 and counted["held"] <= (32 if len(sources) == 1 else 256),
                           f"{counted['held']} held at the end; {admitted} admitted in {seconds + 3:.0f} s, "
                           f"a start-up deadline of 10 s"))
            checks.append((f"{name}: every other connection refused at once with 53300",
                           counted["refused with 53300"] == args.connections - admitted,
                           f"{counted['refused with 53300']:,} refused"))
            if len(sources) == 1:
                checks.append(("one address: a client from 127.0.0.1 is served during the flood", newcomer, str(newcomer)))
            for s in sockets:
                s.close()
            time.sleep(5)
            rows.append((f"after the flood from {name}", gateway_figures(soak), {}, 0.0))
        checks.append(("a client is served after the floods", served(soak), ""))
        output, _ = pgbench.communicate(timeout=300)
        failed = next((l for l in output.splitlines() if l.startswith("number of failed transactions")), "")
        checks.append(("sessions opened before the floods carried on", pgbench.returncode == 0
                       and (not failed or failed.split(":")[1].strip().startswith("0")), last_lines(output, 1)))
        before, peak = rows[0][1], max(r[1]["threads"] for r in rows)
        checks.append(("gateway threads bounded", peak - before["threads"] < 64, f"{before['threads']} -> at most {peak}"))
    finally:
        soak.stop_all()
    lines = [f"# Idle connections {started}", "", f"`bench/idle-connections --connections {args.connections}`", ""]
    if args.note:
        lines += [f"Conditions: {args.note}", ""]
    lines += ["PostgreSQL listener at its default caps: 256 unauthenticated, 32 per address, 10 s to authenticate.", "",
              "| moment | RSS MiB | threads | open files | connections | opened in (s) |", "|---|---:|---:|---:|---|---:|"]
    for moment, figures, counted, seconds in rows:
        lines.append(f"| {moment} | {figures['RSS MiB']:,.0f} | {figures['threads']} | {figures['open files']} | "
                     f"{', '.join(f'{k} {v:,}' for k, v in counted.items() if v) or ''} | {seconds:.1f} |")
    lines += [""] + check_rows(checks)
    return publish("idle-connections", "\n".join(lines) + "\n", checks)


if __name__ == "__main__":
    sys.exit(main())
