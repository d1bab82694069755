"""report.html: the round at a glance, for the team, in any browser.

One self-contained file (its style and its one small script inside it; no
network, fonts or images), so it works from a USB stick or an email
attachment: who has returned, who is invalid or missing, each return's
problems as its chair should read them (with a button that copies them for an
email), whom to chase (with a prefilled email link), what changed since the
baseline, the RAG summary and the tartan rug. Deterministic, like every output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from .emails import address_of, by_sheet, email_text, problems_text
from .report import Severity

if TYPE_CHECKING:
    from .changes import Changes
    from .pipeline import CheckResult
    from .status import FolderStatus


# Each state: its word, a symbol, and colours with a contrast above WCAG AA (4.5:1) for its text.
STATES = {
    "returned": ("Returned", "✓", "#0b3d17", "#d8f0dc"),
    "invalid": ("Has errors", "✗", "#7a1508", "#fde0dc"),
    "unknown": ("Check the folder", "?", "#333333", "#e8e8e8"),
    "missing": ("Missing", "○", "#5c4200", "#fff0c2"),
}
# Networks whose content comes from the baseline (missing, or left out for errors): counted beside the states.
_CARRIED = ("Carried forward", "↺", "#123a6b", "#dde8f8")


def mailto(address: str, subject: str, body: str) -> str:
    """A link that opens a new email: ``address`` may be "Name <a@b.org>"; the link takes the address alone."""
    return (f"mailto:{quote(address_of(address) or address, safe='@')}?subject={quote(subject, safe='')}"
            f"&body={quote(body, safe='')}")


_TEMPLATE = r"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; background: #ffffff; margin: 0 auto;
       max-width: 64rem; padding: 1rem 1.5rem 3rem; line-height: 1.45; }
h1 { color: #1f3864; font-size: 1.6rem; margin-bottom: .2rem; }
h2 { color: #1f3864; font-size: 1.3rem; border-bottom: 2px solid #1f3864; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.1rem; margin-bottom: .3rem; }
h4 { font-size: 1rem; margin: .6rem 0 .2rem; }
a { color: #0b4f9c; }
a:focus, button:focus, summary:focus { outline: 3px solid #b35900; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #ffffff; padding: .3rem; }
.counts { display: flex; flex-wrap: wrap; gap: .8rem; padding: 0; list-style: none; }
.counts li { border: 2px solid currentColor; border-radius: .4rem; padding: .5rem .9rem; min-width: 9rem; }
.counts .number { font-size: 1.6rem; font-weight: bold; display: block; }
.state { display: inline-block; border-radius: .3rem; padding: 0 .4rem; font-weight: bold; white-space: nowrap; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #8c8c8c; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #dbe5f1; }
td.number { text-align: right; }
.problems li { margin-bottom: .3rem; }
.cell { font-family: Consolas, "Courier New", monospace; font-weight: bold; }
.fix { color: #333333; }
button { font: inherit; padding: .3rem .8rem; border: 2px solid #1f3864; background: #ffffff; color: #1f3864;
         border-radius: .3rem; cursor: pointer; }
pre { white-space: pre-wrap; background: #f4f4f4; border: 1px solid #8c8c8c; padding: .5rem; }
.rug td { text-align: center; font-size: .85rem; color: #000000; }
.rug th { font-size: .85rem; }
.note { color: #333333; }
@media print { button, .skip, details { display: none; } a { color: #000000; } }
</style>
</head>
<body>
<a class="skip" href="#returns">Skip to the returns</a>
<main>
<h1>{{ title }}</h1>
{%- if stage %}
<p><strong>{{ stage }}</strong></p>
{%- endif %}
<p class="note">{{ summary }}</p>

<h2 id="glance">Summary</h2>
<ul class="counts">
{%- for count in counts %}
<li style="color: {{ count.color }}; background: {{ count.background }}"><span class="number">{{ count.number }}</span>
{{ count.symbol }} {{ count.word }}</li>
{%- endfor %}
</ul>
<table>
<caption>Every network in the plan</caption>
<thead><tr><th scope="col">Network</th><th scope="col">State</th><th scope="col">Return</th>
<th scope="col">Details</th></tr></thead>
<tbody>
{%- for row in networks %}
<tr><th scope="row">{{ row.network }}</th>
<td><span class="state" style="color: {{ row.color }}; background: {{ row.background }}">
{{- row.symbol }} {{ row.word }}</span></td>
<td>{{ row.file }}</td><td>{{ row.detail }}</td></tr>
{%- endfor %}
</tbody>
</table>

<h2 id="returns">Problems to fix, by return</h2>
{%- if not returns_with_problems %}
<p>No return has a problem.</p>
{%- endif %}
{%- for ret in returns_with_problems %}
<section aria-labelledby="return-{{ loop.index }}">
<h3 id="return-{{ loop.index }}">{{ ret.file }}{% if ret.network %} ({{ ret.network }}){% endif %}: {{ ret.status }}</h3>
<p>{% if ret.chair %}Chair: {{ ret.chair }}. {% endif %}
{%- if ret.mailto %}<a href="{{ ret.mailto }}">Email {{ ret.email }} about these</a>
{%- else %}No email known for this network: add email to it in region.toml.{% endif %}</p>
{%- for group in ret.sheets %}
<h4>{{ group.sheet }}</h4>
<ul class="problems">
{%- for p in group.problems %}
<li>{% if p.cell %}<span class="cell">{{ p.cell }}</span>: {% endif %}<strong>{{ p.severity }}</strong>: {{ p.message }}
{%- if p.hint %}<br><span class="fix">How to fix: {{ p.hint }}</span>{% endif %}</li>
{%- endfor %}
</ul>
{%- endfor %}
<p><button type="button" data-copy="text-{{ loop.index }}" aria-describedby="copied-{{ loop.index }}"
aria-label="Copy these problems for an email: {{ ret.file }}">Copy these problems for an email</button>
<span id="copied-{{ loop.index }}" role="status" aria-live="polite"></span></p>
<details><summary>Show them as plain text</summary>
<pre id="text-{{ loop.index }}">{{ ret.text }}</pre>
</details>
</section>
{%- endfor %}

{%- if others %}
<h2 id="others">Other messages</h2>
<ul>
{%- for p in others %}<li><strong>{{ p.severity }}</strong>: {{ p.message }}{% if p.hint %} ({{ p.hint }}){% endif %}</li>
{%- endfor %}
</ul>
{%- endif %}

<h2 id="chase">Networks to chase</h2>
{%- if chase %}
<table>
<caption>Networks with no return yet</caption>
<thead><tr><th scope="col">Network</th><th scope="col">Chair</th><th scope="col">Email</th></tr></thead>
<tbody>
{%- for row in chase %}
<tr><th scope="row">{{ row.network }}</th><td>{{ row.chair or "not known" }}</td>
<td>{% if row.mailto %}<a href="{{ row.mailto }}">Email {{ row.name }} ({{ row.email }})</a>
{%- else %}No email known: add email to the network in region.toml{% endif %}</td></tr>
{%- endfor %}
</tbody>
</table>
{%- else %}
<p>Every network has sent a return.</p>
{%- endif %}

{%- if changes %}
<h2 id="changes">What changed since {{ changes.previous_period }}</h2>
{%- if changes.empty %}<p>Nothing changed.</p>{% endif %}
{%- for heading, items in changes_lists %}
{%- if items %}
<h3>{{ heading }}</h3>
<ul>
{%- for item in items %}<li>{{ item }}</li>{% endfor %}
</ul>
{%- endif %}
{%- endfor %}
{%- endif %}

{%- if rag_summary %}
<h2 id="rag">RAG status of the activities, by theme</h2>
<table>
<caption>Activities by RAG status (Blue: complete)</caption>
<thead><tr><th scope="col">Theme</th><th scope="col">Red</th><th scope="col">Amber</th><th scope="col">Green</th>
<th scope="col">Blue</th><th scope="col">Not rated</th><th scope="col">Total</th></tr></thead>
<tbody>
{%- for row in rag_summary %}
<tr><th scope="row">{{ row.label }}</th><td class="number">{{ row.red }}</td><td class="number">{{ row.amber }}</td>
<td class="number">{{ row.green }}</td><td class="number">{{ row.blue }}</td><td class="number">{{ row.not_rated }}</td>
<td class="number">{{ row.total }}</td></tr>
{%- endfor %}
</tbody>
</table>
{%- endif %}

{%- if rug %}
<h2 id="rug">Tartan rug</h2>
<table class="rug">
<caption>Each LA against each indicator; the letters or symbol beside each figure give its band</caption>
<thead><tr><th scope="col">LA</th>
{%- for i in rug.indicators %}<th scope="col">{{ i.heading }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for row in rug.rows %}
<tr><th scope="row">{{ row.la }}</th>
{%- for cell in row.cells %}<td style="background: #{{ cell.fill }}">{{ cell.text }}</td>{% endfor %}</tr>
{%- endfor %}
</tbody>
</table>
<ul>{% for band in rug.legend %}<li>{{ band.code }}: {{ band.label }}</li>{% endfor %}</ul>
{%- endif %}

{%- if documents %}
<h2 id="documents">Documents written</h2>
<ul>
{%- for name in documents %}<li><a href="{{ name }}">{{ name }}</a></li>{% endfor %}
</ul>
{%- endif %}
</main>
<script>
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var text = document.getElementById(button.getAttribute("data-copy")).textContent;
    var said = document.getElementById(button.getAttribute("aria-describedby"));
    function done() { said.textContent = "Copied."; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else { fallback(); }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text; area.setAttribute("readonly", "");
      area.style.position = "absolute"; area.style.left = "-9999px";
      document.body.appendChild(area); area.select();
      try { document.execCommand("copy"); done(); }
      catch (e) { said.textContent = "Select the plain text below and copy it."; }
      document.body.removeChild(area);
    }
  });
});
</script>
</body>
</html>
"""


