"""Where a gateway's allocation goes, per statement or request, from a JFR recording's allocation samples.

jdk.ObjectAllocationSample's weight is the bytes its thread allocated since that thread's previous sample,
so summing weights by thread and by frame apportions the bytes allocated during the recording. Summing
over every thread (the first attempt) mixed in JFR's own work and the JIT's class-file work, which a
recording started after the warm-up still causes: here the relays' samples (virtual threads) are kept
apart from the evidence threads and from everything else, and only the relays' samples with Tracegate
code on the stack are attributed to a frame. Dividing by the units the workloads served (statements,
requests) turns the weights into bytes per unit, comparable with the accounting's allocated column.

A thread's first sample in the recording is left out: its weight is everything the thread allocated
before it, since the thread started (the warm-up, for a thread as old as the gateway), not since the
recording did. Counted, those first samples put the evidence indexer at 3.7 KiB per statement and the
relays at 51 KiB (against the 15 KiB the accounting measured for every thread together); without them
the indexer is at 1.0 KiB and the kept samples add up to the accounting's figure.
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
    evidence: collections.Counter = collections.Counter()
    samples = 0
    before_recording = 0.0
    sampled_threads: set = set()
    events = json.loads(printed.stdout)["recording"]["events"]
    events.sort(key=lambda event: event["values"].get("startTime") or "")
    for event in events:
        values = event["values"]
        weight = float(values.get("weight") or 0)
        thread = values.get("eventThread") or {}
        if thread.get("javaThreadId") not in sampled_threads:
            sampled_threads.add(thread.get("javaThreadId"))
            before_recording += weight
            continue
        group = thread_group(thread)
        groups[group] += weight
        samples += 1
        names = [frame_name(f) for f in (values.get("stackTrace") or {}).get("frames") or []]
        if group in EVIDENCE_THREADS:
            evidence[f"{group}: " + next((n for n in names if n.startswith("dev.tracegate.")), "?")] += weight
        if not group.startswith("relays"):
            continue
        owner = next((n for n in names if n.startswith("dev.tracegate.")), None)
        allocated = ((values.get("objectClass") or {}).get("name") or "?").replace("/", ".")
        if owner is None:
            untraced[names[0] if names else "(no stack)"] += weight
            continue
        frames[owner] += weight
        sites[f"{owner} -> {allocated}"] += weight

    def per_unit(counter: collections.Counter, most: int = limit) -> list[dict]:
        return [{"frame": name, "bytes": round(weight / units)} for name, weight in counter.most_common(most)]

    return {"units": units, "samples": samples, "threads": len(sampled_threads),
            "before_recording": round(before_recording / units), "groups": per_unit(groups),
            "relay_frames": per_unit(frames), "relay_sites": per_unit(sites), "relay_untraced": per_unit(untraced),
            "evidence_frames": per_unit(evidence, 15)}


def markdown(profile: dict, unit: str = "statement") -> list[str]:
    if not profile:
        return []
    out = [f"## Allocation per {unit} by thread and frame (JFR allocation samples, started after the warm-up)", "",
           f"{profile['samples']:,} samples over {profile['units']:,} {unit}s; sampled weights, so each figure is an"
           " estimate with the sampling's spread. Each thread's first sample is left out"
           f" ({profile.get('threads', 0):,} threads; {profile.get('before_recording', 0):,} bytes per {unit}):"
           " its weight is what the thread allocated before the recording started.", "", "| thread group | bytes per " + unit + " |", "|---|---:|"]
    out += [f"| {row['frame']} | {row['bytes']:,} |" for row in profile["groups"]]
    for title, key in (("relays: innermost Tracegate frame", "relay_frames"),
                       ("relays: innermost Tracegate frame -> allocated class", "relay_sites"),
                       ("relays: no Tracegate frame on the stack (top frame)", "relay_untraced"),
                       ("evidence threads: innermost Tracegate frame", "evidence_frames")):
        out += ["", f"| {title} | bytes per {unit} |", "|---|---:|"]
        out += [f"| `{row['frame']}` | {row['bytes']:,} |" for row in profile.get(key, [])]
    out.append("")
    return out
