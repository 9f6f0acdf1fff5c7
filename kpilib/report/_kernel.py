"""A Jupyter kernel kept for several notebooks, and the reset that lets each start as in a new kernel.

Papermill starts a new kernel for every notebook, and every day notebook then imports pandas,
seaborn, Ibis and kpilib again: 2-3 seconds a day before its first result. :func:`kpilib.report.render`
runs its days one after the other in a :class:`SharedKernel` instead (one per parallel job). So
that a day cannot see what an earlier day left behind, the kernel runs :data:`RESET_SOURCE`
before each notebook, outside it: the namespace is emptied (``%reset -f``), :func:`fresh_state`
puts back the process-wide settings a notebook may change, and the cells are numbered from 1 again.
A kernel that died, or whose notebook failed, is replaced by a new one before the next notebook.
A job's kernel can be started ahead, with the modules every day imports (:data:`WARM_SOURCE`),
while the render prepares the days; its clients (:class:`ReadyClient`) know it is ready as soon
as it says so.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import warnings
from queue import Empty
from pathlib import Path
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync

__all__ = ["RESET_SOURCE", "WARM_SOURCE", "QuietKernelManager", "ReadyClient", "SharedKernel", "fresh_state"]

#: Run in a shared kernel before every notebook, silently and outside the notebook's history.
RESET_SOURCE = """\
%reset -f
from kpilib.report._kernel import fresh_state
fresh_state()
del fresh_state
get_ipython().execution_count = 1
"""

#: Run once in a shared kernel before its first notebook: the modules every day imports. The days'
#: own imports are then instant, and the settings a notebook starts from (:func:`fresh_state`) are
#: those of a new kernel that has imported them, as every day does first.
WARM_SOURCE = """\
import ibis, matplotlib.pyplot, pandas, seaborn
import kpilib, kpilib.widgets, kpilib.chains
"""
#: Kernel options: the command history in memory, as papermill's own kernels keep it, so that the
#: reset before each notebook does not write a history database on disk.
_KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]

#: matplotlib settings that the kernel made when it set up the inline backend, and keeps: a
#: notebook does not change them, and restoring them would stop figures from being shown.
_KERNEL_SETUP = ("backend", "backend_fallback", "interactive")
#: The settings a new kernel has, taken in the kernel before its first notebook.
_FIRST: dict[str, Any] = {}


def fresh_state() -> None:
    """Put back the settings of the kernel as they were before its first notebook.

    Closes every figure, restores matplotlib's ``rcParams`` (a day's ``sns.set_theme`` would
    otherwise style the next day) and its unit converters, resets pandas' options, restores the
    warning filters and makes Python show again the warnings it shows once per place (a caveat a
    day raises would otherwise be silent on a later day).
    """
    import matplotlib
    import matplotlib.pyplot as plt  # the inline backend sets its parameters when pyplot is imported
    import matplotlib.units

    if "rc" not in _FIRST:
        _FIRST["rc"] = {k: v for k, v in matplotlib.rcParams.items() if k not in _KERNEL_SETUP}
        _FIRST["units"] = dict(matplotlib.units.registry)
        _FIRST["filters"] = list(warnings.filters)
        return
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn about the deprecated settings they put back
        matplotlib.rcParams.update(_FIRST["rc"])
        if "pandas" in sys.modules:
            sys.modules["pandas"].reset_option("all")
    # pandas' reset registers its date converters with matplotlib for good; a new kernel has none
    matplotlib.units.registry.clear()
    matplotlib.units.registry.update(_FIRST["units"])
    # The kernel's own warning filters (a day's "ignore" would silence the next days); changing the
    # filters also makes Python forget which warnings it has shown, and the catch-all "default"
    # at the end does what Python does for a warning no filter matches.
    warnings.filters[:] = _FIRST["filters"]
    warnings.simplefilter("default", append=True)


class SharedKernel:
    """A ``python3`` kernel started on first use, for one notebook after another.

    Pass :meth:`manager` to papermill as ``km``: papermill then neither starts nor stops the
    kernel, which :meth:`manager` has just reset. Call :meth:`done` after each notebook, with whether it ran through; :meth:`shutdown`
    at the end (or use the object as a context manager).
    """

    def __init__(self, cwd: str | Path) -> None:
        self.cwd = str(cwd)
        self._km = None

    def manager(self):
        """The kernel manager of a live kernel, reset: the kept one, or a new one when it died."""
        if self._km is not None and not run_sync(self._km.is_alive)():
            self.shutdown()
        if self._km is None:
            self.start()
        self._run(RESET_SOURCE, "reset")
        return self._km

    def start(self, *, warm: bool = False) -> None:
        """Start the kernel now (it otherwise starts on first use); ``warm``: import :data:`WARM_SOURCE` in it."""
        if self._km is None:
            self._km = _TrackedKernelManager(kernel_name="python3")
            run_sync(self._km.start_kernel)(cwd=self.cwd, extra_arguments=_KERNEL_ARGUMENTS)
        if warm:
            self._run(WARM_SOURCE, "prepared")
            self._km.stop_clients()

    def _run(self, source: str, what: str) -> None:
        client = self._km.client()  # closed by done(), with the notebook's own client
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=60)
        reply = run_sync(client.execute_interactive)(source, silent=True, store_history=False, timeout=60)
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise RuntimeError(f"the kernel could not be {what}: {content.get('ename')}: {content.get('evalue')}")

    def done(self, ok: bool) -> None:
        """Close the notebook's connections to the kernel; after a failure, drop the kernel as well.

        A kernel that cannot be cleaned up is dropped: the next notebook gets a new one.
        """
        if self._km is None:
            return
        try:
            self._km.stop_clients()
            if not ok:
                self.shutdown()
        except Exception:  # noqa: BLE001 - a broken kernel must not stop the days after it
            self._km = None

    def shutdown(self) -> None:
        """Stop the kernel (if any) and release its files."""
        km, self._km = self._km, None
        if km is None:
            return
        km.stop_clients()
        try:
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=True)
        finally:
            run_sync(km.cleanup_resources)()

    def __enter__(self) -> SharedKernel:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


class ReadyClient(AsyncKernelClient):
    """A kernel client that knows the kernel is ready as soon as it is, not 0.2 s later.

    jupyter_client's own ``wait_for_ready`` ends by reading the IOPub channel until it has been
    quiet for 0.2 s; papermill and the reset each wait so, twice per notebook. This one asks for
    the kernel's info and reads IOPub until the kernel says it is idle after that request: every
    message published before then has been read, and IOPub is known to be connected. A kernel that
    is not yet subscribed misses that status; the request is then repeated.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            request = self.kernel_info()
            try:
                reply = await self._reply_to(request, deadline)
                if await self._idle_after(request, min(deadline, time.monotonic() + 1.0)):
                    self._handle_kernel_info_reply(reply)
                    return
            except Empty:
                pass
            if not await ensure_async(self.is_alive()):
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _reply_to(self, request: str, deadline: float) -> dict:
        while True:
            msg = await ensure_async(self.shell_channel.get_msg(timeout=min(1.0, _left(deadline))))
            if msg["msg_type"] == "kernel_info_reply" and msg["parent_header"].get("msg_id") == request:
                return msg

    async def _idle_after(self, request: str, until: float) -> bool:
        while True:
            try:
                msg = await ensure_async(self.iopub_channel.get_msg(timeout=_left(until)))
            except Empty:
                return False
            if (msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"
                    and msg["parent_header"].get("msg_id") == request):
                return True


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


class QuietKernelManager(AsyncKernelManager):
    """A kernel on IPC sockets in a private folder: no TCP port, so no plain-text warning in the log.

    Each kernel has its own folder, so kernels started at once never race for a socket name. Its
    clients are :class:`ReadyClient`.
    """

    def __init__(self, **kwargs) -> None:
        self._kpi_folder = tempfile.mkdtemp(prefix="kpi-kernel-")
        kwargs.setdefault("client_class", "kpilib.report._kernel.ReadyClient")
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(self._kpi_folder, "k"))
        super().__init__(**kwargs)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._kpi_folder, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


class _TrackedKernelManager(QuietKernelManager):
    """A kernel manager that remembers the clients it made, so that they can be closed."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._kpi_clients: list = []

    def client(self, **kwargs):
        client = super().client(**kwargs)
        self._kpi_clients.append(client)
        return client

    def stop_clients(self) -> None:
        while self._kpi_clients:
            self._kpi_clients.pop().stop_channels()
