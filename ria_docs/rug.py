"""The tartan rug: every LA against each indicator, banded and coloured.

Per indicator (region.toml ``[[indicator]]``):

- method "quartile": the LA's quarter within the region. With a polarity,
  Q1 is the best quarter (highest values for "higher", lowest for "lower")
  and Q4 the worst; with polarity "none", quarters run from lowest to
  highest in a neutral palette. LAs with the same value share a quarter.
- method "england": better, similar or worse than the England value; within
  ``tolerance`` (default 5% of the England value) is similar. With polarity
  "none": above, similar, below.

A cell shows its value and its band as text or a symbol, so colour is never
the only signal. A missing figure is "n/a", never zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Plan
from .region import IndicatorConfig


@dataclass(frozen=True)
class Band:
    code: str  # shown in the cell beside the value
    label: str  # for the legend
    fill: str  # hex RGB; black text passes WCAG AA on each


QUARTERS = [Band("Q1", "best quarter in the region", "63BE7B"), Band("Q2", "second quarter", "C6EFCE"),
            Band("Q3", "third quarter", "FFEB84"), Band("Q4", "worst quarter in the region", "F8696B")]
NEUTRAL_QUARTERS = [Band("L", "lowest quarter (no better or worse)", "DDEBF7"), Band("ML", "second lowest quarter", "BDD7EE"),
                    Band("MH", "second highest quarter", "9DC3E6"), Band("H", "highest quarter", "6FA8DC")]
BETTER = Band("▲", "better than England", "63BE7B")
SIMILAR = Band("●", "similar to England", "FFEB84")
WORSE = Band("▼", "worse than England", "F8696B")
ABOVE = Band("↑", "above England (no better or worse)", "9DC3E6")
LEVEL = Band("=", "similar to England (no better or worse)", "EDEDED")
BELOW = Band("↓", "below England (no better or worse)", "DDEBF7")
MISSING = Band("n/a", "no figure", "D9D9D9")
SUMMARY_FILL = "F2F2F2"


def quartile(value: float, values: list[float], polarity: str) -> Band:
    """The quarter ``value`` falls in among ``values``, by its rank: the best is
    always in the first quarter and the worst in the last, whatever the number
    of LAs; LAs with the same value share a quarter."""
    ahead = (sum(other < value for other in values) if polarity == "none"
             else sum((other > value) if polarity == "higher" else (other < value) for other in values))
    quarter = 0 if len(values) < 2 else min(3, 4 * ahead // (len(values) - 1))
    return (NEUTRAL_QUARTERS if polarity == "none" else QUARTERS)[quarter]


def against_england(value: float, indicator: IndicatorConfig) -> Band:
    # england is None only in a plan.json's region that load_region never checked: a TypeError, as before.
    difference = value - indicator.england  # type: ignore[operator]
    if abs(difference) <= indicator.similar_within:
        return LEVEL if indicator.polarity == "none" else SIMILAR
    if indicator.polarity == "none":
        return ABOVE if difference > 0 else BELOW
    better = difference > 0 if indicator.polarity == "higher" else difference < 0
    return BETTER if better else WORSE


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    number = f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{number}%" if unit == "%" else number


def figures_of(plan: Plan) -> dict[tuple[str, str], float]:
    """(LA, indicator) -> figure, for the figures sent."""
    return {(v.la, v.indicator): v.value for v in plan.indicator_values}


def present_figures(plan: Plan, figures: dict[tuple[str, str], float], indicator: IndicatorConfig) -> list[float]:
    """One indicator's figures, for the LAs that have one (never zeros for the others)."""
    return [figures[la, indicator.name] for la in plan.region.las if (la, indicator.name) in figures]


def average(values: list[float]) -> float | None:
    """The region row: a simple mean of the LAs' figures."""
    return sum(values) / len(values) if values else None


def bands(plan: Plan) -> dict[tuple[str, str], Band]:
    """(LA, indicator) -> band, for every LA and indicator (MISSING where no figure)."""
    figures = figures_of(plan)
    result = {}
    for indicator in plan.region.indicators:
        values = present_figures(plan, figures, indicator)
        for la in plan.region.las:
            value = figures.get((la, indicator.name))
            if value is None:
                result[la, indicator.name] = MISSING
            elif indicator.method == "england":
                result[la, indicator.name] = against_england(value, indicator)
            else:
                result[la, indicator.name] = quartile(value, values, indicator.polarity)
    return result


def context(plan: Plan) -> dict | None:
    """The rug for templates: indicators, one row per LA, a region and an England row, a legend."""
    region = plan.region
    if not region.indicators or not plan.indicator_values:
        return None
    figures = figures_of(plan)
    banded = bands(plan)
    rows = []
    for la in region.las:
        cells = []
        for indicator in region.indicators:
            band, value = banded[la, indicator.name], figures.get((la, indicator.name))
            text = "n/a" if value is None else f"{shown(value, indicator.unit)} {band.code}"
            cells.append({"text": text, "fill": band.fill})
        rows.append({"la": la, "cells": cells})
    averages = []
    for indicator in region.indicators:
        mean = average(present_figures(plan, figures, indicator))
        averages.append({"text": shown(mean, indicator.unit), "fill": SUMMARY_FILL})
    rows.append({"la": f"{region.region} average", "cells": averages})
    rows.append({"la": "England", "cells": [
        {"text": shown(i.england, i.unit) if i.england is not None else "–", "fill": SUMMARY_FILL}
        for i in region.indicators
    ]})
    used = {banded[key] for key in banded}
    order = [*QUARTERS, *NEUTRAL_QUARTERS, BETTER, SIMILAR, WORSE, ABOVE, LEVEL, BELOW, MISSING]
    return {
        "indicators": [
            {"name": i.name, "heading": i.name if i.unit in ("%", "") else f"{i.name} ({i.unit})",
             "method": "quarters within the region" if i.method == "quartile" else "compared with England",
             "source": i.source or ""}
            for i in region.indicators
        ],
        "rows": rows,
        "legend": [{"code": b.code, "label": b.label, "fill": b.fill} for b in order if b in used],
        "sources": sorted({i.source for i in region.indicators if i.source}),
    }
