"""The report as JSON, CSV tables (a folder or a zip) and Markdown."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from tracker.analytics.value_figures import DEFINITIONS
from tracker.core.compact_numbers import exact_usd
from tracker.core.display_names import model_name, week_label
from tracker.core.errors import OutputError
from tracker.reports.escaping import csv_cell, md_link, md_text
from tracker.reports.output import output_path
from tracker.services.report import Report
from tracker.services.report_headline import figures_json
from tracker.services.spend_yield import KINDS, LABELS
from tracker.services.tool_spend import api_equivalent, spend_json
from tracker.services.usage import money, totals_json

YIELD_HINT = ("What each session's spend in the period became, by the state of the tasks it is linked to "
              "(split as the linked spend is); the parts add up to all AI spend in the period.")  # fmt: skip


def tool_json(r: Report, source: str) -> dict[str, Any]:
    """A tool's spend with the tool's own estimate and what a subscription covered (additive keys)."""
    return {**totals_json(r.by_tool[source]), **spend_json(r.tool_by_source.get(source)),
            "api_equivalent_cost": api_equivalent(source)}  # fmt: skip


def yield_rows(r: Report) -> list[tuple[str, str, int, Any]]:
    """``(kind, label, tokens, cost)`` of what the period's spend became."""
    y = r.spend_yield
    return [(k, LABELS[k], y.tokens[k], y.cost_usd[k]) for k in KINDS]


def report_json(r: Report) -> dict[str, Any]:
    o = r.options
    return {
        "period": {"since": o.since.isoformat(), "until": o.until.isoformat(), "timezone": o.timezone},
        "generated_at": r.generated_at.isoformat(timespec="seconds"),
        "device": r.device_json(),  # whose usage: all devices, or one (``--device``)
        "audience": o.audience,
        "author": {"name": r.author.name, "team": r.author.team, "role": r.author.role},
        "totals": r.totals_json(),
        "headline": [
            {"key": h.key, "label": h.label, "value": h.value, "exact": h.exact, "delta": h.delta} for h in r.headline()
        ],
        "narrative": r.narrative(),
        "previous_period": None
        if r.previous is None
        else {
            "since": r.previous.since.isoformat(),
            "until": r.previous.until.isoformat(),
            **figures_json(r.previous.figures),
            "total_tokens": r.previous.figures.all.tokens,
            "cost_usd": money(r.previous.figures.all.cost_usd),
        },
        "by_tool": {k: tool_json(r, k) for k in sorted(r.by_tool)},
        "spend_yield": r.yield_json(),
        "spend_notes": r.spend_notes(),
        "outside_totals": [o.as_json() for o in r.outside],
        "tokens_with_estimates": (
            r.totals.total_tokens + sum(o.tokens for o in r.outside if o.estimated)
            if r.options.include_estimates
            else None
        ),
        "by_model": {k: {"name": model_name(k), **totals_json(v)} for k, v in sorted(r.by_model.items())},
        "outcomes": [next(t for t in r.task_rows() if t["id"] == x.id) for x in r.outcomes],
        "tasks": r.task_rows(),
        "weeks": [
            {"week": w, "label": week_label(w), "tokens": tok, "tasks_completed": n, "cost_usd": money(c)}
            for w, tok, n, c in r.work.weeks
        ],
        **detailed_json(r),
        "methods": methods(r),
        "fingerprint": r.fingerprint,
    }


def detailed_json(r: Report) -> dict[str, Any]:
    if r.options.audience != "detailed":
        return {}
    return {
        "by_project": {k: totals_json(v) for k, v in r.by_project.items()},
        "by_day": [{"day": d.isoformat(), **totals_json(t)} for d, t in r.by_day],
        "task_sessions": [
            {"task_id": ts.task_id, "title": ts.title,
             "sessions": [{"tool": src, "session_id": sid, "first_day": day, "tokens": tok, "cost_usd": money(c)}
                          for src, sid, day, tok, c in ts.sessions]}
            for ts in r.task_sessions
        ],
    }  # fmt: skip


