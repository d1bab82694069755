"""The ria-docs command line: a thin layer that maps options onto ria_docs.pipeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from . import __version__

if TYPE_CHECKING:
    from types import FrameType

    from .report import Report, RoundOutcome


FOLDER = click.Path(file_okay=False, path_type=Path)
TEMPLATES_HELP = ("Folder of restyled templates. Each template is taken from the first of: this folder, "
                  "the round's templates/ folder, ./templates, the copies installed with ria-docs.")


def _safe_console() -> None:
    """Never crash on a character the console cannot show.

    A Windows console, or output redirected to a file in the cp1252 code
    page, cannot encode a "✓" in a hint, a chair's name in another script, or
    a file name that is not valid text: such characters are written as
    escapes (\\u2713) instead of stopping check halfway (or merge after
    writing its outputs).
    """
    import sys

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(errors="backslashreplace")
        except (ValueError, OSError, TypeError):
            pass  # a stream that cannot change: keep what it does


def _stop(signum: int, _frame: FrameType | None) -> NoReturn:
    """SIGTERM (a shutdown, kill) or SIGHUP (the terminal closed): exit like Ctrl-C does.

    An exit through Python runs every clean-up on the way out: outputs being swapped are finished
    or put back, LibreOffice making PDFs is stopped, temporary folders are removed.
    """
    raise SystemExit(128 + signum)


def _exit_on_signals() -> dict:
    """Turn SIGTERM and SIGHUP into an exit for the whole run (main thread only); the previous handlers."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous[signum] = signal.signal(signum, _stop)
        except (OSError, ValueError):
            pass
    return previous


class _Main(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        """Every command's one error handler: what ria-docs raises on purpose (ria_docs.exceptions)
        is a plain message and an exit code, never a traceback."""
        from .exceptions import RiaDocsError, UsageError

        try:
            return super().invoke(ctx)
        except UsageError as exc:
            _fail(str(exc), 2)
        except RiaDocsError as exc:
            _fail(str(exc))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        import signal

        _safe_console()
        previous = _exit_on_signals()
        try:
            return super().main(*args, **kwargs)
        finally:
            for signum, handler in previous.items():
                if handler is not None:  # None: set outside Python, and cannot be put back from here
                    signal.signal(signum, handler)


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


def _echo_json(make: Callable[[bool], str]) -> None:
    """JSON that stays valid on any console: ``make(ascii_only)`` gives the text; when stdout cannot encode
    every character of it (a cp1252 console or redirect, where the escapes _safe_console writes would not be
    JSON escapes), every character outside ASCII is written as a JSON escape instead."""
    import sys

    text = make(False)
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeError, LookupError):
        text = make(True)
    click.echo(text)


def _show_report(report: Report, outcome: RoundOutcome | None = None) -> None:
    from .report import to_text

    click.echo(to_text(report, outcome))


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ria-docs")
def main() -> None:
    """Merge regional network returns into the RIA plan and the regional update.

    \b
    Typical use, from the folder holding inputs/ (region.toml and the returns):
      ria-docs merge
    """


@main.command()
@click.argument("inputs", type=FOLDER, default="inputs")
@click.option("-o", "--outputs", type=FOLDER, default="outputs", show_default=True,
              help="Folder to write the documents, plan.json and merge-report.md into.")
@click.option("--templates", type=FOLDER, default=None, help=TEMPLATES_HELP)
@click.option("--skip-invalid", is_flag=True,
              help="Leave returns with errors out (named in the report) and write the documents anyway.")
@click.option("--pdf", is_flag=True, help="Also write PDFs of both documents (needs LibreOffice).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="PLAN_JSON",
              help="Last round's plan.json: networks with no return keep what they said then (carried forward), "
                   "and changes.docx lists what changed.")
