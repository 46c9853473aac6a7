"""The MySQL phase: sysbench's point select direct to MariaDB and through the Tracegate MySQL gateway, interleaved.

A MariaDB server of the run's own (Debian's mariadbd, as root with --user=root, a data directory
under the work directory) holds sysbench's table of 10,000 rows; one gateway with recording and
the evidence log on serves it on its MySQL listener, over TLS and, from loopback, without. Each
round visits every concurrency and, for each, every path in an order rotated from round to
round, as the pgbench phase does.

sysbench rather than mysqlslap: mysqlslap opens its control connection without a database, and
the gateway is told which connection a caller wants by the database of its log-in, so mysqlslap
cannot sign in through it.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import statistics
import subprocess
from pathlib import Path

from process_cpu import CpuMeter, settle
from progress import say
from services import TracegateGateway, require_free, stop_process, wait_for_port

DATABASE = "bench"
UPSTREAM_USER = "bench_gw"
ROWS = 10_000
# sysbench's oltp_point_select: one SELECT c FROM sbtest1 WHERE id = <random> per event, in autocommit.
WORKLOAD = ["oltp_point_select", "--tables=1", f"--table-size={ROWS}", "--db-ps-mode=disable"]
# The ports of the phase, from --port-base + PORT_OFFSET on: MariaDB, the gateway's MySQL listener, its API.
PORT_OFFSET = 30


class MariaDbServer:
    """A throw-away MariaDB server: its own data directory, a loopback port and a socket of its own."""

    def __init__(self, work: Path, port: int):
        self.dir = work / "mariadb"
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def socket(self) -> Path:
        return self.dir / "mariadb.sock"

    def start(self) -> None:
        require_free(self.port)
        data = self.dir / "data"
        self.dir.mkdir(parents=True)
        subprocess.run(["mariadb-install-db", "--no-defaults", "--user=root", f"--datadir={data}",
                        "--auth-root-authentication-method=normal", "--skip-test-db"],
                       check=True, capture_output=True, text=True, timeout=300)
        self.process = subprocess.Popen(
            ["mariadbd", "--no-defaults", "--user=root", f"--datadir={data}", f"--port={self.port}",
             "--bind-address=127.0.0.1", f"--socket={self.socket}", f"--pid-file={self.dir / 'mariadb.pid'}",
             f"--log-error={self.dir / 'error.log'}", "--skip-name-resolve", "--innodb-buffer-pool-size=128M",
             "--skip-log-bin", "--max-connections=500"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, 120, self.process)

    def sql(self, text: str) -> str:
        """Runs statements as root over the socket; a failure says the server's words, not the statements (a password)."""
        result = subprocess.run(["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-N", "-B", "-e", text],
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"mariadb: {result.stderr.strip()}")
        return result.stdout

    def version(self) -> str:
        return self.sql("SELECT VERSION()").strip()

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, "mariadbd", grace=60)


@dataclasses.dataclass(frozen=True)
class MysqlPath:
    """One way for sysbench to reach the benchmark database."""

    name: str
    label: str
    port: int
    user: str
    password: str
    tls: bool
    note: str = ""

    def arguments(self) -> list[str]:
        return ["--db-driver=mysql", "--mysql-host=127.0.0.1", f"--mysql-port={self.port}", f"--mysql-user={self.user}",
                f"--mysql-password={self.password}", f"--mysql-db={DATABASE}", f"--mysql-ssl={'on' if self.tls else 'off'}"]


@dataclasses.dataclass
class SysbenchRun:
    path: str
    clients: int
    round: int
    seconds: int
    queries: int | None = None
    queries_per_second: float | None = None
    latency_ms: float | None = None
    proxy_cpu_us_per_query: float | None = None
    error: str | None = None


