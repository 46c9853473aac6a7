"""bench/account: the gateway's cost per statement and per HTTP request (account_phase.py), standalone.

Starts its own PostgreSQL (pgbench scale 1), a Tracegate gateway with -Dtracegate.accounting=true,
a JSON upstream and an HTTP gateway, warms them up, runs fixed workloads and prints (and writes
to bench/results/<date>-account[-label].md and .json) allocated bytes, gateway CPU, thread
hand-offs, evidence events, JSON encodings and copies per statement and per request. A few
minutes; the figures do not depend on the machine being quiet the way throughput does.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import account_phase
import allocation_profile
import http_phase
import profile_phase
from http_services import HTTP_POLICY, UPSTREAM_TOKEN, JsonUpstream, http_gateway_config
from progress import say
from services import PostgresServer, TracegateGateway
from gateway_setup import BENCH, DATABASE, JAVA_HOME, REPO, gateway_config, gateway_java_opts, modified

WRK_SCRIPT = BENCH / "http/wrk.lua"
#: Seconds of PostgreSQL warm-up. 20 s of `pgbench -S` alone left the JIT compiling a quarter of the measured CPU
#: (the extended protocol, TPC-B and cleartext paths had not run yet): every kind of workload is warmed now.
WARM_UP = 90
QUICK_WARM_UP = 20


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/account", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer transactions and shorter HTTP runs")
    parser.add_argument("--no-build", action="store_true", help="use the jars already built")
    parser.add_argument("--only", default="postgres,http", help="postgres, http or both (default)")
    parser.add_argument("--label", default="", help="appended to the results file's name (e.g. before, after)")
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_ACCOUNT_PORT_BASE", "15470")),
                        help="first of 6 consecutive loopback ports (default 15470)")
    parser.add_argument("--warm-up", type=int, default=None, metavar="SECONDS",
                        help=f"PostgreSQL warm-up, spread over every workload's kind (default {WARM_UP} s,"
                             f" {QUICK_WARM_UP} s with --quick): the JIT must be done compiling before the figures count")
    parser.add_argument("--jfr", action="store_true",
                        help="also record the workloads with JFR and summarise CPU and allocation by frame")
    parser.add_argument("--keep-work", action="store_true", help="keep the scratch directory")
    return parser.parse_args()


def build(work: Path, no_build: bool) -> str:
    if not no_build:
        say("building Tracegate (./mvnw -q -B -o package -DskipTests -pl cli -am)")
        env = {**os.environ, "JAVA_HOME": str(JAVA_HOME), "PATH": f"{JAVA_HOME}/bin:{os.environ['PATH']}"}
        subprocess.run(["./mvnw", "-q", "-B", "-o", "package", "-DskipTests", "-pl", "cli", "-am"], cwd=REPO, env=env,
                       check=True)
    snapshot = work / "tracegate-jars"
    (snapshot / "lib").mkdir(parents=True)
    shutil.copy2(REPO / "cli/target/tracegate-cli.jar", snapshot)
    for lib in (REPO / "cli/target/lib").iterdir():
        shutil.copy2(lib, snapshot / "lib" / lib.name)
    return str(snapshot)


def warm_up(tls: dict, plain: dict, seconds: int) -> None:
    """Runs every kind of workload measured (TLS and not, simple and extended protocol, TPC-B), seconds in all."""
    kinds = [(tls, ("-S",)), (plain, ("-S",)), (tls, ("-S", "-M", "extended")), (tls, ())]
    for env, extra in kinds:
        subprocess.run(["pgbench", "-n", *extra, "-c", "8", "-j", "2", "-T", str(max(1, seconds // len(kinds)))],
                       env=env, check=True, capture_output=True)


def postgres_rows(work: Path, jars: str, ports: list[int], quick: bool, jfr: dict | None,
                  warm_up_seconds: int | None = None) -> list[dict]:
    postgres = PostgresServer(work, ports[0], max_connections=100)
    gateway = None
    try:
        say(f"starting PostgreSQL on port {ports[0]} (pgbench scale 1)")
        postgres.start()
        postgres.psql(f"CREATE DATABASE {DATABASE}")
        subprocess.run(["pgbench", "-i", "-q", "-s", "1", "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres",
                        DATABASE], check=True, capture_output=True, env={**os.environ, "PGSSLMODE": "disable"})
        key, key_file = account_phase.new_key(work, "account")
        gateway = TracegateGateway("account-gateway", work, JAVA_HOME / "bin/java", f"{jars}/tracegate-cli.jar:{jars}/lib/*",
                                   gateway_config(work / "account-gateway", ports[1], ports[2], key_file, ports[0]),
                                   ports[1], [*gateway_java_opts().split(), account_phase.JAVA_OPTION])
        say(f"starting Tracegate with cost accounting on port {ports[1]}")
        gateway.start()
        tls = account_phase.environment_for(ports[1], key, "require", DATABASE)
        plain = account_phase.environment_for(ports[1], key, "disable", DATABASE)
        seconds = warm_up_seconds or (QUICK_WARM_UP if quick else WARM_UP)
        say(f"warming up ({seconds} s at 8 clients: pgbench -S with and without TLS, -M extended, TPC-B-like)")
        warm_up(tls, plain, seconds)
        per_client = 500 if quick else 2000
        workloads = [
            ("pgbench -S, 1 client, TLS", tls, 1, ("-S",)),
            ("pgbench -S, 8 clients, TLS", tls, 8, ("-S",)),
            ("pgbench -S, 8 clients, no TLS", plain, 8, ("-S",)),
            ("pgbench -S -M extended, 8 clients, TLS", tls, 8, ("-S", "-M", "extended")),
            ("TPC-B-like, 8 clients, TLS", tls, 8, ()),
        ]
        rows = []
        recording = work / "account.jfr"
        if jfr is not None:
            account_phase.start_recording(JAVA_HOME, gateway.pid, recording)
        for label, env, clients, extra in workloads:
            transactions = per_client if extra else per_client // 4
            rows.append(account_phase.measure(ports[2], gateway.pid, "statements", label,
                                              lambda: account_phase.pgbench(env, clients, transactions, extra)))
        if jfr is not None:
            account_phase.stop_recording(JAVA_HOME, gateway.pid)
            jfr.update(profile_phase.summarize_recording(recording, JAVA_HOME))
            jfr["allocation"] = account_phase.allocation_by_frame(recording, JAVA_HOME)
            jfr["allocation_per_unit"] = allocation_profile.allocation_profile(recording, JAVA_HOME, units(rows))
        return rows
    finally:
        if gateway is not None:
            gateway.stop()
        postgres.stop()


def units(rows: list[dict]) -> int:
    """The statements (or requests) the measured workloads served: what the profile's bytes are divided by."""
    return sum(row.get("units", 0) for row in rows)