def merge(inputs: Path, outputs: Path, templates: Path | None, skip_invalid: bool, pdf: bool,
          baseline: Path | None) -> None:
    """Validate every return in INPUTS, merge them, and write the documents.

    INPUTS is the cycle folder holding region.toml and the return workbooks
    (default: ./inputs). Writes ria-plan.docx, regional-update.docx, plan.json
    and merge-report.md to OUTPUTS, with tartan-rug.xlsx when region.toml
    lists indicators, changes.docx with --baseline and PDFs with --pdf. If any
    return has an error, every problem is listed and nothing is written (exit 1).

    \b
    Examples:
      ria-docs merge inputs -o outputs
      ria-docs merge 2020-03 -o 2020-03/outputs --baseline 2019-12/outputs/plan.json
    """
    from .pipeline import merge_folder

    result = merge_folder(inputs, outputs, templates=templates, skip_invalid=skip_invalid, pdf=pdf,
                          baseline=baseline)
    _show_report(result.check.report, result.check.outcome)
    if not result.written:
        bad = sorted({p.file for p in result.check.report.errors if p.file})
        _fail(
            f"{len(result.check.report.errors)} error(s) in {len(bad)} file(s); nothing was written. "
            "Fix them and merge again, or use --skip-invalid to leave those returns out. To see them in a "
            f"browser: ria-docs check {inputs} --html report.html"
        )
    for note in result.template_notes:
        click.echo(f"Warning: {note}", err=True)
    left_out = [a.file for a in result.check.outcome.returns if not a.used and result.check.report.errors_in(a.file)]
    if left_out:
        click.echo(f"Left out {len(left_out)} return(s) with errors: {', '.join(left_out)}")
    for path in result.written:
        click.echo(f"Wrote {path}")


@main.command()
@click.argument("inputs", type=FOLDER, default="inputs")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json for programs (every problem with file, sheet and cell).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="PLAN_JSON",
              help="Last round's plan.json: also say which networks' content would be carried forward.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Also write the report as a page to open in a browser (the report.html a merge writes).")
def check(inputs: Path, output_format: str, baseline: Path | None, html_file: Path | None) -> None:
    """Validate every return in INPUTS and report problems; write nothing (but FILE, with --html).

    One line per problem (file, sheet!cell, what is wrong, how to fix it),
    then one line per return and the networks with no return. Exit 0 when
    there are no errors (warnings allowed), 1 when there are, 2 for a
    mistake in the command itself.

    \b
    Examples:
      ria-docs check inputs
      ria-docs check inputs --html report.html
      ria-docs check inputs --format json > report.json
    """
    from .exceptions import RegionError
    from .pipeline import check_folder
    from .report import region_report, to_json

    try:
        result = check_folder(inputs, baseline=baseline)
    except RegionError as exc:
        if output_format != "json":
            raise
        # Programs get region.toml's problems as JSON like any other (exit 1, as for errors).
        report = region_report(exc, Path(inputs) / "region.toml")
        _echo_json(lambda ascii_only: to_json(report, ascii_only=ascii_only))
        raise SystemExit(1) from None
    if output_format == "json":
        _echo_json(lambda ascii_only: to_json(result.report, ascii_only=ascii_only, outcome=result.outcome))
    else:
        _show_report(result.report, result.outcome)
    if html_file is not None:
        from .outputs import write_outputs
        from .pipeline import report_page

        folder = html_file.parent
        [written] = write_outputs(folder, {html_file.name: report_page(result, merged=False).encode("utf-8")})
        click.echo(f"Wrote {written}", err=output_format == "json")
    if result.report.errors:
        raise SystemExit(1)


@main.command()
@click.argument("inputs", type=FOLDER, default="inputs")
@click.option("-o", "--outputs", "out_dir", type=FOLDER, default="returns-to-send", show_default=True,
              help="Folder to write the workbooks into.")
@click.option("--network", "networks", multiple=True, metavar="NAME",
              help="Only this network (repeat for several) [default: every network in region.toml].")
@click.option("--from", "from_plan", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Pre-fill from last round's plan.json: themes the network leads, its contribution, "
                   "its LA support and About details.")