def sysbench_tls_files(directory: Path, gateway: TracegateGateway) -> Path:
    """What sysbench 1.0's --mysql-ssl=on loads from its working directory: a CA (the gateway's own certificate), and a
    client key and certificate (a throw-away pair; the gateway asks for none). Returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    tls = gateway.dir / "tls"
    subprocess.run(["openssl", "pkcs12", "-in", str(tls / "gateway.p12"), "-nokeys", "-passin",
                    f"file:{tls / 'gateway.p12.password'}", "-out", str(directory / "cacert.pem")],
                   check=True, capture_output=True, timeout=60)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                    "-subj", "/CN=sysbench", "-keyout", str(directory / "client-key.pem"), "-out",
                    str(directory / "client-cert.pem")], check=True, capture_output=True, timeout=60)
    return directory


def run_sysbench(path: MysqlPath, clients: int, seconds: int, round_number: int, proxy_pid: int | None,
                 tls_files: Path) -> SysbenchRun:
    """One sysbench run of {seconds} s over {clients} connections; with proxy_pid, the gateway's CPU per query."""
    run = SysbenchRun(path.name, clients, round_number, seconds)
    command = ["sysbench", *WORKLOAD, *path.arguments(), f"--threads={clients}", f"--time={seconds}", "run"]
    try:
        with CpuMeter(proxy_pid) as meter:
            result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 180, cwd=tls_files)
    except subprocess.TimeoutExpired:
        run.error = f"sysbench did not finish within {seconds + 180} s"
        return run
    output = result.stdout + result.stderr
    queries = re.search(r"^\s*queries:\s+(\d+)\s+\(([0-9.]+) per sec\.\)", output, re.MULTILINE)
    latency = re.search(r"^\s*avg:\s+([0-9.]+)", output, re.MULTILINE)
    errors = re.search(r"^\s*ignored errors:\s+(\d+)", output, re.MULTILINE)
    if result.returncode != 0 or queries is None:
        lines = [line.strip() for line in output.splitlines() if "FATAL" in line or "error" in line.lower()]
        run.error = "; ".join(lines[-2:]) or f"exit status {result.returncode}"
        return run
    if errors and int(errors.group(1)) > 0:
        run.error = f"{errors.group(1)} queries failed"
    run.queries = int(queries.group(1))
    run.queries_per_second = float(queries.group(2))
    run.latency_ms = float(latency.group(1)) if latency else None
    if meter.cpu() is not None and run.queries:
        run.proxy_cpu_us_per_query = meter.cpu() * 1e6 / run.queries
    return run


def warm_up(paths: list[MysqlPath], seconds: int, gateway_seconds: int, tls_files: Path) -> None:
    """Every path to steady state first; the gateway's JVM longer, while the JIT compiles its relay and classifier."""
    for path in paths:
        duration = gateway_seconds if path.name.startswith("tracegate") else seconds
        run = run_sysbench(path, 8, duration, 0, None, tls_files)
        status = f"{run.queries_per_second:,.0f} queries/s" if run.queries_per_second else f"FAILED: {run.error}"
        say(f"  warm-up {path.name:<22} 8 clients, {duration} s: {status}")


def measure(paths: list[MysqlPath], client_counts: list[int], rounds: int, seconds: int,
            proxy_pids: dict[str, int], tls_files: Path) -> list[SysbenchRun]:
    runs: list[SysbenchRun] = []
    total = rounds * len(client_counts) * len(paths)
    for round_number in range(1, rounds + 1):
        say(f"sysbench round {round_number}/{rounds}")
        for index, clients in enumerate(client_counts):
            offset = (round_number + index) % len(paths)
            for path in paths[offset:] + paths[:offset]:
                pid = proxy_pids.get(path.name)
                run = run_sysbench(path, clients, seconds, round_number, pid, tls_files)
                # The gateway's storer is still writing this run's events; let it finish before the next path runs.
                settle(pid)
                runs.append(run)
                if run.error:
                    status = f"ERROR {run.error}"
                else:
                    status = f"{run.queries_per_second:>10,.0f} queries/s  {run.latency_ms:7.3f} ms"
                    if run.proxy_cpu_us_per_query is not None:
                        status += f"  gateway CPU {run.proxy_cpu_us_per_query:6.1f} us/query"
                say(f"  [{len(runs):3d}/{total}] {clients:>2} clients  {path.name:<22} {status}")
    return runs


@dataclasses.dataclass
class MysqlSummary:
    path: str
    clients: int
    queries_per_second: float | None
    qps_min: float | None
    qps_max: float | None
    latency_ms: float | None
    proxy_cpu_us_per_query: float | None
    rounds: int
    errors: list[str]
    vs_direct: float | None = None


def summarize(runs: list[SysbenchRun]) -> list[MysqlSummary]:
    """Median over rounds per (path, clients), with each path's ratio to direct."""
    keys = list(dict.fromkeys((r.path, r.clients) for r in runs))
    summaries = []
    for path, clients in keys:
        group = [r for r in runs if (r.path, r.clients) == (path, clients)]
        good = [r for r in group if r.error is None and r.queries_per_second]
        qps = [r.queries_per_second for r in good]
        latency = [r.latency_ms for r in good if r.latency_ms is not None]
        cpu = [r.proxy_cpu_us_per_query for r in good if r.proxy_cpu_us_per_query is not None]
        summaries.append(MysqlSummary(
            path, clients, statistics.median(qps) if qps else None, min(qps) if qps else None, max(qps) if qps else None,
            statistics.median(latency) if latency else None, statistics.median(cpu) if cpu else None, len(group),
            sorted({r.error for r in group if r.error})))
    by_key = {(s.path, s.clients): s for s in summaries}
    for s in summaries:
        direct = by_key.get(("direct", s.clients))
        if direct and direct.queries_per_second and s.queries_per_second:
            s.vs_direct = s.queries_per_second / direct.queries_per_second
    return summaries


