"""bench/pgstore: the path of two gateway nodes on one PostgreSQL store, alone, with what the store does per batch.

Starts the benchmark's PostgreSQL server (same settings as bench/run), two `tracegate serve` nodes
with `store.type: postgresql` on one database of it, and runs `pgbench -S` through both nodes at
once (clients split evenly), as bench/run's tracegate-pgstore route does. Besides TPS and the
gateways' CPU per transaction it reports what the store sees: evidence events and store
transactions per pgbench transaction (so events per write batch), the share of time a node spent
waiting for the other's lock on the log head (sampled from pg_stat_activity), and the PostgreSQL
server's CPU per transaction. Writes bench/results/<date>-pgstore-<label>.md.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import re
import os
import secrets
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pgbench_phase
import profile_phase
from gateway_setup import BENCH, DATABASE, JAVA_HOME, PGSTORE_DATABASE, REPO, gateway_config, gateway_java_opts
from process_cpu import CpuMeter, cpu_seconds, settle
from progress import say
from services import PostgresServer, Route, TracegateGateway


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/pgstore", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_PORT_BASE", "15430")),
                        help="first of the 5 consecutive loopback ports it uses")
    parser.add_argument("--clients", type=int, default=8, help="clients in all, split across the two nodes")
    parser.add_argument("--seconds", type=int, default=20, help="seconds per measured round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warm-up", type=int, default=20, help="seconds of pgbench -S before measuring")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--no-build", action="store_true", help="use the jars in cli/target as they are")
    parser.add_argument("--jars", type=Path, help="measure these jars (a copy of cli/target: tracegate-cli.jar and lib/)"
                                                   " instead of building")
    parser.add_argument("--label", default="run", help="names the results file")
    parser.add_argument("--profile", action="store_true", help="also record node a with JFR in the last round")
    parser.add_argument("--keep-work", action="store_true", help="keep the scratch directory (the nodes' logs)")
    return parser.parse_args()


def build() -> None:
    env = {**os.environ, "JAVA_HOME": str(JAVA_HOME), "PATH": f"{JAVA_HOME}/bin:{os.environ['PATH']}"}
    say("building Tracegate (./mvnw -q -B -o package -DskipTests -pl cli -am)")
    subprocess.run(["./mvnw", "-q", "-B", "-o", "package", "-DskipTests", "-pl", "cli", "-am"], cwd=REPO, env=env,
                   check=True)


def snapshot_jars(work: Path, source: Path) -> str:
    """A copy of the jars, so a rebuild during the run cannot change the gateways under measurement."""
    snapshot = work / "tracegate-jars"
    (snapshot / "lib").mkdir(parents=True)
    shutil.copy2(source / "tracegate-cli.jar", snapshot / "tracegate-cli.jar")
    for lib in (source / "lib").iterdir():
        shutil.copy2(lib, snapshot / "lib" / lib.name)
    return f"{snapshot}/tracegate-cli.jar:{snapshot}/lib/*"


def postgres_pids(server: PostgresServer) -> tuple[int, ...]:
    """The postmaster and every backend it started: the server's CPU, whatever it works for."""
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
    return (postmaster, *map(int, children))


def server_cpu(server: PostgresServer) -> float:
    return sum(cpu_seconds(pid) or 0.0 for pid in postgres_pids(server))


