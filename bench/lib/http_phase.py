"""HTTP throughput and latency through every HTTP path, interleaved round-robin, with wrk.

The paths reach one JSON upstream (bench/http/JsonUpstream.java): directly, through haproxy in
HTTP mode, and through one Tracegate gateway with two connections to that upstream, `json`
(recording) and `masked` (recording and masking of both bodies): an A/B on one process, as the
guardrails path does for the PostgreSQL phase. Workloads: GET of a 1 KiB and of a 64 KiB JSON
document, and POST of a 1 KiB JSON document (answered 201 with a small JSON body). Each round
visits every (workload, connections) point and, for each, every path in an order rotated from
point to point, so machine noise lands on all paths alike.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import secrets
import statistics
import subprocess
import urllib.request
from pathlib import Path
from typing import Callable

import profile_phase
from process_cpu import CpuMeter, settle
from progress import say
from services import TracegateGateway

BENCH = Path(__file__).resolve().parent.parent
WRK_SCRIPT = BENCH / "http/wrk.lua"

# name -> (method, path under the connection)
WORKLOADS = {
    "get-1k": ("GET", "/1k"),
    "get-64k": ("GET", "/64k"),
    "post-1k": ("POST", "/"),
}


@dataclasses.dataclass(frozen=True)
class HttpPath:
    """One way for wrk to reach the upstream's /json/ documents."""

    name: str        # stable key in JSON: direct, haproxy-http, tracegate-http, tracegate-http-masking
    label: str
    base_url: str    # what the workload's path is appended to
    note: str = ""


@dataclasses.dataclass
class WrkRun:
    path: str
    workload: str
    connections: int
    round: int
    seconds: int
    requests_per_second: float | None = None
    requests: int | None = None
    latency_us: dict | None = None
    errors: dict | None = None
    proxy_cpu_us_per_request: float | None = None
    upstream_cpu_us_per_request: float | None = None
    client_cpu_us_per_request: float | None = None
    error: str | None = None


def post_body() -> bytes:
    """A 1 KiB reasoning-trace document holding the personal data a masking rule is there to find."""
    steps = []
    i = 0
    while True:
        steps.append({"step": i, "kind": "tool_call", "tool": "crm.lookup",
                      "input": f"find the orders of customer{i}@example.com",
                      "output": f"3 orders, card 4111 1111 1111 1111, phone +44 20 7946 {i:04d}"})
        document = {"trace": "c0ffee", "agent": "support-bot", "steps": steps, "pad": ""}
        text = json.dumps(document, separators=(",", ":"))
        if len(text) > 1024:
            steps.pop()
            document["pad"] = " " * (1024 - len(json.dumps(document, separators=(",", ":"))))
            return json.dumps(document, separators=(",", ":")).encode()
        i += 1


