"""bench/soak: many concurrent sessions of mixed traffic through one gateway for a while, then checks.

Starts its own PostgreSQL, JSON upstream and `tracegate serve` (a demo-like configuration: recording
and the evidence log, masking for analysts, DDL held for approvers), then for --minutes runs at once:
pgbench sessions (two statements per transaction), psql loops (a masked analyst and an unmasked
caller, a new session per invocation), held DDL that an approver loop approves through the REST
API, and wrk over the HTTP gateway. It samples the gateway's RSS and threads (/proc) and its JVM
figures (/metrics), and asserts: no errors; RSS and threads flat after warm-up; every statement a
client was told succeeded has its `command` event (acknowledged => recorded); the exported bundle
verifies with the standalone verifier. Prints a report and writes bench/results/<date>-soak.md.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from collections import Counter
from pathlib import Path

from http_services import UPSTREAM_TOKEN, JsonUpstream
from progress import say
from services import PostgresServer, TracegateGateway, last_lines

BENCH = Path(__file__).resolve().parent.parent
REPO = BENCH.parent
JAVA_HOME = Path(os.environ.get("BENCH_JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"))
DATABASE = "soak"
KEYS = ("bench", "analyst", "clerk", "dba", "approver", "admin", "web")
# pgbench's transaction: two statements, each one `command` event.
PGBENCH_SCRIPT = """\\set aid random(1, 100000 * :scale)
SELECT abalance, filler FROM pgbench_accounts WHERE aid = :aid;
UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;
"""
STATEMENTS_PER_TRANSACTION = 2
# What the psql loops run: two statements per invocation, each its own command.
PSQL_STATEMENTS = ["SELECT aid, filler FROM pgbench_accounts WHERE aid = {aid}", "SELECT count(*) FROM pgbench_branches"]
POLICY = """# bench/soak's policy: allow, mask analysts' results, hold DDL for approvers.
defaults:
  action: allow
masking:
  profiles:
    personal: {}
rules:
  - name: hold-ddl
    minClass: ddl
    action: approve
    approvers: [approvers]
    timeout: 300s
    reason: schema changes need an approver
  - name: mask-analysts
    groups: [analysts]
    mask: personal
