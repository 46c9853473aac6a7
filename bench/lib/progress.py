"""Progress lines on stdout, each stamped with the time since the run started."""

import sys
import time

_START = time.monotonic()


def say(message: str) -> None:
    elapsed = int(time.monotonic() - _START)
    print(f"[{elapsed // 60:3d}:{elapsed % 60:02d}] {message}", flush=True)
    sys.stdout.flush()


def elapsed_seconds() -> float:
    return time.monotonic() - _START