class Wrk:
    """Runs wrk against a path and reads the figures bench/http/wrk.lua prints."""

    def __init__(self, token: str, body_file: Path, pids: dict[str, int | None]):
        self.token = token
        self.body_file = body_file
        self.pids = pids  # path name -> the proxy's pid, plus "upstream"

    def run(self, path: HttpPath, workload: str, connections: int, seconds: int, round_number: int) -> WrkRun:
        method, suffix = WORKLOADS[workload]
        run = WrkRun(path.name, workload, connections, round_number, seconds)
        command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                   "-s", str(WRK_SCRIPT), "-H", f"Authorization: Bearer {self.token}", path.base_url + suffix]
        env = {"BENCH_POST_BODY": str(self.body_file) if method == "POST" else "", "PATH": "/usr/bin:/bin"}
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            with CpuMeter(self.pids.get(path.name)) as proxy, CpuMeter(self.pids.get("upstream")) as upstream:
                result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=seconds + 120)
        except subprocess.TimeoutExpired:
            run.error = f"wrk did not finish within {seconds + 120} s"
            return run
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH ")), None)
        if result.returncode != 0 or line is None:
            tail = (result.stderr or result.stdout).strip().splitlines()
            run.error = tail[-1] if tail else f"wrk exit status {result.returncode}"
            return run
        figures = json.loads(line[len("BENCH "):])
        run.requests = figures["requests"]
        run.requests_per_second = figures["requests"] / (figures["duration_us"] / 1e6)
        run.latency_us = figures["latency_us"]
        run.errors = {k: v for k, v in figures["errors"].items() if v}
        if run.errors:
            # A path answering errors fast would look fast: its figures are not reported.
            run.error = "wrk counted errors: " + ", ".join(f"{k} {v}" for k, v in run.errors.items())
        if run.requests:
            client = (children_after.ru_utime + children_after.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
            run.client_cpu_us_per_request = client * 1e6 / run.requests
            if proxy.cpu() is not None:
                run.proxy_cpu_us_per_request = proxy.cpu() * 1e6 / run.requests
            if upstream.cpu() is not None:
                run.upstream_cpu_us_per_request = upstream.cpu() * 1e6 / run.requests
        return run


def describe(run: WrkRun) -> str:
    if run.error and run.requests_per_second is None:
        return f"ERROR {run.error}"
    text = (f"{run.requests_per_second:>9,.0f} req/s  p50 {run.latency_us['p50']:7.0f} us  "
            f"p99 {run.latency_us['p99']:8.0f} us")
    if run.proxy_cpu_us_per_request is not None:
        text += f"  proxy CPU {run.proxy_cpu_us_per_request:6.1f} us/req"
    if run.error:
        text += f"  ERROR {run.error}"
    return text


def warm_up(wrk: Wrk, paths: list[HttpPath], seconds: int, gateway_seconds: int) -> None:
    """Every path and workload once, the gateway longer: its JIT needs load before it has compiled the hot paths."""
    for path in paths:
        duration = gateway_seconds if path.name.startswith("tracegate") else seconds
        for workload in WORKLOADS:
            run = wrk.run(path, workload, 8, duration, 0)
            say(f"  warm-up {path.name:<24} {workload:<8} 8 connections, {duration} s: {describe(run)}")
            settle(wrk.pids.get(path.name) if path.name.startswith("tracegate") else None)


def measure(wrk: Wrk, paths: list[HttpPath], connection_counts: list[int], rounds: int, seconds: int) -> list[WrkRun]:
    runs: list[WrkRun] = []
    points = [(workload, connections) for workload in WORKLOADS for connections in connection_counts]
    total = rounds * len(points) * len(paths)
    done = 0
    for round_number in range(1, rounds + 1):
        say(f"HTTP round {round_number}/{rounds}")
        for point_index, (workload, connections) in enumerate(points):
            offset = (round_number + point_index) % len(paths)
            for path in paths[offset:] + paths[:offset]:
                run = wrk.run(path, workload, connections, seconds, round_number)
                # The gateway's storer is still writing this run's events; let it finish before the next path runs.
                settle(wrk.pids.get(path.name) if path.name.startswith("tracegate") else None)
                runs.append(run)
                done += 1
                say(f"  [{done:3d}/{total}] {workload:<8} {connections:>2} conn  {path.name:<24} {describe(run)}")
    return runs


@dataclasses.dataclass
class HttpSummary:
    path: str
    workload: str
    connections: int
    requests_per_second: float | None
    rps_min: float | None
    rps_max: float | None
    p50_us: float | None
    p90_us: float | None
    p99_us: float | None
    proxy_cpu_us_per_request: float | None
    upstream_cpu_us_per_request: float | None
    client_cpu_us_per_request: float | None
    rounds: int
    errors: list[str]
    vs_direct: float | None = None
    vs_haproxy: float | None = None
    vs_tracegate: float | None = None


def summarize(runs: list[WrkRun]) -> list[HttpSummary]:
    """Median over rounds per (path, workload, connections), of req/s and of each round's percentiles."""
    keys = list(dict.fromkeys((r.path, r.workload, r.connections) for r in runs))
    summaries = []
    for path, workload, connections in keys:
        group = [r for r in runs if (r.path, r.workload, r.connections) == (path, workload, connections)]
        good = [r for r in group if r.error is None and r.requests_per_second]
        rps = [r.requests_per_second for r in good]

        def median_of(values: list) -> float | None:
            values = [v for v in values if v is not None]
            return statistics.median(values) if values else None

        summaries.append(HttpSummary(
            path, workload, connections, median_of(rps), min(rps) if rps else None, max(rps) if rps else None,
            median_of([r.latency_us["p50"] for r in good]), median_of([r.latency_us["p90"] for r in good]),
            median_of([r.latency_us["p99"] for r in good]), median_of([r.proxy_cpu_us_per_request for r in good]),
            median_of([r.upstream_cpu_us_per_request for r in good]), median_of([r.client_cpu_us_per_request for r in good]),
            len(group), sorted({r.error for r in group if r.error})))
    by_key = {(s.path, s.workload, s.connections): s for s in summaries}
    for s in summaries:
        s.vs_direct = ratio(s, by_key.get(("direct", s.workload, s.connections)))
        s.vs_haproxy = ratio(s, by_key.get(("haproxy-http", s.workload, s.connections)))
        s.vs_tracegate = ratio(s, by_key.get(("tracegate-http", s.workload, s.connections)))
    return summaries


def ratio(summary: HttpSummary, baseline: HttpSummary | None) -> float | None:
    if baseline is None or not baseline.requests_per_second or summary.requests_per_second is None:
        return None
    return summary.requests_per_second / baseline.requests_per_second


def fetch(url: str, token: str, body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Authorization": f"Bearer {token}"} | (
        {"Content-Type": "application/json"} if body is not None else {}))
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def masking_check(paths: list[HttpPath], token: str, body: bytes, notice: Callable[[str], None]) -> dict[str, str]:
    """What each path answers, so the report shows that the masked path masks and the others do not."""
    notes = {}
    for path in paths:
        status, answer = fetch(path.base_url + "/1k", token)
        text = answer.decode(errors="replace")
        clear = "@example.com" in text or "4111 1111 1111 1111" in text
        post_status, post_answer = fetch(path.base_url + "/", token, body)
        try:
            received = json.loads(post_answer).get("bytes")
        except ValueError:
            received = None
        notes[path.name] = (f"GET /1k: {status}, personal data {'in clear' if clear else 'masked'}; POST of "
                            f"{len(body)} bytes: {post_status}, the upstream received {received} bytes")
        masked = path.name == "tracegate-http-masking"
        if status != 200 or post_status != 201:
            notice(f"{path.label}: answered {status} to GET and {post_status} to POST; its figures measure errors")
        elif masked and (clear or received == len(body)):
            notice(f"{path.label}: a body came through unmasked ({notes[path.name]}); its figures measure no masking")
        elif not masked and not clear:
            notice(f"{path.label}: the 1 KiB document came back without its personal data; its figures are suspect")
    return notes


