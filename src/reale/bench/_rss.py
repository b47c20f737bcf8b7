"""Peak memory of a process, measured where it is not inherited: ``ru_maxrss`` survives fork and
exec on Linux (a child would report its parent's peak), ``VmHWM`` belongs to the address space."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from typing import Any


def peak_rss_mb() -> float:
    """This process's peak resident set in MB (VmHWM where /proc exists)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_fresh_process(code: str, *args: str) -> Any:
    """Run ``code`` in a new interpreter and decode the JSON of its last stdout line."""
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True, env=dict(os.environ))
    return json.loads(out.stdout.strip().splitlines()[-1])