@click.option("--force", is_flag=True, help="Replace workbooks that already exist.")
def returns(inputs: Path, out_dir: Path, networks: tuple[str, ...], from_plan: Path | None, force: bool) -> None:
    """Write one return workbook per network, for the chairs to fill.

    Uses INPUTS/region.toml (this round's period, LAs, themes and roster).
    Each workbook opens on its Instructions; headers are protected and the
    columns with fixed values have dropdowns.

    \b
    Examples:
      ria-docs returns inputs -o returns-to-send
      ria-docs returns 2020-03 --from 2019-12/outputs/plan.json --network "CSE Leads"
    """
    from .returns import issue_returns

    issued = issue_returns(inputs, out_dir, networks=list(networks), from_plan=from_plan, force=force)
    for note in issued.notes:
        click.echo(f"Note: {note}")
    for path in issued.written:
        click.echo(f"Wrote {path}")


@main.command()
@click.argument("inputs", type=FOLDER, default="inputs")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="PLAN_JSON",
              help="Last round's plan.json: emails from last round's returns, and what would be carried forward.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def status(inputs: Path, baseline: Path | None, output_format: str) -> None:
    """One line per network of region.toml: returned, invalid, unknown or missing (and whom to chase).

    Then every file that could not be attributed to a network, and why. A
    network is "unknown", not missing, when such a file's Network or name
    points to it. Always exits 0 when it could read the folder: a missing
    return is news, not a failure.

    \b
    Examples:
      ria-docs status inputs
      ria-docs status 2020-03 --baseline 2019-12/outputs/plan.json --format json
    """
    from .status import folder_status, to_json, to_text

    status = folder_status(inputs, baseline)
    if output_format == "json":
        _echo_json(lambda ascii_only: to_json(status, ascii_only=ascii_only))
    else:
        click.echo(to_text(status))


@main.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--outputs", type=FOLDER, default=None,
              help="Folder to write ria-plan.docx and regional-update.docx into [default: the folder holding PLAN_JSON].")
@click.option("--templates", type=FOLDER, default=None, help=TEMPLATES_HELP)
@click.option("--pdf", is_flag=True, help="Also write PDFs of both documents (needs LibreOffice).")
def render(plan_json: Path, outputs: Path | None, templates: Path | None, pdf: bool) -> None:
    """Re-render the documents from a saved PLAN_JSON, e.g. after editing a template.

    The documents replace those beside PLAN_JSON unless -o names another folder.

    \b
    Example:
      ria-docs render 2020-03/outputs/plan.json --templates my-templates
    """
    from .pipeline import render_plan_file
    from .template_files import template_source

    result = render_plan_file(plan_json, outputs, templates=templates, pdf=pdf)
    for note in result.notes:
        click.echo(f"Warning: {note}", err=True)
    for path in result.written:
        click.echo(f"Wrote {path}")
    for path in result.removed:
        click.echo(f"Removed {path}: it showed the documents before this render (add --pdf to make it again)")
    for name, template in result.used.items():
        click.echo(f"Template for {name}: {template_source(template)}")


@main.command()
@click.argument("folder", type=FOLDER, default="templates")
@click.option("--check", is_flag=True,
              help="Copy nothing: list every tag mistake and layout hazard in FOLDER's templates (exit 1 if any).")
def templates(folder: Path, check: bool) -> None:
    """Copy the default templates into FOLDER (default ./templates) to restyle in Word or LibreOffice.

    A template already in FOLDER is never overwritten: delete it first to get
    the default back. merge and render take each template from the first of:
    the folder given with --templates, the round's templates/ folder,
    ./templates, the copies installed with ria-docs.

    \b
    Examples:
      ria-docs templates 2020-03/templates
      ria-docs templates 2020-03/templates --check
    """
    from .template_files import check_templates, copy_default_templates

    if check:
        checked, problems = check_templates(folder)
    else:
        written, kept = copy_default_templates(folder)
    if check:
        for _name, problem in problems:
            click.echo(problem)
        names = ", ".join(path.name for path in checked)
        if problems:
            files = list(dict.fromkeys(name for name, _problem in problems))
            _fail(f"{len(problems)} problem(s) in {', '.join(files)} (checked {names} in {folder}).")
        click.echo(f"No problems found in {folder}: {names}.")
        return
    for path in written:
        click.echo(f"Wrote {path}")
    for path in kept:
        click.echo(f"Kept {path}: it is already there (delete it to get the default again)")


