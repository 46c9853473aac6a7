"""bench/run: Tracegate against the tools users would otherwise pick, in one run.

Starts a PostgreSQL server, haproxy (TCP relay), pgbouncer (session mode) and Tracegate
gateways, all on loopback ports of their own, then measures pgbench throughput and latency,
large results, connection storms and a JFR profile; then, with a JSON upstream, haproxy in HTTP
mode and a Tracegate HTTP gateway, wrk throughput and latency and a JFR profile of the HTTP path;
then the modules' own benchmarks. Writes bench/results/<date>.md and .json. docs/benchmarks.md
describes the method.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import account
import http_phase
import jvm_phase
import large_result_phase
import mysql_phase
import pgbench_phase
import profile_phase
import report
import storm_phase
from policy_switch import RULELESS_POLICY, PolicySwitch
from progress import elapsed_seconds, say
from gateway_setup import (BENCH, DATABASE, JAVA_HOME, PGSTORE_DATABASE, POOLED_DATABASE, REPO, gateway_config,
                           gateway_java_opts, modified)
from http_services import HTTP_POLICY, UPSTREAM_TOKEN, HaproxyHttp, JsonUpstream, http_gateway_config
from services import (GatewayStartFailed, Haproxy, Pgbouncer, PostgresServer, Route, TracegateGateway,
                      last_lines)

PHASES = ("pgbench", "large", "storm", "profile", "http", "http-profile", "mysql", "account", "jvm")
# The accounting phase's ports (its own PostgreSQL, gateway, upstream and HTTP gateway), from --port-base + 40 on.
ACCOUNT_PORT_OFFSET = 40
# The HTTP phase's ports, from --port-base + HTTP_PORT_OFFSET on: upstream, haproxy, gateway, its API.
HTTP_PORT_OFFSET = 20
# The MySQL phase's ports are mysql_phase.PORT_OFFSET (30) on: MariaDB, the gateway's MySQL listener, its API.


@dataclasses.dataclass(frozen=True)
class Plan:
    """How much to measure: the full run (default) or the quick smoke run."""

    mode: str
    scale: int
    client_counts: tuple[int, ...]
    rounds: int
    seconds: int
    warm_up_seconds: int
    gateway_warm_up_seconds: int
    large_rows: int
    large_rounds: int
    small_rows: int | None
    bounded_heap: str | None
    storm_clients: int
    storm_rounds: int
    profile_seconds: int | None
    http_connections: tuple[int, ...]
    http_rounds: int
    http_seconds: int
    http_profile_seconds: int | None


FULL = Plan("full", scale=10, client_counts=(1, 8, 32), rounds=3, seconds=5, warm_up_seconds=3, gateway_warm_up_seconds=10,
            large_rows=5_000_000, large_rounds=2, small_rows=500_000, bounded_heap="-Xmx64m", storm_clients=500, storm_rounds=2,
            profile_seconds=20, http_connections=(1, 8, 64), http_rounds=3, http_seconds=5, http_profile_seconds=20)
QUICK = Plan("quick", scale=2, client_counts=(1, 8), rounds=1, seconds=2, warm_up_seconds=1, gateway_warm_up_seconds=3,
             large_rows=500_000, large_rounds=1, small_rows=None, bounded_heap=None, storm_clients=100, storm_rounds=1,
             profile_seconds=None, http_connections=(1, 8, 64), http_rounds=1, http_seconds=2, http_profile_seconds=None)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (about 7 minutes) instead of the full run")
    parser.add_argument("--only", default=",".join(PHASES), help=f"comma-separated phases to run: {','.join(PHASES)}")
    parser.add_argument("--no-build", action="store_true", help="use the jars already built instead of building first")
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_PORT_BASE", "15430")),
                        help="first of the 13 consecutive loopback ports the run uses (default 15430); the HTTP phase uses base+20 to base+23, the MySQL phase base+30 to base+32")
    parser.add_argument("--work-dir", type=Path, help="scratch directory (default: a new one under /tmp, removed after)")
    parser.add_argument("--keep-work", action="store_true", help="keep the scratch directory (logs, JFR recording)")
    parser.add_argument("--rounds", type=int, help="pgbench rounds (overrides the mode's)")
    parser.add_argument("--seconds", type=int, help="seconds per pgbench point (overrides the mode's)")
    parser.add_argument("--storm-clients", type=int, help="clients of each connection storm (overrides the mode's: 500, quick 100)")
    parser.add_argument("--storm-rounds", type=int,
                        help="counted storms per path (overrides the mode's: 2, quick 1), after one uncounted warm-up storm per path")
    parser.add_argument("--profile-seconds", type=int,
                        help="JFR profile length per client count (overrides the mode's; the quick run has none)")
    parser.add_argument("--masking-policy", type=Path, default=BENCH / "config/masking-policy.yaml",
                        help="policy file (policyFile) of the masking path")
    parser.add_argument("--guardrails-policy", type=Path, default=BENCH / "config/guardrails-policy.yaml",
                        help="policy file (policyFile) of the policy path")
    parser.add_argument("--tls-engine", choices=("auto", "openssl", "jdk"), default="auto",
                        help="tls.engine of every gateway (default auto: BoringSSL where it loads); jdk for the JDK's TLS")
    parser.add_argument("--no-plain", action="store_true", help="skip the Tracegate path without TLS")
    parser.add_argument("--no-pgstore", action="store_true",
                        help="skip the path of two Tracegate nodes sharing one PostgreSQL store")
    parser.add_argument("--update-docs", action="store_true",
                        help="also replace the generated tables in docs/benchmarks.md with this run's")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    plan = QUICK if args.quick else FULL
    if args.profile_seconds:
        plan = dataclasses.replace(plan, profile_seconds=args.profile_seconds)
    if args.storm_clients or args.storm_rounds:
        plan = dataclasses.replace(plan, storm_clients=args.storm_clients or plan.storm_clients,
                                   storm_rounds=args.storm_rounds or plan.storm_rounds)
    if args.rounds or args.seconds:
        plan = dataclasses.replace(plan, rounds=args.rounds or plan.rounds, seconds=args.seconds or plan.seconds)
    phases = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        print(f"bench/run: unknown phase(s) {', '.join(unknown)}; known: {', '.join(PHASES)}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = datetime.datetime.now().astimezone()
    work = args.work_dir or Path(f"/tmp/tracegate-bench-{started:%Y%m%d-%H%M%S}")
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)
    say(f"tracegate bench, {plan.mode} run, phases {','.join(phases)}, work directory {work}")
    results: dict = {"started": started.isoformat(timespec="seconds"), "mode": plan.mode, "phases": phases,
                     "notices": [], "plan": dataclasses.asdict(plan), "environment": {}, "settings": {}, "routes": {}}
    run = BenchRun(args, plan, phases, work, results)
    try:
        run.execute()
    finally:
        run.stop_services()
        results["duration_minutes"] = elapsed_seconds() / 60
        results["environment"]["load average at end"] = Path("/proc/loadavg").read_text().split()[:3]
        partial = set(phases) != set(PHASES)
        stem = f"{started:%Y-%m-%d}" + ("-quick" if plan.mode == "quick" else "") + ("-partial" if partial else "")
        if (BENCH / "results" / f"{stem}.json").exists():
            stem += f"-{started:%H%M}"  # a second run of the day keeps the first's results
        md_file, json_file = report.write(results, BENCH / "results", stem)
        say(f"results: {md_file.relative_to(REPO)} and {json_file.relative_to(REPO)}")
        if args.update_docs:
            if report.update_docs(json_file, REPO / "docs/benchmarks.md", partial):
                say("docs/benchmarks.md: generated tables replaced")
            else:
                say("docs/benchmarks.md has no generated-tables markers; left as it is")
        if not args.keep_work and not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
        print()
        print((BENCH / "results" / f"{stem}.md").read_text().split("\n## PostgreSQL")[0].rstrip())
    return 0


class BenchRun:
    def __init__(self, args: argparse.Namespace, plan: Plan, phases: list[str], work: Path, results: dict):
        self.args = args
        self.plan = plan
        self.phases = phases
        self.work = work
        self.results = results
        self.ports = {name: args.port_base + i for i, name in enumerate(
            ("postgres", "haproxy", "pgbouncer", "gateway", "gateway-api", "masking", "masking-api", "policy",
             "policy-api", "pgstore-a", "pgstore-a-api", "pgstore-b", "pgstore-b-api", "pgbouncer-tls"))}
        self.postgres = PostgresServer(work, self.ports["postgres"], max_connections=max(700, plan.storm_clients + 200))
        self.haproxy = Haproxy(work, self.ports["haproxy"], self.ports["postgres"])
        self.pgbouncer = Pgbouncer(work, self.ports["pgbouncer"], self.ports["postgres"], DATABASE, pool_size=64)
        # Not a goal's reference (the goals compare with pgbouncer without TLS): what TLS to the client costs a pooler.
        self.pgbouncer_tls = Pgbouncer(work, self.ports["pgbouncer-tls"], self.ports["postgres"], DATABASE, pool_size=64,
                                       tls=True, name="pgbouncer-tls")
        self.gateways: dict[str, TracegateGateway] = {}
        self.routes: list[Route] = []
        self.proxy_pids: dict[str, int] = {}
        # The guardrails gateway's policy file: the guardrails, or (for its control route) the same defaults without rules.
        self.policy_switch = PolicySwitch(work / "guardrails-gateway-policy.yaml",
                                          {"guardrails": args.guardrails_policy.read_text(), "rule-less": RULELESS_POLICY},
                                          self.guardrails_in_force)
        self.policy_switch.write("guardrails")

    def notice(self, text: str) -> None:
        say(f"NOTICE: {text}")
        self.results["notices"].append(text)

    # ------------------------------------------------------------ set-up

    def execute(self) -> None:
        self.results["environment"] = environment()
        jars = self.build()
        self.classpath = f"{jars}/tracegate-cli.jar:{jars}/lib/*"
        self.java_opts = gateway_java_opts().split()
        services_needed = any(p in self.phases for p in ("pgbench", "large", "storm", "profile"))
        if services_needed:
            self.start_services(jars)
            self.results["environment"]["PostgreSQL server"] = self.postgres.version()
            self.results["routes"] = {r.name: r.label for r in self.routes}
            self.results["route_notes"] = {r.name: r.note for r in self.routes if r.note}
        self.results["settings"] = settings(self.plan, self.args.tls_engine)
        if "pgbench" in self.phases:
            self.pgbench()
        if "large" in self.phases:
            self.large_results()
        if "storm" in self.phases:
            self.storm()
        if "profile" in self.phases and self.plan.profile_seconds:
            self.profile()
        if "large" in self.phases and self.plan.bounded_heap and "gateway" in self.gateways:
            # Last, because it replaces the warmed-up gateway the storm and the profile use.
            self.large_results_in_bounded_heap(self.plan.bounded_heap)
        self.stop_services()
        if "http" in self.phases or "http-profile" in self.phases:
            self.http(jars)
        if "mysql" in self.phases:
            self.mysql()
        if "account" in self.phases:
            self.account()
        if "jvm" in self.phases:
            say("module benchmarks (services stopped, so they have the machine to themselves)")
            self.results["jvm_benchmarks"] = jvm_phase.run_all(REPO, self.work, JAVA_HOME, self.plan.mode == "quick",
                                                               BENCH / "config/jvm-benchmarks.properties")

    def mysql(self) -> None:
        """sysbench direct to MariaDB and through the gateway's MySQL listener (mysql_phase.py), on servers of its own."""
        self.results["environment"]["sysbench"] = first_line(["sysbench", "--version"])
        self.results["mysql"] = mysql_phase.run_phase(
            self.work, self.args.port_base, JAVA_HOME / "bin/java", self.classpath, self.java_opts,
            list(self.plan.client_counts), self.plan.rounds, self.plan.seconds, self.plan.warm_up_seconds,
            self.plan.gateway_warm_up_seconds)
        self.results["environment"]["MariaDB server"] = self.results["mysql"].get("server", "not started")

    def account(self) -> None:
        """Cost per statement and per request (account_phase.py) on gateways of its own with accounting on."""
        say("cost accounting: allocated bytes, CPU, hand-offs, events, JSON encodings and copies per statement/request")
        ports = [self.args.port_base + ACCOUNT_PORT_OFFSET + i for i in range(6)]
        jars = str(self.work / "tracegate-jars")
        quick = self.plan.mode == "quick"
        rows = account.postgres_rows(self.work / "account", jars, ports, quick, None)
        rows += account.http_rows(self.work / "account", jars, ports, quick, None)
        self.results["account"] = {"rows": rows}

    def build(self) -> Path:
        jar = REPO / "cli/target/tracegate-cli.jar"
        if not self.args.no_build:
            for attempt in range(1, 4):
                say(f"building Tracegate (./mvnw -q -B -o package -DskipTests -pl cli -am), attempt {attempt}")
                env = {**os.environ, "JAVA_HOME": str(JAVA_HOME), "PATH": f"{JAVA_HOME}/bin:{os.environ['PATH']}",
                       "MAVEN_OPTS": os.environ.get("MAVEN_OPTS", "") + " --sun-misc-unsafe-memory-access=allow"}
                # package, not install: the run needs cli/target only and must not overwrite the shared ~/.m2 artifacts.
                result = subprocess.run(["./mvnw", "-q", "-B", "-o", "package", "-DskipTests", "-pl", "cli", "-am"],
                                        cwd=REPO, env=env,
                                        capture_output=True, text=True)
                if result.returncode == 0:
                    break
                say("  build failed (a module may be mid-edit): " + last_lines(result.stdout + result.stderr, 3))
                if attempt < 3:
                    say("  retrying in 90 s")
                    time.sleep(90)
            else:
                if not jar.exists():
                    raise RuntimeError("the build failed and no earlier build exists")
                self.notice(f"the build failed three times; measured the jars built earlier ({modified(jar)})")
        if not jar.exists():
            raise RuntimeError(f"{jar} is missing; run without --no-build")
        # A copy, so a rebuild by someone else during the run cannot change the gateway under measurement.
        snapshot = self.work / "tracegate-jars"
        shutil.rmtree(snapshot, ignore_errors=True)
        (snapshot / "lib").mkdir(parents=True)
        shutil.copy2(jar, snapshot / "tracegate-cli.jar")
        for lib in (REPO / "cli/target/lib").iterdir():
            shutil.copy2(lib, snapshot / "lib" / lib.name)
        self.results["environment"]["Tracegate jars built"] = modified(jar)
        return snapshot

    def start_services(self, jars: Path) -> None:
        say(f"starting PostgreSQL on port {self.ports['postgres']}")
        self.postgres.start()
        self.postgres.psql(f"CREATE DATABASE {DATABASE}")
        say(f"  pgbench -i -s {self.plan.scale}")
        subprocess.run(["pgbench", "-i", "-q", "-s", str(self.plan.scale), "-h", "127.0.0.1", "-p",
                        str(self.ports["postgres"]), "-U", "postgres", DATABASE], check=True, capture_output=True,
                       env={**os.environ, "PGSSLMODE": "disable"})
        # The text column of the select-text script: an e-mail and a card number in every account, for the masker to find.
        self.postgres.psql("UPDATE pgbench_accounts SET filler = 'customer ' || aid || '@example.com paid with card "
                           "4111 1111 1111 1111'", DATABASE)
        self.postgres.psql("VACUUM ANALYZE", DATABASE)
        say(f"starting haproxy on port {self.ports['haproxy']}, pgbouncer on port {self.ports['pgbouncer']}")
        self.haproxy.start()
        self.pgbouncer.start()
        self.pgbouncer_tls.start()
        self.key = secrets.token_urlsafe(32)
        self.key_file = self.work / "keys/bench.key"
        self.key_file.parent.mkdir(parents=True)
        self.key_file.write_text(self.key + "\n")
        self.key_file.chmod(0o600)
        say(f"starting Tracegate on port {self.ports['gateway']} (recording and evidence log on)")
        main_gateway = self.gateway("gateway", generation=1)
        main_gateway.start()
        self.gateways["gateway"] = main_gateway

        pg = dict(host="127.0.0.1", user="postgres", password=None, sslmode="disable", database=DATABASE)
        self.routes = [
            Route("direct", "direct", port=self.ports["postgres"], **pg),
            Route("haproxy", "haproxy (TCP relay, no TLS)", port=self.ports["haproxy"], **pg),
            Route("pgbouncer", "pgbouncer (session, no TLS)", port=self.ports["pgbouncer"], **pg),
            Route("pgbouncer-tls", "pgbouncer (session, TLS)", port=self.ports["pgbouncer-tls"],
                  **{**pg, "sslmode": "require"}),
            Route("tracegate-tls", "Tracegate (recording + evidence, TLS)", "127.0.0.1", self.ports["gateway"], "bench",
                  self.key, "require", DATABASE),
        ]
        if not self.args.no_plain:
            self.routes.append(Route("tracegate-plain", "Tracegate (recording + evidence, no TLS)", "127.0.0.1",
                                     self.ports["gateway"], "bench", self.key, "disable", DATABASE,
                                     note="listeners.postgres.allowCleartextOnLoopback: true"))
        self.proxy_pids = {"haproxy": self.haproxy.process.pid, "pgbouncer": self.pgbouncer.pid(),
                           "pgbouncer-tls": self.pgbouncer_tls.pid()}
        for kind, route, label, policy in (
                ("masking", "tracegate-masking", "Tracegate (recording + evidence + masking, TLS)", self.args.masking_policy),
                ("policy", "tracegate-policy", "Tracegate (recording + evidence + guardrails policy, TLS)",
                 self.args.guardrails_policy)):
            say(f"starting Tracegate with {policy.name} on port {self.ports[kind]}")
            gateway = self.gateway(kind, generation=1)
            try:
                gateway.start()
            except GatewayStartFailed as e:
                lines = str(e).strip().splitlines()
                reason = next((line for line in reversed(lines) if "rror" in line or "unknown" in line
                               or "invalid" in line), lines[-1] if lines else "no output")
                self.notice(f"{label}: not measured; `tracegate serve` rejected {policy}: {reason.strip()[:300]}")
                continue
            self.gateways[kind] = gateway
            self.routes.append(Route(route, label, "127.0.0.1", self.ports[kind], "bench", self.key, "require", DATABASE,
                                     note=f"policyFile: bench/config/{policy.name}",
                                     prepare=(lambda: self.policy_switch.use("guardrails")) if kind == "policy" else None))
            if kind == "policy":
                self.routes.append(Route(
                    "tracegate-policy-off", "Tracegate (the guardrails gateway with a rule-less policy, TLS)", "127.0.0.1",
                    self.ports[kind], "bench", self.key, "require", DATABASE,
                    note="the same process as the guardrails path; before each of its runs the gateway's policy file is"
                         " swapped for one with the same defaults and no rules, and back before the guardrails path's"
                         " runs (hot reload, confirmed by a probe statement): the A/B of #5's goal",
                    prepare=lambda: self.policy_switch.use("rule-less")))
        if not self.args.no_pgstore:
            self.start_pgstore_nodes()
        self.note_gateway_pids()
        self.check_policies_in_force()

    def start_pgstore_nodes(self) -> None:
        """Two gateway nodes on one PostgreSQL store (a database of the benchmark's server): one path, clients split."""
        self.postgres.psql(f"CREATE DATABASE {PGSTORE_DATABASE}")
        for kind in ("pgstore-a", "pgstore-b"):
            say(f"starting Tracegate node {kind} on port {self.ports[kind]} (PostgreSQL store)")
            gateway = self.gateway(kind, generation=1)
            gateway.start()
            self.gateways[kind] = gateway
        self.routes.append(Route("tracegate-pgstore", "Tracegate, 2 nodes on one PostgreSQL store (recording + evidence, TLS)",
                                 "127.0.0.1", self.ports["pgstore-a"], "bench", self.key, "require", DATABASE,
                                 note=f"store.type postgresql (database {PGSTORE_DATABASE} of the same server); the clients"
                                      " are split evenly across the two nodes (one pgbench each, at once)",
                                 more_ports=(self.ports["pgstore-b"],)))

    def check_policies_in_force(self) -> None:
        """Makes sure the policy paths measure their policy: a policy that matched no caller would cost nothing."""
        for index, route in enumerate(self.routes):
            if route.name == "tracegate-masking":
                filler = self.query(route, "SELECT filler FROM pgbench_accounts WHERE aid = 1").strip()[:120]
                if "@example.com" in filler or "4111" in filler:
                    self.notice(f"{route.label}: the filler came back unmasked ({filler}); its figures measure no masking")
                self.routes[index] = dataclasses.replace(route, note=f"{route.note}; account 1's filler through it: {filler}")
            elif route.name == "tracegate-policy":
                # A bulk write the guardrails block (rule no-bulk-writes); the SET changes nothing should it run after all.
                answer = self.query(route, "UPDATE pgbench_branches SET bbalance = bbalance").strip()[:200]
                if "no-bulk-writes" not in answer:
                    self.notice(f"{route.label}: a bulk UPDATE was not blocked ({answer}); its figures measure no policy")

    @staticmethod
    def query(route: Route, sql: str) -> str:
        """psql's output and error text for one statement through a route."""
        result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-c", sql], env=route.libpq_env(), capture_output=True,
                                text=True, timeout=60)
        return result.stdout + result.stderr

    def gateway(self, kind: str, generation: int, extra_java_opts: tuple[str, ...] = ()) -> TracegateGateway:
        """A gateway process of the given kind ("gateway", "masking" or "policy"), with a data directory of its own."""
        name = f"{kind}-{generation}"
        # Nodes sharing a store sign one log: the second uses the key the first generated.
        signing_key = self.work / "pgstore-a-1/keys/log.key" if kind == "pgstore-b" else None
        config = gateway_config(self.work / name, self.ports[kind], self.ports[f"{kind}-api"], self.key_file,
                                self.ports["postgres"], pgstore=kind.startswith("pgstore"), signing_key=signing_key)
        policy = {"masking": self.args.masking_policy.resolve(), "policy": self.policy_switch.file}.get(kind)
        if policy is not None:
            config += f"policyFile: {policy}\n"
        config += f"tls:\n  engine: {self.args.tls_engine}\n"
        return TracegateGateway(name, self.work, JAVA_HOME / "bin/java", self.classpath, config, self.ports[kind],
                                [*self.java_opts, *extra_java_opts])

    def guardrails_in_force(self, name: str) -> bool:
        """Probes the guardrails gateway: its no-bulk-writes rule blocks a bulk UPDATE, a rule-less policy lets it run."""
        route = next(r for r in self.routes if r.name == "tracegate-policy")
        # The SET changes nothing when it runs; scale 2 has two branches.
        answer = self.query(route, "UPDATE pgbench_branches SET bbalance = bbalance")
        blocked = "no-bulk-writes" in answer
        # psql -q prints nothing for a statement that ran.
        return blocked if name == "guardrails" else (not blocked and "ERROR" not in answer)

    def note_gateway_pids(self) -> None:
        if "gateway" in self.gateways:
            self.proxy_pids["tracegate-tls"] = self.proxy_pids["tracegate-plain"] = self.gateways["gateway"].pid
            self.proxy_pids["tracegate-tls-pool"] = self.proxy_pids["tracegate-pool"] = self.gateways["gateway"].pid
        if "masking" in self.gateways:
            self.proxy_pids["tracegate-masking"] = self.gateways["masking"].pid
        if "policy" in self.gateways:
            self.proxy_pids["tracegate-policy"] = self.proxy_pids["tracegate-policy-off"] = self.gateways["policy"].pid
        if "pgstore-a" in self.gateways and "pgstore-b" in self.gateways:
            self.proxy_pids["tracegate-pgstore"] = (self.gateways["pgstore-a"].pid, self.gateways["pgstore-b"].pid)

    def restart_gateways(self, generation: int, kinds: tuple[str, ...] = ("gateway", "masking", "policy"),
                         extra_java_opts: tuple[str, ...] = ()) -> dict[str, dict]:
        """Replaces running gateways by fresh processes (new data directories); returns the old ones' memory."""
        memory = {}
        for kind in kinds:
            old = self.gateways.pop(kind, None)
            if old is None and kind != "gateway":
                continue  # that path did not start: there is nothing to restart
            if old is not None:
                memory[kind] = {k: v * 1024 / 1e6 for k, v in old.memory_kib().items()}
                old.stop()
            fresh = self.gateway(kind, generation, extra_java_opts)
            fresh.start()
            self.gateways[kind] = fresh
        self.note_gateway_pids()
        return memory

    def stop_services(self) -> None:
        for gateway in self.gateways.values():
            gateway.stop()
        self.gateways = {}
        self.pgbouncer.stop()
        self.pgbouncer_tls.stop()
        self.haproxy.stop()
        self.postgres.stop()

    # ------------------------------------------------------------ phases

    def pgbench(self) -> None:
        say(f"pgbench: {len(self.routes)} paths x {len(pgbench_phase.SCRIPTS)} scripts x clients "
            f"{','.join(map(str, self.plan.client_counts))}, {self.plan.rounds} rounds of {self.plan.seconds} s")
        pgbench_phase.warm_up(self.routes, self.plan.warm_up_seconds, self.plan.gateway_warm_up_seconds)
        runs = pgbench_phase.measure(self.routes, list(self.plan.client_counts), self.plan.rounds, self.plan.seconds,
                                     self.proxy_pids)
        # The control route exists for this phase only; the later phases measure the guardrails as configured.
        if any(r.name == "tracegate-policy-off" for r in self.routes):
            self.policy_switch.use("guardrails")
            self.routes = [r for r in self.routes if r.name != "tracegate-policy-off"]
        self.results["pgbench"] = {"rounds": self.plan.rounds, "seconds": self.plan.seconds, "scale": self.plan.scale,
                                   "runs": runs, "summary": pgbench_phase.summarize(runs)}
        # The shared-store path is the pgbench goal's; the later phases measure the single-node paths.
        self.drop_pgstore_nodes()

    def drop_pgstore_nodes(self) -> None:
        self.routes = [r for r in self.routes if r.name != "tracegate-pgstore"]
        self.proxy_pids.pop("tracegate-pgstore", None)
        for kind in ("pgstore-a", "pgstore-b"):
            gateway = self.gateways.pop(kind, None)
            if gateway is not None:
                gateway.stop()

    def large_results(self) -> None:
        self.drop_pgstore_nodes()
        if self.gateways and "pgbench" in self.phases:
            # The gateways that served pgbench have grown their heaps under that load; fresh processes show what a
            # large result itself costs. The old ones' figures are kept for the report.
            say("large results: starting fresh gateway processes")
            self.results["gateway_memory_after_pgbench_mb"] = self.restart_gateways(generation=2)
        say(f"large results: {self.plan.large_rows:,} rows through every path, {self.plan.large_rounds} rounds")
        kinds = {"tracegate-masking": "masking", "tracegate-policy": "policy"}
        gateways = {r.name: self.gateways[kinds.get(r.name, "gateway")] for r in self.routes if r.name.startswith("tracegate")}
        runs = large_result_phase.measure(self.routes, gateways, self.plan.large_rows, self.plan.large_rounds,
                                          self.plan.small_rows)
        self.results["large_results"] = {"rows": self.plan.large_rows, "rounds": self.plan.large_rounds,
                                         "fetch_count": large_result_phase.FETCH_COUNT, "runs": runs,
                                         "summary": large_result_phase.summarize(runs)}

    def large_results_in_bounded_heap(self, heap: str) -> None:
        """The same result through a gateway whose heap is far smaller than the result: it streams or it fails."""
        say(f"large results: {self.plan.large_rows:,} rows through a fresh gateway started with {heap}")
        tls = next(r for r in self.routes if r.name == "tracegate-tls")
        route = dataclasses.replace(tls, name="tracegate-tls-bounded",
                                    label=f"Tracegate (recording + evidence, TLS), fresh JVM with {heap}")
        self.results["routes"][route.name] = route.label
        runs = []
        try:
            self.restart_gateways(generation=3, kinds=("gateway",), extra_java_opts=(heap,))
            for method in ("copy", "cursor"):
                run = large_result_phase.run_once(route, method, self.plan.large_rows, 1, self.gateways["gateway"])
                runs.append(run)
                say(f"  bounded heap          {method:<6} {route.name:<22} {large_result_phase.describe(run)}")
        except GatewayStartFailed as e:
            self.notice(f"the gateway did not start with {heap}: {e}")
        phase = self.results["large_results"]
        phase["runs"] += runs
        phase["summary"] = large_result_phase.summarize(phase["runs"])

    def storm(self) -> None:
        self.drop_pgstore_nodes()
        say(f"connection storm: {self.plan.storm_clients} clients at once, {self.plan.storm_rounds} rounds per path")
        harness = storm_phase.StormHarness(JAVA_HOME, BENCH / "storm/ConnectionStorm.java", self.work)
        tls = next(r for r in self.routes if r.name == "tracegate-tls")
        # Only the storm has these paths: a pool helps callers that reconnect, which the other phases do not.
        # The cleartext one is the like-for-like row: pgbouncer's path has no TLS either.
        pool_note = ("connections[].upstreamPool maxSessions 64 and maxIdle 64 (pgbouncer's default_pool_size: the"
                     " rest wait for a backend), idleTimeoutSeconds 600; backends are reused between sessions of the"
                     " same caller and settings, as pgbouncer's session pool does")
        pooled = [dataclasses.replace(tls, name="tracegate-tls-pool",
                                      label="Tracegate (recording + evidence, TLS, upstreamPool on)",
                                      database=POOLED_DATABASE, note=pool_note),
                  dataclasses.replace(tls, name="tracegate-pool",
                                      label="Tracegate (recording + evidence, no TLS, upstreamPool on)",
                                      sslmode="disable", database=POOLED_DATABASE,
                                      note=pool_note + "; listeners.postgres.allowCleartextOnLoopback: true")]
        routes = self.routes + pooled
        for route in pooled:
            self.results["routes"][route.name] = route.label
            self.results.setdefault("route_notes", {})[route.name] = route.note
        warm_up = storm_phase.warm_up(harness, routes, self.plan.storm_clients, self.proxy_pids)
        runs = storm_phase.measure(harness, routes, self.plan.storm_clients, self.plan.storm_rounds, self.proxy_pids)
        self.results["storm"] = {"clients": self.plan.storm_clients, "rounds": self.plan.storm_rounds, "runs": runs,
                                 "warm_up_runs": warm_up, "summary": storm_phase.summarize(runs)}

    def profile(self) -> None:
        route = next(r for r in self.routes if r.name == "tracegate-tls")
        self.results["profiles"] = []
        for clients, seconds in ((8, self.plan.profile_seconds), (1, max(5, self.plan.profile_seconds * 3 // 4))):
            say(f"JFR profile: pgbench -S, {clients} clients, {seconds} s through {route.name}")
            summary = profile_phase.profile(self.gateways["gateway"], route, JAVA_HOME, self.work, seconds, clients)
            self.results["profiles"].append(summary)
            if summary.get("error"):
                say(f"  {summary['error']}")
            say(f"  {fmt_number(summary.get('tps'))} tps, gateway busy {summary.get('gateway_cpu_cores')} cores; "
                "innermost Tracegate frames:")
            for entry in summary.get("tracegate_frames", [])[:8]:
                say(f"  {entry['percent']:5.1f} %  {entry['frame']}")

    def http(self, jars: Path) -> None:
        """The HTTP phase: its own upstream, haproxy in HTTP mode and gateway, stopped when it ends."""
        port = self.args.port_base + HTTP_PORT_OFFSET
        upstream = JsonUpstream(self.work, port, JAVA_HOME / "bin/java", jars)
        haproxy = HaproxyHttp(self.work, port + 1, port)
        token, key_file = http_phase.new_token(self.work)
        upstream_token = self.work / "keys/http-upstream.token"
        upstream_token.write_text(UPSTREAM_TOKEN + "\n")
        policy = self.work / "http-policy.yaml"
        policy.write_text(HTTP_POLICY)
        gateway = TracegateGateway("http-gateway", self.work, JAVA_HOME / "bin/java", self.classpath,
                                   http_gateway_config(self.work / "http-gateway", port + 2, port + 3, key_file, port,
                                                       upstream_token, policy), port + 2, self.java_opts)
        try:
            say(f"HTTP: starting the JSON upstream on port {port}, haproxy (HTTP mode) on {port + 1}, "
                f"Tracegate on {port + 2}")
            for service in (upstream, haproxy, gateway):
                service.start()
            self.run_http(jars, upstream, haproxy, gateway, token)
        finally:
            for service in (gateway, haproxy, upstream):
                service.stop()

    def run_http(self, jars: Path, upstream: JsonUpstream, haproxy: HaproxyHttp, gateway: TracegateGateway,
                 token: str) -> None:
        paths = [http_phase.HttpPath("direct", "direct (the upstream itself)", f"http://127.0.0.1:{upstream.port}/json"),
                 http_phase.HttpPath("haproxy-http", "haproxy (HTTP mode, keep-alive, no TLS)",
                                     f"http://127.0.0.1:{haproxy.port}/json",
                                     "mode http, keep-alive both sides, http-reuse always, sets the upstream's"
                                     " Authorization header"),
                 *http_phase.gateway_paths(gateway)]
        body = http_phase.post_body()
        body_file = self.work / "http-post-body.json"
        body_file.write_bytes(body)
        notes = http_phase.masking_check(paths, token, body, self.notice)
        wrk = http_phase.Wrk(token, body_file, {"haproxy-http": haproxy.pid, "tracegate-http": gateway.pid,
                                                "tracegate-http-masking": gateway.pid, "upstream": upstream.pid})
        phase = self.results["http"] = {"paths": {p.name: p.label for p in paths},
                                        "notes": {p.name: f"{p.note}; {notes[p.name]}" if p.note else notes[p.name]
                                                  for p in paths},
                                        "connections": list(self.plan.http_connections), "rounds": self.plan.http_rounds,
                                        "seconds": self.plan.http_seconds, "post_bytes": len(body)}
        if "http" in self.phases:
            say(f"HTTP: {len(paths)} paths x {len(http_phase.WORKLOADS)} workloads x connections "
                f"{','.join(map(str, self.plan.http_connections))}, {self.plan.http_rounds} rounds of "
                f"{self.plan.http_seconds} s")
            http_phase.warm_up(wrk, paths, self.plan.warm_up_seconds, self.plan.gateway_warm_up_seconds)
            runs = http_phase.measure(wrk, paths, list(self.plan.http_connections), self.plan.http_rounds,
                                      self.plan.http_seconds)
            phase["runs"] = runs
            phase["summary"] = http_phase.summarize(runs)
        if "http-profile" in self.phases and self.plan.http_profile_seconds:
            phase["profiles"] = []
            by_name = {p.name: p for p in paths}
            for name, workload in (("tracegate-http", "get-1k"), ("tracegate-http-masking", "get-64k")):
                say(f"JFR profile: wrk {workload}, 8 connections, {self.plan.http_profile_seconds} s through {name}")
                summary = http_phase.profile(wrk, gateway, by_name[name], workload, 8, self.plan.http_profile_seconds,
                                             JAVA_HOME, self.work)
                phase["profiles"].append(summary)
                say(f"  {fmt_number(summary.get('requests_per_second'))} req/s, gateway busy "
                    f"{summary.get('gateway_cpu_cores')} cores; innermost Tracegate frames:")
                for entry in summary.get("tracegate_frames", [])[:8]:
                    say(f"  {entry['percent']:5.1f} %  {entry['frame']}")


def fmt_number(value) -> str:
    return "n/a" if value is None else f"{value:,.0f}"



def settings(plan: Plan, tls_engine: str) -> dict[str, str]:
    return {
        "PostgreSQL": "own cluster, shared_buffers 256MB, synchronous_commit off, trust on loopback",
        "pgbench": f"scale {plan.scale}, -n (no vacuum), -j min(clients,2), simple query protocol, TCP loopback",
        "haproxy": "mode tcp, one server, no TLS",
        "pgbouncer": "pool_mode session, default_pool_size 64, auth trust, no TLS",
        "pgbouncer-tls": "the same, with client_tls_sslmode require, TLS 1.3 only, an EC P-256 certificate",
        "Tracegate": f"tracegate serve as shipped (JVM options: {gateway_java_opts() or 'none'}), embedded store (leaf log"
                     " and H2 index), leaf log without "
                     "fsync (the default), policy: none (allow all but high risk), upstream without TLS,"
                     f" tls.engine {tls_engine} (clients' TLS: BoringSSL where it loads with auto, else the JDK's)",
    }




def first_line(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unavailable ({e})"
    text = (result.stdout + result.stderr).strip()
    return text.splitlines()[0] if text else "unavailable"


def environment() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    os_name = next((line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text().splitlines()
                    if line.startswith("PRETTY_NAME=")), platform.system())
    commit = first_line(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "--no-optional-locks", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "cpu": f"{os.cpu_count()} cores, {cpu}",
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "os": f"{os_name}, Linux {platform.release()}",
        "load average at start": Path("/proc/loadavg").read_text().split()[:3],
        "Tracegate": f"commit {commit}" + (" with uncommitted changes" if dirty else ""),
        "JDK": first_line([str(JAVA_HOME / "bin/java"), "-version"]),
        "pgbench": first_line(["pgbench", "--version"]),
        "pgbouncer": first_line(["pgbouncer", "--version"]),
        "wrk": first_line(["wrk", "--version"]),
        "haproxy": first_line(["haproxy", "-v"]),
        "Python": platform.python_version(),
    }




if __name__ == "__main__":
    sys.exit(main())
