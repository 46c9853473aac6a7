"""Cost accounting: what the gateway spends per statement and per HTTP request, independent of load.

A gateway started with -Dtracegate.accounting=true counts, on /metrics, the statements it
recorded, the HTTP requests it served, the evidence events, JSON encodings, thread hand-offs and
copies of message bytes, and reports its process CPU time and the bytes all its threads
allocated (com.sun.management.ThreadMXBean). A workload runs through it after a warm-up; the
growth of each counter divided by the growth of the statement (or request) counter is the cost
per unit. Throughput on a shared machine moves with everyone else's load; these do not (CPU time
a little: caches and frequency), which is why #16 asks for them in the report.

Used by bench/account (standalone, a few minutes) and by bench/run's `account` phase.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.request
from pathlib import Path

from process_cpu import settle, thread_cpu_seconds
from progress import say

COUNTERS = ("statements", "http_requests", "evidence_events", "json_encodings", "hand_offs", "copies",
            "allocated_bytes", "cpu_nanoseconds")
PREFIX = "tracegate_accounting_"
JAVA_OPTION = "-Dtracegate.accounting=true"
#: HotSpot's JIT compiler threads (their names as /proc shows them, cut to 15 characters).
JIT_THREADS = ("C1 CompilerThre", "C2 CompilerThre")


def scrape(api_port: int) -> dict[str, float]:
    """The accounting counters from the gateway's /metrics (Prometheus text)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{api_port}/metrics", timeout=30) as response:
        text = response.read().decode()
    values = {}
    for line in text.splitlines():
        if line.startswith(PREFIX):
            name, _, value = line.partition(" ")
            key = name[len(PREFIX):].split("{")[0].removesuffix("_total")
            values[key] = float(value)
    missing = [c for c in COUNTERS if c not in values]
    if missing:
        raise RuntimeError(f"the gateway on API port {api_port} exposes no accounting counters ({', '.join(missing)});"
                           f" was it started with {JAVA_OPTION}?")
    return values


def gateway_token(api_port: int, key: str) -> str:
    """A gateway token (an Ed25519 JWT, what CI jobs and agents present) for the identity of an API key."""
    request = urllib.request.Request(f"http://127.0.0.1:{api_port}/api/tokens", data=b"{}", method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read().decode())["token"]


def per_unit(before: dict[str, float], after: dict[str, float], unit: str) -> dict:
    """Each counter's growth per statement (unit "statements") or per request ("http_requests")."""
    units = after[unit] - before[unit]
    row = {"units": int(units)}
    if units <= 0:
        return row
    for counter in COUNTERS:
        if counter != unit:
            row[counter] = (after[counter] - before[counter]) / units
    row["cpu_us"] = row.pop("cpu_nanoseconds") / 1000
    return row


def measure(api_port: int, pid: int, unit: str, label: str, run) -> dict:
    """Runs the workload `run()` between two scrapes; the gateway is let go idle first so leftovers are not charged."""
    settle(pid)  # the indexer and the blob writer finish what the previous workload left
    # Two scrapes in a row: what one scrape itself allocates and costs, taken off the workload's figures.
    control = scrape(api_port)
    before = scrape(api_port)
    jit_before = thread_cpu_seconds(pid, JIT_THREADS)
    run()
    settle(pid)  # what the workload left for the indexer is charged to it
    jit_after = thread_cpu_seconds(pid, JIT_THREADS)
    after = scrape(api_port)
    for counter in ("allocated_bytes", "cpu_nanoseconds"):
        after[counter] -= before[counter] - control[counter]
    row = {"workload": label, "unit": "statement" if unit == "statements" else "request", **per_unit(before, after, unit)}
    if "cpu_us" in row:
        # The JIT still compiling is part of the gateway's CPU: shown apart, so a short warm-up is visible.
        row["jit_cpu_us"] = (jit_after - jit_before) * 1e6 / row["units"]
    say(f"  {label}: {describe(row)}")
    return row


def describe(row: dict) -> str:
    if "cpu_us" not in row:
        return "nothing counted"
    return (f"{row['units']:,} {row['unit']}s; per {row['unit']}: {row['allocated_bytes'] / 1024:,.1f} KiB allocated, "
            f"{row['cpu_us']:,.0f} us CPU ({jit(row)} JIT), {row['hand_offs']:.2f} hand-offs, {row['evidence_events']:.2f} events, "
            f"{row['json_encodings']:.2f} JSON encodings, {row['copies']:.2f} copies")


def jit(row: dict) -> str:
    """The JIT compiler threads' CPU per unit, as a cell ("n/a" in results written before it was measured)."""
    return f"{row['jit_cpu_us']:,.0f} us" if "jit_cpu_us" in row else "n/a"


def pgbench(env: dict, clients: int, transactions: int, extra: tuple[str, ...] = ("-S",)) -> None:
    """pgbench with a fixed number of transactions per client, so that the count is the workload, not the time."""
    subprocess.run(["pgbench", "-n", *extra, "-c", str(clients), "-j", str(min(clients, 2)), "-t", str(transactions)],
                   env=env, check=True, capture_output=True, timeout=900)


