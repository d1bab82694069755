"""The cell ledger is worked out once, from what each stage returned."""

import datetime as dt
from types import SimpleNamespace

from ria_docs.ledger import CellNotes, return_accounts, unaccounted
from ria_docs.network_return import NetworkReturn
from ria_docs.report import Report


def _plan(**cells_used):
    return SimpleNamespace(returns=[SimpleNamespace(file=file, cells_used=refs) for file, refs in cells_used.items()])


def _read(read, layout=(), ignored=()):
    return CellNotes(read=list(read), layout=list(layout), ignored=list(ignored))


def _checked(file, network, used=(), ignored=(), layout=()):
    ret = NetworkReturn(file, network, date_submitted=dt.date(2024, 6, 3), completed_by="Jo")
    ret.cells = CellNotes(used=list(used), ignored=list(ignored), layout=list(layout))
    return ret


def test_unaccounted_names_cells_no_stage_placed():
    reader = CellNotes(read=["About!A1", "About!B1", "Contribution!A2", "Contribution!A3"], layout=["About!A1"])
    validator = CellNotes(used=["About!B1"], ignored=["Contribution!A3"])
    assert unaccounted(reader, validator) == ["Contribution!A2"]


def test_a_used_return_keeps_what_the_plan_holds_and_set_aside_cells_count_as_ignored():
    read = {"a.xlsx": _read(["About!A1", "About!B1", "Work programme!B2", "Work programme!B3", "X!A1"],
                            layout=["About!A1"], ignored=["X!A1"])}
    checked = {"a.xlsx": _checked("a.xlsx", "Commissioning Leads", used=["About!B1", "Work programme!B2",
                                                                        "Work programme!B3"])}
    plan = _plan(**{"a.xlsx": ["About!B1", "Work programme!B2"]})  # the merge set B3 aside
    [account] = return_accounts(["a.xlsx"], read, checked, {}, plan, Report())
    assert (account.used, account.network, account.date_submitted) == (True, "Commissioning Leads", "03/06/2024")
    assert account.cells_used == ["About!B1", "Work programme!B2"]
    assert account.ignored == ["X!A1", "Work programme!B3"]
    assert (account.cells_read, account.layout) == (5, 1)


def test_returns_left_out_say_why_and_keep_no_used_cells():
    report = Report()
    report.error("bad-rag", "not a RAG word", file="bad.xlsx")
    files = ["old.xlsx", "bad.xlsx", "budget.xlsx", "new.xlsx", "broken.xlsx"]
    read = {f: _read(["About!B1"]) for f in files if f != "broken.xlsx"}
    checked = {f: _checked(f, "VSH", used=["About!B1"]) for f in ("old.xlsx", "bad.xlsx", "new.xlsx")}
    plan = _plan(**{"new.xlsx": ["About!B1"]})
    accounts = return_accounts(files, read, checked, {"old.xlsx": "new.xlsx"}, plan, report, skip_invalid=True)
    assert [(a.file, a.used, a.excluded_because, a.cells_used, a.cells_read) for a in accounts] == [
        ("old.xlsx", False, "superseded by new.xlsx", [], 1),
        ("bad.xlsx", False, "1 error(s); left out (--skip-invalid)", [], 1),
        ("budget.xlsx", False, None, [], 1),  # not a return: counted, never used
        ("new.xlsx", True, None, ["About!B1"], 1),
        ("broken.xlsx", False, None, [], 0),  # could not be opened
    ]
