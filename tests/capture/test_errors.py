"""What cannot be recorded, or replayed as recorded, is one message that names what exists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adamviz.errors import CaptureError

torch = pytest.importorskip("torch")

from adamviz.capture import Recorder  # noqa: E402

pytestmark = pytest.mark.usefixtures("in_tmp")

PARAMETERS = "0.weight shape (4, 3), 0.bias shape (4), 2.weight shape (1, 4), 2.bias shape (1)"


@pytest.fixture
def model() -> Any:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))


def refused(model: Any, optimizer: Any, entries: Any) -> str:
    with pytest.raises(CaptureError) as caught:
        Recorder(model, optimizer, entries)
    return str(caught.value)


def step(model: Any, optimizer: Any, times: int = 1) -> None:
    x = torch.linspace(-1, 1, 24).reshape(8, 3)
    for _ in range(times):
        optimizer.zero_grad()
        model(x).pow(2).mean().backward()
        optimizer.step()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            ["0.wieght[0,0]"],
            "entry '0.wieght[0,0]': the model has no parameter '0.wieght' (did you mean "
            f"'0.weight'?); its parameters: {PARAMETERS}",
        ),
        (
            ["0.weight[4,0]"],
            "entry '0.weight[4,0]': index 4 is out of range for dimension 0 of 0.weight "
            "(shape (4, 3): 0 to 3)",
        ),
        (
            ["0.weight[1]"],
            "entry '0.weight[1]': expected 2 index numbers for 0.weight (shape (4, 3)), got 1",
        ),
        (
            ["0.weight[-1,0]"],
            "entry '0.weight[-1,0]': expected an index of whole numbers >= 0, such as [3,1], "
            "got [-1,0]",
        ),
        (
            ["0.weight"],
            "entry '0.weight': 0.weight has 12 entries (shape (4, 3)), more than the 8 a "
            "scenario shows; choose some by index, such as '0.weight[0,0]'",
        ),
        (
            ["0.bias", "2.weight", "2.bias"],
            "expected at most 8 entries (a scenario's parameters), got 9",
        ),
        (["0.bias[0]", "0.bias[ 0 ]"], "entry '0.bias[0]' is asked for twice"),
        ([], f"expected at least one entry to record; the model's parameters: {PARAMETERS}"),
    ],
)
def test_entries_that_do_not_exist_name_what_does(model: Any, entries: Any, message: str) -> None:
    assert refused(model, torch.optim.Adam(model.parameters()), entries) == message


def test_a_name_alone_takes_every_entry_of_a_small_tensor(model: Any) -> None:
    recorder = Recorder(model, torch.optim.Adam(model.parameters()), "0.bias")
    assert recorder.labels == ["0.bias[0]", "0.bias[1]", "0.bias[2]", "0.bias[3]"]


@pytest.mark.parametrize("name", ["LBFGS", "SparseAdam", "ASGD", "Rprop"])
def test_an_optimizer_adamviz_does_not_know_is_named(model: Any, name: str) -> None:
    optimizer = getattr(torch.optim, name)(model.parameters())
    assert refused(model, optimizer, ["2.bias"]) == (
        f"torch.optim.{name} is not an optimizer adamviz can replay; it replays torch.optim's "
        "Adagrad, Adam, AdamW, Adamax, NAdam, RAdam, RMSprop, SGD (and subclasses of them)"
    )


def test_an_optimizer_of_another_library_is_named_by_its_class(model: Any) -> None:
    class Lookahead(torch.optim.Optimizer):
        def __init__(self, params: Any) -> None:
            super().__init__(params, {"lr": 0.1})

    assert refused(model, Lookahead(model.parameters()), ["2.bias"]).startswith(
        "test_an_optimizer_of_another_library_is_named_by_its_class.<locals>.Lookahead is not "
        "an optimizer adamviz can replay"
    )


def test_a_subclass_of_a_torch_optimizer_replays_as_its_base(model: Any) -> None:
    class MyAdam(torch.optim.Adam):
        pass

    recorder = Recorder(model, MyAdam(model.parameters(), lr=0.01), ["2.bias"])
    assert recorder.name == "adam"


def test_an_option_adamviz_has_no_counterpart_for_is_refused(model: Any) -> None:
    optimizer = torch.optim.Adam(model.parameters())
    optimizer.defaults["grad_scale"] = 2.0  # as a future torch option might be
    message = refused(model, optimizer, ["2.bias"])
    assert message == (
        "torch.optim.Adam's option grad_scale=2.0 has no counterpart in adamviz's adam (which "
        "takes lr, beta1, beta2, eps, weight_decay, amsgrad, bias_correction)"
    )


def test_entries_of_groups_with_different_hyperparameters_are_refused(model: Any) -> None:
    optimizer = torch.optim.Adam(
        [{"params": model[0].parameters(), "lr": 0.1}, {"params": model[2].parameters()}]
    )
    assert refused(model, optimizer, ["0.bias[0]", "2.bias"]) == (
        "entries '0.bias[0]' and '2.bias[0]' are in param groups with different "
        "hyperparameters; a scenario replays one optimizer, so record entries of one group"
    )


def test_a_parameter_the_optimizer_does_not_step_is_refused(model: Any) -> None:
    optimizer = torch.optim.Adam(model[0].parameters())
    assert refused(model, optimizer, ["2.bias"]) == (
        "entry '2.bias[0]': 2.bias is not among the parameters this optimizer steps"
    )


def save_refused(recorder: Recorder, path: str = "run.yaml") -> str:
    with pytest.raises(CaptureError) as caught:
        recorder.save(path)
    assert not list(Path().rglob("*.*")), "nothing is written"
    return str(caught.value)


def test_saving_before_a_step_is_refused(model: Any) -> None:
    recorder = Recorder(model, torch.optim.Adam(model.parameters()), ["2.bias"])
    assert save_refused(recorder) == (
        "cannot save the run: nothing recorded yet: save after optimizer.step() has run"
    )


def test_a_scheduler_that_changes_the_learning_rate_is_refused_at_save(model: Any) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    recorder = Recorder(model, optimizer, ["2.bias"])
    for _ in range(5):
        step(model, optimizer)
        scheduler.step()
    assert save_refused(recorder) == (
        "cannot save the run: the optimizer's lr changed at step 4, from 0.01 to 0.005 (a "
        "scheduler?); a scenario replays one set of hyperparameters, so record a run without "
        "the change"
    )


def test_an_entry_without_a_gradient_at_a_step_is_refused_at_save(model: Any) -> None:
    # torch skips a tensor whose .grad is None: its state does not move, which a replay
    # of any gradient (0 included) would not show.
    optimizer = torch.optim.Adam(model.parameters())
    recorder = Recorder(model, optimizer, ["0.bias[1]", "2.bias"])
    step(model, optimizer, 2)
    optimizer.zero_grad()  # set_to_none: no gradient at all for this step
    model[2](torch.ones(1, 4)).sum().backward()  # only the last layer gets one
    optimizer.step()
    assert save_refused(recorder) == (
        "cannot save the run: entry '0.bias[1]' had no gradient at step 3 (.grad was None), "
        "so torch skipped its tensor there, which a replay cannot show; zero the gradients "
        "with zero_grad(set_to_none=False) or record other entries"
    )


def test_a_value_changed_outside_the_optimizer_is_refused_at_save(model: Any) -> None:
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    recorder = Recorder(model, optimizer, ["2.bias"])
    step(model, optimizer)
    with torch.no_grad():
        model[2].bias.clamp_(max=0.0).add_(1.0)  # weights clipped by hand
    step(model, optimizer)
    assert save_refused(recorder) == (
        "cannot save the run: entry '2.bias[0]' changed between steps 1 and 2 outside "
        "optimizer.step(); a replay sees only the steps"
    )


def test_a_gradient_that_is_not_finite_is_refused_at_save(model: Any) -> None:
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    recorder = Recorder(model, optimizer, ["2.bias"])
    step(model, optimizer)
    model[2].bias.grad = torch.tensor([float("inf")])
    optimizer.step()
    assert save_refused(recorder) == (
        "cannot save the run: entry '2.bias[0]': the gradient at step 2 is inf; a scenario's "
        "gradients are finite"
    )


def test_a_scenario_name_must_be_yaml(model: Any) -> None:
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    recorder = Recorder(model, optimizer, ["2.bias"])
    step(model, optimizer)
    assert save_refused(recorder, "run.csv") == (
        "expected a scenario file name ending in .yaml or .yml, got 'run.csv'"
    )


def test_after_remove_nothing_more_is_recorded(model: Any) -> None:
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    with Recorder(model, optimizer, ["2.bias"]) as recorder:
        step(model, optimizer, 3)
    step(model, optimizer, 2)
    assert recorder.steps == 3
    recorder.save("run.yaml")
    assert Path("run.csv").read_text().count("\n") == 4  # a header and 3 steps


def test_a_scenario_that_would_not_load_is_not_written(model: Any) -> None:
    # torch accepts lr=0; a scenario does not (nothing would move): said, and nothing written.
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    recorder = Recorder(model, optimizer, ["2.bias"])
    step(model, optimizer)
    assert save_refused(recorder, "runs/run.yaml") == (
        "the saved scenario would not load: runs/run.yaml:10: optimizer.lr: expected a number "
        "> 0, got 0.0"
    )


def test_saving_again_replaces_the_earlier_run(model: Any) -> None:
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    recorder = Recorder(model, optimizer, ["2.bias"])
    step(model, optimizer)
    recorder.save("run.yaml")
    step(model, optimizer)
    recorder.save("run.yaml")
    assert sorted(p.name for p in Path().iterdir()) == ["run.csv", "run.torch.csv", "run.yaml"]
    assert Path("run.csv").read_text().count("\n") == 3


def test_any_hyperparameter_changed_during_the_run_is_named_at_save(model: Any) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    recorder = Recorder(model, optimizer, ["2.bias"])
    step(model, optimizer)
    optimizer.param_groups[0]["weight_decay"] = 0.1
    step(model, optimizer)  # the loop goes on: the problem waits for save
    assert save_refused(recorder).startswith(
        "cannot save the run: the optimizer's weight_decay changed at step 2, from 0.0 to 0.1"
    )
