"""CPU time a process (and its threads) used over an interval, read from /proc/<pid>/stat."""

from __future__ import annotations

import os
import time

_HZ = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / _HZ  # utime + stime


def thread_cpu_seconds(pid: int, name_prefixes: tuple[str, ...]) -> float:
    """CPU seconds of a process's threads whose name (/proc/<pid>/task/<tid>/comm) starts with one of name_prefixes.

    Threads that ended are not counted: use it for long-lived threads such as the JIT's compiler threads
    (HotSpot keeps at least one of each, "C1 CompilerThre" and "C2 CompilerThre", for the process's life).
    """
    total = 0.0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                text = stat.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        if name.startswith(name_prefixes):
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / _HZ
    return total


def total_cpu_seconds(pids: int | tuple[int, ...] | None) -> float | None:
    """CPU seconds of one process, or the sum over several (the gateway nodes of one path)."""
    if not pids:
        return None
    readings = [cpu_seconds(pid) for pid in (pids if isinstance(pids, tuple) else (pids,))]
    return None if any(r is None for r in readings) else sum(readings)


class CpuMeter:
    """Use as a context manager around the work; then cpu() is the CPU seconds used, cores() the average cores busy."""

    def __init__(self, pid: int | tuple[int, ...] | None):
        self.pid = pid
        self._cpu_start = None
        self._cpu_end = None
        self._wall_start = 0.0
        self.wall = 0.0

    def __enter__(self) -> "CpuMeter":
        self._cpu_start = total_cpu_seconds(self.pid)
        self._wall_start = time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        self._cpu_end = total_cpu_seconds(self.pid)
        self.wall = time.monotonic() - self._wall_start

    def cpu(self) -> float | None:
        if self._cpu_start is None or self._cpu_end is None:
            return None
        return self._cpu_end - self._cpu_start

    def cores(self) -> float | None:
        used = self.cpu()
        return None if used is None or self.wall <= 0 else round(used / self.wall, 2)


def settle(pid: int | tuple[int, ...] | None, idle_cores: float = 0.15, window: float = 0.25, limit: float = 10.0) -> float:
    """Waits until the process is nearly idle (below idle_cores over a window), at most limit seconds.

    After a run through a gateway, its evidence storer is still writing the run's events into its store;
    measuring the next path meanwhile would charge that work to it. Returns the seconds waited.
    """
    if not pid:
        return 0.0
    start = time.monotonic()
    while time.monotonic() - start < limit:
        before = total_cpu_seconds(pid)
        time.sleep(window)
        after = total_cpu_seconds(pid)
        if before is None or after is None or (after - before) / window < idle_cores:
            break
    return time.monotonic() - start
