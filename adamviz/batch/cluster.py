"""Batch jobs on an existing Dask cluster: the optional extra ``adamviz[dask]``.

``dask.distributed``'s client offers a ``concurrent.futures`` executor, so a
cluster takes the very jobs local worker processes take, and the outputs and
the manifest come out the same. The workers must see the same files as this
machine (the same paths, on a shared disk); they report no per-frame progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from adamviz.errors import AdamvizError


class SchedulerError(AdamvizError):
    """A Dask scheduler that cannot be used."""


#: How long to wait for the scheduler before saying it cannot be reached.
CONNECT_TIMEOUT = "10s"


def dask_executor(address: str) -> Callable[[int], AbstractContextManager[tuple[Any, None]]]:
    """An executor factory for :func:`adamviz.batch.run.run_batch` that submits to ``address``."""
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError(
            f"--scheduler {address}: needs dask.distributed; pip install 'adamviz[dask]'"
        ) from None

    @contextmanager
    def factory(workers: int) -> Iterator[tuple[Any, None]]:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as error:
            raise SchedulerError(f"--scheduler {address}: cannot connect: {error}") from None
        try:
            yield client.get_executor(), None
        finally:
            client.close()

    return factory
