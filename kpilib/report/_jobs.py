"""The parallel jobs of a render: one thread per job, each driving its own kernel.

A day's work happens in its kernel, a process of its own; what the render does meanwhile (send the
cells, collect the outputs, write the page) is little. So the jobs are threads of the rendering
process, not worker processes: no second start of Python, no second import of kpilib and papermill
per job. Each job takes the next day as soon as it is free.

With ``shared`` kernels, each job keeps one :class:`SharedKernel`, started (with the days' imports)
as soon as the jobs are made, while the render still prepares the days; otherwise every day gets a
new kernel. Either way the kernel is started in the notebooks' folder, so nothing changes the
render's own working directory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from kpilib.report._kernel import SharedKernel

__all__ = ["Jobs"]

T = TypeVar("T")
R = TypeVar("R")


class Jobs:
    """``jobs`` parallel jobs running tasks on kernels started in ``cwd``; use as a context manager.

    Parameters
    ----------
    jobs
        How many tasks run at once.
    cwd
        The working directory of every kernel (the notebooks' folder).
    shared
        Keep one kernel per job for all the tasks it runs (started now); else a new kernel per task.
    """

    def __init__(self, jobs: int, cwd: str | Path, *, shared: bool) -> None:
        self.cwd = Path(cwd)
        self.shared = shared
        self._kernels = [SharedKernel(self.cwd) for _ in range(max(1, jobs))] if shared else []
        self._jobs = max(1, jobs)
        #: Set when the run is being stopped: a task that sees it writes nothing more.
        self.stopping = threading.Event()
        self._starting = [threading.Thread(target=_start, args=(kernel,), daemon=True) for kernel in self._kernels]
        for thread in self._starting:
            thread.start()

    def run(self, run_one: Callable[[T, SharedKernel], R], tasks: Sequence[T]) -> list[R]:
        """``run_one(task, kernel)`` for every task, ``jobs`` at a time; the results in the tasks' order.

        An exception ``run_one`` raises is raised here once the running tasks have ended. When the
        caller is interrupted (Ctrl-C), no task starts any more and the kernels are stopped, which
        ends the running ones at once.
        """
        for thread in self._starting:
            thread.join()
        results: list = [None] * len(tasks)
        errors: list[BaseException] = []
        stop = self.stopping
        next_task = iter(range(len(tasks)))
        lock = threading.Lock()

        def job(kernel: SharedKernel | None) -> None:
            while not stop.is_set():
                with lock:
                    index = next(next_task, None)
                if index is None:
                    return
                own = kernel or SharedKernel(self.cwd)  # a new kernel for this task alone
                try:
                    results[index] = run_one(tasks[index], own)
                except BaseException as exc:  # noqa: BLE001 - raised again by run(), in the caller's thread
                    errors.append(exc)
                    stop.set()
                finally:
                    if kernel is None:
                        own.shutdown()

        count = min(self._jobs, len(tasks))
        kernels = self._kernels[:count] if self.shared else [None] * count
        threads = [threading.Thread(target=job, args=(kernel,), daemon=True) for kernel in kernels]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except BaseException:
            stop.set()
            self.close()
            for thread in threads:
                thread.join(timeout=10)
            raise
        if errors:
            raise errors[0]
        return results

    def close(self) -> None:
        """Stop every kernel the jobs kept."""
        for thread in self._starting:
            thread.join()
        for kernel in self._kernels:
            kernel.shutdown()

    def __enter__(self) -> Jobs:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _start(kernel: SharedKernel) -> None:
    try:
        kernel.start(warm=True)
    except Exception:  # noqa: BLE001 - the first day starts a new kernel, and fails with the reason
        kernel.shutdown()