class LockWaitSampler:
    """Samples, every few milliseconds, how many store connections wait for a lock (the log head's row)."""

    def __init__(self, server: PostgresServer):
        self.server = server
        self.samples = 0
        self.waiting = 0
        self.busy = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "LockWaitSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        # One psql reading in a loop: \watch would print per sample; a generate_series with pg_sleep keeps one backend.
        sql = (f"SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FILTER (WHERE state = 'active')"
               f" FROM pg_stat_activity WHERE datname = '{PGSTORE_DATABASE}'")
        process = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", str(self.server.port),
                                    "-U", "postgres", "-d", "postgres"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True, env={**os.environ, "PGSSLMODE": "disable"}, bufsize=1)
        try:
            while not self._stop.is_set():
                process.stdin.write(sql + ";\n")
                line = process.stdout.readline().strip()
                waiting, busy = (int(v) for v in line.split("|"))
                self.samples += 1
                self.waiting += waiting
                self.busy += busy
                time.sleep(0.005)
        finally:
            process.stdin.close()
            process.wait(10)

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        return (f"{self.waiting / self.samples:.2f} store connections waiting for a lock, "
                f"{self.busy / self.samples:.2f} active, on average over {self.samples} samples")


def thread_cpu(pid: int) -> collections.Counter:
    """CPU seconds per thread name (digits dropped, so a pool's threads add up), from /proc."""
    used: collections.Counter = collections.Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            text = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name = re.sub(r"[0-9]+", "#", text[text.index("(") + 1:text.rindex(")")])
        fields = text.rsplit(")", 1)[1].split()
        used[name] += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def store_counters(server: PostgresServer) -> tuple[int, int, int]:
    """(evidence events in the log, transactions committed and rolled back in the store's database)."""
    events = int(server.psql("SELECT tree_size FROM log_head WHERE id = 1", PGSTORE_DATABASE).strip())
    commits, rollbacks = server.psql(f"SELECT xact_commit, xact_rollback FROM pg_stat_database"
                                     f" WHERE datname = '{PGSTORE_DATABASE}'").strip().split("|")
    return events, int(commits), int(rollbacks)


