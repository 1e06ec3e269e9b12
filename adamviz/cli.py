"""The ``adamviz`` command: render, simulate, validate, schema.

The library raises :class:`~adamviz.errors.AdamvizError`; this module alone
turns it into ``Error: ...`` lines on stderr and exit status 1 (2 for usage
mistakes, as click does). Heavy modules (matplotlib, imageio) are imported
inside the commands that need them, so ``--help`` and ``validate`` stay quick.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from adamviz import __version__
from adamviz.catalog import DEFAULT_FORMAT, FIGURE_FORMATS, FORMATS
from adamviz.cores import usable_cores
from adamviz.errors import AdamvizError

if TYPE_CHECKING:  # imported by the batch command alone, when it runs
    from adamviz.batch.run import Check

FORMAT_CHOICES = FIGURE_FORMATS
_SUFFIXES_TEXT = ", ".join(f".{n}" for n in FORMAT_CHOICES[:-1]) + f" or .{FORMAT_CHOICES[-1]}"


class UserError(click.ClickException):
    """One ``Error: ...`` line per problem, exit status 1."""

    def __init__(self, error: AdamvizError) -> None:
        super().__init__(str(error))
        self.problem_lines = error.lines()

    def show(self, file: TextIO | None = None) -> None:
        for line in self.problem_lines:
            click.echo(f"Error: {line}", err=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's errors into clean CLI errors."""
    try:
        yield
    except AdamvizError as error:
        raise UserError(error) from None


def _load(path: str) -> Any:
    from adamviz.scenario import load

    with user_errors():
        return load(path)


def _refuse_inputs(output: Path, scenario: Any) -> None:
    """Writing over the scenario or a file it reads would destroy what the output is made of."""
    from adamviz.output.atomic import refuse_inputs

    folder = scenario.source.parent
    with user_errors():
        refuse_inputs(output, [scenario.source, *(folder / f for f in scenario.input_files())])


def _standard_output() -> TextIO:
    """stdout, for a command whose product it is; one error line if it is closed (``>&-``)."""
    if sys.stdout is None:
        raise click.ClickException("cannot write to standard output: it is closed")
    return sys.stdout


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="adamviz")
def cli() -> None:
    """Animated visualizations of Adam's adaptive learning rates.

    Write a scenario (a stream of gradients, in YAML), then render it:

        adamviz render scenarios/consistent.yaml
    """


def _format_for(output: Path | None, fmt: str | None) -> str:
    """The format: --format, else OUTPUT's suffix, else gif; the two must agree."""
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    if output is not None and suffix and suffix not in FORMAT_CHOICES:
        # Exit 1 like any other file adamviz cannot write, not 2: the name is the mistake.
        raise click.ClickException(
            f"{output}: unknown format {output.suffix!r}; adamviz writes {_SUFFIXES_TEXT}"
        )
    if fmt and suffix and fmt != suffix:
        raise click.UsageError(f"--format {fmt} does not match the output file's .{suffix}")
    return fmt or suffix or DEFAULT_FORMAT


@cli.command()
@click.argument("scenario", type=click.Path(path_type=str))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path),
    help="File to write. Default: output/<scenario name>.<format>.",
)  # fmt: skip
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMAT_CHOICES),
    help="Animations: gif, mp4, webm, webp, apng, html (an interactive page); stills: png, "
    "svg, pdf (the last step, or --step). Default: OUTPUT's suffix, else gif.",
)  # fmt: skip
@click.option(
    "--max-size", metavar="SIZE",
    help="Largest file to write, such as 10MB: fewer frames, then fewer pixels, until it "
    "fits; else an error that says what would. Default: no limit, and a warning above 10 MB.",
)  # fmt: skip
@click.option(
    "--step", type=int, metavar="N",
    help="The step a still (png, svg, pdf) shows, from 1. Default: the last.",
)  # fmt: skip
@click.option("--fps", type=click.IntRange(1, 60), help="Frames per second (overrides the file).")
@click.option("--width", type=click.IntRange(160, 3840), help="Width in pixels (even).")
@click.option("--height", type=click.IntRange(90, 2160), help="Height in pixels (even).")
def render(
    scenario: str,
    output: Path | None,
    fmt: str | None,
    fps: int | None,
    width: int | None,
    height: int | None,
    max_size: str | None,
    step: int | None,
) -> None:
    """Render SCENARIO to an animation, an interactive page, or a still of one step.

    The format follows OUTPUT's suffix: .gif, .mp4, .webm, .webp, .apng, .html
    (one self-contained page: play, pause, a step slider and the numbers of each
    step), or a still of one step: .png, .svg, .pdf.

    Examples:

        adamviz render scenarios/noisy.yaml -o figures/noisy.mp4 --width 1280 --height 720

        adamviz render scenarios/flip.yaml -o flip.svg --step 70
    """
    for name, value in (("--width", width), ("--height", height)):
        if value is not None and value % 2:
            message = f"expected an even number of pixels, got {value}"
            raise click.BadParameter(message, param_hint=f"'{name}'")
    fmt = _format_for(output, fmt)
    budget = _size_budget(max_size)
    if step is not None and FORMATS[fmt].kind != "still":
        raise click.UsageError(f"--step chooses the step of a still (png, svg, pdf), not of {fmt}")
    loaded = _load(scenario)
    target = output or Path("output") / f"{Path(scenario).stem}.{fmt}"
    _refuse_inputs(target, loaded)

    from adamviz.batch.progress import render_progress
    from adamviz.output.interrupt import stopped_by_signals
    from adamviz.pipeline import RenderOptions, check_step, render_scenario

    with stopped_by_signals(), user_errors():
        check_step(loaded, step)  # before the output folder is touched
        options = RenderOptions(fmt, fps, width, height, step, budget)
        fitted: list[str] = []
        with render_progress(sys.stderr, target.name) as shown:
            render_scenario(loaded, target, options, on_frame=shown, notice=fitted.append)
    click.echo(f"wrote {target}" + "".join(f": {text}" for text in fitted), err=True)
    _warn_if_large(target, fmt, budget)


