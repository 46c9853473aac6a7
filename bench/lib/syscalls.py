"""bench/syscalls: system calls and context switches per statement (or HTTP request) through the gateway.

Starts the bench's PostgreSQL (pgbench scale 1), MariaDB (sysbench's oltp_point_select table) or JSON upstream,
then a Tracegate gateway from each jar given (default: the jars last built, cli/target), warms it up, and while a
fixed workload runs counts the gateway process's system calls by name (`strace -c -f -p`) and then, over a second,
four times longer run without strace, its context switches and system calls (`perf stat -p`). Each count is divided
by the statements the client sent (wrk: the requests it counted). Several jars are measured in turn, round after
round, against the same database, so that two builds can be compared on a loaded machine: the counts barely depend
on load, unlike throughput. As root (PostgreSQL runs as the postgres user; strace and perf attach to the gateway).
Writes bench/results/<date>-syscalls[-label].md and .json. Method: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import account_phase
import http_phase
import mysql_phase
from gateway_setup import BENCH, DATABASE, JAVA_HOME, REPO, gateway_config, gateway_java_opts, modified
from http_services import HTTP_POLICY, UPSTREAM_TOKEN, JsonUpstream, http_gateway_config
from progress import say
from services import PostgresServer, TracegateGateway

JAVA = JAVA_HOME / "bin/java"
CLIENTS = 8
#: The perf run is this many times longer than the strace run: strace slows the gateway, perf hardly does.
PERF_FACTOR = 4
PROTOCOLS = ("postgres", "mysql", "http")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/syscalls", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--protocol", default="postgres", choices=PROTOCOLS,
                        help="postgres (pgbench -S over TLS), mysql (sysbench oltp_point_select) or http (wrk GET 1 KiB)")
    parser.add_argument("--jar", action="append", default=[], metavar="[LABEL=]PATH",
                        help="a tracegate-cli.jar with its lib/ beside it; repeat to count builds in turn"
                             " (default: cli/target/tracegate-cli.jar as last built, copied first)")
    parser.add_argument("--java-opts", action="append", default=[], metavar="LABEL=OPTIONS",
                        help="JVM options added to the shipped ones for the build of that label (repeat per label;"
                             " give one jar twice under two labels to compare options)")
    parser.add_argument("--statements", type=int, default=40_000,
                        help="statements under strace (default 40000; the perf run sends 4 times as many)")
    parser.add_argument("--seconds", type=int, default=20,
                        help="http only: seconds of wrk under strace (default 20; the perf run 4 times as long);"
                             " wrk runs for a time, and the requests it counted are the divisor")
    parser.add_argument("--rounds", type=int, default=1, help="rounds over every jar (default 1)")
    parser.add_argument("--warm-up", type=int, default=60, metavar="SECONDS", help="warm-up per gateway (default 60)")
    parser.add_argument("--label", default="", help="appended to the results file's name")
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_SYSCALLS_PORT_BASE", "15490")),
                        help="first of 4 consecutive loopback ports (default 15490)")
    parser.add_argument("--keep-work", action="store_true", help="keep the scratch directory")
    return parser.parse_args()


def jar_sets(args: argparse.Namespace, work: Path) -> list[tuple[str, str]]:
    """(label, classpath) of each build to count. The default jars are copied so that a rebuild cannot change them."""
    args.jar_given = bool(args.jar)
    if not args.jar:
        if not (REPO / "cli/target/tracegate-cli.jar").is_file():
            raise SystemExit("bench/syscalls: no cli/target/tracegate-cli.jar; build first"
                             " (./mvnw -q -B -o package -DskipTests -pl cli -am) or give --jar")
        snapshot = work / "tracegate-jars"
        shutil.copytree(REPO / "cli/target/lib", snapshot / "lib")
        shutil.copy2(REPO / "cli/target/tracegate-cli.jar", snapshot)
        args.jar = [f"built={snapshot / 'tracegate-cli.jar'}"]
    sets = []
    for number, given in enumerate(args.jar, 1):
        label, _, path = given.rpartition("=")
        jar = Path(path).resolve()
        if not jar.is_file() or not (jar.parent / "lib").is_dir():
            raise SystemExit(f"bench/syscalls: {jar} is not a jar with a lib/ directory beside it")
        sets.append((label or f"jar{number}", f"{jar}:{jar.parent}/lib/*"))
    return sets


class Counter:
    """strace -c -f, then perf stat, attached to one gateway process while a workload runs."""

    def __init__(self, out_dir: Path, pid: int, name: str):
        self.out_dir, self.pid, self.name = out_dir, pid, name

    def strace(self, workload) -> tuple[int, dict[str, int]]:
        output = self.out_dir / f"{self.name}-strace.txt"
        tracer = subprocess.Popen(["strace", "-c", "-f", "-o", str(output), "-p", str(self.pid)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)  # strace attaches to every thread before the first statement
        units = workload()
        time.sleep(1)
        tracer.send_signal(signal.SIGINT)
        tracer.wait(timeout=120)
        return units, strace_counts(output.read_text())

    def perf(self, workload) -> tuple[int, dict[str, int]]:
        output = self.out_dir / f"{self.name}-perf.txt"
        counter = subprocess.Popen(["perf", "stat", "-e", "context-switches,raw_syscalls:sys_enter", "-o", str(output),
                                    "-p", str(self.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        units = workload()
        time.sleep(0.5)
        counter.send_signal(signal.SIGINT)
        counter.wait(timeout=60)
        return units, perf_counts(output.read_text())


def strace_counts(text: str) -> dict[str, int]:
    """The calls column of `strace -c`, by system call name."""
    calls = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
            calls[parts[-1]] = int(parts[3])
    return calls


def perf_counts(text: str) -> dict[str, int]:
    counts = {}
    for name in ("context-switches", "raw_syscalls:sys_enter"):
        found = re.search(r"^\s*([\d,]+)\s+" + re.escape(name), text, re.MULTILINE)
        if found:
            counts[name] = int(found.group(1).replace(",", ""))
    return counts


class Postgres:
    """pgbench -S, 8 clients, sslmode=require, against the bench's PostgreSQL through the gateway."""

    unit = "statement"

    def __init__(self, work: Path, ports: list[int]):
        self.work, self.ports = work, ports
        self.server = PostgresServer(work, ports[0], max_connections=100)
        self.key, self.key_file = account_phase.new_key(work, "syscalls")

    def start(self) -> None:
        say(f"PostgreSQL on port {self.ports[0]}, pgbench -i -s 1")
        self.server.start()
        self.server.psql(f"CREATE DATABASE {DATABASE}")
        subprocess.run(["pgbench", "-i", "-q", "-s", "1", "-h", "127.0.0.1", "-p", str(self.ports[0]), "-U", "postgres",
                        DATABASE], check=True, capture_output=True, env={**os.environ, "PGSSLMODE": "disable"})

    def gateway(self, name: str, classpath: str, extra_opts: list[str]) -> TracegateGateway:
        return TracegateGateway(name, self.work, JAVA, classpath,
                                gateway_config(self.work / name / "data", self.ports[1], self.ports[2], self.key_file,
                                               self.ports[0]), self.ports[1], [*gateway_java_opts().split(), *extra_opts])

    def run(self, statements: int = 0, seconds: int = 0) -> int:
        timing = ["-T", str(seconds)] if seconds else ["-t", str(max(1, statements // CLIENTS))]
        env = account_phase.environment_for(self.ports[1], self.key, "require", DATABASE)
        subprocess.run(["pgbench", "-n", "-S", "-c", str(CLIENTS), "-j", "2", *timing], env=env, check=True,
                       capture_output=True, timeout=1800)
        return 0 if seconds else CLIENTS * max(1, statements // CLIENTS)

    def stop(self) -> None:
        self.server.stop()


class Mysql:
    """sysbench oltp_point_select, 8 threads, plain MySQL protocol, against the bench's MariaDB through the gateway."""

    unit = "statement"

    def __init__(self, work: Path, ports: list[int]):
        self.work, self.ports = work, ports
        self.server = mysql_phase.MariaDbServer(work, ports[0])
        self.key, self.key_file = mysql_phase.secret_file(work / "keys/bench.key")
        self.password, self.password_file = mysql_phase.secret_file(work / "keys/upstream.password")
        self.client_dir = work / "sysbench"
        self.client_dir.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        say(f"MariaDB on port {self.ports[0]}, sysbench prepare")
        self.server.start()
        self.server.sql(f"CREATE DATABASE {mysql_phase.DATABASE};"
                        f"CREATE USER {mysql_phase.UPSTREAM_USER}@'127.0.0.1' IDENTIFIED BY '{self.password}';"
                        f"GRANT ALL ON {mysql_phase.DATABASE}.* TO {mysql_phase.UPSTREAM_USER}@'127.0.0.1'")
        subprocess.run(["sysbench", *mysql_phase.WORKLOAD, "--db-driver=mysql", f"--mysql-socket={self.server.socket}",
                        "--mysql-user=root", f"--mysql-db={mysql_phase.DATABASE}", "prepare"], check=True,
                       capture_output=True)

    def gateway(self, name: str, classpath: str, extra_opts: list[str]) -> TracegateGateway:
        return TracegateGateway(name, self.work, JAVA, classpath,
                                mysql_phase.gateway_config(self.work / name / "data", self.ports[1], self.ports[2],
                                                           self.key_file, self.ports[0], self.password_file),
                                self.ports[1], [*gateway_java_opts().split(), *extra_opts])

    def run(self, statements: int = 0, seconds: int = 0) -> int:
        # libmariadb loads mysql_clear_password racily when threads connect at once: try again.
        for attempt in range(8):
            try:
                return self.run_once(statements, seconds)
            except RuntimeError as e:
                if "already loaded" not in str(e) or attempt == 7:
                    raise
                time.sleep(1)
        raise AssertionError("unreachable")

    def run_once(self, statements: int, seconds: int) -> int:
        path = mysql_phase.MysqlPath("tracegate-plain", "plain", self.ports[1], "bench", self.key, False)
        out = subprocess.run(["sysbench", *mysql_phase.WORKLOAD, *path.arguments(), f"--threads={CLIENTS}",
                              f"--events={statements}", f"--time={seconds}", "run"], capture_output=True, text=True,
                             cwd=self.client_dir, timeout=1800)
        text = out.stdout + out.stderr
        queries = re.search(r"^\s*queries:\s+(\d+)", text, re.MULTILINE)
        if out.returncode != 0 or not queries:
            raise RuntimeError(text[-800:])
        return int(queries.group(1))

    def stop(self) -> None:
        self.server.stop()


class Http:
    """wrk GET /json/1k, 8 connections, recorded, from the JSON upstream through the gateway. wrk runs for a time,
    not a count: the requests it counted are the divisor."""

    unit = "request"
    def __init__(self, work: Path, ports: list[int], seconds: int, statements: int):
        self.seconds, self.statements = seconds, statements
        self.work, self.ports = work, ports
        self.token, self.key_file = http_phase.new_token(work)
        self.upstream_token = work / "keys/http-upstream.token"
        self.upstream_token.write_text(UPSTREAM_TOKEN + "\n")
        self.policy = work / "http-policy.yaml"
        self.policy.write_text(HTTP_POLICY)
        self.upstream = None

    def start(self) -> None:
        pass  # the upstream is started with the first gateway: it runs from that build's jars

    def gateway(self, name: str, classpath: str, extra_opts: list[str]) -> TracegateGateway:
        if self.upstream is None:
            say(f"the JSON upstream on port {self.ports[0]}")
            self.upstream = JsonUpstream(self.work, self.ports[0], JAVA, Path(classpath.split(":")[0]).parent)
            self.upstream.start()
        return TracegateGateway(name, self.work, JAVA, classpath,
                                http_gateway_config(self.work / name, self.ports[1], self.ports[2], self.key_file,
                                                    self.ports[0], self.upstream_token, self.policy),
                                self.ports[1], [*gateway_java_opts().split(), *extra_opts])

    def run(self, statements: int = 0, seconds: int = 0) -> int:
        # A measured run is given statements (the strace run's count, or PERF_FACTOR times it): the same ratio in time.
        seconds = seconds or self.seconds * max(1, round(statements / self.statements))
        out = subprocess.run(["wrk", "-t2", f"-c{CLIENTS}", f"-d{seconds}s", "--timeout", "10s",
                              "-s", str(BENCH / "http/wrk.lua"), "-H", f"Authorization: Bearer {self.token}",
                              f"http://127.0.0.1:{self.ports[1]}/json/1k"],
                             env={"BENCH_POST_BODY": "", "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                             timeout=seconds + 120)
        line = next((l for l in out.stdout.splitlines() if l.startswith("BENCH ")), None)
        if out.returncode != 0 or line is None:
            raise RuntimeError((out.stdout + out.stderr)[-800:])
        figures = json.loads(line[6:])
        if any(figures["errors"].values()):
            raise RuntimeError(f"wrk counted errors: {figures['errors']}")
        return figures["requests"]

    def stop(self) -> None:
        if self.upstream is not None:
            self.upstream.stop()


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU of a process, every thread, from /proc (fields 14 and 15 of stat, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds per thread name (digits dropped, so a pool's threads add up), from /proc/<pid>/task."""
    used: dict[str, float] = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            text = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name = re.sub(r"[0-9]+", "#", text[text.index("(") + 1:text.rindex(")")])
        fields = text.rsplit(")", 1)[1].split()
        used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def extra_java_opts(args: argparse.Namespace) -> dict[str, list[str]]:
    """--java-opts LABEL=OPTIONS, by label."""
    extra = {}
    for given in args.java_opts:
        label, _, options = given.partition("=")
        extra.setdefault(label, []).extend(options.split())
    return extra


def measure(target, label: str, classpath: str, round_no: int, args: argparse.Namespace, out_dir: Path) -> dict:
    name = f"gw-{label}-{round_no}"
    gateway = target.gateway(name, classpath, extra_java_opts(args).get(label, []))
    say(f"{label} round {round_no}: gateway on port {target.ports[1]}, warming up {args.warm_up} s")
    gateway.start()
    try:
        target.run(seconds=args.warm_up)
        counter = Counter(out_dir, gateway.pid, name)
        say(f"{label} round {round_no}: {workload_size(args, target, 1)} under strace -c -f")
        strace_units, calls = counter.strace(lambda: target.run(statements=args.statements))
        say(f"{label} round {round_no}: {workload_size(args, target, PERF_FACTOR)} under perf stat")
        cpu_before, threads_before = process_cpu_seconds(gateway.pid), thread_cpu_seconds(gateway.pid)
        perf_units, perf = counter.perf(lambda: target.run(statements=PERF_FACTOR * args.statements))
        cpu = process_cpu_seconds(gateway.pid) - cpu_before
        threads = {name: used - threads_before.get(name, 0.0) for name, used in thread_cpu_seconds(gateway.pid).items()}
    finally:
        gateway.stop()
    row = {"jar": label, "round": round_no, "strace_units": strace_units, "perf_units": perf_units,
           "syscalls": round(sum(calls.values()) / strace_units, 2),
           "by_name": {k: round(v / strace_units, 2) for k, v in sorted(calls.items(), key=lambda kv: -kv[1])},
           "perf_syscalls": round(perf.get("raw_syscalls:sys_enter", 0) / perf_units, 2) if perf_units else None,
           "context_switches": round(perf.get("context-switches", 0) / perf_units, 2) if perf_units else None,
           "cpu_us": round(cpu * 1e6 / perf_units, 1) if perf_units else None,
           "cpu_us_by_thread": {name: round(used * 1e6 / perf_units, 1) for name, used in
                                sorted(threads.items(), key=lambda kv: -kv[1]) if used > 0} if perf_units else {},
           "load_average": Path("/proc/loadavg").read_text().split()[0]}
    top = ", ".join(f"{k} {v:.2f}" for k, v in list(row["by_name"].items())[:8])
    say(f"{label} round {round_no}: {row['syscalls']:.2f} system calls per {target.unit} ({top});"
        f" perf: {row['perf_syscalls']} system calls, {row['context_switches']} context switches, {row['cpu_us']} us"
        f" of gateway CPU per {target.unit} (load {row['load_average']}); by thread: "
        + ", ".join(f"{k} {v}" for k, v in list(row["cpu_us_by_thread"].items())[:8]))
    return row


def workload_size(args: argparse.Namespace, target, factor: int) -> str:
    if isinstance(target, Http):
        return f"{factor * args.seconds} s of wrk"
    return f"{factor * args.statements} {target.unit}s"


def markdown(results: dict) -> str:
    unit = results["unit"]
    names = []
    for row in results["rows"]:
        names += [n for n in list(row["by_name"])[:8] if n not in names]
    lines = [f"# System calls per {unit}: {results['protocol']} ({results['workload']})", "",
             f"Started {results['started']}, commit {results['commit']}, load average at start"
             f" {' '.join(results['load_average_start'])}. strace -c -f over {results['size']}, then perf"
             f" stat over {PERF_FACTOR} times as many, on the gateway process; counts divided by the {unit}s the"
             f" client counted (strace_units, perf_units in the .json). Gateway CPU is the process's over the perf"
             f" run, every thread (JIT and GC included), and moves with the machine's load (the load average"
             f" after each row). Made by bench/syscalls.", "",
             f"| jar | round | system calls (strace) | {' | '.join(names)} | system calls (perf) | context switches"
             f" | gateway CPU (us) | load |",
             "|---|---:|---:|" + "---:|" * len(names) + "---:|---:|---:|---:|"]
    for row in results["rows"]:
        cells = " | ".join(f"{row['by_name'].get(n, 0):.2f}" for n in names)
        lines.append(f"| {row['jar']} | {row['round']} | {row['syscalls']:.2f} | {cells} | {row['perf_syscalls']}"
                     f" | {row['context_switches']} | {row.get('cpu_us')} | {row.get('load_average')} |")
    lines += ["", f"Gateway CPU per {unit} by thread (us, the perf run; threads that ended are not counted):", ""]
    for row in results["rows"]:
        lines.append(f"- {row['jar']} round {row['round']}: "
                     + ", ".join(f"{k} {v}" for k, v in list(row.get("cpu_us_by_thread", {}).items())[:10]))
    lines += ["", "Jars: " + "; ".join(f"{label} = {path}" for label, path in results["jars"].items())]
    if results.get("java_opts"):
        lines += ["", "JVM options added: " + "; ".join(f"{label}: {' '.join(opts)}"
                                                       for label, opts in results["java_opts"].items())]
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    args = parse_args()
    started = datetime.datetime.now().astimezone()
    work = Path(f"/tmp/tracegate-syscalls-{started:%Y%m%d-%H%M%S}-{os.getpid()}")
    work.mkdir(parents=True)
    os.chmod(work, 0o755)
    out_dir = work / "counts"
    out_dir.mkdir()
    ports = [args.port_base + i for i in range(4)]
    sets = jar_sets(args, work)
    target = Http(work, ports, args.seconds, args.statements) if args.protocol == "http" else \
        {"postgres": Postgres, "mysql": Mysql}[args.protocol](work, ports)
    workload = {"postgres": "pgbench -S, 8 clients, TLS", "mysql": "sysbench oltp_point_select, 8 threads",
                "http": "wrk GET /json/1k, 8 connections, recorded"}[args.protocol]
    results = {"started": started.isoformat(timespec="seconds"), "protocol": args.protocol, "workload": workload,
               "unit": target.unit, "statements": args.statements, "size": workload_size(args, target, 1),
               "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                        text=True).stdout.strip(),
               "load_average_start": Path("/proc/loadavg").read_text().split()[:3],
               "jars": {label: classpath.split(":")[0] for label, classpath in sets},
               "java_opts": extra_java_opts(args), "rows": []}
    if not args.jar_given:  # the copy is deleted with the scratch directory: say what it was a copy of
        results["jars"] = {"built": "cli/target/tracegate-cli.jar, built " + modified(REPO / "cli/target/tracegate-cli.jar")}
    try:
        target.start()
        for round_no in range(1, args.rounds + 1):
            for label, classpath in sets:
                results["rows"].append(measure(target, label, classpath, round_no, args, out_dir))
    finally:
        target.stop()
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    name = f"{started:%Y-%m-%d}-syscalls-{args.protocol}" + (f"-{args.label}" if args.label else "")
    (BENCH / "results" / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    (BENCH / "results" / f"{name}.md").write_text(markdown(results))
    say(f"wrote bench/results/{name}.md and .json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
