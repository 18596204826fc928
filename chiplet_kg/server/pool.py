"""Pre-forked query workers: processes that share the loaded store copy-on-write and run one job at a time."""

from __future__ import annotations

import gc
import os
import queue
import resource
import select
import signal
import socket
import struct
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

from ..sparql.limits import die_with_parent, limit_memory

__all__ = ["WorkerPool", "Outcome"]

_PID = struct.Struct("!q")


@dataclass
class Outcome:
    """What became of one job: ``kind`` is ``ok`` (``reply`` holds the answer), ``timeout`` (stopped at the time
    limit), ``memory`` (the job passed the memory limit, a MemoryError), ``died`` (the worker ended without an
    answer: a crash, or the memory limit hit outside Python), ``error`` (``reply`` is the exception as text) or
    ``busy`` (no worker became free within the pool's ``wait``)."""

    kind: str
    reply: object = None


@dataclass
class _Worker:
    pid: int
    conn: Connection


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return b""
        data += chunk
    return data


class WorkerPool:
    """``size`` worker processes that run ``execute(job)`` and send its (picklable) return value back.

    The workers are forked by a *zygote*: one process forked at :meth:`start`, before the HTTP server opens any
    socket or starts a thread. It holds the store, forks each worker (at start, and later to replace one that was
    stopped) and hands the parent its end of a socket pair. Forking from the zygote rather than from the
    server means a worker never inherits a client connection (which would keep it open after the server closed
    it) nor a lock held by one of the server's threads.

    Parameters
    ----------
    execute : the function a worker calls with each job; it runs in the worker, after the fork.
    size : how many workers.
    timeout : seconds a job may run on its worker; then the worker is killed and replaced.
    memory_mb : address space a worker may add to what it shares with the zygote, in MiB (RLIMIT_AS); None: no limit.
    wait : seconds a job may wait for a free worker (``busy`` after that); by default twice ``timeout``, since every
        worker is free again within ``timeout``.
    """

    def __init__(self, execute, *, size: int, timeout: float, memory_mb: int | None = None,
                 wait: float | None = None):
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.execute = execute
        self.size = size
        self.timeout = float(timeout)
        self.memory_mb = memory_mb
        self.wait = float(wait) if wait is not None else 2 * self.timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: dict[int, _Worker] = {}
        self._zygote: socket.socket | None = None
        self._zygote_pid: int | None = None
        self._lock = threading.Lock()  # one conversation with the zygote at a time
        self._closed = False

    # ------------------------------------------------------------------ parent side

    def start(self) -> None:
        """Fork the zygote and the workers; call it once, before any thread or socket of the server exists."""
        sys.stdout.flush()
        sys.stderr.flush()
        gc.collect()
        gc.freeze()  # objects made so far are never collected: their pages stay shared with the workers
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the zygote
            code = 0
            try:
                ours.close()
                die_with_parent()
                self._zygote_main(theirs)
            except BaseException:  # noqa: BLE001 - the zygote never returns into the server's code
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        self._zygote, self._zygote_pid = ours, pid
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def pids(self) -> list[int]:
        """The worker processes' ids (the zygote's is :attr:`zygote_pid`)."""
        with self._lock:
            return sorted(self._workers)

    @property
    def zygote_pid(self) -> int | None:
        return self._zygote_pid

    def run(self, job) -> Outcome:
        """Run ``job`` on a free worker; a worker that takes longer than the timeout is killed and replaced."""
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            return Outcome("busy")
        try:
            worker.conn.send(job)
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                return Outcome("timeout")
            status, reply = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            return Outcome("died")
        if status == "memory":  # a fresh copy, rather than one whose heap may be in a bad state
            self._replace(worker)
        else:
            self._idle.put(worker)
        return Outcome(status, reply)

    def close(self) -> None:
        """Stop every worker and the zygote, and wait for them to end."""
        with self._lock:
            if self._closed or self._zygote is None:
                return
            self._closed = True
            self._zygote.close()  # the zygote sees the end of its socket, kills the workers and exits
            for worker in self._workers.values():
                worker.conn.close()
            self._workers.clear()
            try:
                os.waitpid(self._zygote_pid, 0)
            except ChildProcessError:  # pragma: no cover - already reaped
                pass

    def _spawn(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            self._zygote.sendall(b"F" + _PID.pack(0))
            data, fds, _, _ = socket.recv_fds(self._zygote, _PID.size, 1)
            if len(data) != _PID.size or len(fds) != 1:
                raise RuntimeError("the query worker pool's zygote ended")
            pid = _PID.unpack(data)[0]
            worker = _Worker(pid, Connection(fds[0]))
            self._workers[pid] = worker
            return worker

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                return
            self._workers.pop(worker.pid, None)
            self._zygote.sendall(b"K" + _PID.pack(worker.pid))
            _recv_exact(self._zygote, 1)  # the zygote has killed and reaped it
            worker.conn.close()
        self._idle.put(self._spawn())

    # ------------------------------------------------------------------ the zygote (a child process)

    def _zygote_main(self, sock: socket.socket) -> None:  # pragma: no cover - runs in the zygote
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server stops us
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        live: set[int] = set()
        try:
            while True:
                self._reap(live)
                ready, _, _ = select.select([sock], [], [], 1.0)
                if not ready:
                    continue
                message = _recv_exact(sock, 1 + _PID.size)
                if not message:
                    break
                command, pid = message[:1], _PID.unpack(message[1:])[0]
                if command == b"F":
                    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                    child = os.fork()
                    if child == 0:
                        code = 0
                        try:
                            sock.close()
                            ours.close()
                            die_with_parent()
                            self._worker_main(Connection(theirs.detach()))
                        except BaseException:  # noqa: BLE001
                            code = 1
                        finally:
                            os._exit(code)
                    theirs.close()
                    live.add(child)
                    socket.send_fds(sock, [_PID.pack(child)], [ours.fileno()])
                    ours.close()
                elif command == b"K":
                    if pid in live:
                        _kill_and_reap(pid)
                        live.discard(pid)
                    sock.sendall(b"k")
        finally:
            for pid in live:
                _kill_and_reap(pid)

    @staticmethod
    def _reap(live: set[int]) -> None:  # pragma: no cover - runs in the zygote
        while live:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                live.clear()
                return
            if pid == 0:
                return
            live.discard(pid)

    def _worker_main(self, conn: Connection) -> None:  # pragma: no cover - runs in a worker
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        limit_memory(self.memory_mb, resource.RLIMIT_AS)
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                return
            try:
                answer = ("ok", self.execute(job))
            except MemoryError:
                answer = ("memory", None)
            except Exception as err:  # noqa: BLE001 - hand every failure back as text; the parent answers 500
                answer = ("error", f"{type(err).__name__}: {err}")
            try:
                conn.send(answer)
            except MemoryError:
                return  # the parent sees the connection end: "died"
            if answer[0] == "memory":
                return


def _kill_and_reap(pid: int) -> None:  # pragma: no cover - runs in the zygote
    """End a worker now and collect its exit status, so that no zombie is left; one already gone is fine."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
