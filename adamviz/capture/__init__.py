"""From a PyTorch training run to a scenario: record what the optimizer saw, replay it.

::

    from adamviz.capture import Recorder

    recorder = Recorder(model, optimizer, ["0.weight[3,1]", "2.bias[0]"])
    for x, y in loader:
        optimizer.zero_grad(); loss_fn(model(x), y).backward(); optimizer.step()
    recorder.save("runs/mlp.yaml")     # then: adamviz render runs/mlp.yaml

The one room of adamviz that meets torch, and it imports torch only when a
:class:`Recorder` is made; nothing else in adamviz imports this package.
``entries`` names the scalars (:mod:`adamviz.capture.entries`), ``optimizers``
names a torch optimizer as adamviz does, ``recorder`` hooks the steps,
``save`` writes the files, and ``replay`` sets adamviz's replay beside the
state torch kept.
"""

from adamviz.capture.recorder import Recorder
from adamviz.capture.replay import replay_errors
from adamviz.errors import CaptureError

__all__ = ["CaptureError", "Recorder", "replay_errors"]
