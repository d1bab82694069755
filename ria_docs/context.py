"""Stage 4: turn the canonical Plan into the plain values the templates use.

Templates only see dicts, lists and strings, grouped the way the templates
loop (a theme holds its activities, so its cells merge over exactly them).
The names here are the template contract documented in the README.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import LA_SUPPORT_FIELDS, TICK_FIELDS, Activity, BlockKind, Person, Plan, Rag, Text, UpdateBlock

# Standard Office RAG fills; black text on each passes WCAG AA contrast.
RAG_FILLS = {Rag.RED: "FF0000", Rag.AMBER: "FFC000", Rag.GREEN: "00B050", Rag.BLUE: "00B0F0"}
NO_FILL = "auto"


def _lines(texts: Iterable[Text]) -> list[str]:
    return [t.text for t in texts]


def _structure(plan: Plan) -> list[dict]:
    """The reporting structure: top groups, the groups reporting to them, and
    everything reporting to those (deeper levels flattened, in order)."""
    networks = plan.networks
    label = {n.name: n.structure_label for n in networks}
    children: dict[str, list[str]] = {}
    for n in networks:
        if n.reports_to:
            children.setdefault(n.reports_to, []).append(n.name)
    reports_to = {n.name: n.reports_to for n in networks}
    roots = [name for name in children if not reports_to.get(name)]

    def descendants(name: str) -> list[str]:
        found = []
        for child in children.get(name, []):
            found.append(label.get(child, child))
            found.extend(descendants(child))
        return found

    return [
        {
            "name": label.get(root, root),
            "members": [
                {"name": label.get(member, member), "members": descendants(member)}
                for member in children[root]
            ],
        }
        for root in roots
    ]


def _activity(activity: Activity) -> dict:
    ticks = activity.ticks
    return {
        "bullets": list(activity.bullets),
        "rag": activity.rag.value if activity.rag else "",
        "rag_fill": RAG_FILLS[activity.rag] if activity.rag else NO_FILL,
        **{field: getattr(ticks, field) for field in TICK_FIELDS},
        "commentary": list(activity.commentary),
        "network": activity.network,
    }


EMPTY_ACTIVITY = {"bullets": [], "rag": "", "rag_fill": NO_FILL, **dict.fromkeys(TICK_FIELDS, False),
                  "commentary": [], "network": ""}


def _person(person: Person | None) -> str:

    return person.display() if person else ""


def rag_summary(plan: Plan) -> list[dict]:
    """Activities by RAG status, per theme, with a total row."""
    rows: list[dict] = []  # label: str, the counts: int
    for theme in plan.themes:

        counts = {rag: sum(a.rag is rag for a in theme.activities) for rag in Rag}
        rows.append({
            "label": theme.label,
            "red": counts[Rag.RED], "amber": counts[Rag.AMBER], "green": counts[Rag.GREEN], "blue": counts[Rag.BLUE],
            "not_rated": sum(a.rag is None for a in theme.activities),
            "total": len(theme.activities),
        })
    total = {key: sum(row[key] for row in rows) for key in ("red", "amber", "green", "blue", "not_rated", "total")}
    return rows + [{"label": "All themes", **total}]


def plan_context(plan: Plan) -> dict:
    region = plan.region
    return {
        "title": f"{region.region} Regional Improvement and Innovation Alliance Plan {region.plan_year}",
        "region": region.region,
        "plan_year": region.plan_year,
        "period": region.period,
        "overview": region.overview_paragraphs,
        "structure": _structure(plan),
        "rag_summary": rag_summary(plan),
        "las": [
            {"name": row.la, **{field: _lines(getattr(row, field)) for field in LA_SUPPORT_FIELDS}}
            for row in plan.la_support
        ],
        "themes": [
            {
                "code": theme.code,
                "title": theme.title,
                "label": theme.label,
                # Merged cells hold one paragraph; a line break keeps the lines.
                "outcome": "\n".join(theme.outcome),
                # No return gave lead text: region.toml still says which network leads.
                "lead": "\n".join(theme.lead_responsibility) or theme.lead_network,
                "lead_network": theme.lead_network,
                # A theme with no activity still gets its row, like an LA with no support.
                "activities": [_activity(a) for a in theme.activities] or [dict(EMPTY_ACTIVITY)],
            }
            for theme in plan.themes
        ],
        "networks": [
            {
                "name": network.name,
                "chair": _person(network.chair),
                "director": _person(network.director),
                "contribution": _lines(network.contribution),
            }
            for network in plan.networks
            if network.show_in_section_d
        ],
    }


def update_context(plan: Plan) -> dict:
    from .rug import context as rug_context

    region = plan.region
    rug = rug_context(plan)
    sections = []
    for section in plan.update:
        blocks = update_blocks(section.blocks)
        sections.append({
            "heading": section.heading,
            "blocks": blocks,
            # Templates copied before paragraphs and numbered lists loop over bullets: they get every
            # block, shown as a bullet, so an old template loses no text.
            "bullets": [{"text": b["text"], "sub_bullets": b["sub_bullets"]} for b in blocks],
            "rug": rug if section.heading == region.rug_section else None,
        })
    if rug is not None and region.rug_section not in region.update_sections:
        sections.append({"heading": region.rug_section, "blocks": [], "bullets": [], "rug": rug})
    return {
        "title": region.filled_in(region.update_title),
        "subtitle": region.filled_in(region.update_subtitle) if region.update_subtitle else None,
        "region": region.region,
        "period": region.period,
        "sections": [s for s in sections if s["blocks"] or s["rug"]],
    }


def update_blocks(blocks: list[UpdateBlock]) -> list[dict]:
    """A section's blocks for the template: kind, text, sub-bullets, and each numbered item's
    number. Numbering starts at 1 in the section, runs on across paragraphs (labels between
    groups of items) and restarts after a bullet; Word numbers the items itself (render makes
    each run of items one list), ``number`` is for templates that want to show it."""
    shown, number = [], 0
    for block in blocks:
        if block.kind is BlockKind.BULLET:
            number = 0
        elif block.kind is BlockKind.NUMBERED:
            number += 1
        shown.append({"kind": block.kind.value, "text": block.text, "sub_bullets": _lines(block.sub_bullets),
                      "number": number if block.kind is BlockKind.NUMBERED else None})
    return shown
