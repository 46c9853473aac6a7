"""The processes a benchmark run starts: PostgreSQL, pgbouncer, haproxy and Tracegate gateways.

Every process is started by this run, in its own work directory, on its own port, and stopped
by its pid when the run ends. Nothing touches a system-wide service.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable

from progress import say


@dataclasses.dataclass(frozen=True)
class Route:
    """One way for a client to reach the benchmark database."""

    name: str          # stable key used in JSON, e.g. "tracegate-tls"
    label: str         # what the report prints
    host: str
    port: int
    user: str
    password: str | None
    sslmode: str       # libpq sslmode for psql/pgbench; "disable" or "require"
    database: str
    note: str = ""
    # Run before each measurement through this route (e.g. switching the gateway's policy); never in the report.
    prepare: Callable[[], None] | None = dataclasses.field(default=None, compare=False, repr=False)
    # Further ports serving the same path (gateway nodes sharing one store): clients are split evenly across all.
    more_ports: tuple[int, ...] = ()

    def nodes(self) -> list["Route"]:
        """This route once per node, each with its own port."""
        return [self] + [dataclasses.replace(self, port=port, more_ports=()) for port in self.more_ports]

    def libpq_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(PGHOST=self.host, PGPORT=str(self.port), PGUSER=self.user, PGDATABASE=self.database,
                   PGSSLMODE=self.sslmode, PGCONNECT_TIMEOUT="30", PGAPPNAME="tracegate-bench")
        if self.password is not None:
            env["PGPASSWORD"] = self.password
        else:
            env.pop("PGPASSWORD", None)
        return env

    def jdbc_url(self) -> str:
        ssl = "require" if self.sslmode != "disable" else "disable"
        return (f"jdbc:postgresql://{self.host}:{self.port}/{self.database}"
                f"?sslmode={ssl}&connectTimeout=60&socketTimeout=120&tcpKeepAlive=true")


def wait_for_port(port: int, seconds: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with status {process.returncode} before listening on {port}")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds:.0f} s")


def require_free(port: int) -> None:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError as e:
            raise RuntimeError(f"port {port} is in use ({e}); pick another base with --port-base") from e


def stop_process(process: subprocess.Popen, name: str, grace: float = 20.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        say(f"  {name} did not stop in {grace:.0f} s; killing pid {process.pid}")
        process.kill()
        process.wait(10)


def as_postgres_user() -> tuple[int, int]:
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def chown_tree(path: Path) -> None:
    uid, gid = as_postgres_user()
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, gid)
        for name in files:
            os.chown(os.path.join(root, name), uid, gid)


def postgres_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise RuntimeError("no PostgreSQL server under /usr/lib/postgresql (bench/run installs the postgresql package)")
    return Path(candidates[-1]).parent


class PostgresServer:
    """A throw-away cluster owned by the postgres user, trust authentication on loopback only."""

    def __init__(self, work: Path, port: int, max_connections: int):
        self.dir = work / "postgres"
        self.data = self.dir / "data"
        self.port = port
        self.max_connections = max_connections
        self.bin = postgres_bin_dir()

    def _run_as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=check, capture_output=True, text=True)

    def start(self) -> None:
        require_free(self.port)
        self.dir.mkdir(parents=True)
        chown_tree(self.dir)
        self._run_as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                              "-E", "UTF8", "--locale=C.UTF-8")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.dir}'",
            "max_connections": str(self.max_connections),
            "shared_buffers": "'256MB'",
            # The comparison is about the proxies, not the disk: commits do not wait for a WAL flush.
            "synchronous_commit": "off",
            "fsync": "on",
            "log_min_messages": "warning",
            "logging_collector": "off",
        }
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# tracegate bench\n")
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")
        self._run_as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                              "-w", "-t", "60", "start")
        wait_for_port(self.port, 30)

    def version(self) -> str:
        out = self.psql("SHOW server_version")
        return out.strip()

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                                 "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql],
                                check=True, capture_output=True, text=True, env={**os.environ, "PGSSLMODE": "disable"})
        return result.stdout

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run_as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)


class Pgbouncer:
    """pgbouncer in session mode, trust authentication, in front of the benchmark server; with
    `tls`, its clients must use TLS (an EC P-256 certificate and TLS 1.3 only, as the gateway's)."""

    def __init__(self, work: Path, port: int, upstream_port: int, database: str, pool_size: int,
                 tls: bool = False, name: str = "pgbouncer"):
        self.dir = work / name
        self.tls = tls
        self.port = port
        self.upstream_port = upstream_port
        self.database = database
        self.pool_size = pool_size
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        require_free(self.port)
        self.dir.mkdir(parents=True)
        (self.dir / "userlist.txt").write_text('"postgres" ""\n')
        (self.dir / "pgbouncer.ini").write_text(f"""[databases]
{self.database} = host=127.0.0.1 port={self.upstream_port} dbname={self.database} user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.dir}/userlist.txt
pool_mode = session
max_client_conn = 2000
default_pool_size = {self.pool_size}
ignore_startup_parameters = extra_float_digits,options
logfile = {self.dir}/pgbouncer.log
pidfile = {self.dir}/pgbouncer.pid
log_connections = 0
log_disconnections = 0
""" + (self.tls_settings() if self.tls else ""))
        chown_tree(self.dir)
        # pgbouncer refuses to run as root.
        self.process = subprocess.Popen(["runuser", "-u", "postgres", "--", "pgbouncer", str(self.dir / "pgbouncer.ini")],
                                        stdout=subprocess.DEVNULL, stderr=open(self.dir / "stderr.log", "w"),
                                        start_new_session=True)
        wait_for_port(self.port, 30, self.process)

    def tls_settings(self) -> str:
        key, cert = self.dir / "server.key", self.dir / "server.crt"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost"],
                       check=True, capture_output=True)
        return (f"client_tls_sslmode = require\nclient_tls_key_file = {key}\nclient_tls_cert_file = {cert}\n"
                "client_tls_protocols = tlsv1.3\n")

    def pid(self) -> int | None:
        """The pgbouncer process itself (the one started is runuser, its parent)."""
        try:
            return int((self.dir / "pgbouncer.pid").read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, "pgbouncer")