def gateway_config(data_dir: Path, port: int, api_port: int, key_file: Path, mariadb_port: int,
                   password_file: Path) -> str:
    return f"""# Written by bench/run for the MySQL phase. Recording and the evidence log are on; the store is the embedded one.
dataDir: {data_dir}
listeners:
  postgres:
    address: 127.0.0.1
    port: 0
  mysql:
    address: 127.0.0.1
    port: {port}
    allowCleartextOnLoopback: true
  api:
    address: 127.0.0.1
    port: {api_port}
store:
  type: h2
evidence:
  origin: tracegate.bench/mysql
identities:
  apiKeys:
    - name: bench
      key: file:{key_file}
      groups: [bench]
      kind: service
connections:
  - name: {DATABASE}
    protocol: mysql
    host: 127.0.0.1
    port: {mariadb_port}
    database: {DATABASE}
    username: {UPSTREAM_USER}
    password: file:{password_file}
    tls: disable
"""


def run_phase(work: Path, port_base: int, java: Path, classpath: str, java_opts: list[str], client_counts: list[int], rounds: int, seconds: int, warm_up_seconds: int,
              gateway_warm_up_seconds: int) -> dict:
    """Starts MariaDB and the gateway, measures every path, stops both; returns the phase's results."""
    mariadb_port, gateway_port, api_port = port_base + PORT_OFFSET, port_base + PORT_OFFSET + 1, port_base + PORT_OFFSET + 2
    mariadb = MariaDbServer(work, mariadb_port)
    key, key_file = secret_file(work / "keys/mysql-bench.key")
    password, password_file = secret_file(work / "keys/mysql-upstream.password")
    gateway = TracegateGateway("mysql-gateway", work, java, classpath,
                               gateway_config(work / "mysql-gateway", gateway_port, api_port, key_file, mariadb_port,
                                              password_file), gateway_port, java_opts)
    phase: dict = {"rounds": rounds, "seconds": seconds, "rows": ROWS, "workload": " ".join(WORKLOAD)}
    try:
        say(f"MySQL: starting MariaDB on port {mariadb_port}")
        mariadb.start()
        mariadb.sql(f"CREATE DATABASE {DATABASE};"
                    f"CREATE USER {UPSTREAM_USER}@'127.0.0.1' IDENTIFIED BY '{password}';"
                    f"GRANT ALL ON {DATABASE}.* TO {UPSTREAM_USER}@'127.0.0.1'"
)
        prepare = subprocess.run(["sysbench", *WORKLOAD, "--db-driver=mysql", f"--mysql-socket={mariadb.socket}",
                                  "--mysql-user=root", f"--mysql-db={DATABASE}", "prepare"],
                                 capture_output=True, text=True, timeout=600)
        if prepare.returncode != 0:
            raise RuntimeError(f"sysbench prepare: {prepare.stdout.strip()[-300:]} {prepare.stderr.strip()[-300:]}")
        phase["server"] = mariadb.version()
        say(f"MySQL: starting Tracegate's MySQL listener on port {gateway_port}")
        gateway.start()
        paths = [
            MysqlPath("direct", "direct (MariaDB itself, no TLS)", mariadb_port, UPSTREAM_USER, password, False),
            MysqlPath("tracegate-tls", "Tracegate MySQL (recording + evidence, TLS)", gateway_port, "bench", key, True,
                      "--mysql-ssl=on (sysbench 1.0 loads cacert.pem, here the gateway's own certificate, and a client"
                      " key pair from its working directory): caching_sha2_password's full authentication over TLS"
                      " carries the token"),
            MysqlPath("tracegate-plain", "Tracegate MySQL (recording + evidence, no TLS)", gateway_port, "bench", key,
                      False, "listeners.mysql.allowCleartextOnLoopback: true; the token through mysql_clear_password"),
        ]
        phase["paths"] = {p.name: p.label for p in paths}
        phase["notes"] = {p.name: p.note for p in paths if p.note}
        pids = {"tracegate-tls": gateway.pid, "tracegate-plain": gateway.pid}
        say(f"MySQL: {len(paths)} paths x clients {','.join(map(str, client_counts))}, {rounds} rounds of {seconds} s")
        tls_files = sysbench_tls_files(work / "sysbench", gateway)
        warm_up(paths, warm_up_seconds, gateway_warm_up_seconds, tls_files)
        runs = measure(paths, client_counts, rounds, seconds, pids, tls_files)
        phase["runs"] = runs
        phase["summary"] = summarize(runs)
    finally:
        gateway.stop()
        mariadb.stop()
    return phase


def secret_file(file: Path) -> tuple[str, Path]:
    """A new random secret, written owner-only to {file}."""
    value = secrets.token_urlsafe(24)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(value + "\n")
    file.chmod(0o600)
    return value, file
