"""PDFs and page previews of the documents, through LibreOffice and pdftoppm.

Both are outside programs: when one is missing the commands say so plainly
(ToolMissing) rather than fail, and everything else works without them.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from .exceptions import OutputError, ToolMissing

SOFFICE_VARIABLE = "RIA_DOCS_SOFFICE"
INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui; macOS: brew install "
    "--cask libreoffice, or the download from libreoffice.org; Windows: winget install "
    "TheDocumentFoundation.LibreOffice, or the download from libreoffice.org) and run the command again"
)
UNUSUAL_PLACE_HINT = (
    f"If LibreOffice is installed where ria-docs does not look, set {SOFFICE_VARIABLE} to the full path of its "
    "soffice program."
)
PDF_TEMP_PREFIX = "ria-docs-pdf-"
PREVIEW_TEMP_PREFIX = ".ria-docs-preview-"
_MAC_APP = Path("LibreOffice.app", "Contents", "MacOS", "soffice")
_MAC_APPLICATIONS = Path("/Applications")
# Windows' installer puts LibreOffice in Program Files without adding it to PATH. ProgramW6432 is the
# 64-bit folder even for a 32-bit Python, whose ProgramFiles is the (x86) one.
_WINDOWS_FOLDERS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")


def find_soffice() -> str | None:
    """LibreOffice's soffice program: RIA_DOCS_SOFFICE, else on PATH, else where the installers put it.

    A RIA_DOCS_SOFFICE that names no file is refused (ToolMissing), not passed over: the user chose it.
    """
    chosen = os.environ.get(SOFFICE_VARIABLE, "")
    if chosen:
        return _chosen_soffice(chosen)
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is not None:
        return found
    # Each place exists only on its own system, so looking at all of them everywhere costs nothing.
    for place in _install_places():
        if place.is_file():
            return str(place)
    return None


def _install_places() -> list[Path]:
    places = [Path(os.environ[name], "LibreOffice", "program", "soffice.exe")
              for name in _WINDOWS_FOLDERS if os.environ.get(name)]
    places.append(_MAC_APPLICATIONS / _MAC_APP)
    try:
        places.append(Path.home() / "Applications" / _MAC_APP)  # a drag-install by a user without admin rights
    except RuntimeError:  # no home folder to be found
        pass
    return places


def _chosen_soffice(chosen: str) -> str:
    path = Path(chosen).expanduser()
    if path.is_file():
        return str(path)
    what = "that is a folder, not the soffice program" if path.is_dir() else "there is no file there"
    raise ToolMissing(
        f"{SOFFICE_VARIABLE} is set to {chosen}, but {what}. Set it to the full path of LibreOffice's soffice "
        "program (on Windows soffice.exe in LibreOffice's program folder, on macOS "
        "LibreOffice.app/Contents/MacOS/soffice), or remove it to let ria-docs look in the usual places."
    )


def require_soffice(for_what: str = "no PDF can be made", alternative: str = ", or leave out --pdf") -> str:
    found = find_soffice()
    if found is None:
        raise ToolMissing(
            f"LibreOffice is not installed, so {for_what}: {INSTALL_HINT}{alternative}. {UNUSUAL_PLACE_HINT}")
    return found


def to_pdf(documents: dict[str, bytes]) -> dict[str, bytes]:
    """{"x.docx": bytes} -> {"x.pdf": bytes}, converted by headless LibreOffice, contents list brought up to date.

    LibreOffice runs in a session of its own and is stopped, with everything it started, whenever
    the conversion does not finish (a timeout, Ctrl-C, SIGTERM): none is left running on its own,
    and its temporary folder goes too. Those a killed run left (kill -9) go on a run a day later.
    """
    soffice = require_soffice()
    remove_stale_temporary_folders()
    with tempfile.TemporaryDirectory(prefix=PDF_TEMP_PREFIX) as tmp:
        folder = Path(tmp)
        jobs = []
        for name, data in documents.items():
            (folder / name).write_bytes(data)
            jobs.append((folder / name, folder / f"{Path(name).stem}.pdf"))
        # A profile of its own: a LibreOffice the user has open would otherwise take the job, or block it.
        profile = folder / "profile"
        _write_profile(profile, jobs)
        command = [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}", MACRO_URL]
        # Its own temporary folder inside ours too: LibreOffice's lu*.tmp goes with ours, even when it is stopped.
        (folder / "tmp").mkdir()
        env = os.environ | {name: str(folder / "tmp") for name in ("TMPDIR", "TMP", "TEMP")}
        run_stoppable(command, timeout=300, env=env,
                      timed_out="LibreOffice took more than 5 minutes to make the PDFs and was stopped.")
        pdfs = {}
        for (source, pdf) in jobs:
            # LibreOffice exits 0 even when a conversion fails: the file is the only proof.
            if not pdf.exists():
                raise ToolMissing(
                    f"LibreOffice did not convert {source.name} to PDF; try opening it in LibreOffice to see why.")
            pdfs[pdf.name] = pdf.read_bytes()
        return pdfs


# --convert-to prints the contents list as the .docx caches it, without page numbers, and no setting
# (w:updateFields, the Writer "update on load" options) makes LibreOffice rebuild it. So a Basic
# macro does the conversion: Basic is in every LibreOffice, where Python with uno is not.
MACRO_URL = "macro:///Standard.RiaDocs.Main"
_MACRO = """Sub Main
{calls}End Sub