def http_rows(work: Path, jars: str, ports: list[int], quick: bool, jfr: dict | None) -> list[dict]:
    upstream = JsonUpstream(work, ports[3], JAVA_HOME / "bin/java", Path(jars))
    token, key_file = http_phase.new_token(work)
    upstream_token = work / "keys/http-upstream.token"
    upstream_token.write_text(UPSTREAM_TOKEN + "\n")
    policy = work / "http-policy.yaml"
    policy.write_text(HTTP_POLICY)
    gateway = TracegateGateway("account-http-gateway", work, JAVA_HOME / "bin/java",
                               f"{jars}/tracegate-cli.jar:{jars}/lib/*",
                               http_gateway_config(work / "account-http-gateway", ports[4], ports[5], key_file, ports[3],
                                                   upstream_token, policy),
                               ports[4], [*gateway_java_opts().split(), account_phase.JAVA_OPTION])
    body_file = work / "http-post-body.json"
    body_file.write_bytes(http_phase.post_body())
    base = f"http://127.0.0.1:{ports[4]}"
    seconds = 3 if quick else 8
    try:
        say(f"HTTP: the JSON upstream on port {ports[3]}, Tracegate with cost accounting on {ports[4]}")
        upstream.start()
        gateway.start()
        say("warming up (wrk, 8 connections, every workload)")
        for url, body in ((base + "/json/1k", None), (base + "/json/64k", None), (base + "/json/", body_file),
                          (base + "/masked/1k", None)):
            account_phase.wrk(url, token, 8, 4 if quick else 8, WRK_SCRIPT, body)
        # A CI job's or an agent's credential: a signed token, verified by the gateway on each request.
        signed = account_phase.gateway_token(ports[5], token)
        account_phase.wrk(base + "/json/1k", signed, 8, 4 if quick else 8, WRK_SCRIPT, None)
        rows = []
        recording = work / "account-http.jfr"
        if jfr is not None:
            account_phase.start_recording(JAVA_HOME, gateway.pid, recording)
        for label, url, body in (("GET 1 KiB, 8 connections (recording)", base + "/json/1k", None),
                                 ("GET 64 KiB, 8 connections (recording)", base + "/json/64k", None),
                                 ("POST 1 KiB, 8 connections (recording)", base + "/json/", body_file),
                                 ("GET 1 KiB, 8 connections (recording + JSON masking)", base + "/masked/1k", None),
                                 ("GET 1 KiB, 8 connections (recording, gateway token)", base + "/json/1k", None)):
            bearer = signed if "gateway token" in label else token
            rows.append(account_phase.measure(ports[5], gateway.pid, "http_requests", label,
                                              lambda: account_phase.wrk(url, bearer, 8, seconds, WRK_SCRIPT, body)))
        if jfr is not None:
            account_phase.stop_recording(JAVA_HOME, gateway.pid)
            jfr.update(profile_phase.summarize_recording(recording, JAVA_HOME))
            jfr["allocation"] = account_phase.allocation_by_frame(recording, JAVA_HOME)
            jfr["allocation_per_unit"] = allocation_profile.allocation_profile(recording, JAVA_HOME, units(rows))
        return rows
    finally:
        gateway.stop()
        upstream.stop()


