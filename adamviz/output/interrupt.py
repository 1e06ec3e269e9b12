"""How a command stops on a signal: the first one unwinds it, the others wait.

Ctrl-C (SIGINT), a CI runner's kill (SIGTERM) and a closed terminal (SIGHUP)
all raise ``KeyboardInterrupt`` where the command is, so the same cleanup runs
on the way out: ffmpeg stopped, temporary files removed, the old output kept.

Two things can go wrong with that, and are handled here:

- A second signal a few milliseconds later would cut the cleanup short (and
  leave a ``.partial`` behind), so the first one makes the process ignore the
  rest until the command is over.
- Python runs a signal handler wherever the main thread happens to be, and
  inside a finalizer (matplotlib's weak references) the exception is printed
  as "Exception ignored" and dropped. So a stop is also remembered, and the
  writers check for it at safe points (each frame, each rename): a dropped
  interruption stops the command a frame later, and never lets a file be
  committed. The dropped one is not printed.
- Raised inside C code (matplotlib's renderer), the interruption can come
  out as that code's own error; once a stop was asked for, whatever error
  ends the command is reported as the interruption it is.
- Some steps must not be cut in two: an interruption inside ``Popen`` leaves
  ffmpeg running with nobody to stop it (and it writes its file after the
  cleanup). Inside :func:`shielded` a stop is only remembered, and raised
  when the block ends.

Standard library only.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

_requested = False
_shielded = 0


class Stopped(KeyboardInterrupt):
    """The interruption a stop signal asked for: the process is on its way out."""


def request_stop() -> None:
    """Stop: remember it, ignore the signals that follow, and unwind from here (or, inside
    :func:`shielded`, from where the block ends)."""
    global _requested
    _requested = True
    ignore_stop_signals()
    if not _shielded:
        raise Stopped


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """A step a stop may not cut in two: a stop asked for inside is raised when it ends."""
    global _shielded
    _shielded += 1
    try:
        yield
    finally:
        _shielded -= 1
    if not _shielded:
        raise_if_stopping()


def stop_requested() -> bool:
    return _requested


def raise_if_stopping() -> None:
    """A safe point: raise :class:`Stopped` if a stop was asked for (and perhaps dropped)."""
    if _requested:
        raise Stopped


def ignore_stop_signals() -> None:
    """From now on the stop signals are ignored: the cleanup under way runs to its end."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def _stop(signum: int, frame: FrameType | None) -> None:
    request_stop()


def quiet_dropped_stops() -> None:
    """Print nothing for a :class:`Stopped` a finalizer dropped: a safe point raises it again."""
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, Stopped):
            previous(unraisable)

    sys.unraisablehook = hook


@contextlib.contextmanager
def stopped_by_signals() -> Iterator[None]:
    """Inside the block, a stop signal unwinds like Ctrl-C, once; temporaries go on any exit.

    A signal the process was started ignoring (``nohup`` ignores SIGHUP, a
    background job SIGINT) stays ignored. Outside the main thread (where
    Python runs signal handlers) nothing is installed.
    """
    from adamviz.output.atomic import discard_leftovers

    global _requested
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    hook = sys.unraisablehook
    try:
        quiet_dropped_stops()
        for signum, handler in previous.items():
            if handler is not signal.SIG_IGN:
                signal.signal(signum, _stop)
        yield
    except Stopped:
        # On the way out: the signals stay ignored, so that a late one cannot
        # turn the exit into a traceback.
        raise
    except BaseException:
        if _requested:
            # The interruption, in another guise: raised inside C code, it can
            # come out as that code's own error (matplotlib's "Invalid
            # bounding box"), or as a failure it caused (ffmpeg stopped).
            raise Stopped from None
        _restore(previous)
        raise
    else:
        _restore(previous)
    finally:
        discard_leftovers()
        sys.unraisablehook = hook
        _requested = False
_shielded = 0


def _restore(previous: dict[signal.Signals, Handler]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
