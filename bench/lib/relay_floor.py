"""bench/relay-floor: what a relay costs before it does anything a gateway does.

Runs `pgbench -S` (8 clients by default) against the benchmark's PostgreSQL server directly,
through pgbouncer (session mode; and with its clients in TLS, `pgbouncer-tls`), and through
`bench/relay-floor/RelayFloor.java` in its six ways: two virtual threads per connection copying
bytes (the gateway's way of relaying), the same with the client's side in TLS through the JDK,
both again with two platform threads per connection, and one selector thread for every connection
(pgbouncer's way), cleartext and with TLS through the JDK's SSLEngine. Rounds interleave the
paths, so a burst of load lands on all of them. It
prints, per path, TPS and the relay process's CPU per transaction: the floor of each way, to set
beside the gateway's own CPU per transaction (docs/benchmarks.md).
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

from gateway_setup import BENCH, DATABASE, JAVA_HOME, REPO
from pgbench_phase import run_pgbench
from progress import say
from services import Pgbouncer, PostgresServer, Route, stop_process, wait_for_port

WAYS = ("threads", "threads-tls", "platform", "platform-tls", "loop", "loop-tls")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/relay-floor", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_PORT_BASE", "15530")),
                        help="first of the 9 consecutive loopback ports it uses")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=15, help="seconds per measured run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--java-opts", default="", help="extra JVM options for the relay (e.g. -Djdk.pollerMode=1)")
    parser.add_argument("--ways", default=",".join(WAYS),
                        help="the relay's ways to measure, comma-separated (default: all of " + ", ".join(WAYS) + ")")
    return parser.parse_args()


def keystore(work: Path) -> Path:
    path = work / "relay.p12"
    subprocess.run([str(JAVA_HOME / "bin" / "keytool"), "-genkeypair", "-alias", "relay", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", str(path), "-storepass", "changeit"],
                   check=True, capture_output=True)
    return path


def start_relay(way: str, port: int, target: int, store: Path, java_opts: str) -> subprocess.Popen:
    source = BENCH / "relay-floor" / "RelayFloor.java"
    command = [str(JAVA_HOME / "bin" / "java"), *java_opts.split(), str(source), way, str(port), str(target)]
    if way.endswith("-tls"):
        command += [str(store), "changeit"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_for_port(port, 60, process)
    return process


def main() -> None:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="relay-floor-"))
    work.chmod(0o755)  # the postgres user runs the server under it
    base = args.port_base
    server = PostgresServer(work, base, max_connections=100)
    ways = [way for way in WAYS if way in args.ways.split(",")]
    bouncer = Pgbouncer(work, base + 1, base, DATABASE, pool_size=args.clients * 2)
    tls_bouncer = Pgbouncer(work, base + 2, base, DATABASE, pool_size=args.clients * 2, tls=True, name="pgbouncer-tls")
    relays: dict[str, subprocess.Popen] = {}
    try:
        say(f"starting PostgreSQL and pgbench -i -s {args.scale}")
        server.start()
        server.psql(f"CREATE DATABASE {DATABASE}")
        subprocess.run(["pgbench", "-i", "-q", "-s", str(args.scale), "-h", "127.0.0.1", "-p", str(base), "-U", "postgres",
                        DATABASE], check=True, capture_output=True, env={**os.environ, "PGSSLMODE": "disable"})
        bouncer.start()
        tls_bouncer.start()
        store = keystore(work)
        for way in ways:
            relays[way] = start_relay(way, base + 3 + WAYS.index(way), base, store, args.java_opts)
        route = lambda name, port, ssl: Route(name, name, "127.0.0.1", port, "postgres", None, ssl, DATABASE)
        paths = [(route("direct", base, "disable"), None), (route("pgbouncer", base + 1, "disable"), bouncer.pid()),
                 (route("pgbouncer-tls", base + 2, "require"), tls_bouncer.pid())]
        paths += [(route(way, base + 3 + WAYS.index(way), "require" if way.endswith("tls") else "disable"), relays[way].pid)
                  for way in ways]
        say("warming up every path (10 s each)")
        for path, pid in paths:
            run_pgbench(path, "select-only", args.clients, 10, 0, pid)
        results: dict[str, list] = {path.name: [] for path, _ in paths}
        for round_number in range(1, args.rounds + 1):
            for path, pid in paths:
                run = run_pgbench(path, "select-only", args.clients, args.seconds, round_number, pid)
                if run.error:
                    raise RuntimeError(f"{path.name}: {run.error}")
                results[path.name].append(run)
                say(f"round {round_number} {path.name}: {run.tps:,.0f} tps, "
                    + (f"{run.proxy_cpu_us_per_tx:.1f} us of relay CPU per transaction" if run.proxy_cpu_us_per_tx else "-"))
        report(args, results, os.getloadavg())
    finally:
        for process in relays.values():
            stop_process(process, "relay")
        bouncer.stop()
        tls_bouncer.stop()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(args: argparse.Namespace, results: dict[str, list], load: tuple[float, float, float]) -> None:
    lines = [f"# The relay floor, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC", "",
             f"`bench/relay-floor --clients {args.clients} --seconds {args.seconds} --rounds {args.rounds}"
             + (f" --ways {args.ways}" if args.ways != ",".join(WAYS) else "")
             + (f" --java-opts '{args.java_opts}'" if args.java_opts else "") + f"`; load average at the end "
             f"{load[0]:.1f}. Medians of the rounds (range in brackets).", "",
             "| path | tps | relay CPU per transaction |", "|---|---:|---:|"]
    for name, runs in results.items():
        tps = [r.tps for r in runs]
        cpu = [r.proxy_cpu_us_per_tx for r in runs if r.proxy_cpu_us_per_tx is not None]
        cpu_text = f"{statistics.median(cpu):.1f} us ({min(cpu):.1f}-{max(cpu):.1f})" if cpu else "-"
        lines.append(f"| {name} | {statistics.median(tps):,.0f} ({min(tps):,.0f}-{max(tps):,.0f}) | {cpu_text} |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = REPO / "bench" / "results" / f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d-%H%M}-relay-floor.md"
    out.write_text(text)
    say(f"written {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
