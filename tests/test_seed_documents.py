"""The example cycles reproduce the two seed documents' content, in order.

Seed 000 is the East Midlands RIA plan and seed 003 the Eastern update, as text
extracted from Word. Bullet and tick glyphs, whitespace and the
"[bookmark: _GoBack]" artefact are ignored.
"""

from __future__ import annotations

import pytest
from conftest import SEEDS
from docx_helpers import squash, text_lines

PLAN_SEED = SEEDS / "000_7038369b3ea0ce4b.txt"
UPDATE_SEED = SEEDS / "003_f8cecb413dde822d.txt"
CHART_INTRO = "Section D, but their reporting relationships are as follows:"


def find_in_order(lines: list[str], stream: str, start: int = 0) -> int:
    """Find each line in ``stream`` after the previous one; return the end position."""
    position = start
    for line in lines:
        wanted = squash(line)
        if not wanted:
            continue
        found = stream.find(wanted, position)
        assert found >= 0, f"seed line not found (in order) in the document: {line!r}"
        position = found + len(wanted)
    return position


def plan_seed_parts():
    """Seed 000 from "Section A" to the end of Section D, in three parts.

    The seed's two diagrams are Word drawings. Text extraction put the
    improvement cycle's boxes after Section D and the reporting chart's boxes
    in drawing order, glued to the sentence before. The document renders both
    as tables in Section A, so: lines before the chart, the chart's box labels
    (checked as a set), the cycle's boxes, and the lines from Section B on.
    """
    lines = PLAN_SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Section A:"))
    cycle_start = next(i for i, line in enumerate(lines) if line.strip() == "LA Self Evaluation")
    body, cycle = lines[start:cycle_start], [line for line in lines[cycle_start:] if line.strip()]
    chart_line = next(i for i, line in enumerate(body) if CHART_INTRO in line)
    chart_end = next(i for i, line in enumerate(body) if line.strip() == "EM DCS Group")
    before = body[:chart_line] + [CHART_INTRO]
    chart = [body[chart_line].split(CHART_INTRO)[1]] + body[chart_line + 1 : chart_end + 1]
    after = body[chart_end + 1 :]
    return before, chart, cycle, after


def test_ria_plan_has_every_seed_line_in_order(example_outputs):
    document = [squash(line) for line in text_lines(example_outputs / "ria-plan.docx")]
    stream = "".join(document)
    before, chart, cycle, after = plan_seed_parts()
    assert len(before) > 5 and len(chart) == 21 and len(cycle) == 8 and len(after) > 300

    # Section A: the overview and the improvement cycle, in order.
    elements = stream.find(squash("The elements of the regional improvement cycle are:"))
    assert elements >= 0
    position = find_in_order(before[: before.index("Regional Networks")], stream)
    cycle_end = find_in_order(cycle, stream, elements)
    networks_heading = stream.find(squash("Regional Networks"), cycle_end)
    assert networks_heading >= cycle_end, "the improvement cycle is not before 'Regional Networks'"

    # The reporting chart: every box label between its sentence and Section B.
    chart_start = find_in_order(before[before.index("Regional Networks") :], stream, max(position, networks_heading))
    section_b = stream.find(squash("Section B:"), chart_start)
    chart_text = stream[chart_start:section_b]
    missing = [label for label in chart if squash(label) not in chart_text]
    assert not missing, f"reporting chart lacks {missing}"

    # Sections B, C and D, line by line in order. The seed's "Monit-oring" was broken by hand to
    # fit its column; the document has a soft hyphen there, which Word shows only when it breaks.
    find_in_order([line.replace("Monit-oring", "Monitoring") for line in after], stream, section_b)


def test_regional_update_has_every_seed_line_in_order(eastern_outputs):
    lines = UPDATE_SEED.read_text(encoding="utf-8").splitlines()
    content = [line for line in lines if line.strip()][:-2]  # last two: web-page chrome
    assert content[-1].startswith("A regional leaders")
    stream = "".join(squash(line) for line in text_lines(eastern_outputs / "regional-update.docx"))
    find_in_order(content, stream)


def test_seed_comparison_fails_on_a_missing_line(example_outputs):
    """The check above can fail: a line the document lacks is reported."""
    stream = "".join(squash(line) for line in text_lines(example_outputs / "ria-plan.docx"))
    with pytest.raises(AssertionError, match="Imaginary activity"):
        find_in_order(["Section B:", "Imaginary activity that no return mentions"], stream)
    # ...and so is a real line out of order: Section D's last chair before a Section B bullet.
    with pytest.raises(AssertionError, match="Permanence Strategy"):
        find_in_order(["Liz Maslen (Nottinghamshire)", "Permanence Strategy"], stream)
