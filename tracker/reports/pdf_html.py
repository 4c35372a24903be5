"""The PDF report's content as HTML for Qt's rich text (no Qt here): the headline, the
narrative, the tables, the appendix and the method, every text from tasks and logs escaped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from tracker.core.compact_numbers import exact_usd
from tracker.core.display_names import model_name
from tracker.reports.text_formats import YIELD_HINT, methods, tool_appendix, yield_rows
from tracker.services.report import Report
from tracker.services.report_headline import Headline

MAX_TASKS_SUMMARY = 40
MAX_TASKS_DETAILED = 400

CSS = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9.5pt; color: #1b1b1b; }
h1 { font-size: 17pt; margin: 0 0 2px 0; } h2 { font-size: 12pt; margin: 14px 0 4px 0; }
.period { color: #555; font-size: 10pt; }
table { border-collapse: collapse; margin-bottom: 8px; } td, th { padding: 3px 6px; }
th { background: #eef1f5; text-align: left; } .num { text-align: right; }
.fig { font-size: 15pt; font-weight: bold; } .cap { color: #555; font-size: 8.5pt; }
.impact { color: #333; } .small { color: #666; font-size: 8pt; }
.author { font-size: 10.5pt; margin: 2px 0; } .delta { color: #555; font-size: 7.5pt; }
.narrative { margin: 8px 0 0 0; } .gap { font-size: 2pt; margin: 0; }
"""


def _usd(value: Decimal | float) -> str:
    return exact_usd(Decimal(str(value)) if isinstance(value, float) else value)


def _figure(h: Headline) -> str:
    delta = f"<div class='delta'>{escape(h.delta)}</div>" if h.delta else ""
    return (f"<td width='25%'><div class='fig'><span style='white-space: nowrap'>{escape(h.value)}</span></div>"
            f"<div class='cap'>{escape(h.label)}</div>{delta}</td>")  # fmt: skip


def head_html(r: Report) -> str:
    """Title, who and when, the headline figures (outcomes first) and the narrative."""
    figures = r.headline()
    rows = "".join("<tr>" + "".join(_figure(h) for h in figures[i : i + 4]) + "</tr>" for i in (0, 4))
    author = f"<div class='author'>{escape(r.author.line())}</div>" if r.author.line() else ""
    compare = f" · compared with {escape(r.previous.label)}" if r.previous is not None else ""
    if (device := r.device_line) is not None:
        compare += f"<br><b>{escape(device)}</b>"
    return (
        f"<h1>AI usage and outcomes</h1>{author}<div class='period'>{escape(r.period_label)} · times in "
        f"{escape(r.options.timezone)}{compare}</div><h2>In numbers</h2><table width='100%'>{rows}</table>"
        f"<p class='narrative'>{escape(r.narrative())}</p>"
        f"<h2>Tokens and tasks completed per {r.chart.bucket if r.chart else 'week'}</h2>"
    )


def outcomes_html(r: Report) -> str:
    items = []
    for o in r.outcomes:
        saved = f" <span class='small'>({o.hours_saved:g} h saved)</span>" if o.hours_saved else ""
        spend = f" <span class='small'>· linked spend {_usd(o.cost_usd)}</span>" if o.cost_usd else ""
        impact = f"<br><span class='impact'>{escape(o.impact)}</span>" if o.impact else ""
        items.append(f"<li><b>{escape(o.title)}</b>{saved}{spend}{impact}</li>")
    body = (
        "<ul>" + "".join(items) + "</ul>"
        if items
        else "<p>No completed task with an impact, hours saved or a merged pull request in this period.</p>"
    )
    return "<h2>Most valuable outcomes</h2>" + body


def _num(text: str) -> str:
    return f"<td class='num' nowrap>{escape(text)}</td>"


