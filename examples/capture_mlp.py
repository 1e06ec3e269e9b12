"""Train a small MLP with torch.optim.Adam and record what Adam saw, as an adamviz scenario.

The data is made here: 256 points x in [-2, 2]², a target y = 1 + sin(2·x₁)·cos(x₂)
plus a little noise, fitted by a 2-16-1 tanh network in minibatches of 32.
Four weights are recorded; the saved scenario replays them, and
``adamviz render`` draws it::

    pip install 'adamviz[torch]'
    python examples/capture_mlp.py                 # -> scenarios/real-mlp.yaml (+ .csv files)
    adamviz render scenarios/real-mlp.yaml         # -> output/real-mlp.gif

It ends by setting adamviz's replay beside the state torch kept
(``exp_avg`` and ``exp_avg_sq``): they agree to float32 rounding.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from adamviz.capture import Recorder, replay_errors

ENTRIES = ["0.weight[3,0]", "0.bias[3]", "2.weight[0,3]", "2.bias"]
TITLE = "A real training run: Adam on a small MLP"
DESCRIPTION = """\
Four weights of a small network (2 inputs, 16 tanh units, 1 output) fitted with \
torch.optim.Adam (lr 0.01) to a made-up regression target in {steps} minibatch steps, recorded \
by adamviz.capture: the grey lollipops are the gradients Adam was given, the curves \
adamviz's replay of them, which matches torch's own exp_avg and exp_avg_sq. In the first \
steps the gradients are large and agree (the untrained network is far off the target): m̂ \
and √v̂ are close, the ratio is near ±1, and the weights take full steps. Within about 30 \
steps they shrink and turn into minibatch noise: m̂ falls to zero while √v̂, which \
remembers about 1000 steps (β2 = 0.999), comes down slowly, and the ratio settles near 0, \
so the steps get small without any schedule. The first-layer weight's gradients are about \
thirty times smaller than the output bias's, yet its ratio swings as wide: Adam sizes \
each weight's steps by that weight's own gradients. The bottom row is the weights \
themselves.\
"""


def train(steps: int, seed: int, out: Path) -> Path:
    torch.manual_seed(seed)
    x = torch.rand(256, 2) * 4 - 2
    y = 1 + torch.sin(2 * x[:, :1]) * torch.cos(x[:, 1:]) + 0.05 * torch.randn(256, 1)
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    with Recorder(model, optimizer, ENTRIES) as recorder:  # hooks the steps; the loop is as ever
        for step in range(steps):
            batch = torch.randperm(256)[:32] if step else torch.arange(32)
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
    print(f"{steps} steps, last minibatch loss {loss.item():.4f}")
    render = {"panels": ["gradients", "ratio", "theta"]}
    description = DESCRIPTION.format(steps=steps)
    return recorder.save(out, title=TITLE, description=description, render=render)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("scenarios/real-mlp.yaml"))
    args = parser.parse_args()
    path = train(args.steps, args.seed, args.out)
    print(f"wrote {path}, {path.with_suffix('.csv')} and {path.with_suffix('.torch.csv')}")
    for name, error in replay_errors(path).items():
        print(f"adamviz's {name} against torch's: largest gap {error:.2g} of its size")


if __name__ == "__main__":
    main()