def main() -> int:
    args = parse_args()
    started = datetime.datetime.now().astimezone()
    work = Path(f"/tmp/tracegate-account-{started:%Y%m%d-%H%M%S}")
    work.mkdir(parents=True)
    os.chmod(work, 0o755)
    ports = [args.port_base + i for i in range(6)]
    only = {p.strip() for p in args.only.split(",")}
    results = {"started": started.isoformat(timespec="seconds"), "quick": args.quick, "rows": [],
               "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                        text=True).stdout.strip(),
               "dirty": bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                                            capture_output=True, text=True).stdout.strip()),
               "load_average_start": Path("/proc/loadavg").read_text().split()[:3]}
    try:
        jars = build(work, args.no_build)
        # The newest of Tracegate's own jars: a change to one module rebuilds that module's jar only.
        results["jars_built"] = max(modified(jar) for jar in [REPO / "cli/target/tracegate-cli.jar",
                                                              *(REPO / "cli/target/lib").glob("tracegate-*.jar")])
        if "postgres" in only:
            results["profile"] = {} if args.jfr else None
            results["rows"] += postgres_rows(work, jars, ports, args.quick, results["profile"], args.warm_up)
        if "http" in only:
            results["http_profile"] = {} if args.jfr else None
            results["rows"] += http_rows(work, jars, ports, args.quick, results["http_profile"])
    finally:
        results["load_average_end"] = Path("/proc/loadavg").read_text().split()[:3]
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    stem = f"{started:%Y-%m-%d}-account" + (f"-{args.label}" if args.label else "")
    lines = [f"# Cost accounting, {results['started']}", "",
             f"Tracegate commit {results['commit']}{' (with uncommitted changes)' if results['dirty'] else ''},"
             f" jars built {results['jars_built']}; load average {' '.join(results['load_average_start'])} at start,"
             f" {' '.join(results['load_average_end'])} at end; `bench/account{' --quick' if args.quick else ''}`.", "",
             *account_phase.markdown(results), *account_phase.profile_markdown(results.get("profile")),
             *account_phase.profile_markdown(results.get("http_profile"), "HTTP"),
             *allocation_profile.markdown((results.get("profile") or {}).get("allocation_per_unit")),
             *allocation_profile.markdown((results.get("http_profile") or {}).get("allocation_per_unit"), "request")]
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / f"{stem}.md").write_text("\n".join(lines))
    (BENCH / "results" / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    print("\n".join(lines))
    say(f"written bench/results/{stem}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
