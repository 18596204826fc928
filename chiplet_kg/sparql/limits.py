"""Limits of a forked query process: it dies with its parent, and it may add only so much memory to what it shares."""

from __future__ import annotations

import os
import resource
import signal

__all__ = ["die_with_parent", "limit_memory"]

#: The /proc/self/status line that measures what each resource limit counts.
_MEASURE = {resource.RLIMIT_DATA: "VmData", resource.RLIMIT_AS: "VmSize"}


def _status_bytes(key: str) -> int:
    """A ``/proc/self/status`` size in bytes (0 when it cannot be read)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        pass
    return 0


def limit_memory(memory_mb: int | None, kind: int = resource.RLIMIT_DATA) -> None:
    """Let this process grow by at most ``memory_mb`` MiB past what it holds now (``kind``: ``RLIMIT_DATA``, private
    writable memory, or ``RLIMIT_AS``, the address space); None or 0: no limit. pyoxigraph aborts the process when
    an allocation fails, Python raises MemoryError: either way the parent sees it end."""
    if not memory_mb:
        return
    limit = _status_bytes(_MEASURE[kind]) + memory_mb * (1 << 20)
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(kind, (limit, hard))


def die_with_parent(parent: int | None = None) -> None:  # pragma: no cover - runs in a forked child
    """Ask Linux to kill this process when its parent ends (``PR_SET_PDEATHSIG``): a parent killed from outside
    cannot end its children itself, and a runaway query must not outlive it. With ``parent`` (the pid before the
    fork), a parent that died before the request took effect ends this process at once."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the child still ends when its pipe or socket to the parent closes
        pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)