"""
# Flat after warm-up: the mean of the last quarter of the samples after warm-up is at most this much
# above the mean of the first quarter (and at most the absolute slack above it).
FLAT_RSS_RATIO, FLAT_RSS_SLACK_MIB = 1.15, 64
FLAT_THREADS_RATIO, FLAT_THREADS_SLACK = 1.15, 16


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10, help="how long the load runs (default 10)")
    parser.add_argument("--sessions", type=int, default=1000,
                        help="concurrent PostgreSQL sessions: pgbench clients plus the psql and held-DDL loops (default 1000)")
    parser.add_argument("--http-connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--psql-loops", type=int, default=16, help="psql loops, half of them masked analysts (default 16)")
    parser.add_argument("--held-loops", type=int, default=2, help="loops of held DDL (default 2)")
    parser.add_argument("--pgbench-rate", type=float, default=0,
                        help="pgbench transactions per second, all its sessions together (default 0: as fast as it can)")
    parser.add_argument("--psql-pause", type=float, default=0, help="seconds each psql and held-DDL loop waits between "
                        "invocations (default 0)")
    parser.add_argument("--http-delay-ms", type=int, default=0, help="milliseconds each wrk connection waits before each "
                        "request (default 0)")
    parser.add_argument("--paced", action="store_true",
                        help="every session connected the whole time, the traffic paced for a small machine: pgbench at "
                        "one transaction per session per 20 s, psql loops pausing 5 s, HTTP requests 500 ms apart per "
                        "connection (explicit --pgbench-rate, --psql-pause, --http-delay-ms win)")
    parser.add_argument("--port-base", type=int, default=26500, help="first of the run's loopback ports (default 26500)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tracegate-soak"), help="work directory (wiped)")
    parser.add_argument("--no-build", action="store_true", help="use the jars built earlier under cli/target")
    parser.add_argument("--note", default="", help="a line about the conditions, written into the results file")
    args = parser.parse_args()
    if args.paced:
        args.pgbench_rate = args.pgbench_rate or max(1.0, args.sessions / 20)
        args.psql_pause = args.psql_pause or 5
        args.http_delay_ms = args.http_delay_ms or 500
    return args


class Soak:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.work = args.work
        self.ports = {name: args.port_base + i for i, name in enumerate(("postgres", "gateway", "api", "http", "upstream"))}
        self.seconds = max(30, int(args.minutes * 60))
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked: Counter = Counter()       # statements (or requests) clients were told succeeded, by key name
        self.errors: list[str] = []
        self.samples: list[dict] = []
        self.approved = 0
        self.masking_leaks = 0
        self.figures: dict = {}
        # bench/idle-connections measures the PostgreSQL listener's own caps: it leaves them at their defaults.
        self.default_listener_limits = False

    # --- set-up -----------------------------------------------------------------------------------

    def build(self) -> Path:
        jar = REPO / "cli/target/tracegate-cli.jar"
        if not self.args.no_build:
            say("building Tracegate (./mvnw -q -B -o package -DskipTests -pl cli -am)")
            env = {**os.environ, "JAVA_HOME": str(JAVA_HOME), "PATH": f"{JAVA_HOME}/bin:{os.environ['PATH']}"}
            subprocess.run(["./mvnw", "-q", "-B", "-o", "package", "-DskipTests", "-pl", "cli", "-am"], cwd=REPO,
                           env=env, check=True)
        snapshot = self.work / "jars"
        (snapshot / "lib").mkdir(parents=True)
        shutil.copy2(jar, snapshot / "tracegate-cli.jar")
        for lib in (REPO / "cli/target/lib").iterdir():
            shutil.copy2(lib, snapshot / "lib" / lib.name)
        verifier = sorted((REPO / "ledger/target").glob("tracegate-ledger-*-verifier.jar"))
        if not verifier:
            raise RuntimeError("no ledger/target/tracegate-ledger-*-verifier.jar: run without --no-build")
        shutil.copy2(verifier[-1], snapshot / "verifier.jar")
        return snapshot

    def start(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.jars = self.build()
        say(f"starting PostgreSQL on port {self.ports['postgres']}")
        self.postgres = PostgresServer(self.work, self.ports["postgres"], max_connections=self.args.sessions + 100)
        self.postgres.start()
        self.postgres.psql(f"CREATE DATABASE {DATABASE}")
        subprocess.run(["pgbench", "-i", "-q", "-s", "5", "-h", "127.0.0.1", "-p", str(self.ports["postgres"]), "-U",
                        "postgres", DATABASE], check=True, capture_output=True, env={**os.environ, "PGSSLMODE": "disable"})
        self.postgres.psql("UPDATE pgbench_accounts SET filler = 'customer ' || aid || '@example.com'", DATABASE)
        self.postgres.psql("VACUUM ANALYZE", DATABASE)
        self.upstream = JsonUpstream(self.work, self.ports["upstream"], JAVA_HOME / "bin/java", self.jars)
        self.upstream.start()
        keys_dir = self.work / "keys"
        keys_dir.mkdir()
        self.keys = {name: secrets.token_urlsafe(24) for name in KEYS}
        for name, key in self.keys.items():
            (keys_dir / f"{name}.key").write_text(key + "\n")
            (keys_dir / f"{name}.key").chmod(0o600)
        (keys_dir / "upstream.token").write_text(UPSTREAM_TOKEN + "\n")
        (self.work / "policy.yaml").write_text(POLICY)
        say(f"starting Tracegate: postgres {self.ports['gateway']}, http {self.ports['http']}, api {self.ports['api']}")
        java_opts = [line.split("#", 1)[0].strip() for line in (REPO / "scripts/jvm.options").read_text().splitlines()]
        self.gateway = TracegateGateway("gateway", self.work, JAVA_HOME / "bin/java",
                                        f"{self.jars}/tracegate-cli.jar:{self.jars}/lib/*", self.config(keys_dir),
                                        self.ports["gateway"], [o for o in java_opts if o])
        self.gateway.start()

    def config(self, keys: Path) -> str:
        groups = {"bench": "[bench]", "analyst": "[analysts]", "clerk": "[clerks]", "dba": "[dba]",
                  "approver": "[approvers]", "admin": "[admins]", "web": "[web]"}
        api_keys = "".join(f"""    - name: {name}
      key: file:{keys}/{name}.key
      groups: {groups[name]}
      kind: service
