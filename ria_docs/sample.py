"""A small made-up round holding one of everything the templates can show.

`ria-docs templates --check` renders nothing, but checks every value a template
names against what ria-docs provides; these contexts are what it checks against:
every list holds an item, so the names used inside loops ("la.name") are checked too.
"""

from __future__ import annotations

from .changes import compare
from .changes import context as changes_context
from .context import plan_context, update_context
from .model import Plan

_SOURCE = {"file": "sample.xlsx", "sheet": "Work programme", "cell": "A2"}


def _plan(rag: str, activity: str, la_text: str, chair: str) -> Plan:
    return Plan.model_validate({
        "region": {
            "region": "Sample", "plan_year": "2020/21", "period": "March 2020", "las": ["Northshire"],
            "update_sections": ["News"], "rug_section": "News",
            "network": [{"name": "Safeguarding Leads", "reports_to": "DCS Group", "chair": chair},
                        {"name": "DCS Group"}, {"name": "Virtual School Heads", "reports_to": "Safeguarding Leads"}],
            "theme": [{"code": "A", "title": "Placements", "lead": "Safeguarding Leads"}],
            "indicator": [{"name": "Re-referrals", "unit": "%", "polarity": "lower", "source": "DfE"}],
            "overview": "The plan describes the joint work.",
            "update_subtitle": "The {region} Regional Update",
        },
        "networks": [
            {"name": "Safeguarding Leads", "structure_label": "Safeguarding Leads", "reports_to": "DCS Group",
             "chair": {"name": chair, "la": "Northshire"}, "director": {"name": "D. Director"},
             "contribution": [{"text": "Leads theme A", "source": _SOURCE}]},
            {"name": "DCS Group", "structure_label": "DCS Group"},
            {"name": "Virtual School Heads", "structure_label": "Virtual School Heads",
             "reports_to": "Safeguarding Leads"},
        ],
        "themes": [{
            "code": "A", "title": "Placements", "lead_network": "Safeguarding Leads", "outcome": ["More homes"],
            "lead_responsibility": ["Safeguarding Leads"],
            "activities": [{"bullets": [text], "rag": rag, "commentary": ["On track"],
                            "ticks": {"regional_group_task": True}, "network": "Safeguarding Leads",
                            "source": _SOURCE} for text in ("Review placements", activity)],
        }],
        "la_support": [{"la": "Northshire", **{key: [{"text": la_text, "source": _SOURCE}] for key in (
            "support_needed", "support_actions", "strengths_and_offers", "offer_actions")}}],
        "update": [{"heading": "News", "blocks": [
            {"text": "A conference was held", "source": _SOURCE, "sub_bullets": [{"text": "In May", "source": _SOURCE}]},
            {"kind": "paragraph", "text": "The networks agreed two priorities:", "source": _SOURCE},
            {"kind": "numbered", "text": "Open two homes", "source": _SOURCE},
        ]}],
        "indicator_values": [{"la": "Northshire", "indicator": "Re-referrals", "value": 20.5, "source": _SOURCE}],
    })


def sample_contexts() -> dict[str, dict]:
    """The values each template is given, for a round that has one of everything, changes included."""
    before = _plan("Amber", "Map the homes", "Fostering review", "A. Chair")
    after = _plan("Green", "Open two homes", "Adoption review", "B. Chair")
    return {
        "ria-plan.docx": plan_context(after),
        "regional-update.docx": update_context(after),
        "changes.docx": changes_context(compare(before, after), after),
    }
