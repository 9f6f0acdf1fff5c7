"""The ``kpi-workshop`` command line.

Commands are added to :data:`cli` with ``@cli.command()``; any
:class:`~kpilib.exceptions.KpiError` they raise is printed without a
traceback and ends the command with exit code 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from kpilib.exceptions import KpiError

__all__ = ["cli", "main"]

EPILOG = """\b
Exit codes:
  0  success
  1  a problem in the workshop or its exports; the message says where,
     what was expected and found, and how to fix it
  2  a usage error: an unknown command or option, or a missing argument"""


class KpiGroup(click.Group):
    """A command group that reports a :class:`KpiError` as a message and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KpiError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=KpiGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kpi-workshop")
def cli() -> None:
    """Import and check a KPI workshop's data.

    A workshop is a folder with a workshop.yaml that maps the client's export
    files onto the canonical tables (see docs/mapping.md).
    """


_workshop = click.argument("workshop", type=click.Path(path_type=Path), metavar="WORKSHOP")


@cli.command("import", epilog=EPILOG, short_help="Validate the exports and write the store.")
@_workshop
@click.option("--quarantine", is_flag=True,
              help="Import the rows that pass; write the rows with problems, with their reasons, "
                   "to WORKSHOP/quarantine/<table>.csv.")
def import_command(workshop: Path, quarantine: bool) -> None:
    """Validate the exports and write the canonical tables to WORKSHOP/store.duckdb.

    Nothing is written unless every check passes (or --quarantine is given);
    a failed import leaves the previous store as it was.
    """
    from kpilib.importing import import_workshop

    click.echo(import_workshop(workshop, quarantine=quarantine).to_text())


@cli.command("check", epilog=EPILOG, short_help="Validate and profile the exports; write nothing.")
@_workshop
def check_command(workshop: Path) -> None:
    """Validate the exports and print the problems and a profile; write nothing.

    Exits with 1 when a problem is found, so that scripts can stop there.
    """
    from kpilib.importing import check_workshop

    report = check_workshop(workshop)
    click.echo(report.to_text())
    if not report.ok:
        raise click.exceptions.Exit(1)


@cli.command("render", epilog=EPILOG, short_help="Run the day notebooks and write the HTML report pack.")
@_workshop
@click.option("--days", default=None, metavar="DAYS",
              help="The days to render: '1-10', '3' or '1,3,5-7'. Default: every day notebook.")
@click.option("-p", "--parameter", "parameter", type=(str, str), multiple=True, metavar="NAME VALUE",
              help="A notebook parameter, e.g. -p threshold_s 30 (repeatable); the value is read as YAML.")
@click.option("-f", "--parameters-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A YAML file of notebook parameters (name: value); -p values override it.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("report"),
              show_default=True, help="The folder for the report pack.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Notebooks run in parallel processes.")
@click.option("--notebooks", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The folder of the dayNN_<theme>.ipynb notebooks. Default: the project's notebooks/.")
def render_command(workshop: Path, days: str | None, parameter: tuple[tuple[str, str], ...],
                   parameters_file: Path | None, out: Path, jobs: int, notebooks: Path | None) -> None:
    """Run the day notebooks on WORKSHOP and write the report pack to --out.

    Every parameter is checked against the notebooks' parameters cells before any
    notebook runs; a bad one ends the command with the list of valid parameters.
    The pack holds one HTML page and the executed notebook per day, and index.html.
    A day that fails is still written, with its error visible; the command then
    exits with 1 and names the day and the cell.
    """
    from kpilib.render import NOTEBOOKS, render

    values = _parameters_file(parameters_file) if parameters_file else {}
    values.update(dict(parameter))
    result = render(workshop, days=days, parameters=values, out=out, jobs=jobs,
                    notebooks=notebooks or NOTEBOOKS)
    for page in result.failed:
        click.echo(f"Error: day {page.day} ({page.notebook.name}) failed at {page.error}", err=True)
    click.echo(f"Report: {result.index}")
    if result.failed:
        raise click.exceptions.Exit(1)


def _parameters_file(path: Path) -> dict:
    import yaml

    from kpilib.exceptions import ParameterError

    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML ({exc}); write one `name: value` per line") from None
    if values is None:
        return {}
    if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
        raise ParameterError(f"{path}: expected a mapping of parameter name to value (`threshold_s: 30`), "
                             f"found {type(values).__name__}")
    return values


def main() -> None:
    """Entry point of the ``kpi-workshop`` script."""
    cli(prog_name="kpi-workshop")
