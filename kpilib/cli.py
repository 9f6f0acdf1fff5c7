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
@click.option("--memory-limit", metavar="SIZE",
              help="DuckDB's memory limit, e.g. 4GB; larger exports spill to disk in the workshop folder "
                   "(default: 80% of the RAM).")
def import_command(workshop: Path, quarantine: bool, memory_limit: str | None) -> None:
    """Validate the exports and write the canonical tables to WORKSHOP/store.duckdb.

    Nothing is written unless every check passes (or --quarantine is given);
    a failed import leaves the previous store as it was.
    """
    from kpilib.importing import import_workshop

    click.echo(import_workshop(workshop, quarantine=quarantine, memory_limit=memory_limit).to_text())


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


@cli.command("render", epilog=EPILOG, short_help="Run the workshop notebooks and write the HTML report.")
@_workshop
@click.option("--out", type=click.Path(path_type=Path), default=Path("report"), show_default=True,
              help="The folder for the report pack.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Notebooks rendered in parallel processes.")
def render_command(workshop: Path, out: Path, jobs: int) -> None:
    """Run every workshop notebook on WORKSHOP and write HTML pages and an index to --out.

    A notebook that fails is still written, with its error visible; the command then
    exits with 1 and names the notebook and the cell.
    """
    from kpilib.render import render

    result = render(workshop, out=out, jobs=jobs)
    for page in result.failed:
        click.echo(f"Error: {page.notebook} failed at {page.error}", err=True)
    click.echo(f"Report: {result.index}")
    if result.failed:
        raise click.exceptions.Exit(1)


def main() -> None:
    """Entry point of the ``kpi-workshop`` script."""
    cli(prog_name="kpi-workshop")