def round_html(check: CheckResult, status: FolderStatus, *, changes: Changes | None = None,
               documents: list[str] | tuple[str, ...] = (), merged: bool = True) -> str:
    """The round's report.html, from a check (or a merge's check) and who has returned. ``merged``:
    written by a merge, beside its documents; else by check, before any merge."""
    import jinja2

    from .context import rag_summary
    from .report import return_status, summary_line
    from .rug import context as rug_context

    region, report, outcome = check.region, check.report, check.outcome
    networks, chase = [], []
    by_network = {s.network: s for s in status.networks}
    for s in status.networks:
        word, symbol, color, background = STATES[s.state]
        if s.state == "returned":
            detail = ", ".join(x for x in (s.date_submitted, s.completed_by) if x)
        elif s.state == "invalid":
            detail = f"{s.errors} error(s): see below"
        elif s.state == "unknown":
            detail = "a file in the folder may be its return: " + ", ".join(s.may_be_in)
        else:
            detail = "no return yet"
        if s.carried_from:
            detail += f"; {_CARRIED[0].lower()}: what it said in {s.carried_from} is used"
        networks.append({"network": s.network, "word": word, "symbol": symbol, "color": color,
                         "background": background, "file": s.file or "", "detail": detail})
        if s.state in ("missing", "unknown"):
            subject, body = email_text(region, "reminder", s.network, s.chase)
            chase.append({"network": s.network, "chair": s.chase, "name": (s.chase or s.network).split(" (")[0],
                          "email": address_of(s.email), "mailto": mailto(s.email, subject, body) if s.email else None})
    counts = []
    for state in ("returned", "invalid", "missing", "unknown"):
        number = sum(s.state == state for s in status.networks)
        if number or state != "unknown":
            word, symbol, color, background = STATES[state]
            counts.append({"number": number, "word": word, "symbol": symbol, "color": color, "background": background})
    carried = sum(bool(s.carried_from) for s in status.networks)
    if carried:
        word, symbol, color, background = _CARRIED
        counts.append({"number": carried, "word": word, "symbol": symbol, "color": color, "background": background})
    returns = []
    for account in outcome.returns:
        found = report.problems_in(account.file)
        if not found:
            continue
        network = by_network.get(account.network or "")
        subject, body = email_text(region, "problems", account.network or "", network.chase if network else None,
                                   found)
        returns.append({
            "file": account.file, "network": account.network, "status": return_status(report, account),
            "chair": network.chase if network else None, "email": address_of(network.email) if network else None,
            "mailto": mailto(network.email, subject, body) if network and network.email else None,
            "sheets": [{"sheet": sheet or "The whole file", "problems": [
                {"cell": p.cell, "severity": "Error" if p.severity is Severity.ERROR else "To check",
                 "message": p.message, "hint": p.hint} for p in group]} for sheet, group in by_sheet(found).items()],
            "text": problems_text(found),
        })
    files = {a.file for a in outcome.returns}
    others = [{"severity": "Error" if p.severity is Severity.ERROR else "Note", "message": p.message, "hint": p.hint}
              for p in report.by_file() if p.file not in files]
    plan = check.plan
    changes_lists = []
    if changes is not None:
        changes_lists = [
            ("RAG status changed", [f"{c.theme}: {c.activity}: {c.before or 'not rated'} to {c.after or 'not rated'}"
                                    for c in changes.rag]),
            ("Activities added", [f"{c.theme}: {c.activity}" for c in changes.added]),
            ("Activities removed", [f"{c.theme}: {c.activity}" for c in changes.removed]),
            ("LA support added", [f"{c.la}, {c.column}: {c.text}" for c in changes.la_added]),
            ("LA support removed", [f"{c.la}, {c.column}: {c.text}" for c in changes.la_removed]),
            ("Chairs and directors", [f"{c.network}, {c.role}: {c.before or 'none'} to {c.after or 'none'}"
                                      for c in changes.people]),
        ]
    if merged:
        title, stage = f"{region.region}, {region.period}: the round at a glance", None
    else:
        title = f"{region.region}, {region.period}: the returns so far"
        stage = ("Checked only: no documents were written. " + (
            "A merge stops on these errors: fix them, or merge with --skip-invalid to leave those returns out."
            if report.errors else "A merge would write the documents from these returns."))
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.from_string(_TEMPLATE).render(
        title=title, stage=stage, summary=summary_line(report, outcome),
        counts=counts, networks=networks, returns_with_problems=returns, others=others, chase=chase,
        changes=changes, changes_lists=changes_lists,
        rag_summary=rag_summary(plan) if plan is not None and plan.themes else None,
        rug=rug_context(plan) if plan is not None and plan.indicator_values else None,
        documents=list(documents),
    )
