"""The templates: where each is found, and the team's own copies of the defaults.

The .docx templates belong to the regional team, who restyle them in Word or
LibreOffice. ria-docs reads them and never writes into a folder of templates,
except to copy in a default that is not there yet (copy_default_templates).
"""

from __future__ import annotations

import os
from pathlib import Path

from .exceptions import TemplateError
from .outputs import CHANGES_DOCX, PLAN_DOCX, UPDATE_DOCX, create_new, same_folder
from .template_check import SAVE_AS_DOCX

TEMPLATE_NAMES = (PLAN_DOCX, UPDATE_DOCX, CHANGES_DOCX)
INSTALLED = "installed with ria-docs"
TEMPLATES_FOLDER = "templates"  # the round's and the working folder's


def installed_templates() -> Path:
    """The default templates installed with ria-docs.

    An installed copy carries them inside the package (pyproject maps the checkout's
    templates/ there); a development install runs from the checkout, whose templates/
    folder is that same single copy.
    """
    package = Path(__file__).resolve().parent
    inside = package / "templates"
    return inside if inside.is_dir() else package.parent / "templates"


def template_folders(templates_dir: Path | None = None, round_dir: Path | None = None) -> list[Path]:
    """Where templates are looked for, first to last: the folder given with --templates,
    the round's templates/ folder, ./templates, the copies installed with ria-docs."""
    folders = [Path(templates_dir)] if templates_dir is not None else []
    if round_dir is not None:
        folders.append(Path(round_dir) / TEMPLATES_FOLDER)
    folders += [Path(TEMPLATES_FOLDER), installed_templates()]
    unique: list[Path] = []
    for folder in folders:
        same = next((index for index, seen in enumerate(unique) if same_folder(folder, seen)), None)
        if same is None:
            unique.append(folder)
        elif len(str(folder)) < len(str(unique[same])):  # named as briefly as the user would
            unique[same] = folder
    return unique


def template_path(name: str, templates_dir: Path | None = None, round_dir: Path | None = None) -> Path:
    """The template to use: the first of template_folders() that holds it."""
    if templates_dir is not None and not Path(templates_dir).is_dir():
        raise TemplateError(
            f"{templates_dir}: no such folder. Give the folder that holds the templates with --templates, "
            "or make one with: ria-docs templates FOLDER"
        )
    if templates_dir is not None and not any((Path(templates_dir) / known).is_file() for known in TEMPLATE_NAMES):
        raise TemplateError(_holds_none(Path(templates_dir)))
    for folder in template_folders(templates_dir, round_dir):
        if (folder / name).is_file():
            return folder / name
    raise TemplateError(
        f"{name}: no such template in {installed_templates()}; the installation of ria-docs is incomplete: "
        "install it again (pip install --force-reinstall ria-docs)."
    )


def _holds_none(folder: Path) -> str:
    """A folder with no template in it; naming a near miss before suggesting a fresh copy,
    which would put the default beside the team's restyle."""
    strays = strays_in(folder)
    if strays:
        return (f"{folder}: holds none of the templates ({', '.join(TEMPLATE_NAMES)}). "
                + " ".join(message for _name, message in strays))
    return (f"{folder}: holds none of the templates ({', '.join(TEMPLATE_NAMES)}). Copy the defaults there with: "
            f"ria-docs templates {folder}, or give the folder that holds your templates.")


def template_source(path: Path) -> str:
    """Where a template was taken from, for the report: its folder, or "installed with ria-docs"."""
    return INSTALLED if same_folder(path.parent, installed_templates()) else str(path.parent)


# Documents a restyled template may have been saved as, that ria-docs does not read.
OTHER_FORMATS = {".odt": "an OpenDocument text", ".ott": "an OpenDocument template", ".doc": "a Word 97-2003",
                 ".dot": "a Word 97-2003 template", ".docm": "a macro-enabled Word", ".dotx": "a Word template",
                 ".dotm": "a macro-enabled Word template", ".rtf": "a rich text"}


