"""bench/http-floor: what Jetty's way of proxying HTTP costs before the gateway does anything.

Runs wrk (GET of the 1 KiB JSON document, 8 connections by default) against the HTTP phase's JSON
upstream (bench/http/JsonUpstream.java) directly, through haproxy in HTTP mode (the HTTP phase's
set-up), and through `bench/http-floor/HttpFloor.java`: a reverse proxy built from the gateway's
own parts (Jetty's server on virtual threads as HttpGatewayListener, Jetty's client as
TargetHttpClient) that only forwards the request and streams the answer back, and the same with
the server's platform threads, and the same with no thread of the request's own (the answer
written to the client where Jetty's client parses it, as Jetty's asynchronous proxy does); and, at the same load, the gateway itself as the HTTP phase runs
it (connection `json`: recorded, not masked). Rounds interleave the paths, the order rotated from round to
round, so a burst of load lands on all of them. It prints, per path, req/s and the proxy
process's CPU per request: the floor, to set beside the gateway's own CPU per request.
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

from gateway_setup import BENCH, JAVA_HOME, REPO, gateway_java_opts
import http_phase
from http_phase import HttpPath, Wrk, WrkRun, describe
from http_services import HTTP_POLICY, UPSTREAM_TOKEN, HaproxyHttp, JsonUpstream, http_gateway_config
from process_cpu import settle
from progress import say
from services import TracegateGateway, require_free, stop_process, wait_for_port

MODES = ("virtual", "platform", "async")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/http-floor", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_HTTP_FLOOR_PORT_BASE", "26800")),
                        help="first of the 7 consecutive loopback ports it uses")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workload", default="get-1k", choices=("get-1k", "get-64k", "post-1k"))
    parser.add_argument("--seconds", type=int, default=15, help="seconds per measured run")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--java-opts", default=None,
                        help="JVM options of the floor proxy (default: the gateway's, scripts/jvm.options)")
    return parser.parse_args()


def start_floor(mode: str, port: int, target: int, jars: Path, java_opts: str, work: Path) -> subprocess.Popen:
    """The gateway's classpath, its jar first: its logback.xml (WARN) applies, as in the gateway; without it
    Logback's default logs Jetty at DEBUG and the proxy measures its logging."""
    require_free(port)
    log = work / f"http-floor-{mode}.log"
    command = [str(JAVA_HOME / "bin" / "java"), *java_opts.split(), "-cp", f"{jars / 'tracegate-cli.jar'}:{jars / 'lib'}/*",
               str(BENCH / "http-floor" / "HttpFloor.java"), mode, str(port), str(target), UPSTREAM_TOKEN]
    process = subprocess.Popen(command, stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
    wait_for_port(port, 120, process)
    return process


def main() -> None:
    args = parse_args()
    java_opts = gateway_java_opts() if args.java_opts is None else args.java_opts
    jars = REPO / "cli" / "target"
    if not (jars / "lib").is_dir():
        raise SystemExit("cli/target/lib is missing: build the gateway first (./mvnw -o package -DskipTests)")
    work = Path(tempfile.mkdtemp(prefix="http-floor-"))
    base = args.port_base
    upstream = JsonUpstream(work, base, JAVA_HOME / "bin" / "java", jars)
    haproxy = HaproxyHttp(work, base + 1, base)
    floors: dict[str, subprocess.Popen] = {}
    # The gateway itself as the HTTP phase runs it (connection `json`: recorded, not masked), measured at the same load.
    token, key_file = http_phase.new_token(work)
    upstream_token = work / "keys/http-upstream.token"
    upstream_token.write_text(UPSTREAM_TOKEN + "\n")
    policy = work / "http-policy.yaml"
    policy.write_text(HTTP_POLICY)
    gateway = TracegateGateway("http-gateway", work, JAVA_HOME / "bin" / "java",
                               f"{jars / 'tracegate-cli.jar'}:{jars / 'lib'}/*",
                               http_gateway_config(work / "http-gateway", base + 5, base + 6, key_file, base,
                                                   upstream_token, policy), base + 5, java_opts.split())
    try:
        say(f"starting the JSON upstream on {base}, haproxy on {base + 1}, the floor proxies on {base + 2}-{base + 4}, "
            f"Tracegate on {base + 5}")
        upstream.start()
        haproxy.start()
        for i, mode in enumerate(MODES):
            floors[mode] = start_floor(mode, base + 2 + i, base, jars, java_opts, work)
        gateway.start()
        paths = [HttpPath("direct", "direct", f"http://127.0.0.1:{base}/json"),
                 HttpPath("haproxy-http", "haproxy (HTTP mode)", f"http://127.0.0.1:{base + 1}/json")]
        paths += [HttpPath(f"jetty-floor-{mode}", f"Jetty floor proxy ({mode} threads)", f"http://127.0.0.1:{base + 2 + i}/json")
                  for i, mode in enumerate(MODES)]
        paths.append(http_phase.gateway_paths(gateway)[0])
        pids = {"haproxy-http": haproxy.pid, "upstream": upstream.pid, "tracegate-http": gateway.pid}
        pids |= {f"jetty-floor-{mode}": process.pid for mode, process in floors.items()}
        body = http_phase.post_body()
        body_file = work / "post-body.json"
        body_file.write_bytes(body)
        for path, note in http_phase.masking_check(paths, token, body, lambda text: say(f"NOTICE {text}")).items():
            say(f"  {path}: {note}")
        wrk = Wrk(token, body_file, pids)
        # The Java proxies longer: their JIT needs load before it has compiled the hot paths, the gateway's most.
        warm_up = {f"jetty-floor-{mode}": 30 for mode in MODES} | {"tracegate-http": 90}
        say("warming up every path (10 s each, the floor proxies 30 s, the gateway 90 s)")
        for path in paths:
            run = wrk.run(path, args.workload, args.connections, warm_up.get(path.name, 10), 0)
            settle(gateway.pid if path.name == "tracegate-http" else None)
            say(f"  warm-up {path.name:<22} {describe(run)}")
        results: dict[str, list[WrkRun]] = {path.name: [] for path in paths}
        loads = [os.getloadavg()[0]]
        for round_number in range(1, args.rounds + 1):
            offset = round_number % len(paths)
            for path in paths[offset:] + paths[:offset]:
                run = wrk.run(path, args.workload, args.connections, args.seconds, round_number)
                # The gateway's storer is still writing this run's events; let it finish before the next path runs.
                settle(gateway.pid if path.name == "tracegate-http" else None)
                if run.error:
                    raise RuntimeError(f"{path.name}: {run.error}")
                results[path.name].append(run)
                loads.append(os.getloadavg()[0])
                say(f"round {round_number} {path.name:<22} {describe(run)}  load {loads[-1]:.1f}")
        report(args, java_opts, results, loads)
    finally:
        gateway.stop()
        for process in floors.values():
            stop_process(process, "floor proxy")
        haproxy.stop()
        upstream.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(args: argparse.Namespace, java_opts: str, results: dict[str, list[WrkRun]], loads: list[float]) -> None:
    now = datetime.datetime.now(datetime.timezone.utc)
    haproxy_rps = statistics.median(r.requests_per_second for r in results["haproxy-http"])
    lines = [f"# The floor of the HTTP path, {now:%Y-%m-%d %H:%M} UTC", "",
             f"`bench/http-floor --workload {args.workload} --connections {args.connections} --seconds {args.seconds} "
             f"--rounds {args.rounds}`; the floor proxy's JVM options `{java_opts}`. 1-minute load average "
             f"{min(loads):.1f}-{max(loads):.1f} over the runs. Medians of the rounds (range in brackets).", "",
             "| path | req/s | x haproxy | p50 | proxy CPU per request | upstream CPU per request |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, runs in results.items():
        rps = [r.requests_per_second for r in runs]
        cpu = [r.proxy_cpu_us_per_request for r in runs if r.proxy_cpu_us_per_request is not None]
        upstream = [r.upstream_cpu_us_per_request for r in runs if r.upstream_cpu_us_per_request is not None]
        p50 = statistics.median(r.latency_us["p50"] for r in runs)
        cpu_text = f"{statistics.median(cpu):.1f} us ({min(cpu):.1f}-{max(cpu):.1f})" if cpu else "-"
        upstream_text = f"{statistics.median(upstream):.1f} us" if upstream else "-"
        lines.append(f"| {name} | {statistics.median(rps):,.0f} ({min(rps):,.0f}-{max(rps):,.0f}) | "
                     f"{statistics.median(rps) / haproxy_rps:.2f} | {p50:.0f} us | {cpu_text} | {upstream_text} |")
    lines += ["", "Each run in order (round, path, req/s, proxy CPU per request, load after it):", ""]
    for name, runs in results.items():
        lines.append(f"- {name}: " + "; ".join(
            f"r{r.round} {r.requests_per_second:,.0f}"
            + (f" {r.proxy_cpu_us_per_request:.1f} us" if r.proxy_cpu_us_per_request is not None else "")
            for r in runs))
    text = "\n".join(lines) + "\n"
    print(text)
    out = REPO / "bench" / "results" / f"{now:%Y-%m-%d-%H%M}-http-floor.md"
    out.write_text(text)
    say(f"written {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
