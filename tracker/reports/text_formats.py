"""The report as JSON, CSV tables (a folder or a zip) and Markdown."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from tracker.core.errors import OutputError
from tracker.reports.escaping import csv_cell, md_link, md_text
from tracker.reports.output import output_path
from tracker.services.report import Report
from tracker.services.usage import money, totals_json


def report_json(r: Report) -> dict[str, Any]:
    o = r.options
    return {
        "period": {"since": o.since.isoformat(), "until": o.until.isoformat(), "timezone": o.timezone},
        "generated_at": r.generated_at.isoformat(timespec="seconds"),
        "audience": o.audience,
        "totals": r.totals_json(),
        "by_tool": {k: totals_json(v) for k, v in sorted(r.by_tool.items())},
        "by_model": {k: totals_json(v) for k, v in sorted(r.by_model.items())},
        "outcomes": [t for t in r.task_rows() if t["id"] in {x.id for x in r.outcomes}],
        "tasks": r.task_rows(),
        "weeks": [
            {"week": w, "tokens": tok, "tasks_completed": n, "cost_usd": money(c)} for w, tok, n, c in r.work.weeks
        ],
        "methods": methods(r),
        "fingerprint": r.fingerprint,
    }


def methods(r: Report) -> dict[str, Any]:
    return {
        "sources": r.sources,
        "pricing": r.price_source,
        "timezone": r.options.timezone,
        "unpriced_models": dict(r.unpriced),
        "estimated": "Hours saved and impact are the user's own estimates; tokens of a session that served "
        "several tasks are split between them by link confidence.",
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
    totals = r.totals_json()
    tasks = r.task_rows()
    task_fields = ["id", "title", "category", "status", "completed", "ai_assisted", "tokens", "cost_usd",
                   "hours_saved", "impact", "links"]  # fmt: skip
    return {
        "summary": [["field", "value"], *([k, v] for k, v in totals.items())],
        "tasks": [task_fields, *([("; ".join(t[f]) if f == "links" else t[f]) for f in task_fields] for t in tasks)],
        "by_model": [["model", *usage_fields], *([m, *(totals_json(v)[f] for f in usage_fields)]
                                                for m, v in sorted(r.by_model.items()))],
        "by_tool": [["tool", *usage_fields], *([m, *(totals_json(v)[f] for f in usage_fields)]
                                              for m, v in sorted(r.by_tool.items()))],
        "weeks": [["week", "tokens", "tasks_completed", "cost_usd"],
                  *([w, tok, n, money(c)] for w, tok, n, c in r.work.weeks)],
    }  # fmt: skip


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
    lines = [
        f"# AI usage and outcomes, {md_text(r.period_label)}",
        "",
        f"- **Tasks completed:** {r.tasks_completed}",
        f"- **Hours saved (estimated):** {r.hours_saved:g}",
        f"- **Tokens:** {t.total_tokens:,}",
        f"- **Cost:** ${money(t.cost_usd):,.2f}",
        "- **Cost per task:** " + (f"${money(r.cost_per_task):,.2f}" if r.cost_per_task is not None else "—"),
        f"- **Tokens linked to outcomes:** {100 * r.work.linked_share:.0f}%",
        f"- **Active days per week:** {r.active_days_per_week:.1f}"
        + (f" (target {r.weekly_target})" if r.weekly_target else ""),
        "",
        "## Outcomes",
        "",
    ]
    for o in r.outcomes:
        impact = f": {md_text(o.impact)}" if o.impact else ""
        saved = f" ({o.hours_saved:g} h saved)" if o.hours_saved else ""
        lines.append(f"- **{md_text(o.title)}**{impact}{saved}")
    if not r.outcomes:
        lines.append("No completed tasks in this period.")
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
    for name, v in [*sorted(r.by_tool.items()), *sorted(r.by_model.items())]:
        lines.append(f"| {md_text(name)} | {v.total_tokens:,} | ${money(v.cost_usd):,.2f} |")
    m = methods(r)
    sources = md_text(", ".join(m["sources"])) or "none"
    lines += ["", "## Method", "", f"Sources: {sources}. Prices: {md_text(m['pricing'])}. "
              f"Times in {md_text(m['timezone'])}. {m['estimated']}"]  # fmt: skip
    if r.unpriced:
        lines.append(
            "Unpriced (tokens counted, cost unknown): "
            + ", ".join(f"{md_text(k)} ({v:,})" for k, v in r.unpriced.items())
        )
    if r.redactions:
        lines.append("Redacted: " + md_text(", ".join(r.redactions)) + ".")
    lines += ["", f"Fingerprint (SHA-256 of the report's rows): `{r.fingerprint}`", ""]
    return "\n".join(lines)
