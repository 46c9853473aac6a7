"""Swaps the policy file of one running gateway between two policies, for an A/B on the same process.

The guardrails path and its control ("the same gateway with a rule-less policy") share one gateway
process: same JVM, same JIT state, same evidence store, same place in the machine. Before each run
the policy its route needs is written to the gateway's policy file, which the gateway reloads by
itself; a probe statement through the gateway confirms the reload before anything is measured.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from progress import say

# Allows what the guardrails allow and blocks what cannot be classified, like them, but has no rules to evaluate.
RULELESS_POLICY = """# The control of the guardrails path (bench/lib/policy_switch.py): the same defaults, no rules.
defaults:
  action: allow
  highRisk: block
rules: []
"""


class PolicySwitch:
    def __init__(self, file: Path, policies: dict[str, str], in_force: Callable[[str], bool], limit: float = 20.0):
        """in_force(name) says, by probing the gateway, whether the policy called name is the one it applies."""
        self.file = file
        self.policies = policies
        self.in_force = in_force
        self.limit = limit
        self.current: str | None = None

    def write(self, name: str) -> None:
        """Writes the file without waiting for a gateway (before it starts)."""
        temporary = self.file.with_suffix(".tmp")
        temporary.write_text(self.policies[name])
        temporary.replace(self.file)
        self.current = name

    def use(self, name: str) -> None:
        if self.current == name:
            return
        self.write(name)
        start = time.monotonic()
        while not self.in_force(name):
            if time.monotonic() - start > self.limit:
                raise RuntimeError(f"the gateway did not apply the {name} policy within {self.limit:.0f} s")
            time.sleep(0.5)
        say(f"  policy of the guardrails gateway is now: {name} ({time.monotonic() - start:.1f} s to reload)")
