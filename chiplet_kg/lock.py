"""A lock on a build folder, so that two builds into the same folder write one after the other, never interleaved."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import OutputError

__all__ = ["LOCK_NAME", "build_lock"]

#: The lock file inside the build folder (empty; it stays there, since removing a lock file races with its users).
LOCK_NAME = ".chiplet-kg-build.lock"


def _say_waiting(folder: Path) -> None:
    print(f"waiting for another chiplet-kg build to finish writing into {folder} …", file=sys.stderr, flush=True)


@contextmanager
def build_lock(folder: str | os.PathLike, *, on_wait: Callable[[Path], None] | None = _say_waiting) -> Iterator[Path]:
    """Hold an exclusive lock on ``folder`` (created if missing) while the block runs.

    A second process that asks for the same folder waits until the first releases it (``on_wait`` is called
    once when it has to wait). The operating system releases the lock when its holder exits, even after
    ``kill -9``, so a killed build never blocks the next one. POSIX ``flock``; on systems without it the block
    runs unlocked.

    Raises
    ------
    OutputError
        The folder or its lock file cannot be created (e.g. ``folder`` is a file).

    Examples
    --------
    >>> import tempfile
    >>> with build_lock(tempfile.mkdtemp(), on_wait=None) as held:
    ...     held.name
    '.chiplet-kg-build.lock'
    """
    folder = Path(folder)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock, as before
        yield folder / LOCK_NAME
        return
    path = folder / LOCK_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise OutputError(f"cannot write {folder}: {err.strerror or err}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(folder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
