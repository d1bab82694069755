"""ria-docs emails: drafts to open and send, read back with the standard library (and LibreOffice)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from email import policy
from email.parser import BytesParser

import openpyxl
import pytest
from click.testing import CliRunner

from ria_docs.cli import main
from ria_docs.emails import write_drafts


def _read(path):
    with path.open("rb") as stream:
        message = BytesParser(policy=policy.default).parse(stream)
    assert message.defects == [] and all(part.defects == [] for part in message.walk())
    return message


@pytest.fixture
def drafts(every_state, example_outputs, tmp_path):
    cycle, baseline = every_state
    toml = cycle / "region.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "update_sections", 'team_email = "RIA team <ria@example.org.uk>"\n'
        'circulation = ["dcs.group@example.org.uk", "Lead Members <members@example.org.uk>"]\nupdate_sections', 1),
        encoding="utf-8")
    result = write_drafts(cycle, tmp_path / "emails", baseline=baseline, outputs=example_outputs)
    return {path.name: path for path in result.written}, result.notes


def test_a_chair_whose_return_has_errors_gets_them_quoted_with_the_fixes(drafts):
    written, _notes = drafts
    message = _read(written["EMSIG Schools and Learning Leads - problems.eml"])
    assert message["X-Unsent"] == "1"
    assert message["From"] == "RIA team <ria@example.org.uk>"
    assert message["Subject"] == "EMSIG Schools and Learning Leads: your return for March 2020 needs correcting"
    assert message["To"].addresses[0].addr_spec.endswith("@example.org.uk")
    body = message.get_body().get_content()
    assert body.startswith("Dear Kathryn Boulton,") and body.endswith("Thank you,\nRIA team\n")
    assert ('- cell D2: RAG "Purple" is not a RAG status. How to fix: use Red, Amber, Green or Blue (complete), '
            "or R, A, G, B; leave it blank if not yet rated") in body
    assert list(message.iter_attachments()) == []


def test_a_missing_network_gets_a_reminder_with_its_prefilled_workbook(drafts):
    written, notes = drafts
    message = _read(written["Regional Adoption - reminder.eml"])
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("Ann Chair", "adoption.chair@example.org.uk")]
    assert message["Subject"] == "Regional Adoption: your return for March 2020"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Regional Adoption - March 2020.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    about = {row[0].value: row[1].value for row in workbook["About"].iter_rows() if row[0].value}
    assert (about["Network"], about["Period"]) == ("Regional Adoption", "March 2020")
    filled = [ws.title for ws in workbook.worksheets if ws.title not in ("About", "Instructions", "Lists")
              and ws.max_row > 1]
    assert filled  # pre-filled from December's plan
    # a network with no email known: the draft is made, and the note says how to address it
    assert "Virtual School Heads - reminder.eml" in written
    [no_to] = [n for n in notes if "have no To" in n]
    assert "Virtual School Heads" in no_to and "Regional Adoption" not in no_to


def test_the_circulation_draft_attaches_the_documents(drafts, example_outputs):
    written, _notes = drafts
    message = _read(written["circulation.eml"])
    assert [a.addr_spec for a in message["To"].addresses] == ["dcs.group@example.org.uk", "members@example.org.uk"]
    assert message["Subject"] == "East Midlands RIA plan 2019/20 and regional update, March 2020"
    attached = {a.get_filename(): a.get_content() for a in message.iter_attachments()}
    assert set(attached) == {"ria-plan.docx", "regional-update.docx", "tartan-rug.xlsx"}
    assert attached["ria-plan.docx"] == (example_outputs / "ria-plan.docx").read_bytes()
    assert zipfile.is_zipfile(io.BytesIO(attached["regional-update.docx"]))


def test_the_same_round_gives_the_same_drafts(every_state, example_outputs, tmp_path):
    cycle, baseline = every_state
    first = write_drafts(cycle, tmp_path / "a", baseline=baseline, outputs=example_outputs).written
    second = write_drafts(cycle, tmp_path / "b", baseline=baseline, outputs=example_outputs).written
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_region_toml_can_give_the_words_and_a_bad_placeholder_is_named(every_state, tmp_path):
    cycle, baseline = every_state
    toml = cycle / "region.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text + '\n[emails]\nreminder_subject = "Reminder: {network} ({period})"\n', encoding="utf-8")
    written = {p.name: p for p in write_drafts(cycle, tmp_path / "emails", baseline=baseline).written}
    assert _read(written["Regional Adoption - reminder.eml"])["Subject"] == "Reminder: Regional Adoption (March 2020)"
    toml.write_text(text + '\n[emails]\nreminder_subject = "Reminder: {netwrok}"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["emails", str(cycle), "-o", str(tmp_path / "emails2")])
    assert result.exit_code == 1
    assert 'emails.reminder_subject: "Reminder: {netwrok}" can hold only {network}, {chair}' in result.output


def test_the_emails_command_writes_drafts_and_says_what_it_could_not(every_state, tmp_path):
    cycle, baseline = every_state
    result = CliRunner().invoke(main, ["emails", str(cycle), "-o", str(tmp_path / "emails"), "--baseline",
                                       str(baseline), "--outputs", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    assert f"Note: circulation.eml not made: no documents in {tmp_path / 'none'} (merge first, or give --outputs)" \
        in result.output
    assert f"Wrote {tmp_path / 'emails' / 'EMSIG Schools and Learning Leads - problems.eml'}" in result.output


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_a_drafts_body(drafts, tmp_path):
    written, _notes = drafts
    body = _read(written["EMSIG Schools and Learning Leads - problems.eml"]).get_body().get_content()
    source = tmp_path / "body.txt"
    source.write_text(body, encoding="utf-8")
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    assert (tmp_path / "body.pdf").read_bytes()[:5] == b"%PDF-"