""" for name in KEYS)
        sessions = self.args.sessions + 200
        listener_limits = "" if self.default_listener_limits else f"""
    limits:
      maxConnections: {sessions}
      maxUnauthenticated: {sessions}
      maxUnauthenticatedPerSource: {sessions}"""
        return f"""# Written by bench/soak.
dataDir: {self.work}/data
listeners:
  postgres:
    address: 127.0.0.1
    port: {self.ports['gateway']}
    allowCleartextOnLoopback: true{listener_limits}
  http:
    address: 127.0.0.1
    port: {self.ports['http']}
    allowCleartextOnLoopback: true
  api:
    address: 127.0.0.1
    port: {self.ports['api']}
limits:
  # One address, and pgbench's clients are one identity.
  sessionsPerIdentity: {sessions}
  sessionsPerSource: {sessions}
  heldStatementsPerIdentity: {max(10, self.args.held_loops * 2)}
store:
  type: h2
evidence:
  origin: tracegate.bench/soak
identities:
  apiKeys:
{api_keys}connections:
  - name: {DATABASE}
    protocol: postgres
    host: 127.0.0.1
    port: {self.ports['postgres']}
    database: {DATABASE}
    username: postgres
    upstreamAuth: trust
    tls: disable
  - name: json
    protocol: http
    url: http://127.0.0.1:{self.ports['upstream']}/json
    credential:
      type: bearer
      secret: file:{keys}/upstream.token
