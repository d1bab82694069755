"""Type into a return workbook as a chair would, or restyle a template as the regional
team would, through LibreOffice's UNO API.

Run by the *system* python3 (Debian's python3-uno), not the project's venv:

    /usr/bin/python3 tests/libreoffice_chair.py INSTRUCTIONS.json [--port PORT]

With ``--port`` it connects to a headless soffice already listening on
127.0.0.1:PORT (the test session starts one); without, it starts its own on a
free port with a throwaway profile and kills it at the end.

INSTRUCTIONS.json::

    {"open": "/path/return.xlsx",
     "ops": [
       {"op": "type", "sheet": "Work programme", "cell": "D2", "text": "=Adoption ..."},
       {"op": "string", "sheet": "Work programme", "cell": "D3", "text": "line 1\\nline 2"},
       {"op": "delete_rows", "sheet": "Contribution", "index": 2, "count": 1},
       {"op": "insert_rows", "sheet": "Contribution", "index": 1, "count": 1},
       {"op": "column_width", "sheet": "Contribution", "column": 0, "width": 9000},
       {"op": "row_height", "sheet": "Contribution", "row": 1, "height": 1500},
       {"op": "read", "sheet": "Contribution", "cell": "A2"}
     ],
     "save": [{"path": "/path/out.ods", "filter": "calc8"}]}

Writer ops (on a template): {"op": "add_paragraph_after", "find": TEXT, "text": NEW},
{"op": "paragraph_style", "name": "Heading 1", "set": {"CharColor": 12582912}},
{"op": "header_fill", "first_cell": "LA", "color": 16760832} (the first row of the
table whose A1 reads first_cell).

"type" is what a person typing in the cell does (setFormula: "=..." becomes a
formula, "22.5" a number, anything else text); "string" puts text as it is
(setString; "\\n" is a line break in the cell). Indexes are 0-based, as UNO
has them. "column_width" and "row_height" go through the dispatcher (the
menu commands), so a protected sheet refuses them exactly as it refuses a
person. Every op reports {"ok": bool, ...}; nothing raises mid-way, so a test
sees which step failed. The report is printed as one JSON object on stdout.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

uno = None  # imported in main(): the pytest side imports this module for soffice_command()

CONNECT_TIMEOUT = 60  # seconds for soffice to start listening


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def soffice_command(port: int, profile: str) -> list[str]:
    return [
        shutil.which("soffice") or "soffice", "--headless", "--invisible", "--norestore", "--nologo",
        "--nodefault", "--nolockcheck", f"-env:UserInstallation=file://{profile}",
        f"--accept=socket,host=127.0.0.1,port={port};urp;",
    ]


def prop(name, value):
    from com.sun.star.beans import PropertyValue

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(port: int, timeout: float = CONNECT_TIMEOUT):
    """The component context of the soffice on 127.0.0.1:PORT, waiting for it to listen."""
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise TimeoutError(f"soffice did not listen on 127.0.0.1:{port} within {timeout} s") from None
            time.sleep(0.2)


def _cell_report(sheet, name):
    cell = sheet.getCellRangeByName(name)
    kind = cell.getType().value  # EMPTY, VALUE, TEXT, FORMULA
    report = {"type": kind, "string": cell.getString(), "formula": cell.getFormula(),
              "locked": bool(cell.CellProtection.IsLocked)}
    if kind == "FORMULA":
        report["error"] = cell.getError()
    return report


def _dispatch(ctx, doc, sheet, cell, command, args):
    controller = doc.getCurrentController()
    controller.select(sheet.getCellRangeByName(cell))
    helper = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    helper.executeDispatch(controller.getFrame(), command, "", 0, tuple(prop(k, v) for k, v in args.items()))


def _paragraphs(doc):
    """The body's paragraphs in order (tables are skipped: their cells hold their own)."""
    enumeration = doc.getText().createEnumeration()
    while enumeration.hasMoreElements():
        element = enumeration.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph"):
            yield element


def run_writer_op(doc, op: dict) -> dict:
    """What a member of the regional team does to a template in Writer."""
    kind = op["op"]
    if kind == "add_paragraph_after":
        from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK

        anchor = next((p for p in _paragraphs(doc) if p.getString() == op["find"]), None)
        if anchor is None:
            return {"found": False}
        text = doc.getText()
        cursor = text.createTextCursorByRange(anchor.getEnd())
        text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        text.insertString(cursor, op["text"], False)
        return {"found": True}
    if kind == "paragraph_style":
        style = doc.getStyleFamilies().getByName("ParagraphStyles").getByName(op["name"])
        for name, value in op["set"].items():
            style.setPropertyValue(name, value)
        return {name: style.getPropertyValue(name) for name in op["set"]}
    if kind == "header_fill":
        tables = doc.getTextTables()
        for index in range(tables.getCount()):
            table = tables.getByIndex(index)
            if table.getCellByName("A1").getString() == op["first_cell"]:
                names = [name for name in table.getCellNames() if name[-1] == "1" and name[:-1].isalpha()]
                for name in names:
                    table.getCellByName(name).BackColor = op["color"]
                return {"found": True, "cells": len(names)}
        return {"found": False}
    raise ValueError(f"unknown op {kind!r}")


