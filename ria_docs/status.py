"""Who has returned: one line per network of region.toml (``ria-docs status``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .pipeline import check_folder


@dataclass
class NetworkStatus:
    network: str
    state: str  # "returned", "invalid" or "missing"
    file: str | None = None
    date_submitted: str | None = None
    completed_by: str | None = None
    errors: int = 0
    chase: str | None = None  # who to ask, for a missing return: chair (LA)
    email: str | None = None
    carried_from: str | None = None  # a missing network's content kept from this period (with a baseline)


def network_status(inputs: Path, baseline: Path | None = None) -> list[NetworkStatus]:
    check = check_folder(inputs, baseline=baseline)
    report, region, plan = check.report, check.region, check.plan
    accounts: dict[str, list] = {}
    for account in report.returns:
        if account.network:
            accounts.setdefault(account.network, []).append(account)
    networks = {n.name: n for n in plan.networks}
    last_returns = {}
    if check.baseline is not None:
        for used in check.baseline.returns:
            last_returns[region.canonical_network(used.network)] = used
    statuses = []
    for config in region.networks:
        sent = accounts.get(config.name, [])
        used = [a for a in sent if a.used]
        if used:
            account = used[0]
            statuses.append(NetworkStatus(config.name, "returned", account.file, account.date_submitted,
                                          account.completed_by))
        elif sent:
            account = max(sent, key=lambda a: len(report.errors_in(a.file)))
            statuses.append(NetworkStatus(config.name, "invalid", account.file, account.date_submitted,
                                          account.completed_by, errors=len(report.errors_in(account.file))))
        else:
            chair = networks[config.name].chair
            last = last_returns.get(config.name)
            statuses.append(NetworkStatus(
                config.name, "missing", chase=chair.display() if chair else None,
                email=config.email or (last.email if last else None),
                carried_from=report.carried_forward.get(config.name),
            ))
    return statuses


def to_text(statuses: list[NetworkStatus]) -> str:
    width = max(len(s.network) for s in statuses)
    lines = []
    for s in statuses:
        if s.state == "returned":
            detail = ", ".join(x for x in (s.file, s.date_submitted, s.completed_by) if x)
        elif s.state == "invalid":
            detail = f"{s.file}: {s.errors} error(s); ria-docs check lists them"
        else:
            who = " ".join(x for x in (s.chase, f"<{s.email}>" if s.email else None) if x)
            detail = f"chase {who}" if who else "no chair or email known: add them to region.toml"
            if s.carried_from:
                detail += f"; carried forward from {s.carried_from}"
        lines.append(f"{s.state:<8}  {s.network:<{width}}  {detail}")
    counts = {state: sum(s.state == state for s in statuses) for state in ("returned", "invalid", "missing")}
    lines.append(f"{counts['returned']} returned, {counts['invalid']} invalid, {counts['missing']} missing.")
    return "\n".join(lines)


def to_json(statuses: list[NetworkStatus]) -> str:
    return json.dumps([asdict(s) for s in statuses], indent=2, ensure_ascii=False)