def methods(r: Report) -> dict[str, Any]:
    return {
        "sources": r.sources,
        "pricing": r.price_source,
        "timezone": r.options.timezone,
        "unpriced_models": dict(r.unpriced),
        "estimated": "Hours saved and impact are the user's own estimates; tokens of a session that served "
        "several tasks are split by the time it spent on each (equally between links made by hand), "
        "never counted twice.",
        "tool_costs": "Cost is Tokenworth's price for the tokens. Where a tool wrote its own estimate, it is shown "
        "beside it (with Tokenworth's price for the same requests) when the two differ; spend a subscription "
        "covered is priced as the API would charge it, not money billed per token.",
        "spend_yield": YIELD_HINT,
        "definitions": {key: f"{label}: {text}" for key, (label, text) in DEFINITIONS.items()},
        "redacted": r.redactions,
    }


def write_json(r: Report, out: Path) -> None:
    """Write atomically: a failed write leaves the previous file as it was (``OutputError``)."""
    _write(out, json.dumps(report_json(r), indent=2, ensure_ascii=False) + "\n")


def write_markdown(r: Report, out: Path) -> None:
    _write(out, markdown(r))


def _write(out: Path, text: str, *, streams: bool = True) -> None:
    with output_path(out, streams=streams) as tmp:
        tmp.write_text(text, encoding="utf-8")


def csv_tables(r: Report) -> dict[str, list[list[Any]]]:
    usage_fields = ["input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens", "total_tokens",
                    "cost_usd", "unpriced_tokens"]  # fmt: skip
    device = r.device_json()
    summary: list[tuple[str, Any]] = [("device", device["name"]), ("device_id", device["id"] or "")]
    summary += list(r.totals_json().items())
    if r.previous is not None:
        summary += [("previous_since", r.previous.since.isoformat()), ("previous_until", r.previous.until.isoformat())]
        summary += [(f"previous_{k}", v) for k, v in figures_json(r.previous.figures).items()]
    tool_fields = ["tool_cost_usd", "tool_cost_requests", "subscription_requests", "subscription_cost_usd",
                   "api_equivalent_cost"]  # fmt: skip
    tasks = r.task_rows()
    task_fields = ["id", "title", "category", "status", "completed", "ai_assisted", "tokens", "cost_usd",
                   "hours_saved", "impact", "links"]  # fmt: skip
    tables: dict[str, list[list[Any]]] = {
        "summary": [["field", "value"], *([k, v] for k, v in summary)],
        "tasks": [task_fields, *([("; ".join(t[f]) if f == "links" else t[f]) for f in task_fields] for t in tasks)],
        "by_model": [["model", "name", *usage_fields], *([m, model_name(m), *(totals_json(v)[f] for f in usage_fields)]
                                                        for m, v in sorted(r.by_model.items()))],
        "by_tool": [["tool", *usage_fields, *tool_fields],
                    *([m, *(tool_json(r, m)[f] for f in (*usage_fields, *tool_fields))] for m in sorted(r.by_tool))],
        "spend_yield": [["kind", "label", "tokens", "cost_usd"],
                        *([k, label, tok, money(c)] for k, label, tok, c in yield_rows(r))],
        "weeks": [["week", "label", "tokens", "tasks_completed", "cost_usd"],
                  *([w, week_label(w), tok, n, money(c)] for w, tok, n, c in r.work.weeks)],
    }  # fmt: skip
    if r.options.audience == "detailed":
        tables["by_project"] = [
            ["project", *usage_fields],
            *([k, *(totals_json(v)[f] for f in usage_fields)] for k, v in r.by_project.items()),
        ]
        tables["by_day"] = [
            ["day", *usage_fields],
            *([d.isoformat(), *(totals_json(v)[f] for f in usage_fields)] for d, v in r.by_day),
        ]
        tables["task_sessions"] = [
            ["task_id", "task", "tool", "session_id", "first_day", "tokens", "cost_usd"],
            *(
                [ts.task_id, ts.title, src, sid, day, tok, money(c)]
                for ts in r.task_sessions
                for src, sid, day, tok, c in ts.sessions
            ),
        ]
    return tables  # fmt: skip