def strays_in(folder: Path) -> list[tuple[str, str]]:
    """Word and Writer files in a templates folder that ria-docs does not use: a restyled copy
    saved under another name ("ria-plan (1).docx") or format (.odt) would otherwise be ignored unseen.
    Returns (file name, message) pairs."""
    try:
        entries = sorted(entry.name for entry in Path(folder).iterdir()
                         if entry.suffix.lower() in (".docx", *OTHER_FORMATS))
    except OSError:
        return []
    notes = []
    for name in entries:
        if name in TEMPLATE_NAMES or name.startswith("~$") or name.startswith(".~lock"):
            continue  # a template, or Word's lock file
        suffix = Path(name).suffix.lower()
        if suffix in OTHER_FORMATS:
            notes.append((name,
                f"{Path(folder) / name} is not used: it is {OTHER_FORMATS[suffix]} file, and ria-docs reads .docx "
                f"templates only. {SAVE_AS_DOCX[0].upper() + SAVE_AS_DOCX[1:]}, named as the template it restyles "
                f"({', '.join(TEMPLATE_NAMES)})."
            ))
        else:
            notes.append((name,
                f"{Path(folder) / name} is not used: ria-docs takes only {', '.join(TEMPLATE_NAMES)} from a "
                "templates folder. Rename it to the template it restyles, or move it out of the folder."
            ))
    return notes


def stray_templates(templates_dir: Path | None = None, round_dir: Path | None = None) -> list[str]:
    """strays_in() of every templates folder in use but the installed one."""
    notes = []
    for folder in template_folders(templates_dir, round_dir)[:-1]:
        if folder.is_dir() and not same_folder(folder, installed_templates()):
            notes += [message for _name, message in strays_in(folder)]
    return notes


def templates_in_use(templates_dir: Path | None = None, round_dir: Path | None = None) -> list[Path]:
    """The folders template_path may take templates from: no output may be written into them."""
    return [folder for folder in template_folders(templates_dir, round_dir) if folder.is_dir()]


def copy_default_templates(folder: Path) -> tuple[list[Path], list[Path]]:
    """Copy the installed templates into ``folder`` (made if missing) for the team to restyle.

    A file already there is never overwritten: it is the team's. Returns (written, kept).
    Each copy is written to a temporary file first and linked into place only if the name
    is still free, so an interrupted copy leaves no half file and a race loses nothing.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TemplateError(f"{folder}: cannot be made ({exc.strerror or exc}). Choose a folder you can write to.") from None
    written: list[Path] = []
    kept: list[Path] = []
    for name in TEMPLATE_NAMES:
        target = folder / name
        if os.path.lexists(target):
            kept.append(target)
            continue
        try:
            (written if create_new(target, (installed_templates() / name).read_bytes()) else kept).append(target)
        except OSError as exc:
            raise TemplateError(f"{target}: cannot be written ({exc.strerror or exc}). Choose a folder you can write to.") from None
    return written, kept


def check_templates(folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Every tag mistake, unknown value, lost text and layout hazard in the templates ``folder``
    holds, and every file there that is not used, all at once.

    Values are checked against a made-up round holding one of everything (ria_docs.sample).
    Returns (the templates checked, (file name, problem) pairs). The files are only read.
    """
    import docx

    from .sample import sample_contexts
    from .template_check import layout_hazards, lint_template

    folder = Path(folder)
    if not folder.is_dir():
        raise TemplateError(f"{folder}: no such folder. Give the folder that holds the templates.")
    checked = [folder / name for name in TEMPLATE_NAMES if (folder / name).is_file()]
    if not checked:
        raise TemplateError(_holds_none(folder))
    contexts = sample_contexts()
    problems: list[tuple[str, str]] = []
    for path in checked:
        found = lint_template(path, contexts[path.name])
        problems += [(path.name, message) for message in found]
        if not found:  # a template that opens cleanly: what its tags would do to the pages
            problems += [(path.name, f"{path.name}: {hazard}") for hazard in layout_hazards(docx.Document(str(path)))]
    problems += strays_in(folder)
    return checked, problems
