"""Every kind of problem a check can report: its code, a title, what it means and how to fix it.

A problem in the report carries its code (``kind``); its own message names the
place and what was found there. This catalogue is the one list of codes:
``Report.add`` refuses a code it does not hold, and the README lists them all
(a test keeps the two in step). Codes are stable: scripts reading
``check --format json`` may rely on them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    meaning: str
    fix: str


KINDS: dict[str, Kind] = {kind.code: kind for kind in (
    # -- the returns folder: files that are not read, and why
    Kind("broken-link", "Broken link", "a link (shortcut) in the returns folder points to nothing",
         "connect the drive it points to, or replace the link with the file itself"),
    Kind("folder-link-loop", "Folder read twice", "a link leads back to a folder already read; it is not read again",
         "nothing to do, unless the folder was meant to be different"),
    Kind("folder-named-like-workbook", "Folder named like a workbook",
         'a folder is named like a return ("x.xlsx"), so there is no workbook to read there',
         "put the return workbook itself in the folder"),
    Kind("hidden-file", "Hidden file", "a workbook whose name starts with a dot is hidden, and not read",
         "if it is a return, rename it without the dot"),
    Kind("hidden-folder", "Hidden folder", "workbooks inside a hidden folder are not read",
         "if they are returns, move them out of that folder"),
    Kind("in-outputs-folder", "In an outputs folder", "a workbook in a folder a merge wrote is not read as a return",
         "if it is a return, move it out of that folder"),
    Kind("lock-file-workbook", "Named like a lock file",
         'a workbook whose name starts with "~$" looks like Excel\'s lock file, so it is not read',
         "if it is a return, rename it without the ~$"),
    Kind("not-a-file", "Not a file", "something with a return's name is not an ordinary file (a pipe, a device)",
         "replace it with the return workbook itself"),
    Kind("not-a-return", "Not a return", "a file or sheet that is not a return ria-docs issued (a CSV, a document, "
         "a workbook without the return's sheets)", "send the return workbook, saved as .xlsx"),
    Kind("same-file", "Same file twice", "one file is reached under two names (a link, a copy by hard link); "
         "it is read once", "nothing to do, unless two different returns were meant"),
    Kind("unreadable-folder", "Folder cannot be read", "a folder under the returns folder cannot be opened "
         "(permissions, a path too long)", "give yourself permission to read it, or move its returns out"),
    Kind("workbook-not-named", "Workbook without a workbook's name", "a file is a workbook by its content, but its "
         "name does not end in .xlsx, .xls or .ods, so it is not read", "rename it to end in its workbook suffix"),
    # -- a file that cannot be read at all
    Kind("damaged-file", "Damaged file", "the file is not a complete workbook (perhaps cut short when sent)",
         "ask for it to be sent again"),
    Kind("empty-file", "Empty file", "the file holds nothing", "ask for the return to be sent again"),
    Kind("file-too-large", "File too large", "the file is far larger than any return", "ask for the return itself"),
    Kind("not-a-workbook", "Not a workbook", "the file is not a workbook ria-docs can read, whatever its name says",
         "open it in Excel and save it as an Excel Workbook (.xlsx)"),
    Kind("password-protected", "Password protected", "the workbook is encrypted with a password",
         "ask for it without the password (File > Info > Protect Workbook)"),
    Kind("sheet-too-large", "Sheet too large", "a sheet reaches far beyond any return's size",
         "delete the far rows and columns, or copy the return's cells into a fresh issued return"),
    Kind("unreadable-cells", "Cells stored unreadably", "an .xlsb file stores cells in a way ria-docs cannot read",
         "save it as an Excel Workbook (.xlsx)"),
    Kind("unreadable-file", "File cannot be read", "the file cannot be opened (permissions, in use, a path too long)",
         "check it opens, then check again"),
    Kind("xml-entities", "Unsafe XML", "the workbook declares XML entities, which can attack the computer reading it",
         "open it in Excel and save it as a new .xlsx"),
    Kind("zip-bomb", "Unpacks too large", "the workbook would unpack to far more than any return",
         "ask for the return itself; if it came from outside, check it first"),
    # -- sheets, headers and labels
    Kind("duplicate-header", "Header twice", "a header appears twice on a sheet; the second column is not read",
         "rename or delete one of the two"),
    Kind("extra-sheet", "Extra sheet", "a sheet ria-docs does not read; its cells are not used",
         "move anything for the plan into the return's own sheets"),
    Kind("hidden-rows", "Hidden rows", "rows hidden in Excel were read like any other", "check they are meant to count"),
    Kind("hidden-sheet", "Hidden sheet", "a sheet hidden in Excel was read like any other",
         "check it is meant to count"),
    Kind("missing-header", "Header missing", "a column the sheet needs has no header", "put the header back in row 1"),
    Kind("misplaced-value", "Value in the wrong place", "an About value is one column too far or one row too low, "
         "where ria-docs does not read one", "move it beside its label, in column B"),
    Kind("renamed-header", "Header renamed", "a header looks renamed or misspelt while the one expected is missing",
         "put the header back as issued"),
    Kind("renamed-label", "About label renamed", "an About label looks renamed while the one expected is missing",
         "put the label back as issued"),
    Kind("renamed-sheet", "Sheet renamed", "a sheet looks renamed while the one expected is missing",
         "put the sheet's name back as issued"),
    Kind("second-sheet", "Second copy of a sheet", "a second sheet with a return sheet's name is not read",
         "move its rows into the first one, then delete it"),
    # -- cells
    Kind("excel-error", "Error in a cell", "a cell shows an Excel error (#VALUE!, #REF!...)",
         "type the text or figure instead"),
    Kind("formula-error", "Formula with an error", "a figure's formula gives an error", "fix it, or type the value"),
    Kind("formula-in-text", "Formula where text belongs", "a text cell holds a formula (text typed starting "
         'with "="); Excel shows its result, not the text', "type an apostrophe first ('=...), or reword it"),
    Kind("formula-without-value", "Formula never calculated", "a formula was saved without its result",
         "open the file in Excel, let it calculate, and save it"),
    Kind("ignored-cells", "Cells not used", "cells outside what ria-docs reads; their text reaches neither document",
         "move anything for the plan into the return's columns"),
    Kind("list-markers", "List markers taken off", 'bullet or number markers ("- ", "1. ") typed before items '
         "were taken off", "nothing to do: the documents make their own bullets"),
    Kind("long-cell", "Very long cell", "a cell holds far more than a bullet in a table",
         "check it is one point; split it over rows if it is several"),
    Kind("notes", "Notes on cells", "notes (comments) on cells are not read", "type into the cells anything for the plan"),
    Kind("number-as-text", "Number published as text", "numbers or dates are published as ria-docs writes them, "
         "not with Excel's formatting", "type the cell as it should read"),
    Kind("removed-characters", "Characters removed", "characters Word cannot hold were taken out",
         "check the text still reads as intended"),
    Kind("unused-cells", "Cells read but not used", "cells that were read but neither used nor named elsewhere",
         "check what they hold, and move it into the return's columns"),
    # -- About
    Kind("bad-date", "Not a date", "Date submitted is not a date", "type the date the return was sent"),
    Kind("duplicate-return", "Two returns, one network", "two returns name the same network with no way to tell "
         "which is newer", "remove one, or fill in Date submitted on both"),
    Kind("missing-network", "Network blank", "the About sheet names no network", "choose the network beside Network"),
    Kind("missing-period", "Period blank", "the About sheet names no period", "type this round's period"),
    Kind("superseded-return", "Earlier return", "a network sent more than one return; the later one is used",
         "remove the earlier one from the folder"),
    Kind("unfilled-return", "Return not filled in", "Completed by and Date submitted are blank: perhaps a return "
         "as issued", "fill them in, or take the file out of the folder"),
    Kind("unknown-network", "Unknown network", "the network is not one of region.toml's",
         "choose one from the list, or add the network to region.toml"),
    Kind("unlikely-date", "Unlikely date", "Date submitted is far from this round", "check the year"),
    Kind("wrong-period", "Another round's return", "the return is for a different period from this round",
         "check it is this round's return; correct the Period if it is"),
    # -- the work programme, LA support, update and indicators
    Kind("bad-rag", "Not a RAG status", "a RAG cell holds something other than Red, Amber, Green or Blue",
         "use Red, Amber, Green or Blue, or leave it blank"),
    Kind("bad-tick", "Not a tick", "a tick column holds something that is neither a tick nor blank",
         "use Yes to tick; leave it blank or No"),
    Kind("duplicate-figure", "Figure twice in a return", "one return gives an LA's figure for an indicator twice",
         "keep one of the two rows"),
    Kind("figure-in-two-returns", "Figure in two returns", "two returns give the same LA's figure for an indicator; "
         "the first is used", "let one network send each figure"),
    Kind("incomplete-figure", "Figure half given", "an Indicators row has an Indicator or a Value but not both",
         "fill in the missing cell, or clear the row"),
    Kind("missing-activity", "Activity missing", "a Work programme row has marks but no Activity",
         "type the activity, or clear the row"),
    Kind("missing-la", "LA missing", "a row has no LA, and there is none above it to carry down",
         "type the LA's name in the LA column"),
    Kind("missing-section", "Section missing", "an Update row has no Section, and there is none above it to carry "
         "down", "type the section heading in the Section column"),
    Kind("missing-theme", "Theme missing", "a Work programme row has no Theme, and there is none above it to carry "
         "down", "type the theme code (like A) in the Theme column"),
    Kind("no-figure", "LA without a figure", "an Indicators row names an LA but no indicator or figure",
         "add the indicator and figure, or clear the row"),
    Kind("not-a-number", "Not a number", "a Value is not a number", "type the figure alone, like 22.5"),
    Kind("orphan-sub-bullet", "Sub-bullet without a bullet", "a Sub-bullet has no Bullet directly above it in "
         "its section", "put it in the Bullet column, or add its bullet"),
    Kind("two-blocks", "Two kinds of text in one row", "an Update row fills more than one of Paragraph, Bullet, "
         "Sub-bullet and Numbered", "give each its own row"),
    Kind("repeated-theme-text", "Theme text given twice", "a theme's Outcome or Lead responsibility is given again, "
         "differently, in one return; both are kept", "give it once, on the theme's first row"),
    Kind("theme-title", "Theme title differs", "a theme's title differs from region.toml's; the row is filed under "
         "its code", "nothing to do, or correct the title"),
    Kind("unknown-indicator", "Unknown indicator", "the indicator is not one of region.toml's",
         "choose one from the list"),
    Kind("unknown-la", "Unknown LA", "the LA is not one of region.toml's", "choose one from the list"),
    Kind("unknown-section", "Unknown update section", "the Update section is not one of region.toml's",
         "choose one from the list"),
    Kind("unknown-theme", "Unknown theme", "the theme is not one of region.toml's", "choose one from the list"),
    # -- region.toml (check --format json reports them like any other problem; elsewhere they stop the run)
    Kind("region-toml", "region.toml problem", "region.toml is missing, is not valid TOML, or holds a value "
         "ria-docs cannot use", "correct region.toml as the message says"),
    # -- the merge
    Kind("baseline-same-period", "Baseline from this round", "the baseline plan.json is from this round's period",
         "give last round's plan.json"),
    Kind("conflicting-theme-text", "Theme text differs between returns", "two networks give a theme different "
         "Outcome or Lead responsibility text; the lead network's is used", "agree the text with the lead network"),
    Kind("contribution-not-shown", "Contribution not shown", "a network hidden from Section D sent a contribution",
         "show the network in Section D, or leave the sheet empty"),
    Kind("duplicate-activity", "Activity twice", "the same activity appears twice under a theme; one is kept",
         "delete one of the two rows"),
    Kind("la-without-person", "LA without a name", "a Chair LA or Director link LA is given with no name",
         "add the name"),
    Kind("no-figures", "No tartan rug", "region.toml lists indicators but no return sent figures",
         "the network that collects the figures fills the Indicators sheet"),
)}


def kind(code: str) -> Kind:
    """The catalogue entry of a code; a code not in it is a mistake in ria-docs itself."""
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"problem kind {code!r} is not in ria_docs/problem_kinds.py: add it there") from None


def markdown_table() -> str:
    """The catalogue as the README lists it."""
    rows = ["| code | title | what it means | how to fix it |", "|---|---|---|---|"]
    rows += [f"| `{k.code}` | {k.title} | {k.meaning} | {k.fix} |" for k in sorted(KINDS.values(), key=lambda k: k.code)]
    return "\n".join(rows) + "\n"