@main.command()
@click.argument("outputs", type=FOLDER, default="outputs")
@click.option("--resolution", type=click.IntRange(30, 300), default=80, show_default=True, help="Dots per inch.")
def preview(outputs: Path, resolution: int) -> None:

    """Render each document in OUTPUTS to PNG pages in OUTPUTS/preview/, to look before circulating.

    Needs LibreOffice and pdftoppm (poppler).

    \b
    Example:
      ria-docs merge && ria-docs preview outputs
    """
    from .pdf import preview as make_preview

    pages = make_preview(outputs, resolution)
    for document, images in pages.items():
        click.echo(f"{document}: {len(images)} pages: {images[0]} ... {images[-1].name}" if len(images) > 1
                   else f"{document}: 1 page: {images[0]}")


@main.command("import")
@click.argument("plan_docx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "folder", type=FOLDER, default="imported", show_default=True,
              help="Folder for region.toml, plan.json and import-report.md (made if missing).")
@click.option("--region", help="The region's name, where the plan's title does not give it.")
@click.option("--period", help='The return round the plan is for, e.g. "December 2019" (the plan does not say).')
@click.option("--plan-year", help='The plan\'s year, e.g. 2019/20, where the title does not give it.')
def import_(plan_docx: Path, folder: Path, region: str | None, period: str | None, plan_year: str | None) -> None:
    """Read an RIA plan in Word (made by hand, or by ria-docs and edited) into FOLDER/region.toml and
    FOLDER/plan.json, listing every guess and anything not placed in FOLDER/import-report.md.

    Never overwrites a region.toml or plan.json. Then `returns FOLDER --from FOLDER/plan.json`
    issues returns pre-filled with the plan, and `render FOLDER/plan.json` rebuilds it.

    \b
    Examples:
      ria-docs import "RIA plan 2019-20.docx" -o 2020-03 --period "March 2020"
      ria-docs returns 2020-03 --from 2020-03/plan.json
    """
    from .plan_import import import_plan

    result = import_plan(plan_docx, folder, region=region, period=period, plan_year=plan_year)
    plan = result.plan
    click.echo(f"Read {len(plan.region.las)} LAs, {len(plan.themes)} themes with "
               f"{sum(len(t.activities) for t in plan.themes)} activities, "
               f"{sum(n.show_in_section_d for n in plan.region.networks)} networks.")
    guesses = sum(n.kind == "guess" for n in result.notes)
    not_placed = sum(n.kind == "unplaced" for n in result.notes)
    if guesses or not_placed:
        click.echo(f"{guesses} guess(es) and {not_placed} cell(s) not placed: see {folder / 'import-report.md'}.")
    for path in result.written:
        click.echo(f"Wrote {path}")


@main.command()
@click.argument("inputs", type=FOLDER, default="inputs")
@click.option("-o", "--output", "out_dir", type=FOLDER, default="emails", show_default=True,
              help="Folder for the .eml drafts (drafts of an earlier run there are replaced).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="PLAN_JSON",
              help="Last round's plan.json: reminders attach the workbook pre-filled from it.")
@click.option("--outputs", "documents", type=FOLDER, default="outputs", show_default=True,
              help="The merge's outputs folder: the circulation draft attaches its documents.")
def emails(inputs: Path, out_dir: Path, baseline: Path | None, documents: Path) -> None:
    """Write email drafts (.eml) for the round; nothing is sent.

    One per chair to write to: the problems in their return, quoted with the
    fixes, or a reminder with their workbook attached; and one circulating the
    documents. Open a draft (double-click: Outlook, Thunderbird, Apple Mail),
    check it and send it. Addresses come from region.toml (a network's email,
    team_email, circulation) or the Email on a return; [emails] in region.toml
    may give the words.

    \b
    Examples:
      ria-docs merge && ria-docs emails
      ria-docs emails inputs -o emails --baseline last-round/plan.json
    """
    from .emails import write_drafts

    result = write_drafts(inputs, out_dir, baseline=baseline, outputs=documents)
    for note in result.notes:
        click.echo(f"Note: {note}", err=True)
    for path in result.written:
        click.echo(f"Wrote {path}")
