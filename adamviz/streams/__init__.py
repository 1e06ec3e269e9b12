"""Gradient streams, numpy alone: patterns, losses, recorded files, the stream an optimizer reads.

Every public name of the modules below is importable from here
(``adamviz.streams.constant``), so a notebook needs no module names.
"""

from adamviz.streams.losses import LOSS_GRADIENTS, LossGradient, absolute_grad, quadratic_grad
from adamviz.streams.patterns import (
    constant,
    gaussian_noise,
    random_walk,
    sequence,
    sine,
    sparse,
    square,
)
from adamviz.streams.recorded import RecordedColumnError, RecordedGradientError, read_recorded
from adamviz.streams.stream import GradientStream

__all__ = [
    "LOSS_GRADIENTS",
    "GradientStream",
    "LossGradient",
    "RecordedColumnError",
    "RecordedGradientError",
    "absolute_grad",
    "constant",
    "gaussian_noise",
    "quadratic_grad",
    "random_walk",
    "read_recorded",
    "sequence",
    "sine",
    "sparse",
    "square",
]