class Haproxy:
    """haproxy in TCP mode: a pure relay, no protocol awareness, no TLS."""

    def __init__(self, work: Path, port: int, upstream_port: int):
        self.dir = work / "haproxy"
        self.port = port
        self.upstream_port = upstream_port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        require_free(self.port)
        self.dir.mkdir(parents=True)
        config = self.dir / "haproxy.cfg"
        config.write_text(f"""global
    maxconn 4000

defaults
    mode tcp
    timeout connect 10s
    timeout client 1h
    timeout server 1h

listen postgres
    bind 127.0.0.1:{self.port}
    server upstream 127.0.0.1:{self.upstream_port}
""")
        self.process = subprocess.Popen(["haproxy", "-db", "-f", str(config)], stdout=open(self.dir / "haproxy.log", "w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, 30, self.process)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, "haproxy")


class GatewayStartFailed(RuntimeError):
    """The gateway rejected its configuration or could not start; the message is its own output."""


class TracegateGateway:
    """One gateway process run exactly as ./tracegate serve runs it, from a snapshot of the built jars."""

    def __init__(self, name: str, work: Path, java: Path, classpath: str, config_text: str, port: int,
                 java_opts: list[str]):
        self.name = name
        self.dir = work / name
        self.java = java
        self.classpath = classpath
        self.config_text = config_text
        self.port = port
        self.java_opts = java_opts
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def config_file(self) -> Path:
        return self.dir / "tracegate.yaml"

    def write_config(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(self.config_text)

    def start(self, timeout: float = 90) -> None:
        require_free(self.port)
        self.write_config()
        log = self.dir / "gateway.log"
        env = {**os.environ, "TRACEGATE_LOG_LEVEL": os.environ.get("TRACEGATE_LOG_LEVEL", "WARN")}
        self.process = subprocess.Popen([str(self.java), *self.java_opts, "-cp", self.classpath, "dev.tracegate.cli.Main",
                                         "serve", "--config", str(self.config_file)],
                                        stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env,
                                        cwd=self.dir, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "tracegate ready" in log.read_text(errors="replace"):
                wait_for_port(self.port, 10, self.process)
                return
            if self.process.poll() is not None:
                output = log.read_text(errors="replace").strip()
                raise GatewayStartFailed(last_lines(output, 6) or f"exit status {self.process.returncode}")
            time.sleep(0.2)
        self.stop()
        raise GatewayStartFailed(f"not ready after {timeout:.0f} s: {last_lines(log.read_text(errors='replace'), 6)}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, f"gateway {self.name}", grace=60)

    def memory_kib(self) -> dict[str, int]:
        """VmRSS and VmHWM from /proc, in KiB."""
        values = {}
        try:
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    key, _, rest = line.partition(":")
                    if key in ("VmRSS", "VmHWM"):
                        values[key] = int(rest.split()[0])
        except FileNotFoundError:
            pass
        return values


def last_lines(text: str, count: int) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-count:])


def which(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise RuntimeError(f"{program} is not installed (bench/run installs it from Debian packages)")
    return found
