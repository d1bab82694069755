"""Every exception ria-docs raises on purpose.

Problems found *in the data* (a wrong RAG value, an unknown LA) are not raised:
they are collected as :class:`ria_docs.report.Problem` rows so that one run
reports all of them.  Exceptions are for what stops the job as a whole: an
unreadable region.toml, a broken template, an output that cannot be written.
"""


class RiaDocsError(Exception):
    """Base class; the CLI prints these as plain messages, never a traceback."""


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
    """region.toml is missing, unreadable or inconsistent."""


class InputsError(RiaDocsError):
    """The inputs folder or a file given on the command line cannot be used."""


class TemplateError(RiaDocsError):
    """A Word template is missing, is not a .docx, or has a template-tag mistake."""


class PlanFileError(_ProblemsError):
    """A saved plan.json cannot be read back, or is another region's."""


class OutputError(RiaDocsError):
    """An output file cannot be written (read-only folder, file open in Word, full disk, another run
    writing there), or the outputs folder is one ria-docs must not write into (the inputs or templates
    folder). Raised before anything changed, or after the previous outputs were put back."""


class ReturnsInvalid(RiaDocsError):
    """At least one return has an error, so no documents were written."""

    def __init__(self, report):
        super().__init__("one or more returns have errors; nothing was written")
        self.report = report


class UsageError(RiaDocsError):
    """The command's arguments name something that does not exist (exit code 2)."""


class UnreadableFile(RiaDocsError):
    """A return file that cannot be read at all; reported as a problem of that file."""

    def __init__(self, kind: str, message: str, hint: str):
        super().__init__(message)
        self.kind, self.message, self.hint = kind, message, hint


class ToolMissing(RiaDocsError):
    """An outside program a command needs (LibreOffice, pdftoppm) is not installed or failed."""
