"""What changed between last round's plan and this one.

RAG moves, activities added and removed (per theme), LA support added and
removed, chairs and directors who changed. Activities and bullets are matched
by their text, ignoring case and spacing; carried-forward content matches
itself, so it is never "added" or "removed".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .model import LA_SUPPORT_FIELDS, Plan
from .return_layout import SHEETS
from .text import same_text_key as _key

# Each LA support column as the return's header names it.
LA_COLUMNS = {field: SHEETS["la support"].headers[field] for field in LA_SUPPORT_FIELDS}


@dataclass(frozen=True)
class RagChange:
    theme: str
    activity: str
    before: str
    after: str


@dataclass(frozen=True)
class ActivityChange:
    theme: str
    activity: str


@dataclass(frozen=True)
class SupportChange:
    la: str
    column: str
    text: str


@dataclass(frozen=True)
class PersonChange:
    network: str
    role: str
    before: str
    after: str


@dataclass
class Changes:
    previous_period: str
    period: str
    rag: list[RagChange] = field(default_factory=list)
    added: list[ActivityChange] = field(default_factory=list)
    removed: list[ActivityChange] = field(default_factory=list)
    la_added: list[SupportChange] = field(default_factory=list)
    la_removed: list[SupportChange] = field(default_factory=list)
    people: list[PersonChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.rag or self.added or self.removed or self.la_added or self.la_removed or self.people)


def _activities(plan: Plan) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(theme code, text key) -> (theme label, text, RAG word)."""
    found: dict[tuple[str, str], tuple[str, str, str]] = {}

    for theme in plan.themes:
        for activity in theme.activities:
            text = " / ".join(activity.bullets)
            found.setdefault((theme.code, _key(text)), (theme.label, text, activity.rag.value if activity.rag else "not rated"))
    return found


def _support(plan: Plan) -> dict[tuple[str, str, str], str]:
    return {
        (row.la, column, _key(item.text)): item.text
        for row in plan.la_support for column in LA_COLUMNS for item in getattr(row, column)
    }


def compare(previous: Plan, current: Plan) -> Changes:
    changes = Changes(previous.region.period, current.region.period)
    before, after = _activities(previous), _activities(current)
    for key, (label, text, rag) in after.items():
        if key not in before:
            changes.added.append(ActivityChange(label, text))
        elif before[key][2] != rag:
            changes.rag.append(RagChange(label, text, before[key][2], rag))
    changes.removed = [ActivityChange(label, text) for key, (label, text, _rag) in before.items() if key not in after]
    support_before, support_after = _support(previous), _support(current)
    changes.la_added = [SupportChange(k[0], LA_COLUMNS[k[1]], t) for k, t in support_after.items() if k not in support_before]
    changes.la_removed = [SupportChange(k[0], LA_COLUMNS[k[1]], t) for k, t in support_before.items() if k not in support_after]
    old_networks = {n.name: n for n in previous.networks}
    for network in current.networks:
        old = old_networks.get(network.name)
        if old is None:
            continue
        for role in ("chair", "director"):
            was = getattr(old, role).display() if getattr(old, role) else "(none)"
            now = getattr(network, role).display() if getattr(network, role) else "(none)"
            if was != now:
                changes.people.append(PersonChange(network.name, "Chair" if role == "chair" else "Director link", was, now))
    return changes


def context(changes: Changes, plan: Plan) -> dict:
    """The values templates/changes.docx uses."""
    data = asdict(changes)
    data |= {
        "title": f"Changes since {changes.previous_period}",
        "region": plan.region.region,
        "nothing_changed": changes.empty,
    }
    return data


def to_markdown(changes: Changes) -> str:
    out = [f"## Changes since {changes.previous_period}", ""]
    sections = [
        ("RAG status changes", [f"{c.theme}: {c.activity} ({c.before} -> {c.after})" for c in changes.rag]),
        ("Activities added", [f"{c.theme}: {c.activity}" for c in changes.added]),
        ("Activities removed", [f"{c.theme}: {c.activity}" for c in changes.removed]),
        ("LA support added", [f"{c.la}, {c.column}: {c.text}" for c in changes.la_added]),
        ("LA support removed", [f"{c.la}, {c.column}: {c.text}" for c in changes.la_removed]),
        ("Chairs and directors", [f"{c.network}, {c.role}: {c.before} -> {c.after}" for c in changes.people]),
    ]
    for heading, lines in sections:
        out += [f"### {heading}", ""] + ([f"- {line}" for line in lines] or ["None."]) + [""]
    return "\n".join(out)
