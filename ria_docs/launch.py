"""The ria-docs command's entry point: Ctrl-C while ria-docs is still starting
(importing its libraries, before the command line is read) ends it as quietly
as Ctrl-C later does, with no traceback."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli import main as command
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        raise SystemExit(130) from None
    command(prog_name="ria-docs")
