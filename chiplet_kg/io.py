"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_write", "remove_stale_temps"]


def atomic_write(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Parameters
    ----------
    path : the file to write; its folder is created if missing.
    data : text (written as UTF-8) or bytes.

    Returns
    -------
    The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = atomic_write(pathlib.Path(tempfile.mkdtemp()) / "a" / "x.txt", "héllo")
    >>> p.read_text(encoding="utf-8")
    'héllo'
    >>> oct(p.stat().st_mode & 0o044) != "0o0"  # readable by group or others under the usual umask
    True
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    try:
        # mkstemp makes the file private (0600); give it the permissions an ordinary new file would have, so
        # a triple store or browser running as another user can read the outputs.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    return path


def remove_stale_temps(folder: str | os.PathLike, names) -> list[Path]:
    """Remove the temporary files :func:`atomic_write` left in ``folder`` for the files ``names`` (relative paths).

    A writer killed between creating its temporary file and renaming it (``kill -9``) leaves a hidden
    ``.NAME.XXXX.tmp`` beside ``NAME``; the final file is untouched. Call this only while no other process
    writes the same files (under :func:`chiplet_kg.lock.build_lock`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / ".graph.ttl.x1y2.tmp").write_text("half")
    >>> [p.name for p in remove_stale_temps(d, ["graph.ttl"])]
    ['.graph.ttl.x1y2.tmp']
    """
    removed = []
    for name in names:
        target = Path(folder) / name
        if not target.parent.is_dir():
            continue
        for tmp in target.parent.glob(f".{target.name}.*.tmp"):
            try:
                tmp.unlink()
                removed.append(tmp)
            except OSError:
                pass
    return removed
