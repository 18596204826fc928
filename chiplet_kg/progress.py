"""Progress bars on stderr for long work, shown only to a person at a terminal (never in pipes, tests or CI logs)."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

__all__ = ["NO_PROGRESS_ENV", "CountingReader", "byte_bar", "enabled", "progress", "steps"]

#: Set this environment variable (to anything) to hide progress bars even at a terminal.
NO_PROGRESS_ENV = "CHIPLET_KG_NO_PROGRESS"
#: Loading shows a bar only when the files add up to at least this many bytes (small loads take no time).
LOAD_BAR_BYTES = 8 * 1024 * 1024


def enabled(stream=None) -> bool:
    """Whether bars may be drawn: ``stream`` (default stderr) is a terminal and they are not switched off.

    Examples
    --------
    >>> import io
    >>> enabled(io.StringIO())
    False
    """
    stream = sys.stderr if stream is None else stream
    if os.environ.get(NO_PROGRESS_ENV) or os.environ.get("CI"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


class CountingReader:
    """A binary file wrapper that reports how many bytes each ``read`` returned (for a bar within one file).

    Examples
    --------
    >>> import io
    >>> seen = []
    >>> CountingReader(io.BytesIO(b"abcdef"), seen.append).read(4), seen
    (b'abcd', [4])
    """

    def __init__(self, raw, on_bytes: Callable[[int], None]):
        self._raw, self._on_bytes = raw, on_bytes

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        if data:
            self._on_bytes(len(data))
        return data

    def readable(self) -> bool:
        return True


def _size(path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def byte_bar(label: str, *, speed: bool = False):
    """A rich progress bar over bytes on stderr that disappears when done (the caller decides whether to show it)."""
    from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeElapsedColumn, TransferSpeedColumn

    return _bar(TextColumn(label), BarColumn(), DownloadColumn(),
                TransferSpeedColumn() if speed else TimeElapsedColumn())


def _bar(*columns):
    from rich.console import Console
    from rich.progress import Progress

    return Progress(*columns, console=Console(file=sys.stderr), transient=True)


@contextmanager
def progress(label: str, files: Iterable, *, min_bytes: int = LOAD_BAR_BYTES) -> Iterator[Callable]:
    """A bar over ``files`` weighted by their size; yields ``step(path)``, called before each file is read.

    ``step`` returns ``advance(nbytes)`` for the reader of that file to report the bytes it has read (the bar
    then moves within a large file), or None when no bar is drawn. Nothing is drawn unless :func:`enabled` and
    the files reach ``min_bytes``. The bar goes to stderr and disappears when done, so stdout stays exactly the
    command's output.

    Examples
    --------
    >>> with progress("loading", []) as step:
    ...     step("x.ttl") is None
    True
    """
    files = list(files)
    sizes = [_size(p) for p in files]
    total = sum(sizes)
    if not enabled() or total < min_bytes:
        yield lambda path: None
        return
    from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeElapsedColumn

    bar = _bar(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    done = {"bytes": 0, "last": None}
    with bar:
        task = bar.add_task(label, total=total)

        def step(path) -> Callable[[int], None]:
            if done["last"] is not None:
                done["bytes"] += _size(done["last"])
            done["last"] = path
            bar.update(task, completed=done["bytes"], description=f"{label} {Path(path).name}")
            return lambda n: bar.update(task, advance=n)

        yield step
        bar.update(task, completed=total)


@contextmanager
def steps(label: str, total: int, *, unit: str = "steps", min_total: int = 1,
          show: bool | None = None) -> Iterator[Callable]:
    """A bar over ``total`` units of work; yields ``advance(n=1, what=None)``.

    Drawn when ``show`` is True, or when ``show`` is None, :func:`enabled` and ``total >= min_total``; on stderr,
    gone when done.

    Examples
    --------
    >>> with steps("pushing", 3) as advance:
    ...     advance(3)
    """
    if show is None:
        show = enabled() and total >= min_total
    if not show:
        yield lambda n=1, what=None: None
        return
    from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

    bar = _bar(TextColumn("{task.description}"), BarColumn(),
               DownloadColumn() if unit == "bytes" else MofNCompleteColumn(), TimeElapsedColumn())
    with bar:
        task = bar.add_task(label, total=total)

        def advance(n: int = 1, what: str | None = None) -> None:
            bar.update(task, advance=n, description=f"{label}: {what}" if what else label)

        yield advance
