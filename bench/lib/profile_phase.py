"""A JFR profile of the gateway under load (pgbench -S here; wrk in http_phase), summarised by where its CPU time goes.

Runs after the measured rounds (JFR costs a little), so it never touches the reported figures.
"""

from __future__ import annotations

import collections
import json
import subprocess
from pathlib import Path
from typing import Callable

import cpu_breakdown
from pgbench_phase import run_pgbench
from process_cpu import CpuMeter
from services import Route, TracegateGateway


PROFILE_WARM_UP_SECONDS = 20


def profile(gateway: TracegateGateway, route: Route, java_home: Path, work: Path, seconds: int, clients: int) -> dict:
    # Warm-up, not recorded: long enough for the JIT to be done with the statement path even when the
    # profile runs alone (`--only profile`, a fresh gateway), so that the profile shows the gateway, not the compiler.
    run_pgbench(route, "select-only", clients, PROFILE_WARM_UP_SECONDS, 0)

    def load() -> dict:
        run = run_pgbench(route, "select-only", clients, seconds, 0)
        return {"tps": run.tps, "latency_ms": run.latency_ms, "error": run.error}

    summary = {"route": route.name, "clients": clients, "seconds": seconds}
    summary.update(record(gateway, java_home, work / f"profile-{route.name}-{clients}-clients.jfr", load))
    return summary


def record(gateway: TracegateGateway, java_home: Path, recording: Path, load: Callable[[], dict]) -> dict:
    """Runs load() while JFR records the gateway; its figures, the gateway's busy cores and where the CPU went."""
    start = subprocess.run([str(java_home / "bin/jcmd"), str(gateway.pid), "JFR.start", "name=bench", "settings=profile",
                            f"filename={recording}"], capture_output=True, text=True)
    if start.returncode != 0:
        return {"error": f"jcmd JFR.start failed: {start.stdout.strip()} {start.stderr.strip()}"}
    cpu = CpuMeter(gateway.pid)
    threads_before = cpu_breakdown.thread_cpu(gateway.pid)
    with cpu:
        summary = load()
    threads_after = cpu_breakdown.thread_cpu(gateway.pid)
    subprocess.run([str(java_home / "bin/jcmd"), str(gateway.pid), "JFR.stop", "name=bench"], capture_output=True, text=True)
    summary["gateway_cpu_cores"] = cpu.cores()
    if not recording.exists():
        summary["error"] = "no recording was written"
        return summary
    summary.update(summarize_recording(recording, java_home))
    rate = summary.get("tps") or summary.get("requests_per_second")
    units = rate * cpu.wall if rate and cpu.wall else None
    summary["cpu_per_unit"] = cpu_breakdown.breakdown(threads_before, threads_after, summary.pop("sample_counts", {}),
                                                      units)
    return summary


def summarize_recording(recording: Path, java_home: Path) -> dict:
    printed = subprocess.run([str(java_home / "bin/jfr"), "print", "--json", "--stack-depth", "64", "--events",
                              "jdk.ExecutionSample", str(recording)], capture_output=True, text=True)
    if printed.returncode != 0:
        return {"error": f"jfr print failed: {printed.stderr.strip()}"}
    events = json.loads(printed.stdout)["recording"]["events"]
    top_frames = collections.Counter()
    first_tracegate = collections.Counter()
    packages = collections.Counter()
    for event in events:
        frames = (event["values"].get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        names = [frame_name(frame) for frame in frames]
        top_frames[names[0]] += 1
        packages[package_of(names[0])] += 1
        owner = next((n for n in names if n.startswith("dev.tracegate.")), "(no Tracegate frame on the stack)")
        first_tracegate[owner] += 1
    total = sum(top_frames.values())

    def share(counter: collections.Counter, limit: int) -> list[dict]:
        return [{"frame": name, "samples": count, "percent": round(100 * count / total, 1)}
                for name, count in counter.most_common(limit)]

    return {"samples": total, "top_frames": share(top_frames, 15), "tracegate_frames": share(first_tracegate, 15),
            "packages": share(packages, 12), "recording": str(recording),
            "sample_counts": cpu_breakdown.sample_counts(events, frame_name)}


def frame_name(frame: dict) -> str:
    method = frame["method"]
    return f"{method['type']['name'].replace('/', '.')}.{method['name']}"


def package_of(name: str) -> str:
    parts = name.split(".")
    # Class names start with an upper-case letter: everything before the class is the package.
    package = [p for p in parts[:-1] if p and not p[0].isupper()]
    return ".".join(package[:4]) or "(default)"