WRITER_OPS = {"add_paragraph_after", "paragraph_style", "header_fill"}


def run_op(ctx, doc, op: dict) -> dict:
    if op["op"] in WRITER_OPS:
        return run_writer_op(doc, op)
    sheets = doc.getSheets()
    sheet = sheets.getByName(op["sheet"])
    kind = op["op"]
    if kind == "type":
        sheet.getCellRangeByName(op["cell"]).setFormula(op["text"])
        return _cell_report(sheet, op["cell"])
    if kind == "string":
        sheet.getCellRangeByName(op["cell"]).setString(op["text"])
        return _cell_report(sheet, op["cell"])
    if kind == "read":
        return _cell_report(sheet, op["cell"])
    if kind in ("delete_rows", "insert_rows"):
        rows = sheet.getRows()
        before = rows.getCount(), sheet.getCellByPosition(0, op["index"]).getString()
        if kind == "delete_rows":
            rows.removeByIndex(op["index"], op["count"])
        else:
            rows.insertByIndex(op["index"], op["count"])
        after = rows.getCount(), sheet.getCellByPosition(0, op["index"]).getString()
        return {"before": before[1], "after": after[1], "changed": before[1] != after[1]}
    if kind == "column_width":
        column = sheet.getColumns().getByIndex(op["column"])
        before = column.Width
        name = column.getName() + "1"
        _dispatch(ctx, doc, sheet, name, ".uno:ColumnWidth", {"ColumnWidth": op["width"], "Column": op["column"] + 1})
        after = sheet.getColumns().getByIndex(op["column"]).Width
        return {"before": before, "after": after, "changed": abs(after - before) > 20}
    if kind == "api_width":
        column = sheet.getColumns().getByIndex(op["column"])
        before = column.Width
        column.Width = op["width"]
        after = sheet.getColumns().getByIndex(op["column"]).Width
        return {"before": before, "after": after, "changed": abs(after - before) > 20}
    if kind == "row_height":
        row = sheet.getRows().getByIndex(op["row"])
        before = row.Height
        _dispatch(ctx, doc, sheet, f"A{op['row'] + 1}", ".uno:RowHeight", {"RowHeight": op["height"], "Row": op["row"] + 1})
        after = sheet.getRows().getByIndex(op["row"]).Height
        return {"before": before, "after": after, "changed": abs(after - before) > 20}
    if kind == "protected":
        return {"protected": bool(sheet.isProtected())}
    if kind == "unprotect":
        sheet.unprotect("")
        return {"protected": bool(sheet.isProtected())}
    raise ValueError(f"unknown op {kind!r}")


def run(ctx, instructions: dict) -> dict:
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    url = uno.systemPathToFileUrl(os.path.abspath(instructions["open"]))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    if doc is None:
        return {"ok": False, "error": f"LibreOffice could not open {instructions['open']}"}
    results = []
    try:
        for op in instructions.get("ops", []):
            try:
                results.append({"ok": True, **run_op(ctx, doc, op)})
            except Exception as error:  # reported per op: the test decides what it means
                results.append({"ok": False, "error": f"{type(error).__name__}: {getattr(error, 'Message', error)}"})
        for target in instructions.get("save", []):
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target["path"])),
                           (prop("FilterName", target["filter"]), prop("Overwrite", True)))
    finally:
        try:
            doc.close(True)
        except Exception as error:  # the results are worth having even so
            results.append({"ok": False, "error": f"closing: {type(error).__name__}: {error}"})
    return {"ok": True, "ops": results}


def main(argv: list[str]) -> int:
    import argparse

    global uno
    import uno  # Debian's python3-uno; makes com.sun.star importable

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instructions")
    parser.add_argument("--port", type=int, help="a soffice already listening on 127.0.0.1:PORT")
    args = parser.parse_args(argv)
    with open(args.instructions, encoding="utf-8") as handle:
        instructions = json.load(handle)
    process = profile = None
    port = args.port
    try:
        if port is None:
            port, profile = free_port(), tempfile.mkdtemp(prefix="ria-lo-profile-")
            process = subprocess.Popen(soffice_command(port, profile), stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        ctx = connect(port)
        report = run(ctx, instructions)
    finally:
        if process is not None:
            try:
                os.killpg(process.pid, 9)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)
        if profile is not None:
            shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
