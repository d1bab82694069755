"""Every exception ria-docs raises on purpose, and when.

Problems found *in the data* (a wrong RAG value, an unknown LA) are not raised:
they are collected as :class:`ria_docs.report.Problem` rows so that one run
reports all of them.  Exceptions are for what stops the job as a whole: an
unreadable region.toml, a broken template, an output that cannot be written.
The CLI turns each into "Error: <message>" and an exit code (2 for
UsageError, 1 for the rest), never a traceback.
"""


class RiaDocsError(Exception):
    """Base class of everything below."""


class _ProblemsError(RiaDocsError):
    """A file with several problems: ``problems`` holds every one, so all of them can be shown at once."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return self.args[0]
        return "\n".join([self.args[0], *(f"  - {p}" for p in self.problems)])


class RegionError(_ProblemsError):
    """region.toml is missing, unreadable, not TOML, or holds values ria-docs cannot use
    (raised by region.load_region, listing every problem)."""


class InputsError(RiaDocsError):
    """The inputs folder given to check, merge or status is missing or cannot be opened."""


class TemplateError(RiaDocsError):
    """A Word template cannot be found, is not a .docx, has a tag mistake, or uses a value
    ria-docs does not provide (raised by template_files and render, naming the place)."""


class PlanFileError(_ProblemsError):
    """A saved plan.json (a --baseline, or render's PLAN_JSON) cannot be read back, was edited
    into something ria-docs cannot use, or is another region's."""


class OutputError(RiaDocsError):
    """An output file cannot be written (read-only folder, file open in Word, full disk, another run
    writing there), or the outputs folder is one ria-docs must not write into (the inputs or templates
    folder). Raised before anything changed, or after the previous outputs were put back."""


class UsageError(RiaDocsError):
    """The command's arguments name something that does not exist, e.g. returns --network with a
    name region.toml does not hold (exit code 2)."""


class UnreadableFile(RiaDocsError):
    """A return file that cannot be read at all (raised by spreadsheet while opening it); the
    pipeline turns it into a problem of that file, so the other returns are still checked."""

    def __init__(self, kind: str, message: str, hint: str):
        super().__init__(message)
        self.kind, self.message, self.hint = kind, message, hint


class ToolMissing(RiaDocsError):
    """LibreOffice or pdftoppm, needed by --pdf and preview, is not installed, cannot be started,
    or did not make its file."""


class PlanDocumentError(RiaDocsError):
    """``ria-docs import`` was given something that is not an RIA plan in Word (.docx): a .doc, an
    empty or damaged file, another document (a regional update, a letter); or its folder already
    holds a region.toml or plan.json it would overwrite."""
