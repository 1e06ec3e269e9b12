"""How many cores this process may use: the default of ``--jobs`` and of frame workers."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on: a container, a cgroup's cpuset or ``taskset``
    may allow fewer than the machine has, and ``os.cpu_count()`` counts them all."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1