def main() -> int:
    args = parse_args()
    started = datetime.datetime.now().astimezone()
    work = Path(f"/tmp/tracegate-pgstore-{started:%Y%m%d-%H%M%S}")
    work.mkdir(parents=True)
    os.chmod(work, 0o755)
    if not args.no_build and not args.jars:
        build()
    classpath = snapshot_jars(work, args.jars or REPO / "cli/target")
    ports = {name: args.port_base + i for i, name in enumerate(("postgres", "a", "a-api", "b", "b-api"))}
    server = PostgresServer(work, ports["postgres"], max_connections=200)
    gateways: list[TracegateGateway] = []
    lines: list[str] = []
    try:
        say(f"starting PostgreSQL on port {ports['postgres']}")
        server.start()
        server.psql(f"CREATE DATABASE {DATABASE}")
        server.psql(f"CREATE DATABASE {PGSTORE_DATABASE}")
        subprocess.run(["pgbench", "-i", "-q", "-s", str(args.scale), "-h", "127.0.0.1", "-p", str(ports["postgres"]),
                        "-U", "postgres", DATABASE], check=True, capture_output=True, env={**os.environ, "PGSSLMODE": "disable"})
        key = secrets.token_urlsafe(32)
        key_file = work / "keys/bench.key"
        key_file.parent.mkdir(parents=True)
        key_file.write_text(key + "\n")
        key_file.chmod(0o600)
        for node in ("a", "b"):
            signing_key = work / "pgstore-a/keys/log.key" if node == "b" else None
            config = gateway_config(work / f"pgstore-{node}", ports[node], ports[f"{node}-api"], key_file, ports["postgres"],
                                    pgstore=True, signing_key=signing_key)
            gateway = TracegateGateway(f"pgstore-{node}", work, JAVA_HOME / "bin/java", classpath, config, ports[node],
                                       gateway_java_opts().split())
            say(f"starting node {node} on port {ports[node]}")
            gateway.start()
            gateways.append(gateway)
        route = Route("tracegate-pgstore", "2 nodes on one PostgreSQL store", "127.0.0.1", ports["a"], "bench", key,
                      "require", DATABASE, more_ports=(ports["b"],))
        pids = tuple(g.pid for g in gateways)
        say(f"warm-up: {args.warm_up} s")
        warm = pgbench_phase.run_pgbench(route, "select-only", args.clients, args.warm_up, 0)
        say(f"  {warm.tps or 0:,.0f} tps {warm.error or ''}")
        lines.append(f"# bench/pgstore {args.label}: {started:%Y-%m-%d %H:%M}, `pgbench -S`, {args.clients} clients in all,"
                     f" {args.seconds} s rounds, git {git_head()}")
        lines.append("")
        for round_number in range(1, args.rounds + 1):
            settle(pids)
            load = Path("/proc/loadavg").read_text().split()[:3]
            events_before, commits_before, rollbacks_before = store_counters(server)
            server_before = server_cpu(server)
            meters = [CpuMeter(pid) for pid in pids]
            for meter in meters:
                meter.__enter__()
            threads_before = thread_cpu(pids[0])
            profiled = args.profile and round_number == args.rounds
            recording = work / "node-a.jfr"
            if profiled:
                subprocess.run([str(JAVA_HOME / "bin/jcmd"), str(pids[0]), "JFR.start", "name=pgstore", "settings=profile",
                                f"filename={recording}"], capture_output=True, check=True)
            with LockWaitSampler(server) as sampler:
                run = pgbench_phase.run_pgbench(route, "select-only", args.clients, args.seconds, round_number, pids)
            if profiled:
                subprocess.run([str(JAVA_HOME / "bin/jcmd"), str(pids[0]), "JFR.stop", "name=pgstore"], capture_output=True)
            threads = thread_cpu(pids[0])
            threads.subtract(threads_before)
            for meter in meters:
                meter.__exit__()
            server_used = server_cpu(server) - server_before
            events_after, commits_after, rollbacks_after = store_counters(server)
            tx = run.transactions or 1
            events = events_after - events_before
            commits = commits_after - commits_before
            rollbacks = rollbacks_after - rollbacks_before
            per_node = ", ".join(f"{m.cpu() * 1e6 / tx:.0f}" for m in meters)
            lines += [
                f"## round {round_number} (load average before: {' '.join(load)})",
                "",
                f"- {run.tps or 0:,.0f} tps, latency {run.latency_ms or 0:.3f} ms, {run.transactions} transactions"
                f"{', error: ' + run.error if run.error else ''}",
                f"- gateway CPU per transaction: {run.proxy_cpu_us_per_tx or 0:.0f} us (nodes: {per_node} us)",
                f"- PostgreSQL server CPU per transaction (pgbench's queries and the store's writes): "
                f"{server_used * 1e6 / tx:.0f} us",
                f"- store: {events} evidence events ({events / tx:.2f} per transaction); store transactions (reads of the"
                f" log head without a lock included): {commits} committed ({commits / tx:.3f} per pgbench transaction),"
                f" {rollbacks} rolled back (a batch that found the head moved)",
                f"- lock waits: {sampler.summary()}",
                "- node a's threads, CPU per transaction: " + ", ".join(
                    f"{name} {seconds * 1e6 / tx:.0f} us" for name, seconds in threads.most_common(8) if seconds > 0),
                "",
            ]
            if profiled and recording.exists():
                summary = profile_phase.summarize_recording(recording, JAVA_HOME)
                lines += ["node a's JFR profile (share of CPU samples):", ""]
                for key in ("tracegate_frames", "top_frames"):
                    lines += [f"- {key}: " + "; ".join(f"{f['frame']} {f['percent']}%" for f in summary.get(key, []))]
                lines.append("")
            say("\n".join(lines[-14:]))
    finally:
        for gateway in gateways:
            gateway.stop()
        server.stop()
    out = BENCH / "results" / f"{started:%Y-%m-%d}-pgstore-{args.label}.md"
    out.write_text("\n".join(lines) + "\n")
    say(f"results: {out.relative_to(REPO)}")
    if args.keep_work:
        say(f"scratch directory kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def git_head() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True,
                           text=True).stdout.strip()
    return result.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


if __name__ == "__main__":
    raise SystemExit(main())
