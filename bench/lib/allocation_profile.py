"""Where a gateway's allocation goes, per statement or request, from a JFR recording's allocation samples.

jdk.ObjectAllocationSample's weight is the bytes its thread allocated since that thread's previous sample,
so summing weights by thread and by frame apportions the bytes allocated during the recording. Summing
over every thread (the first attempt) mixed in JFR's own work and the JIT's class-file work, which a
recording started after the warm-up still causes: here the relays' samples (virtual threads) are kept
apart from the evidence threads and from everything else, and only the relays' samples with Tracegate
code on the stack are attributed to a frame. Dividing by the units the workloads served (statements,
requests) turns the weights into bytes per unit, comparable with the accounting's allocated column.
"""

from __future__ import annotations

import collections
import json
import subprocess
from pathlib import Path

#: Platform threads of the evidence path, by name; every virtual thread is a relay (pg-server-*, postgres-client-*).
EVIDENCE_THREADS = ("evidence-appender", "evidence-indexer", "blob-writer")


def thread_group(thread: dict) -> str:
    name = thread.get("javaName") or ""
    if thread.get("virtual"):
        return "relays (virtual threads)"
    for prefix in EVIDENCE_THREADS:
        if name.startswith(prefix):
            return prefix
    return "other threads (JFR, JIT, GC, HTTP API, accept)"


def frame_name(frame: dict) -> str:
    method = frame["method"]
    return f"{method['type']['name'].replace('/', '.')}.{method['name']}"


def allocation_profile(recording: Path, java_home: Path, units: int, limit: int = 30) -> dict:
    """Bytes per unit by thread group; on the relays, by innermost Tracegate frame and by allocated class."""
    printed = subprocess.run([str(java_home / "bin/jfr"), "print", "--json", "--stack-depth", "64", "--events",
                              "jdk.ObjectAllocationSample", str(recording)], capture_output=True, text=True)
    if printed.returncode != 0 or units <= 0:
        return {}
    groups: collections.Counter = collections.Counter()
    frames: collections.Counter = collections.Counter()
    sites: collections.Counter = collections.Counter()
    untraced: collections.Counter = collections.Counter()
    samples = 0
    for event in json.loads(printed.stdout)["recording"]["events"]:
        values = event["values"]
        weight = float(values.get("weight") or 0)
        group = thread_group(values.get("eventThread") or {})
        groups[group] += weight
        samples += 1
        if not group.startswith("relays"):
            continue
        names = [frame_name(f) for f in (values.get("stackTrace") or {}).get("frames") or []]
        owner = next((n for n in names if n.startswith("dev.tracegate.")), None)
        allocated = ((values.get("objectClass") or {}).get("name") or "?").replace("/", ".")
        if owner is None:
            untraced[names[0] if names else "(no stack)"] += weight
            continue
        frames[owner] += weight
        sites[f"{owner} -> {allocated}"] += weight

    def per_unit(counter: collections.Counter) -> list[dict]:
        return [{"frame": name, "bytes": round(weight / units)} for name, weight in counter.most_common(limit)]

    return {"units": units, "samples": samples, "groups": per_unit(groups), "relay_frames": per_unit(frames),
            "relay_sites": per_unit(sites), "relay_untraced": per_unit(untraced)}


def markdown(profile: dict, unit: str = "statement") -> list[str]:
    if not profile:
        return []
    out = [f"## Allocation per {unit} by thread and frame (JFR allocation samples, started after the warm-up)", "",
           f"{profile['samples']:,} samples over {profile['units']:,} {unit}s; sampled weights, so each figure is an"
           " estimate with the sampling's spread.", "", "| thread group | bytes per " + unit + " |", "|---|---:|"]
    out += [f"| {row['frame']} | {row['bytes']:,} |" for row in profile["groups"]]
    for title, key in (("relays: innermost Tracegate frame", "relay_frames"),
                       ("relays: innermost Tracegate frame -> allocated class", "relay_sites"),
                       ("relays: no Tracegate frame on the stack (top frame)", "relay_untraced")):
        out += ["", f"| {title} | bytes per {unit} |", "|---|---:|"]
        out += [f"| `{row['frame']}` | {row['bytes']:,} |" for row in profile[key]]
    out.append("")
    return out