def write_csv(r: Report, out: Path) -> list[Path]:
    """``out.zip``: one zip of tables; otherwise a folder ``out`` with one CSV per table.

    Every file is written whole or not at all, and replaces (never follows) a link already
    at its name. Text cells that a spreadsheet would run as a formula are quoted.
    """
    files: dict[str, str] = {}
    for name, rows in csv_tables(r).items():
        buf = io.StringIO()
        csv.writer(buf).writerows([csv_cell(cell) for cell in row] for row in rows)
        files[f"{name}.csv"] = buf.getvalue()
    if out.suffix == ".zip":
        # The zip is closed (written whole) before the temporary file is renamed into place.
        with output_path(out, require_content=True) as tmp, zipfile.ZipFile(tmp, "w") as z:
            for name, text in files.items():
                z.writestr(name, text, zipfile.ZIP_DEFLATED)
        return [out]
    if out.exists() and not out.is_dir():
        raise OutputError(f"cannot write {out}: it is a file, not a folder (name a .zip for one file)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from exc
    for name, text in files.items():
        _write(out / name, text, streams=False)  # a pipe planted in a shared folder is refused
    return [out / n for n in files]


def markdown(r: Report) -> str:
    """The report as Markdown; every text from tasks or logs is escaped (``md_text``), and only
    http(s) and mailto links are links."""
    t = r.totals
    lines = [f"# AI usage and outcomes, {md_text(r.period_label)}", ""]
    if r.author.line():
        lines += [md_text(r.author.line()), ""]
    if (device := r.device_line) is not None:
        lines += [f"*{md_text(device)}.*", ""]
    for h in r.headline():
        delta = f" ({h.delta})" if h.delta else ""
        lines.append(f"- **{h.value}** {md_text(h.label)}{delta}")
    lines += ["", md_text(r.narrative()), "", "## Most valuable outcomes", ""]
    for o in r.outcomes:
        impact = f": {md_text(o.impact)}" if o.impact else ""
        saved = f" ({o.hours_saved:g} h saved)" if o.hours_saved else ""
        lines.append(f"- **{md_text(o.title)}**{impact}{saved}")
    if not r.outcomes:
        lines.append("No completed task with an impact, hours saved or a merged pull request in this period.")
    lines += ["", "## Tasks", "", "| Task | Category | Completed | AI | Tokens | Cost | Impact | Links |",
              "|---|---|---|---|--:|--:|---|---|"]  # fmt: skip
    for row in r.task_rows():
        ai = "yes" if row["ai_assisted"] else ""
        links = ", ".join(md_link(link) for link in row["links"])
        lines.append(
            f"| {md_text(row['title'])} | {md_text(row['category'])} | {row['completed'] or ''} | {ai}"
            f" | {row['tokens']:,} | ${row['cost_usd']:,.2f} | {md_text(row['impact'])} | {links} |"
        )
    lines += ["", "## Spend by tool and model", "", "| | Tokens | Cost |", "|---|--:|--:|"]
    names = [(r.tool_row_name(k), v) for k, v in sorted(r.by_tool.items())]
    names += r.models_by_name()
    for name, v in names:
        lines.append(f"| {md_text(name)} | {v.total_tokens:,} | ${money(v.cost_usd):,.2f} |")
    if notes := r.spend_notes():
        lines += ["", *(f"- {md_text(n)}" for n in notes)]
    lines += ["", "## What the spend became", "", md_text(YIELD_HINT), "", "| | Tokens | Cost |", "|---|--:|--:|"]
    lines += [f"| {md_text(label)} | {tok:,} | {exact_usd(c)} |" for _, label, tok, c in yield_rows(r)]
    if r.options.audience == "detailed":
        lines += _markdown_detailed(r)
    f = r.figures
    lines += ["", "## Appendix: exact totals", "", "| | |", "|---|--:|"]
    for label, value in (
        ("Input tokens (not cached)", f"{t.input_tokens:,}"), ("Output tokens", f"{t.output_tokens:,}"),
        ("Cache write tokens", f"{t.cache_creation_tokens:,}"), ("Cache read tokens", f"{t.cache_read_tokens:,}"),
        ("Total tokens", f"{t.total_tokens:,}"), ("Cost", exact_usd(t.cost_usd)),
        ("Linked spend", f"{f.linked.tokens:,} tokens, {exact_usd(f.linked.cost_usd)}"),
        ("Not linked to any outcome", f"{f.not_linked.tokens:,} tokens, {exact_usd(f.not_linked.cost_usd)}"),
        ("Marked not work", f"{f.not_work.tokens:,} tokens, {exact_usd(f.not_work.cost_usd)}"),
        ("Tasks with linked spend", f"{f.tasks_with_spend}"),
        *tool_appendix(r),
    ):  # fmt: skip
        lines.append(f"| {label} | {value} |")
    m = methods(r)
    sources = md_text(", ".join(m["sources"])) or "none"
    lines += ["", "## Method", "", f"Sources: {sources}. Prices: {md_text(m['pricing'])}. "
              f"Times in {md_text(m['timezone'])}. {m['estimated']} {md_text(m['tool_costs'])}", ""]  # fmt: skip
    lines += [f"- {md_text(d)}" for d in m["definitions"].values()]
    lines.append("")
    if r.unpriced:
        lines.append(
            "Unpriced (tokens counted, cost unknown): "
            + ", ".join(f"{md_text(model_name(k))} ({v:,})" for k, v in r.unpriced.items())
        )
    if r.redactions:
        lines.append("Redacted: " + md_text(", ".join(r.redactions)) + ".")
    lines += ["", f"Fingerprint (SHA-256 of the report's rows): `{r.fingerprint}`", ""]
    return "\n".join(lines)


def tool_appendix(r: Report) -> list[tuple[str, str]]:
    """The appendix's exact lines for the tools' own estimates and the subscription-covered spend."""
    s = r.tool_spend
    est = s.tool_cost_usd
    rows = []
    if est is not None:
        rows.append(("Tools' own estimate", f"{exact_usd(est)} for {s.tool_requests:,} requests "
                                             f"(priced here {exact_usd(s.tool_priced_cost)})"))  # fmt: skip
    if s.subscription_requests:
        rows.append(("Covered by a subscription", f"{s.subscription_requests:,} requests, "
                                                   f"{exact_usd(s.subscription_cost)} API-equivalent"))  # fmt: skip
    return rows


def _markdown_detailed(r: Report) -> list[str]:
    lines = ["", "## By project", "", "| Project | Tokens | Cost |", "|---|--:|--:|"]
    lines += [f"| {md_text(k)} | {v.total_tokens:,} | {exact_usd(v.cost_usd)} |" for k, v in r.by_project.items()]
    lines += ["", "## By day", "", "| Day | Tokens | Cost |", "|---|--:|--:|"]
    lines += [f"| {d.isoformat()} | {v.total_tokens:,} | {exact_usd(v.cost_usd)} |" for d, v in r.by_day]
    lines += ["", "## Tasks and their sessions", ""]
    for ts in r.task_sessions:
        lines.append(f"- **{md_text(ts.title)}**")
        lines += [f"  - {md_text(r.tool_name(src))} {md_text(sid)} {day or ''}: {tok:,} tokens, {exact_usd(c)}"
                  for src, sid, day, tok, c in ts.sessions]  # fmt: skip
    if not r.task_sessions:
        lines.append("No task has linked sessions in this period.")
    return lines
