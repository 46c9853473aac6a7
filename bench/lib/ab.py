"""bench/ab: two gateways side by side, pgbench through each in turn, CPU per transaction and TPS.

For a choice that changes the gateway's CPU per statement by less than the machine's load moves
throughput: both gateways run at once (from the same jar with different JVM options, or two jars),
and short `pgbench -S` runs (or TPC-B-like ones, `--workload tpcb`: five statements a transaction, three of
them writes) alternate between them, round after round, so that a change in load
lands on both. Prints, per gateway and client count, TPS, the gateway's CPU per transaction (from
/proc) and pgbench's average latency, each as the median of the rounds with their range. Writes
bench/results/<date>-ab[-label].md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

import account_phase
from gateway_setup import REPO
from pgbench_phase import PgbenchRun, parse_pgbench_output
from process_cpu import CpuMeter, settle
from progress import say
from syscalls import Postgres, extra_java_opts, jar_sets


#: pgbench's arguments per workload: the measured runs use them; the warm-up is always select-only plus one of them.
WORKLOADS = {"select": ["-S"], "tpcb": []}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/ab", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jar", action="append", default=[], metavar="[LABEL=]PATH",
                        help="a tracegate-cli.jar with its lib/ beside it; give one jar twice under two labels to compare options")
    parser.add_argument("--java-opts", action="append", default=[], metavar="LABEL=OPTIONS",
                        help="JVM options added to the shipped ones for that label")
    parser.add_argument("--clients", default="8,1", help="client counts, comma-separated (default 8,1)")
    parser.add_argument("--sslmode", default="require")
    parser.add_argument("--workload", default="select", choices=WORKLOADS,
                        help="select: pgbench -S (default); tpcb: pgbench's TPC-B-like script, the writes' path")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warm-up", type=int, default=40, help="seconds of pgbench -S per gateway first")
    parser.add_argument("--label", default="")
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_AB_PORT_BASE", "15560")))
    return parser.parse_args()


def pgbench(port: int, key: str, sslmode: str, clients: int, seconds: int, pid: int,
            workload: str = "select") -> PgbenchRun:
    env = account_phase.environment_for(port, key, sslmode, "bench")
    run = PgbenchRun("ab", "select-only" if workload == "select" else "tpcb-like", clients, 0, seconds)
    with CpuMeter(pid) as meter:
        out = subprocess.run(["pgbench", "-n", *WORKLOADS[workload], "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds)],
                             env=env, capture_output=True, text=True, timeout=seconds + 120)
    parse_pgbench_output(out.stdout + out.stderr, run)
    if run.tps is None:
        raise RuntimeError(f"pgbench failed: {(out.stdout + out.stderr)[-400:]}")
    run.proxy_cpu_us_per_tx = meter.cpu() * 1e6 / max(1, run.transactions or 1)
    return run


def main() -> None:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ab-"))
    work.chmod(0o755)
    jars = jar_sets(args, work)
    if len(jars) != 2:
        raise SystemExit("bench/ab compares exactly two gateways: give --jar twice")
    opts = extra_java_opts(args)
    ports = [args.port_base + i for i in range(6)]
    target = Postgres(work, ports[:3])
    target.start()
    gateways = []
    try:
        for i, (label, classpath) in enumerate(jars):
            gateway_ports = [ports[0], ports[1 + 2 * i], ports[2 + 2 * i]]
            target.ports = gateway_ports
            gateway = target.gateway(label, classpath, opts.get(label, []))
            gateway.start()
            gateways.append((label, gateway, gateway_ports[1]))
        clients = [int(c) for c in args.clients.split(",")]
        for label, gateway, port in gateways:
            say(f"{label}: warming up {args.warm_up} s")
            pgbench(port, target.key, args.sslmode, 8, args.warm_up, gateway.pid)
            if args.workload != "select":
                pgbench(port, target.key, args.sslmode, 8, max(5, args.warm_up // 4), gateway.pid, args.workload)
        results: dict[tuple[str, int], list[PgbenchRun]] = {}
        for round_number in range(1, args.rounds + 1):
            for count in clients:
                order = gateways if round_number % 2 else list(reversed(gateways))
                for label, gateway, port in order:
                    settle(gateway.pid)
                    run = pgbench(port, target.key, args.sslmode, count, args.seconds, gateway.pid, args.workload)
                    results.setdefault((label, count), []).append(run)
                    say(f"round {round_number}, {count} clients, {label}: {run.tps:,.0f} tps, "
                        f"{run.proxy_cpu_us_per_tx:.1f} us/tx, latency {run.latency_ms:.3f} ms, load {os.getloadavg()[0]:.1f}")
        write(args, results)
    finally:
        for _, gateway, _ in gateways:
            gateway.stop()
        target.stop()
        shutil.rmtree(work, ignore_errors=True)


def write(args: argparse.Namespace, results: dict) -> None:
    median = lambda xs, fmt: f"{fmt(statistics.median(xs))} ({fmt(min(xs))}-{fmt(max(xs))})"
    lines = [f"# bench/ab {args.label}, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC", "",
             "`bench/ab " + " ".join(f"--jar {j}" for j in args.jar) + " " + " ".join(f"--java-opts '{o}'" for o in args.java_opts)
             + f" --workload {args.workload} --clients {args.clients} --sslmode {args.sslmode} --seconds {args.seconds}"
             f" --rounds {args.rounds}`;"
             f" load average at the end {os.getloadavg()[0]:.1f}. Medians of the rounds (range).", "",
             "| gateway | clients | tps | gateway CPU per transaction | latency |", "|---|---:|---:|---:|---:|"]
    for (label, count), runs in results.items():
        lines.append(f"| {label} | {count} | {median([r.tps for r in runs], lambda v: f'{v:,.0f}')} | "
                     f"{median([r.proxy_cpu_us_per_tx for r in runs], lambda v: f'{v:.1f} us')} | "
                     f"{median([r.latency_ms * 1000 for r in runs], lambda v: f'{v:.0f} us')} |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = REPO / "bench" / "results" / f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d-%H%M}-ab{'-' + args.label if args.label else ''}.md"
    out.write_text(text)
    say(f"written {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
