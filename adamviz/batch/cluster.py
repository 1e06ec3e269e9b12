"""Batch jobs on an existing Dask cluster: the optional extra ``adamviz[dask]``.

``dask.distributed``'s client offers a ``concurrent.futures`` executor, so a
cluster takes the very jobs local worker processes take, and the outputs and
the manifest come out the same. The workers must see the same files as this
machine (the same paths, on a shared disk); they report no per-frame progress.

The address is checked before anything connects, and the connection has one
deadline for everything: distributed's own timeout does not cover a server
that accepts the connection and then says nothing, and its handshake may
fail in many ways (or try to allocate terabytes) on a server that is not a
Dask scheduler.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any
from urllib.parse import urlsplit

from adamviz.errors import AdamvizError, one_line


class SchedulerError(AdamvizError):
    """A Dask scheduler that cannot be used."""


#: How long to wait for the scheduler before saying it cannot be reached.
CONNECT_TIMEOUT = "10s"
#: Address schemes of a Dask scheduler a batch can reach.
SCHEMES = ("tcp", "tls")


def check_address(address: str) -> str:
    """``address`` as Dask takes it (``HOST:PORT`` means tcp); a SchedulerError if malformed."""
    expected = "expected tcp://HOST:PORT (or tls://HOST:PORT)"
    full = address if "://" in address else f"tcp://{address}"
    parts = urlsplit(full)
    if parts.scheme not in SCHEMES or not parts.hostname or parts.path or parts.query:
        raise SchedulerError(f"--scheduler {address!r}: {expected}, got {address!r}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None or not 0 < port < 65536:
        found = full.rpartition(":")[2] if ":" in parts.netloc else "no port"
        raise SchedulerError(
            f"--scheduler {address}: expected a port from 1 to 65535, got {found!r}"
        )
    return full


def dask_executor(address: str) -> Callable[[int], AbstractContextManager[tuple[Any, None]]]:
    """An executor factory for :func:`adamviz.batch.run.run_batch` that submits to ``address``."""
    full = check_address(address)
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError(
            f"--scheduler {address}: needs dask.distributed; pip install 'adamviz[dask]'"
        ) from None

    @contextmanager
    def factory(workers: int) -> Iterator[tuple[Any, None]]:
        client = _connect(Client, full, address)
        try:
            yield client.get_executor(), None
        finally:
            client.close()

    return factory


def _connect(client_type: Any, full: str, address: str) -> Any:
    """A connected client, or one SchedulerError line within :data:`CONNECT_TIMEOUT`.

    Connecting runs in a daemon thread, so that a server that never answers
    cannot keep the batch (or its exit) waiting.
    """
    outcome: dict[str, Any] = {}

    def connect() -> None:
        try:
            outcome["client"] = client_type(full, timeout=CONNECT_TIMEOUT)
        except BaseException as error:  # whatever the handshake met, reported below
            outcome["error"] = error

    thread = threading.Thread(target=connect, daemon=True, name="adamviz-dask-connect")
    thread.start()
    thread.join(_seconds(CONNECT_TIMEOUT))
    if "client" in outcome:
        return outcome["client"]
    error = outcome.get("error")
    if error is None:
        reason = f"no Dask scheduler answered within {CONNECT_TIMEOUT}"
    elif isinstance(error, OSError | TimeoutError):
        reason = str(error) or type(error).__name__
    else:
        reason = f"not a Dask scheduler ({type(error).__name__})"
    raise SchedulerError(f"--scheduler {address}: cannot connect: {_short(reason)}")


def _seconds(timeout: str) -> float:
    return float(timeout.removesuffix("s"))


def _short(text: str, limit: int = 200) -> str:
    text = one_line(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 3] + "..."