Sub Convert(source As String, target As String)
  ' Every error is caught: an uncaught one opens a dialog that headless LibreOffice waits on until stopped.
  ' No PDF is then written, which to_pdf reports.
  Dim doc As Object
  On Error GoTo Done
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = "Hidden"
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(source, "_blank", 0, load())
  ' Twice: the page numbers the first pass adds could make an entry wrap, and move a heading to the next page.
  For pass = 1 To 2
    indexes = doc.getDocumentIndexes()
    For i = 0 To indexes.getCount() - 1
      indexes.getByIndex(i).update()
    Next i
  Next pass
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = "FilterName"
  store(0).Value = "writer_pdf_Export"
  doc.storeToURL(target, store())
Done:
  On Error Resume Next
  If Not IsNull(doc) Then doc.close(True)
End Sub
"""
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_DTD = '<!DOCTYPE {root} PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "{dtd}">\n'


def _write_profile(profile: Path, jobs: list[tuple[Path, Path]]) -> None:
    """A fresh LibreOffice profile whose Standard library holds the macro converting each (source, pdf)."""
    user = profile / "user"
    (user / "basic" / "Standard").mkdir(parents=True)
    # Marks the profile as set up: otherwise LibreOffice's first start copies its presets over the library.
    (user / "registrymodifications.xcu").write_text(
        _XML + '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" oor:op="fuse">'
        "<value>true</value></prop></item>\n</oor:items>\n", encoding="utf-8")
    (user / "basic" / "script.xlc").write_text(
        _XML + _DTD.format(root="library:libraries", dtd="libraries.dtd")
        + '<library:libraries xmlns:library="http://openoffice.org/2000/library" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        '<library:library library:name="Standard" xlink:href="$(USER)/basic/Standard/script.xlb/" '
        'xlink:type="simple" library:link="false"/>\n</library:libraries>\n', encoding="utf-8")
    (user / "basic" / "Standard" / "script.xlb").write_text(
        _XML + _DTD.format(root="library:library", dtd="library.dtd")
        + '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
        'library:readonly="false" library:passwordprotected="false">\n'
        '<library:element library:name="RiaDocs"/>\n</library:library>\n', encoding="utf-8")
    calls = "".join(f"  Convert({_basic_string(source.as_uri())}, {_basic_string(pdf.as_uri())})\n"
                    for source, pdf in jobs)
    (user / "basic" / "Standard" / "RiaDocs.xba").write_text(
        _XML + _DTD.format(root="script:module", dtd="module.dtd")
        + '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="RiaDocs" '
        f'script:language="StarBasic">{xml_escape(_MACRO.format(calls=calls))}</script:module>\n', encoding="utf-8")


def _basic_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def run_stoppable(command: list[str], *, timeout: float, timed_out: str, env: dict | None = None) -> int:
    """Run an outside program in a process group of its own; stop the whole group unless it finished.

    A new session also keeps the terminal's Ctrl-C away from it: ria-docs gets the signal, and
    stops it here (in a finally, so on SIGTERM too, which the CLI turns into an exit).
    """
    from .outputs import signals_held

    process = None
    try:
        # A signal while Popen returns would leave the child started but not known here, and running
        # on its own: held until `process` is set, it is delivered inside this try, and the finally
        # stops the child. (The child starts with those signals blocked; it is only ever stopped by
        # SIGKILL, which cannot be blocked.)
        with signals_held():
            try:
                process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL, env=env, start_new_session=os.name != "nt")
            except OSError as exc:  # not a program, or not one this user may run: RIA_DOCS_SOFFICE can name any
                raise ToolMissing(f"{command[0]} could not be started: {exc.strerror or exc}.") from None
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolMissing(timed_out) from None
    finally:
        if process is not None and process.returncode is None:  # not reaped yet: its pid is still the group's id
            _stop_group(process)


def _stop_group(process: subprocess.Popen) -> None:
    try:
        if os.name != "nt":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:
        pass
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass


def remove_stale_temporary_folders(max_age: float = 86400.0) -> None:
    """Remove ria-docs-pdf-* folders (a LibreOffice profile each) a killed run left in the temp folder a day ago."""
    root = tempfile.gettempdir()
    now = time.time()
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith((PDF_TEMP_PREFIX, "ria-docs-preview-")):  # the latter: older ria-docs
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        if stat.S_ISDIR(info.st_mode) and mine and now - info.st_mtime > max_age:
            shutil.rmtree(entry.path, ignore_errors=True)


def preview(outputs: Path, resolution: int = 80) -> dict[str, list[Path]]:
    """PNG pages of each document in ``outputs``, written to ``outputs/preview/``."""
    from .outputs import settled  # held from the first look: a run killed there is rolled back first

    outputs = Path(outputs)
    with settled(outputs):
        return _preview(outputs, resolution)


def _preview(outputs: Path, resolution: int) -> dict[str, list[Path]]:
    documents = sorted(outputs.glob("*.docx"))
    if not documents:
        raise ToolMissing(f"{outputs}: no .docx documents here to preview; run ria-docs merge first.")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ToolMissing(
            "pdftoppm (from poppler) is not installed, so no page images can be made: install poppler "
            "(Debian/Ubuntu: apt-get install poppler-utils; macOS: brew install poppler) and run it again."
        )
    require_soffice("no page images can be made", "")
    target = _preview_folder(outputs / "preview")
    pdfs = to_pdf({path.name: path.read_bytes() for path in documents})
    pages: dict[str, list[Path]] = {}
    # Pages are made in a private folder inside preview/, then renamed in: a link planted at a page's
    # name is replaced, never written through.
    with tempfile.TemporaryDirectory(prefix=PREVIEW_TEMP_PREFIX, dir=target) as tmp:
        for document in documents:
            pdf = Path(tmp) / f"{document.stem}.pdf"
            pdf.write_bytes(pdfs[pdf.name])
            made = Path(tmp) / "pages"
            made.mkdir()
            subprocess.run([pdftoppm, "-r", str(resolution), "-png", str(pdf), str(made / document.stem)],
                           check=True, capture_output=True, timeout=300)
            for old in target.glob(f"{document.stem}-*.png"):
                if _page_number(old, document.stem) is not None:
                    old.unlink()
            for page in made.iterdir():
                os.replace(page, target / page.name)
            made.rmdir()
            numbered = [(number, p) for p in target.glob(f"{document.stem}-*.png")
                        if (number := _page_number(p, document.stem)) is not None]
            pages[document.name] = [p for _, p in sorted(numbered, key=lambda pair: pair[0])]

    return pages


def _page_number(path: Path, stem: str) -> int | None:
    number = path.stem[len(stem) + 1:]
    return int(number) if number.isdigit() else None


def _preview_folder(target: Path) -> Path:
    """OUTPUTS/preview, made if missing; refused when it is a link or not a folder (never followed)."""
    try:
        os.mkdir(target)  # never follows a link at that name: it fails on one
    except FileExistsError:
        pass
    except OSError as exc:
        raise OutputError(f"{target}: cannot be created ({exc.strerror}); no pages were made.") from None
    try:
        mode = os.lstat(target).st_mode
    except OSError as exc:
        raise OutputError(f"{target}: cannot be read ({exc.strerror}); no pages were made.") from None
    if stat.S_ISLNK(mode):
        raise OutputError(
            f"{target}: is a link, where ria-docs writes the page images; it is not followed, so nothing was "
            "written there. Delete the link (or rename it) and run ria-docs preview again."
        )
    if not stat.S_ISDIR(mode):
        raise OutputError(
            f"{target}: is a file, where ria-docs makes a folder for the page images. Rename or move it and run "
            "ria-docs preview again."
        )
    for entry in os.scandir(target):  # a private folder a killed preview left
        if entry.name.startswith(PREVIEW_TEMP_PREFIX) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
    return target