policyFile: {self.work}/policy.yaml
"""

    # --- load ---------------------------------------------------------------------------------------

    def env(self, key: str) -> dict[str, str]:
        return {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": str(self.ports["gateway"]), "PGUSER": key,
                "PGDATABASE": DATABASE, "PGPASSWORD": self.keys[key], "PGSSLMODE": "disable", "PGCONNECT_TIMEOUT": "60"}

    def error(self, text: str) -> None:
        with self.lock:
            if len(self.errors) < 50:
                self.errors.append(text)
            else:
                self.errors[-1] = f"... and more; last: {text}"

    def psql_loop(self, key: str, worker: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            aid = (worker * 7919 + n * 104729) % 500_000 + 1
            args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
            for statement in PSQL_STATEMENTS:
                args += ["-c", statement.format(aid=aid)]
            result = subprocess.run(args, env=self.env(key), capture_output=True, text=True, timeout=120)
            if result.returncode != 0:
                self.error(f"psql as {key}: {last_lines(result.stderr, 1)}")
                continue
            with self.lock:
                self.acked[key] += len(PSQL_STATEMENTS)
                if key == "analyst" and "@example.com" in result.stdout:
                    self.masking_leaks += 1
            self.stop.wait(self.args.psql_pause)

    def held_loop(self, worker: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            result = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                                     f"CREATE TABLE soak_held_{worker}_{n} (id int)"],
                                    env=self.env("dba"), capture_output=True, text=True, timeout=400)
            if result.returncode != 0:
                self.error(f"held DDL: {last_lines(result.stderr, 1)}")
                continue
            with self.lock:
                self.acked["dba"] += 1
            self.stop.wait(self.args.psql_pause)

    def api(self, method: str, path: str, key: str, body: dict | None = None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.ports['api']}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {self.keys[key]}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.read()

    def approver_loop(self, holders_done: threading.Event) -> None:
        while not holders_done.is_set():
            try:
                for approval in json.loads(self.api("GET", "/api/approvals", "approver")):
                    if approval.get("status", "pending") == "pending":
                        self.api("POST", f"/api/approvals/{approval['id']}/approve", "approver", {"reason": "soak"})
                        with self.lock:
                            self.approved += 1
            except Exception as e:  # an approval decided twice, a refused call: both are errors of the run
                self.error(f"approver: {e}")
            holders_done.wait(0.5)

    def sampler(self) -> None:
        start = time.monotonic()
        while not self.stop.wait(5):
            sample = {"t": round(time.monotonic() - start, 1), "at": time.monotonic()}
            try:
                sample["rss_mib"], sample["threads"] = process_status(self.gateway.pid)
                with urllib.request.urlopen(f"http://127.0.0.1:{self.ports['api']}/metrics", timeout=30) as response:
                    metrics = response.read().decode()
                heap = 0.0
                for line in metrics.splitlines():
                    if line.startswith("jvm_threads_live_threads"):
                        sample["jvm_threads"] = float(line.split()[-1])
                    elif line.startswith("jvm_memory_used_bytes") and 'area="heap"' in line:
                        heap += float(line.split()[-1])
                    elif line.startswith("tracegate_session_memory_used "):
                        sample["sessions"] = float(line.split()[-1])
                    elif line.startswith("tracegate_session_memory_refused_total "):
                        self.figures["sessions refused for memory"] = int(float(line.split()[-1]))
                sample["heap_mib"] = heap / 1024 / 1024
            except Exception as e:
                self.error(f"sampling: {e}")
            self.samples.append(sample)

    def pgbench(self, clients: int) -> None:
        script = self.work / "soak.sql"
        script.write_text(PGBENCH_SCRIPT)
        rate = ["--rate", f"{self.args.pgbench_rate:g}"] if self.args.pgbench_rate else []
        self.pgbench_started = time.monotonic()
        result = subprocess.run(["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(self.seconds), *rate, "-f", str(script)],
                                env=self.env("bench"), capture_output=True, text=True, timeout=self.seconds + 600)
        processed = failed = 0
        for line in result.stdout.splitlines():
            if line.startswith("number of transactions actually processed:"):
                processed = int(line.split(":")[1].split("/")[0].strip())
            elif line.startswith("number of failed transactions:"):
                failed = int(line.split(":")[1].split()[0])
            elif line.startswith("tps ="):
                self.figures["pgbench tps"] = line.split("=")[1].split("(")[0].strip()
            elif line.startswith("latency average"):
                self.figures["pgbench latency average"] = line.split("=")[1].strip()
        self.figures["pgbench transactions"] = processed
        if result.returncode != 0 or failed:
            self.error(f"pgbench: exit {result.returncode}, {failed} failed transactions: "
                       f"{last_lines(result.stderr or result.stdout, 2)}")
        with self.lock:
            self.acked["bench"] += processed * STATEMENTS_PER_TRANSACTION

    def wrk(self) -> None:
        result = subprocess.run(["wrk", "-t1", f"-c{self.args.http_connections}", f"-d{self.seconds}s", "--timeout", "30s",
                                 "-s", str(BENCH / "http/wrk.lua"), "-H", f"Authorization: Bearer {self.keys['web']}",
                                 f"http://127.0.0.1:{self.ports['http']}/json/1k"],
                                capture_output=True, text=True, timeout=self.seconds + 300,
                                env={**os.environ, "BENCH_DELAY_MS": str(self.args.http_delay_ms)})
        line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH ")), None)
        if line is None:
            self.error(f"wrk: exit {result.returncode}: {last_lines(result.stderr or result.stdout, 2)}")
            return
        figures = json.loads(line[6:])
        self.figures["HTTP requests (wrk)"] = figures["requests"]
        self.figures["HTTP p99 (ms)"] = round(figures["latency_us"]["p99"] / 1000, 1)
        errors = {k: v for k, v in figures["errors"].items() if v}
        if errors:
            self.error(f"wrk errors: {errors}")
        with self.lock:
            self.acked["web"] += figures["requests"] - figures["errors"]["status"]

    def run_load(self) -> None:
        pgbench_clients = self.args.sessions - self.args.psql_loops - self.args.held_loops
        if pgbench_clients < 1:
            raise SystemExit("--sessions must exceed --psql-loops plus --held-loops")
        self.figures["pgbench clients"] = pgbench_clients
        say(f"load for {self.seconds} s: {pgbench_clients} pgbench sessions, {self.args.psql_loops} psql loops, "
            f"{self.args.held_loops} held-DDL loops and an approver, wrk with {self.args.http_connections} connections")
        holders_done = threading.Event()
        threads = [threading.Thread(target=self.sampler, daemon=True)]
        loops = [threading.Thread(target=self.psql_loop, args=("analyst" if i % 2 == 0 else "clerk", i), daemon=True)
                 for i in range(self.args.psql_loops)]
        loops += [threading.Thread(target=self.held_loop, args=(i,), daemon=True) for i in range(self.args.held_loops)]
        approver = threading.Thread(target=self.approver_loop, args=(holders_done,), daemon=True)
        drivers = [threading.Thread(target=self.pgbench, args=(pgbench_clients,)), threading.Thread(target=self.wrk)]
        for thread in threads + loops + [approver] + drivers:
            thread.start()
        for driver in drivers:
            driver.join()
        self.stop.set()
        for loop in loops:
            loop.join(600)
        holders_done.set()
        approver.join(60)

    # --- checks -------------------------------------------------------------------------------------

    def evidence(self) -> dict:
        say("exporting the evidence bundle and verifying it with the standalone verifier")
        zip_path = self.work / "soak-evidence.zip"
        zip_path.write_bytes(self.api("GET", "/api/evidence/export", "admin"))
        key = json.loads(self.api("GET", "/api/evidence", "admin"))["verifier_key"]
        verified = subprocess.run([str(JAVA_HOME / "bin/java"), "-jar", str(self.jars / "verifier.jar"), str(zip_path),
                                   "--key", key], capture_output=True, text=True)
        commands: Counter = Counter()
        events = 0
        with zipfile.ZipFile(zip_path) as bundle:
            with bundle.open("events.jsonl") as lines:
                for line in io.TextIOWrapper(lines, encoding="utf-8"):
                    events += 1
                    event = json.loads(line)
                    if event["type"] == "command":
                        commands[event["actor"]["sub"].removeprefix("apikey:")] += 1
        return {"verified": verified.returncode == 0, "verifier": last_lines(verified.stdout + verified.stderr, 3),
                "commands": commands, "events": events, "bytes": zip_path.stat().st_size}

    def in_flight_bound(self, key: str) -> int:
        """How many recorded commands may lack an acknowledgement: those still running when the load stopped."""
        return {"bench": self.figures["pgbench clients"] * STATEMENTS_PER_TRANSACTION,
                "web": self.args.http_connections}.get(key, 0)

    def checks(self, evidence: dict) -> list[tuple[str, bool, str]]:
        results = [("no errors", not self.errors, "; ".join(self.errors[:5]) or "none"),
                   ("analysts' results masked", self.masking_leaks == 0, f"{self.masking_leaks} unmasked results")]
        for key in sorted(self.acked):
            acked, recorded = self.acked[key], evidence["commands"].get(key, 0)
            bound = self.in_flight_bound(key)
            results.append((f"acknowledged => recorded ({key})", acked <= recorded <= acked + bound,
                            f"{acked:,} acknowledged, {recorded:,} command events (at most {bound} more allowed: "
                            f"in flight when the load stopped)"))
        results.append(("held statements approved", self.acked["dba"] > 0 and self.approved >= self.acked["dba"],
                        f"{self.approved} approved by the approver loop, {self.acked['dba']} completed"))
        results.append(("bundle verifies", evidence["verified"], evidence["verifier"]))
        results.append(self.connected_check())
        for name, field, ratio, slack in (("RSS flat after warm-up", "rss_mib", FLAT_RSS_RATIO, FLAT_RSS_SLACK_MIB),
                                          ("threads flat after warm-up", "threads", FLAT_THREADS_RATIO, FLAT_THREADS_SLACK)):
            ok, detail = flat([s[field] for s in self.samples if field in s], ratio, slack, self.connected_sample())
            results.append((name, ok, detail))
        return results

    def connected_sample(self) -> int:
        """The index of the first sample with every pgbench session open (0 if none was)."""
        clients = self.figures["pgbench clients"]
        return next((i for i, s in enumerate(self.samples) if s.get("sessions", 0) >= clients), 0)

    def connected_check(self) -> tuple[str, bool, str]:
        """From the first sample with every pgbench client connected until pgbench's clients start to leave, none left."""
        clients = self.figures["pgbench clients"]
        samples = [s for s in self.samples if "sessions" in s]
        full = next((i for i, s in enumerate(samples) if s["sessions"] >= clients), None)
        if full is None:
            return ("sessions connected the whole time", False, f"the {clients:,} pgbench sessions were never all open at once")
        # Paced, a client whose next transaction falls after the end leaves early: up to one interval before it.
        interval = clients / self.args.pgbench_rate if self.args.pgbench_rate else 0
        until = self.pgbench_started + self.seconds - interval - 5
        window = [s for s in samples[full:] if s["at"] <= until]
        lowest = min((s["sessions"] for s in window), default=0)
        ok = bool(window) and lowest >= clients
        return ("sessions connected the whole time", ok,
                f"all {clients:,} pgbench sessions open from {samples[full]['t']:.0f} s (connecting took that long) to "
                f"{window[-1]['t'] if window else 0:.0f} s, at least {lowest:,.0f} places taken throughout "
                f"(tracegate_session_memory_used, {len(window)} samples); after that pgbench's paced clients leave")

    def stop_all(self) -> None:
        for name in ("gateway", "upstream"):
            service = getattr(self, name, None)
            if service is not None:
                service.stop()
        if getattr(self, "postgres", None) is not None:
            self.postgres.stop()