def _spend_table(title: str, rows: list[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><td width='60%'>{escape(k)}</td>{_num(f'{v.total_tokens:,}')}{_num(_usd(v.cost_usd))}</tr>"
                   for k, v in rows)  # fmt: skip
    return (f"<table width='100%'><tr><th width='60%'>{escape(title)}</th><th class='num' width='22%'>Tokens</th>"
            f"<th class='num' width='18%'>Cost</th></tr>{body}</table>")  # fmt: skip


TASK_COLUMNS = (("Task", 34, ""), ("Category", 12, ""), ("Done", 8, ""), ("AI", 4, ""),
                ("Tokens", 12, "num"), ("Cost", 9, "num"), ("Impact", 21, ""))  # fmt: skip


def _short_day(iso: str | None) -> str:
    """``2026-06-02`` as ``2 Jun``: short enough never to wrap inside its column."""
    if not iso:
        return ""
    d = date.fromisoformat(iso)
    return f"{d.day}\u00a0{d:%b}"


def _impact_cell(t: dict[str, Any]) -> str:
    links = "".join(f"<br><span class='small'>{escape(link)}</span>" for link in t["links"])
    return f"<td>{escape(t['impact'])}{links}</td>"


def tasks_html(r: Report) -> str:
    # Bounded either way: a year of tasks stays a readable document; the CSV/JSON have them all.
    detailed = r.options.audience == "detailed"
    tasks = r.task_rows()[: MAX_TASKS_DETAILED if detailed else MAX_TASKS_SUMMARY]
    # With no impact or link to show, the titles get the Impact column's room instead of wrapping.
    impact = any(t["impact"] or t["links"] for t in tasks)
    columns = TASK_COLUMNS if impact else [("Task", 34 + 21, ""), *TASK_COLUMNS[1:-1]]
    head = "".join(f"<th width='{w}%' class='{c}'>{n}</th>" for n, w, c in columns)
    rows = "".join(
        f"<tr><td>{escape(t['title'])}</td><td>{escape(t['category'])}</td><td nowrap>{_short_day(t['completed'])}</td>"
        f"<td>{'yes' if t['ai_assisted'] else ''}</td>{_num(format(t['tokens'], ','))}"
        f"{_num(_usd(Decimal(str(t['cost_usd']))))}"
        + (_impact_cell(t) if impact else "")
        + "</tr>"
        for t in tasks
    )  # fmt: skip
    more = (
        f"<p class='small'>{len(r.tasks) - len(tasks)} more tasks in the detailed report.</p>"
        if len(tasks) < len(r.tasks)
        else ""
    )
    if not tasks:  # an empty table is read as a broken one
        return "<h2>Tasks</h2><p>No tasks in this period: log one in the app or with 'tokenworth task add'.</p>"
    return f"<h2>Tasks</h2><table width='100%'><tr>{head}</tr>{rows}</table>{more}"


def detailed_html(r: Report) -> str:
    if r.options.audience != "detailed":
        return ""
    days = [(f"{d:%a %d %b}", v) for d, v in r.by_day]
    sessions = "".join(
        f"<tr><td colspan='4'><b>{escape(ts.title)}</b></td></tr>"
        + "".join(f"<tr><td width='20%'>{escape(r.tool_name(src))}</td><td width='44%' class='small'>{escape(sid)}"
                  f"</td><td nowrap>{day or ''}</td>{_num(f'{tok:,}')}</tr>" for src, sid, day, tok, _ in ts.sessions)
        for ts in r.task_sessions
    )  # fmt: skip
    pairs = (f"<h2>Tasks and their sessions</h2><table width='100%'>{sessions}</table>" if sessions
             else "<h2>Tasks and their sessions</h2><p>No task has linked sessions in this period.</p>")  # fmt: skip
    return (f"<h2>By project</h2>{_spend_table('Project', list(r.by_project.items()))}"
            f"<h2>By day</h2>{_spend_table('Day', days)}{pairs}")  # fmt: skip


def yield_html(r: Report) -> str:
    """What the period's spend became: productive, reverted, in progress, abandoned, not work."""
    body = "".join(f"<tr><td width='60%'>{escape(label)}</td>{_num(f'{tok:,}')}{_num(_usd(c))}</tr>"
                   for _, label, tok, c in yield_rows(r))  # fmt: skip
    return (f"<h2>What the spend became</h2><p class='cap'>{escape(YIELD_HINT)}</p><table width='100%'>"
            f"<tr><th width='60%'>Spend</th><th class='num' width='22%'>Tokens</th>"
            f"<th class='num' width='18%'>Cost</th></tr>{body}</table>")  # fmt: skip


def rest_html(r: Report) -> str:
    """Everything after the chart; the Method and the fingerprint end it, on one page."""
    spend = _spend_table("By tool", [(r.tool_row_name(k), v) for k, v in sorted(r.by_tool.items())])
    spend += _spend_table("By model", r.models_by_name())
    if notes := r.spend_notes():
        spend += "".join(f"<p class='cap'>{escape(n)}</p>" for n in notes)
    t, f = r.totals, r.figures
    appendix = [
        ("Input tokens (not cached)", f"{t.input_tokens:,}"),
        ("Output tokens", f"{t.output_tokens:,}"),
        ("Cache write tokens", f"{t.cache_creation_tokens:,}"),
        ("Cache read tokens", f"{t.cache_read_tokens:,}"),
        ("Total tokens", f"{t.total_tokens:,}"),
        ("Cost", _usd(t.cost_usd)),
        ("Unpriced tokens", f"{t.unpriced_tokens:,}"),
        ("Tasks completed", f"{f.tasks_completed}"),
        ("Tasks with linked spend", f"{f.tasks_with_spend}"),
        ("Hours saved (estimated)", f"{f.hours_saved:g}"),
        ("Linked spend", f"{f.linked.tokens:,} tokens · {_usd(f.linked.cost_usd)}"),
        ("Linked share", f"{100 * f.linked_share:.1f}%"),
        ("Cost per outcome", _usd(f.cost_per_outcome) if f.cost_per_outcome is not None else "—"),
        ("Not linked to any outcome", f"{f.not_linked.tokens:,} tokens · {_usd(f.not_linked.cost_usd)}"),
        ("Marked not work", f"{f.not_work.tokens:,} tokens · {_usd(f.not_work.cost_usd)}"),
        *tool_appendix(r),
    ]
    m = methods(r)
    unpriced = ", ".join(f"{escape(model_name(k))} ({v:,} tokens)" for k, v in r.unpriced.items()) or "none"
    definitions = "".join(f"<li>{escape(d)}</li>" for d in m["definitions"].values())
    return (
        outcomes_html(r)
        + f"<h2>Spend by tool and model</h2>{spend}"
        + yield_html(r)
        + tasks_html(r)
        + detailed_html(r)
        + "<p class='gap'>&nbsp;</p><h2>Appendix: exact totals</h2><table>"
        + "".join(f"<tr><td>{escape(k)}</td>{_num(v)}</tr>" for k, v in appendix)
        + f"</table><h2 {METHOD_MARK}>Method</h2>"
        f"<p>Sources read: {escape(', '.join(m['sources']) or 'none')}. Prices: {escape(m['pricing'])}, "
        f"resolved {r.generated_at:%Y-%m-%d}. Times in {escape(m['timezone'])}. {escape(m['estimated'])} "
        f"{escape(m['tool_costs'])} "
        f"Unpriced models: {unpriced}."
        + (f" Redacted: {escape(', '.join(r.redactions))}." if r.redactions else "")
        + f"</p><ul class='defs'>{definitions}</ul>"
        f"<p class='small'>Data fingerprint (SHA-256 of the report's rows): {r.fingerprint}<br>"
        f"Generated {r.generated_at:%Y-%m-%d %H:%M} UTC by Tokenworth, from local usage logs; no prompt or code "
        "content is read or stored.</p>"
    )


METHOD_MARK = "id='method'"
BREAK_MARK = "style='page-break-before: always'"