def _size_budget(text: str | None) -> int | None:
    from adamviz.output.budget import parse_size

    try:
        return None if text is None else parse_size(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--max-size'") from None


def _warn_if_large(target: Path, fmt: str, budget: int | None) -> None:
    """Above GitHub's 10 MB a README shows no animation: say so, and how to fit it."""
    from adamviz.output.budget import GITHUB_LIMIT, format_size

    if budget is not None or FORMATS[fmt].kind != "animation":
        return
    size = target.stat().st_size
    if size > GITHUB_LIMIT:
        click.echo(
            f"warning: {target} is {format_size(size)}, over the 10 MB GitHub shows in a "
            "README; --max-size 10MB makes it fit",
            err=True,
        )


@cli.command()
@click.argument("scenario", type=click.Path(path_type=str))
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header (the default).")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of row objects.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write instead of stdout.")  # fmt: skip
def simulate(scenario: str, as_csv: bool, as_json: bool, output: Path | None) -> None:
    """Print the numbers behind SCENARIO's picture: one row per step and parameter.

    Columns: step,param,grad,m,v,m_hat,v_hat,ratio,step_size,update,theta, where
    ratio = m_hat/(sqrt(v_hat)+eps), step_size = lr/(sqrt(v_hat)+eps),
    update = -lr*ratio and theta is the parameter after the step. Floats are
    written in full precision.

    Example:

        adamviz simulate scenarios/two-scales.yaml --csv -o two-scales.csv
    """
    if as_csv and as_json:
        raise click.UsageError("choose one of --csv and --json")
    stdout = _standard_output() if output is None else None
    loaded = _load(scenario)
    if output is not None:
        _refuse_inputs(output, loaded)

    from adamviz.output.tables import write_csv, write_json
    from adamviz.pipeline import simulate as run

    write: Callable[..., None] = write_json if as_json else write_csv
    with user_errors():
        traces = run(loaded)
    if stdout is not None:
        write(traces, loaded.param_names, stdout)
        return
    from adamviz.output.atomic import AtomicFile
    from adamviz.output.interrupt import stopped_by_signals

    with stopped_by_signals(), user_errors(), AtomicFile(output).open_text() as out:
        write(traces, loaded.param_names, out)


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=str))
def validate(scenarios: tuple[str, ...]) -> None:
    """Check SCENARIOS as render would, without writing: one line per problem, exit 1 if any.

    Example:

        adamviz validate scenarios/*.yaml
    """
    from adamviz.pipeline import check
    from adamviz.scenario import load

    problems: list[str] = []
    for path in scenarios:
        try:
            check(load(path))
        except AdamvizError as error:
            problems.extend(error.lines())
        else:
            click.echo(f"{path}: ok")
    for line in problems:
        click.echo(f"Error: {line}", err=True)
    if problems:
        sys.exit(1)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of scenario files, for editors to autocomplete.

    Example (VS Code with the YAML extension):

        adamviz schema > adamviz.schema.json
        # then in a scenario's first line:
        # yaml-language-server: $schema=adamviz.schema.json
    """
    from adamviz.scenario import json_schema

    click.echo(json.dumps(json_schema(), indent=2), file=_standard_output())


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", "folder", type=click.Path(path_type=Path),
    default=Path("output"), show_default=True, help="Folder for the figures and the manifest.",
)  # fmt: skip
@click.option(
    "-j", "--jobs", type=click.IntRange(1, 256), default=None,
    help="Scenarios rendered at once. Default: the number of cores this process may use.",
)  # fmt: skip
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMAT_CHOICES), default=DEFAULT_FORMAT,
    show_default=True, help="Format of every figure.",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Render everything, even what is up to date.")
@click.option(
    "--check", is_flag=True,
    help="Render nothing: list stale, missing or modified figures and orphans; exit 1 if any.",
)  # fmt: skip
@click.option(
    "--scheduler", metavar="ADDRESS",
    help="Render on a Dask cluster (tcp://HOST:PORT) instead of local processes; "
    "needs pip install 'adamviz[dask]'.",
)  # fmt: skip
def batch(
    paths: tuple[Path, ...],
    folder: Path,
    jobs: int | None,
    fmt: str,
    force: bool,
    check: bool,
    scheduler: str | None,
) -> None:
    """Render every scenario in PATHS (files or folders; default: scenarios/) into a folder.

    Only what changed is rendered again: a manifest in the output folder keeps
    the hashes of each figure's scenario, the files it reads, the options and
    adamviz's version. Each figure gets its numbers (CSV) beside it, and the
    folder an index.html gallery. One failing scenario does not stop the
    others; the exit status is then 1.

    Examples:

        adamviz batch scenarios/ -o output/ --jobs 4

        adamviz batch --check      # in CI: exit 1 if a committed figure is stale
    """
    from adamviz.batch.run import check as check_batch
    from adamviz.batch.run import run_batch

    sources = list(paths) or [Path("scenarios")]
    if check:
        if force:
            raise click.UsageError("--check renders nothing, so --force has no meaning with it")
        with user_errors():
            result = check_batch(sources, folder, fmt)
        _report_check(result, folder)
        return
    factory = None
    if scheduler is not None:
        from adamviz.batch.cluster import dask_executor

        with user_errors():
            factory = dask_executor(scheduler)
    from adamviz.output.interrupt import stopped_by_signals

    with stopped_by_signals(), user_errors():
        report = run_batch(
            sources, folder, fmt, jobs or usable_cores(), force, sys.stderr, factory
        )
    from adamviz.batch.progress import summary_lines

    for line in summary_lines(report.rows):
        click.echo(line)
    for name in report.orphans:
        click.echo(f"orphan: {folder / name} (no scenario makes it; not deleted)", err=True)
    for line in report.errors:
        click.echo(f"Error: {line}", err=True)
    if report.failed:
        sys.exit(1)


@cli.group(invoke_without_command=True)
@click.pass_context
def examples(context: click.Context) -> None:
    """List the bundled scenarios with their titles; 'copy' writes one out to start from.

    Examples:

        adamviz examples

        adamviz examples copy flip my-figures/
    """
    if context.invoked_subcommand is not None:
        return
    from adamviz.scenario.examples import examples as bundled

    items = bundled()
    width = max(len(item.name) for item in items)
    for item in items:
        click.echo(f"{item.name:<{width}}  {item.title}")


@examples.command("copy")
@click.argument("name")
@click.argument("folder", default=".", type=click.Path(path_type=Path))
def copy_example(name: str, folder: Path) -> None:
    """Write the bundled scenario NAME into FOLDER (default: here); never over a file.

    Example:

        adamviz examples copy flip && adamviz render flip.yaml
    """
    from adamviz.scenario.examples import copy_example as copy

    with user_errors():
        target = copy(name, folder)
    click.echo(f"wrote {target}", err=True)


def _report_check(result: Check, folder: Path) -> None:
    """One line per figure that is not up to date, and per orphan; exit 1 if any."""
    problems = [
        f"{status.state}: {target.output} ({status.reason})"
        for target, status in result.statuses
        if not status.up_to_date
    ]
    problems += [f"orphan: {folder / name} (no scenario makes it)" for name in result.orphans]
    problems += [
        f"partial: {path} (left by an interrupted render; the next batch removes it)"
        for path in result.partials
    ]
    for line in problems:
        click.echo(line)
    if problems:
        sys.exit(1)
    count = len(result.statuses)
    click.echo(f"{count} figure{'s' if count != 1 else ''} up to date")


def main() -> None:
    """Console-script entry point."""
    _fill_closed_standard_descriptors()
    try:
        cli(prog_name="adamviz")
    except OSError as error:
        # Files go through AtomicFile and come back as AdamvizError, and click
        # handles a closed pipe; what is left is mostly a standard output that
        # cannot take the text, as with `adamviz simulate s.yaml > /dev/full`,
        # unless the error names a file or says no file descriptor is left.
        reason = error.strerror or str(error)
        if error.errno in (errno.EMFILE, errno.ENFILE):
            click.echo(f"Error: {reason} (see ulimit -n)", err=True)
        elif error.filename:
            click.echo(f"Error: {error.filename}: {reason}", err=True)
        else:
            _discard_standard_output()
            click.echo(f"Error: cannot write to standard output: {reason}", err=True)
        sys.exit(1)


def _fill_closed_standard_descriptors() -> None:
    """Put the null device on a closed 0, 1 or 2 (``>&-``), so no file is opened in its place.

    Otherwise the next file opened takes descriptor 1, and whatever is
    printed, or inherited by a child process, lands in it. ``sys.stdout`` stays
    None, which the commands that print their product report.
    """
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != descriptor:
                os.dup2(null, descriptor)
                os.close(null)


def _discard_standard_output() -> None:
    """Point stdout at the null device, so the exit's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
