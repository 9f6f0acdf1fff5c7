"""The papermill engine of a render: the executed notebook is written when it ends, not at every cell.

papermill's own engine writes the whole notebook, its figures included, before and after every
cell: some fifty writes of a growing notebook per day, a tenth of a render on the sample. A render
only reads the executed notebook once it has ended (when the kernel died, to tell in which cell),
so :class:`WrittenAtEnd` writes it once, when the notebook ends, whether it ran through, failed or
lost its kernel.
"""

from __future__ import annotations

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

__all__ = ["ENGINE", "WrittenAtEnd"]

#: The name the engine is registered under with papermill (``engine_name=``).
ENGINE = "kpi-workshop"


class _SavedAtEnd(NotebookExecutionManager):
    """papermill's record of a running notebook, written to its output path only once it has ended."""

    def save(self, **kwargs) -> None:
        if self.end_time is not None:  # set by notebook_complete, which papermill always calls
            super().save(**kwargs)


class WrittenAtEnd(NBClientEngine):
    """papermill's nbclient engine, with the notebook written when it ends."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        nb_man = _SavedAtEnd(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                             autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register(ENGINE, WrittenAtEnd)
