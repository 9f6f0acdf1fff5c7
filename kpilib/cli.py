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

    #: The commands in the order a workshop uses them; ``--help`` lists them so (others follow).
    ORDER = ("new", "check", "import", "schedule", "present", "lab", "decisions", "render")

    def list_commands(self, ctx: click.Context) -> list[str]:
        rank = {name: i for i, name in enumerate(self.ORDER)}
        return sorted(self.commands, key=lambda name: (rank.get(name, len(rank)), name))

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KpiError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=KpiGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kpi-workshop")
def cli() -> None:
    """Run a KPI workshop: create it, import and check its data, plan its days,
    keep its decisions, open its notebooks and render its report.

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
              help="The import's memory limit, e.g. 4GB, four fifths of it for DuckDB's buffers; larger "
                   "exports spill to disk in the workshop folder (default: 80% of the RAM for the buffers).")
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
              help="Notebooks run at once, each in its own kernel.")
@click.option("--notebooks", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The folder of the dayNN_<theme>.ipynb notebooks. Default: the project's notebooks/.")
@click.option("--kernel", type=click.Choice(["shared", "per-day"]), default="shared", show_default=True,
              help="shared: each job runs its days in one kernel, reset before every notebook; "
                   "per-day: a new kernel for every notebook (slower).")
@click.option("--audience", type=click.Choice(["client", "facilitator"]), default="client", show_default=True,
              help="client: the pack the client reads; facilitator: with the notes for the facilitator and "
                   "links to the executed notebooks.")
@click.option("--pdf", is_flag=True, help="Also write the pack as one A4 PDF, pack.pdf, next to index.html.")
def render_command(workshop: Path, days: str | None, parameter: tuple[tuple[str, str], ...],
                   parameters_file: Path | None, out: Path, jobs: int, notebooks: Path | None,
                   kernel: str, audience: str, pdf: bool) -> None:
    """Run the day notebooks on WORKSHOP and write the report pack to --out.

    Every parameter is checked against the notebooks' parameters cells before any
    notebook runs; a bad one ends the command with the list of valid parameters.
    The pack holds one HTML page and the executed notebook per day, and index.html
    (with --pdf also pack.pdf), in the workshop's language.
    A day that fails is still written, with its error visible; the command then
    exits with 1 and names the day and the cell.
    """
    from kpilib.report.render import NOTEBOOKS, render

    values = _parameters_file(parameters_file) if parameters_file else {}
    values.update(dict(parameter))
    result = render(workshop, days=days, parameters=values, out=out, jobs=jobs,
                    notebooks=notebooks or NOTEBOOKS, kernel=kernel, audience=audience, pdf=pdf)
    for page in result.failed:
        click.echo(f"Error: day {page.day} ({page.notebook.name}) failed at {page.error}", err=True)
    click.echo(f"Report: {result.index}")
    if pdf:
        click.echo(f"PDF: {result.index.parent / 'pack.pdf'}")
    if result.failed:
        raise click.exceptions.Exit(1)


@cli.command("new", epilog=EPILOG, short_help="Create a workshop folder.")
@_workshop
@click.option("--client", required=True, help="The client's name, shown on every report.")
@click.option("--start", required=True, metavar="YYYY-MM-DD", help="The first day of the workshop.")
@click.option("--language", type=click.Choice(["en", "nl"]), default="en", show_default=True,
              help="The language of the schedule and the reports.")
@click.option("--country", default="NL", show_default=True,
              help="The country whose public holidays the schedule skips.")
@click.option("--time-zone", default="Europe/Amsterdam", show_default=True,
              help="The time zone of the local times in the exports.")
def new_command(workshop: Path, client: str, start: str, language: str, country: str, time_zone: str) -> None:
    """Create WORKSHOP: a commented workshop.yaml, an exports/ folder and the decisions store.

    The folder may exist already (holding the exports, for example) but must not hold
    a workshop: nothing is overwritten. Then put the exports in WORKSHOP/exports, map
    them under `sources:` in workshop.yaml and run `kpi-workshop check WORKSHOP`.
    """
    from kpilib.workshop.folder import new_workshop

    ws = new_workshop(workshop, client=client, start=start, language=language, country=country,
                      time_zone=time_zone)
    click.echo(f"Created {ws.config.path}")
    _echo_schedule(ws)


@cli.command("suggest", epilog=EPILOG, short_help="Suggest a starting mapping for an export file.")
@click.argument("file", type=click.Path(path_type=Path), metavar="FILE")
@click.option("--table", default=None, metavar="TABLE",
              help="The canonical table the file fills (contacts, cases, events, ...). Default: guessed.")
def suggest_command(file: Path, table: str | None) -> None:
    """Read FILE's header and first rows and print a commented `sources:` block to start from:
    delimiter, encoding, decimal separator, date format and the columns recognised by their
    (Dutch or English) names. What could not be decided is marked `# ?`."""
    from kpilib.importing._suggest import suggest

    click.echo(suggest(file, table=table), nl=False)


@cli.command("schedule", epilog=EPILOG, short_help="Show the ten workshop days.")
@_workshop
def schedule_command(workshop: Path) -> None:
    """Show the workshop days: the first working days from `start:` in workshop.yaml,
    weekends, public holidays and the days under `schedule: skip:` left out."""
    from kpilib.workshop.folder import open_workshop

    _echo_schedule(open_workshop(workshop))


def _echo_schedule(ws) -> None:
    from kpilib.workshop.schedule import schedule_frame

    click.echo(f"{ws.client or ws.path.name}: {len(ws.schedule)} days")
    frame = schedule_frame(ws.schedule)
    width = max(len(h) for h in frame["heading"])
    for row in frame.itertuples():
        click.echo(f"  {row.heading:<{width}}  {row.theme:<32}  {row.notebook}")
    skipped = ws.skipped()
    if skipped:
        click.echo("Not a workshop day: " + "; ".join(
            f"{babel_date(d, ws.language)} ({why})" for d, why in skipped.items()))


def babel_date(day, language: str) -> str:
    import babel.dates

    return babel.dates.format_date(day, "EEEE d MMMM", locale=language)


@cli.command("decisions", epilog=EPILOG, short_help="List or export the workshop's decisions.")
@_workshop
@click.option("--export", "export_to", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write the decisions in force to FILE (.yaml, .yml or .md) for the client.")
@click.option("--history", is_flag=True,
              help="With --export: add every recorded decision and undo. Without: list them.")
def decisions_command(workshop: Path, export_to: Path | None, history: bool) -> None:
    """List the decisions in force on WORKSHOP, each with where it comes from:
    recorded in the workshop, taken from workshop.yaml, or the default."""
    import json

    from kpilib.workshop.folder import open_workshop

    ws = open_workshop(workshop)
    if export_to is not None:
        click.echo(f"Wrote {ws.export(export_to, history=history)}")
        return
    if history:
        frame = ws.history()
        if frame.empty:
            click.echo("No decisions recorded yet.")
        for row in frame.itertuples():
            what = f"undo of #{row.undoes}" if row.action == "undo" else json.dumps(row.value, ensure_ascii=False)
            who = f" by {row.by}" if row.by else ""
            click.echo(f"#{row.id} {row.at:%Y-%m-%d %H:%M:%S} {row.key}{who}: {what}"
                       + (f"  ({row.note})" if row.note else ""))
        return
    for row in ws.decisions().itertuples():
        value = json.dumps(row.value, ensure_ascii=False)
        if len(value) > 100:
            value = value[:97] + "..."
        click.echo(f"day {row.day:>2}  {row.key:<18} {row.source:<13} {value}")


_port = click.option("--port", type=click.IntRange(1, 65535), default=None,
                     help="The port to listen on; default 8888 (lab) or 8866 (present). A busy port is an error.")
_notebooks = click.option("--notebooks", type=click.Path(path_type=Path, file_okay=False), default=None,
                          help="The notebooks folder; default the project's notebooks/.")


def _announce(server, client: str) -> None:
    click.echo(f"{client}: the day notebooks in {server.folder} (facilitator mode, this workshop's parameters).")
    for kept in server.moved:
        click.echo(f"  A changed copy was kept, not overwritten: {kept}")


@cli.command("lab", epilog=EPILOG, short_help="Open JupyterLab on the day notebooks of a workshop.",
             context_settings={"ignore_unknown_options": True})
@_workshop
@_notebooks
@_port
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.argument("jupyter_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- JUPYTER_OPTIONS]")
def lab_command(workshop: Path, notebooks: Path | None, port: int | None, no_browser: bool,
                jupyter_args: tuple[str, ...]) -> None:
    """Start JupyterLab on WORKSHOP's copies of the day notebooks, in WORKSHOP/live/: the workshop,
    its `parameters:` and facilitator mode are filled in, so decisions go to WORKSHOP/decisions.sqlite.

    Ctrl-C stops JupyterLab and its kernels. Options after `--` go to JupyterLab as they are
    (for example `-- --ip=0.0.0.0`).
    """
    from kpilib.report.live import lab_server, run_server
    from kpilib.workshop.folder import open_workshop

    server = lab_server(workshop, notebooks=notebooks, port=port, browser=not no_browser, extra=jupyter_args)
    _announce(server, open_workshop(workshop).client or workshop.name)
    raise click.exceptions.Exit(run_server(server, open_browser=False, echo=click.echo))


@cli.command("present", epilog=EPILOG, short_help="Show the days of a workshop as an app, without code.",
             context_settings={"ignore_unknown_options": True})
@_workshop
@click.option("--day", type=click.IntRange(1, 10), default=None, help="The day to open first (1-10).")
@_notebooks
@_port
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.argument("voila_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- VOILA_OPTIONS]")
def present_command(workshop: Path, day: int | None, notebooks: Path | None, port: int | None, no_browser: bool,
                    voila_args: tuple[str, ...]) -> None:
    """Serve WORKSHOP's days as an app for the room (Voilà): no code, the controls live, a day
    picker and the day's date on top. Decisions go to WORKSHOP/decisions.sqlite.

    Ctrl-C (or SIGTERM, SIGHUP) stops the app and its kernels. Options after `--` go to Voilà as they are.
    """
    from kpilib.report.live import present_server, run_server
    from kpilib.workshop.folder import open_workshop

    server = present_server(workshop, day=day, notebooks=notebooks, port=port, extra=voila_args)
    _announce(server, open_workshop(workshop).client or workshop.name)
    raise click.exceptions.Exit(run_server(server, open_browser=not no_browser, echo=click.echo))


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


if __name__ == "__main__":
    main()
