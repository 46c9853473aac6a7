"""Where a statement's (or a request's) gateway CPU goes, in microseconds, from a JFR profile and /proc.

JFR's execution samples alone mislead here: the sampler takes a bounded number of threads per period,
so a platform thread that is always busy (the evidence indexer, the blob writer) gets far more than
its share, while the virtual threads that serve sessions are sampled only while mounted; and JFR
does not sample a thread inside a system call. So the CPU is first split by thread group from /proc
(what each thread really used over the profiled load), each group's user time is split by component
by where its own samples fell, and its kernel time (system calls: socket reads and writes, futexes,
the leaf log's writes) is a row of its own. A group with no Java samples (the poller in epoll, GC,
the JIT) is one row.

A sample's component is found from the innermost frame that names one (the first rule, top of the
stack first), so a JSON walk inside the record's masking counts as masking, and Jetty's code under
the gateway's handler as the gateway's when a gateway frame is nearer the top.
"""

from __future__ import annotations

import collections
import os
from pathlib import Path

_HZ = os.sysconf("SC_CLK_TCK")

# (thread group, prefixes of /proc comm names (15 characters at most)); first match wins.
THREAD_GROUPS = (
    ("session threads (virtual threads on their carriers)", ("ForkJoinPool",)),
    ("I/O poller", ("Read-Poller", "Write-Poller", "Poller")),
    ("Jetty's selector and pool threads", ("http-gateway",)),
    ("evidence appender", ("evidence-append",)),
    ("evidence indexer (H2)", ("evidence-indexe", "H2-", "MVStore")),
    ("blob writer", ("blob-writer",)),
    ("JIT compiler", ("C1 CompilerThre", "C2 CompilerThre")),
    ("GC and VM", ("GC Thread", "G1 ", "VM Thread", "VM Periodic")),
)
OTHER_THREADS = "other threads"

# (component, markers found in a frame's class.method); first rule that matches the innermost frame wins.
COMPONENTS = (
    ("identity (tokens, sign-in)", ("dev.tracegate.gateway.identity.", "com.nimbusds.")),
    ("policy and SQL classification", ("dev.tracegate.gateway.guard.", "dev.tracegate.policy.")),
    ("credential search in bodies", ("EscapedSecret", "CredentialSearch")),
    ("masking (record profile and masked callers)", ("dev.tracegate.masking.",)),
    ("evidence: hashing (canonical leaf text, SHA-256, subtree hashes)", ("SealedEvent", "LeafEncoding", "dev.tracegate.ledger.",
                                                          "sun.security.provider.")),
    ("evidence: blobs", ("BlobStore", "BlobSegments")),
    ("evidence: index (H2)", ("EvidenceIndexWriter", "EvidenceLog.index", "SqlBatch", "org.h2.")),
    ("evidence: append and group commit", ("dev.tracegate.gateway.evidence.",)),
    ("recording (events, details, redaction)", ("dev.tracegate.gateway.recording.", "CanonicalDetail",
                                                "EventDetail", "ExchangeEvidence")),
    ("JSON (Jackson)", ("com.fasterxml.",)),
    ("TLS records", ("EngineTlsSocket", "RecordReadAhead", "io.netty.", "sun.security.ssl.")),
    ("PostgreSQL relays and codec", ("dev.tracegate.gateway.postgres.", "dev.tracegate.wire.",
                                     "dev.tracegate.gateway.engine.")),
    ("Jetty client (to the target)", ("org.eclipse.jetty.client.",)),
    ("Jetty server and I/O", ("org.eclipse.jetty.",)),
    ("other gateway code", ("dev.tracegate.",)),
    ("virtual-thread scheduling", ("java.util.concurrent.ForkJoin", "jdk.internal.vm.Continuation",
                                   "java.lang.VirtualThread", "java.util.concurrent.locks.LockSupport")),
    ("sockets (JDK)", ("sun.nio.ch.", "java.net.")),
)
JDK_OTHER = "JDK (collections, strings, other)"


def thread_cpu(pid: int) -> dict[str, tuple[float, float]]:
    """User and kernel CPU seconds of each thread group of the process, now (threads that ended are not counted)."""
    groups: dict[str, tuple[float, float]] = collections.defaultdict(lambda: (0.0, 0.0))
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return {}
    for tid in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        user, kernel = groups[group_of(name)]
        groups[group_of(name)] = (user + int(fields[11]) / _HZ, kernel + int(fields[12]) / _HZ)
    return dict(groups)


def group_of(thread_name: str, virtual: bool = False) -> str:
    if virtual:
        return THREAD_GROUPS[0][0]
    for group, prefixes in THREAD_GROUPS:
        if thread_name[:15].startswith(prefixes):
            return group
    return OTHER_THREADS


def component_of(frames: list[str]) -> str:
    for frame in frames:
        for component, markers in COMPONENTS:
            if any(marker in frame for marker in markers):
                return component
    return JDK_OTHER


def sample_counts(events: list[dict], frame_name) -> dict[str, collections.Counter]:
    """Samples by thread group, then by component."""
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for event in events:
        values = event["values"]
        frames = (values.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        thread = values.get("sampledThread") or {}
        name = thread.get("javaName") or thread.get("osName") or ""
        # JFR names a virtual thread by its own name (or none); its CPU is its carrier's.
        virtual = bool(thread.get("virtual")) or not thread.get("osName")
        counts[group_of(name, virtual)][component_of([frame_name(f) for f in frames])] += 1
    return counts


def breakdown(cpu_before: dict[str, tuple[float, float]], cpu_after: dict[str, tuple[float, float]],
              counts: dict[str, collections.Counter], units: float) -> list[dict]:
    """Microseconds per unit (statement, request) by component, largest first, with the thread group each came from."""
    if not units or units <= 0:
        return []
    per_component: dict[str, float] = collections.defaultdict(float)
    sources: dict[str, set] = collections.defaultdict(set)
    for group in set(cpu_after) | set(counts):
        user_after, kernel_after = cpu_after.get(group, (0.0, 0.0))
        user_before, kernel_before = cpu_before.get(group, (0.0, 0.0))
        user_us = max(0.0, user_after - user_before) * 1e6 / units
        kernel_us = max(0.0, kernel_after - kernel_before) * 1e6 / units
        samples = counts.get(group)
        if not samples:
            per_component[f"{group}, no Java samples"] += user_us + kernel_us
            continue
        per_component[f"kernel: system calls of the {group}"] += kernel_us
        total = sum(samples.values())
        for component, n in samples.items():
            per_component[component] += user_us * n / total
            sources[component].add(group)
    whole = sum(per_component.values())
    return [{"component": c, "us": round(us, 1), "percent": round(100 * us / whole, 1) if whole else 0.0,
             "threads": sorted(sources.get(c, ()))}
            for c, us in sorted(per_component.items(), key=lambda item: -item[1]) if us >= 0.05]