def process_status(pid: int) -> tuple[float, int]:
    """A process's resident memory in MiB and its thread count, from /proc."""
    rss, threads = 0.0, 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key == "VmRSS":
                rss = int(rest.split()[0]) / 1024
            elif key == "Threads":
                threads = int(rest.split()[0])
    return rss, threads


def flat(values: list[float], ratio: float, slack: float, connected: int = 0) -> tuple[bool, str]:
    """After warm-up (the first third of the samples, or until every session had connected if that was later), the last
    quarter's mean within ratio (or slack) of the first's."""
    steady = values[max(len(values) // 3, connected):]
    if len(steady) < 4:
        return False, f"only {len(values)} samples"
    quarter = max(1, len(steady) // 4)
    first, last = statistics.mean(steady[:quarter]), statistics.mean(steady[-quarter:])
    ok = last <= max(first * ratio, first + slack)
    return ok, f"{first:,.0f} -> {last:,.0f} (max {max(values):,.0f}; allowed {max(first * ratio, first + slack):,.0f})"


def report(soak: Soak, evidence: dict, checks: list[tuple[str, bool, str]], started: str) -> str:
    args = soak.args
    lines = [f"# Soak {started}", "",
             f"`bench/soak --minutes {args.minutes:g} --sessions {args.sessions} --psql-loops {args.psql_loops} "
             f"--held-loops {args.held_loops} --http-connections {args.http_connections} --pgbench-rate {args.pgbench_rate:g} "
             f"--psql-pause {args.psql_pause:g} --http-delay-ms {args.http_delay_ms}`", ""]
    if args.note:
        lines += [f"Conditions: {args.note}", ""]
    load = os.getloadavg()
    lines += [f"Machine: {os.cpu_count()} cores, load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
              "", "## Checks", ""]
    lines += check_rows(checks)
    lines += ["", "## Figures", "", "| figure | value |", "|---|---|"]
    figures = dict(soak.figures)
    figures.update({"statements acknowledged": f"{sum(soak.acked.values()):,}",
                    "command events": f"{sum(evidence['commands'].values()):,}",
                    "events in the bundle": f"{evidence['events']:,}",
                    "bundle size (MiB)": f"{evidence['bytes'] / 1024 / 1024:,.1f}",
                    "held statements approved": soak.approved})
    lines += [f"| {k} | {v:,} |" if isinstance(v, int) else f"| {k} | {v} |" for k, v in figures.items()]
    lines += ["", "## Samples (every 5 s)", "", "| s | RSS MiB | threads | JVM live threads | heap MiB | sessions open |",
              "|---:|---:|---:|---:|---:|---:|"]
    for s in soak.samples:
        lines.append(f"| {s['t']:.0f} | {s.get('rss_mib', 0):,.0f} | {s.get('threads', 0)} | {s.get('jvm_threads', 0):.0f} "
                     f"| {s.get('heap_mib', 0):,.0f} | {s.get('sessions', 0):,.0f} |")
    rules = (f"Flat: after warm-up (the first third of the samples, or until every pgbench session had connected if that "
             f"was later), the mean of the last quarter of the remaining "
             f"samples is at most {FLAT_RSS_RATIO:.2f}x (or {FLAT_RSS_SLACK_MIB} MiB above) the first quarter's for RSS, "
             f"{FLAT_THREADS_RATIO:.2f}x (or {FLAT_THREADS_SLACK} above) for threads. Acknowledged => recorded: for each "
             "caller, the command events are at least the statements its clients were told succeeded (pgbench's "
             f"transactions x {STATEMENTS_PER_TRANSACTION}, the psql loops' and held DDL's successful statements, wrk's "
             "non-error responses), and at most the statements in flight when the load stopped above it.")
    lines += ["", rules, ""]
    return "\n".join(lines)


def main() -> int:
    args = parse_args()
    soak = Soak(args)
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    try:
        soak.start()
        soak.run_load()
        evidence = soak.evidence()
        checks = soak.checks(evidence)
    finally:
        soak.stop_all()
    gateway_errors = [l for l in (soak.work / "gateway/gateway.log").read_text(errors="replace").splitlines() if " ERROR " in l]
    checks.insert(1, ("no errors in the gateway's log", not gateway_errors, last_lines("\n".join(gateway_errors), 2) or "none"))
    return publish("soak-paced" if args.paced else "soak", report(soak, evidence, checks, started), checks)


def check_rows(checks: list[tuple[str, bool, str]]) -> list[str]:
    """The checks as a Markdown table."""
    return ["| check | result | detail |", "|---|---|---|"] + [
        f"| {name} | {'ok' if ok else '**FAILED**'} | {detail} |" for name, ok, detail in checks]


def publish(name: str, text: str, checks: list[tuple[str, bool, str]]) -> int:
    """Prints the report, writes it to bench/results/<date>-<name>.md; the exit status says whether every check passed."""
    print(text)
    results = BENCH / "results" / f"{datetime.date.today().isoformat()}-{name}.md"
    results.write_text(text)
    say(f"wrote {results}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