def new_token(work: Path) -> tuple[str, Path]:
    token = secrets.token_urlsafe(32)
    file = work / "keys/http-bench.key"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(token + "\n")
    file.chmod(0o600)
    return token, file


def gateway_paths(gateway: TracegateGateway) -> list[HttpPath]:
    base = f"http://127.0.0.1:{gateway.port}"
    return [HttpPath("tracegate-http", "Tracegate (recording + evidence, no TLS)", base + "/json",
                     "connection `json`: recorded, bodies kept in the evidence masked with the record profile"),
            HttpPath("tracegate-http-masking", "Tracegate (recording + evidence + JSON masking, no TLS)", base + "/masked",
                     "connection `masked` of the same gateway process: both bodies masked for the caller with every "
                     "detector and name hint")]


def profile(wrk: Wrk, gateway: TracegateGateway, path: HttpPath, workload: str, connections: int, seconds: int,
            java_home: Path, work: Path) -> dict:
    """A JFR profile of the gateway while wrk drives one point (after a short unrecorded warm-up)."""
    wrk.run(path, workload, connections, profile_phase.PROFILE_WARM_UP_SECONDS, 0)
    settle(gateway.pid)

    def load() -> dict:
        run = wrk.run(path, workload, connections, seconds, 0)
        return {"requests_per_second": run.requests_per_second,
                "p50_us": run.latency_us["p50"] if run.latency_us else None,
                "proxy_cpu_us_per_request": run.proxy_cpu_us_per_request, "error": run.error}

    summary = {"path": path.name, "workload": workload, "connections": connections, "seconds": seconds}
    summary.update(profile_phase.record(gateway, java_home, work / f"profile-{path.name}-{workload}-{connections}.jfr",
                                        load))
    return summary
