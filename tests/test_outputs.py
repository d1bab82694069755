"""Outputs are written whole or not at all."""

from __future__ import annotations

import os

import pytest

from ria_docs.exceptions import OutputError
from ria_docs.outputs import write_outputs

NEW = {"a.docx": b"new a", "b.docx": b"new b", "c.json": b"new c"}


def contents(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_all_files_are_written_and_no_temporary_files_remain(tmp_path):
    written = write_outputs(tmp_path / "out", NEW)
    assert [p.name for p in written] == ["a.docx", "b.docx", "c.json"]
    assert contents(tmp_path / "out") == NEW


def test_a_rename_that_fails_halfway_puts_the_old_outputs_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    old = {"a.docx": b"old a", "b.docx": b"old b", "notes.txt": b"mine"}
    for name, data in old.items():
        (out / name).write_bytes(data)
    real_replace = os.replace

    def fail_on_b(source, target):
        if str(target).endswith("b.docx") and ".new." in str(source):
            raise PermissionError(13, "Permission denied")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", fail_on_b)
    with pytest.raises(OutputError, match=r"b.docx: cannot be written \(Permission denied\). Nothing was changed."):
        write_outputs(out, NEW)
    assert contents(out) == old


def test_an_output_that_cannot_be_moved_aside_is_named(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.docx").write_bytes(b"open in Word")
    real_replace = os.replace

    def locked(source, target):
        if str(source).endswith("a.docx"):
            raise PermissionError(13, "Permission denied")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError, match=r"a.docx: cannot be replaced \(Permission denied\); is it open in Word"):
        write_outputs(out, NEW)
    assert contents(out) == {"a.docx": b"open in Word"}