def wrk(url: str, token: str, connections: int, seconds: int, script: Path, post_body: Path | None) -> None:
    env = {"BENCH_POST_BODY": str(post_body) if post_body else "", "PATH": "/usr/bin:/bin"}
    subprocess.run(["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                    "-s", str(script), "-H", f"Authorization: Bearer {token}", url],
                   env=env, check=True, capture_output=True, timeout=seconds + 60)


def markdown(phase: dict) -> list[str]:
    """The accounting table of a results file (and of docs/benchmarks.md)."""
    rows = phase.get("rows") or []
    if not rows:
        return []
    out = ["## Cost accounting (per statement / per request)", "",
           "A gateway started with `-Dtracegate.accounting=true` after a warm-up; each figure is the growth of the"
           " gateway's own counter over the workload divided by the statements it recorded (PostgreSQL) or the"
           " requests it served (HTTP). CPU is the whole gateway process (every thread: relays, evidence appender and"
           " indexer, GC, JIT); allocation is every thread's. Neither depends on how busy the machine is the way"
           " throughput does. What one scrape of /metrics costs (measured by two scrapes in a row) is taken off."
           " \"of which JIT\" is the CPU of the JIT's compiler threads (from /proc) within the gateway CPU: what"
           " the warm-up left to compile. docs/benchmarks.md defines each counter.", "",
           "| workload | per | count | allocated | gateway CPU | of which JIT | hand-offs | evidence events"
           " | JSON encodings | copies |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        if "cpu_us" not in row:
            out.append(f"| {row['workload']} | {row['unit']} | 0 | n/a | n/a | n/a | n/a | n/a | n/a | n/a |")
            continue
        out.append(f"| {row['workload']} | {row['unit']} | {row['units']:,} | {row['allocated_bytes'] / 1024:,.1f} KiB"
                   f" | {row['cpu_us']:,.0f} us | {jit(row)} | {row['hand_offs']:.2f} | {row['evidence_events']:.2f}"
                   f" | {row['json_encodings']:.2f} | {row['copies']:.2f} |")
    out.append("")
    return out


def new_key(work: Path, name: str) -> tuple[str, Path]:
    key = secrets.token_urlsafe(32)
    file = work / f"keys/{name}.key"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(key + "\n")
    file.chmod(0o600)
    return key, file


def environment_for(port: int, key: str, sslmode: str, database: str) -> dict:
    env = dict(os.environ)
    env.update(PGHOST="127.0.0.1", PGPORT=str(port), PGUSER="bench", PGPASSWORD=key, PGDATABASE=database,
               PGSSLMODE=sslmode, PGAPPNAME="tracegate-account")
    return env


def start_recording(java_home: Path, pid: int, recording: Path) -> None:
    subprocess.run([str(java_home / "bin/jcmd"), str(pid), "JFR.start", "name=account", "settings=profile",
                    f"filename={recording}"], check=True, capture_output=True)


def stop_recording(java_home: Path, pid: int) -> None:
    subprocess.run([str(java_home / "bin/jcmd"), str(pid), "JFR.stop", "name=account"], capture_output=True)


def allocation_by_frame(recording: Path, java_home: Path, limit: int = 15) -> list[dict]:
    """Where the sampled allocation went (jdk.ObjectAllocationSample's weight), by the innermost Tracegate frame."""
    printed = subprocess.run([str(java_home / "bin/jfr"), "print", "--json", "--stack-depth", "64", "--events",
                              "jdk.ObjectAllocationSample", str(recording)], capture_output=True, text=True)
    if printed.returncode != 0:
        return []
    weights: dict[str, float] = {}
    for event in json.loads(printed.stdout)["recording"]["events"]:
        frames = (event["values"].get("stackTrace") or {}).get("frames") or []
        names = [f"{f['method']['type']['name'].replace('/', '.')}.{f['method']['name']}" for f in frames]
        owner = next((n for n in names if n.startswith("dev.tracegate.")), names[0] if names else "(no stack)")
        weights[owner] = weights.get(owner, 0) + float(event["values"].get("weight") or 0)
    total = sum(weights.values()) or 1
    return [{"frame": name, "percent": round(100 * weight / total, 1)}
            for name, weight in sorted(weights.items(), key=lambda item: -item[1])[:limit]]


def profile_markdown(profile: dict, workloads: str = "PostgreSQL") -> list[str]:
    if not profile:
        return []
    out = [f"## Where the {workloads} workloads' CPU and allocation went (JFR, settings=profile)", "",
           f"{profile.get('samples', 0):,} execution samples over the {workloads} workloads above.", "",
           "| CPU: innermost Tracegate frame | % | | CPU: top frame | % |", "|---|---:|---|---|---:|"]
    owners, tops = profile.get("tracegate_frames", []), profile.get("top_frames", [])
    for i in range(max(len(owners), len(tops))):
        a = owners[i] if i < len(owners) else {"frame": "", "percent": ""}
        b = tops[i] if i < len(tops) else {"frame": "", "percent": ""}
        out.append(f"| `{a['frame']}` | {a['percent']} | | `{b['frame']}` | {b['percent']} |")
    out += ["", "| allocation: innermost Tracegate frame | % of sampled bytes |", "|---|---:|"]
    out += [f"| `{row['frame']}` | {row['percent']} |" for row in profile.get("allocation", [])]
    out.append("")
    return out
