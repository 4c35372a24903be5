"""``tokenworth reconcile``: the provider's figures (imported exports, synced usage APIs) beside
the local logs; the Claude Code Analytics' day activity and Cursor's own-key requests said apart."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import Any

from tracker.cli.args import day
from tracker.cli.table import render_table
from tracker.cli.terminal import printable
from tracker.services.context import Context
from tracker.services.reconcile import CURSOR_NOTE, DayActivity, ReconcileRow, Reconciliation, Side, reconcile


def register(sub: Any) -> None:
    p = sub.add_parser(
        "reconcile",
        help="bill vs logs: provider figures beside the local logs, per day and model",
        description=(
            "Per UTC day and model, what a provider reports (imported with 'tokenworth import FILE': "
            "Anthropic Console, OpenAI usage export, Copilot premium requests; or synced with 'tokenworth "
            "sync': the usage APIs, Claude Code Analytics) beside what the local logs of the tools that bill "
            "through it say, with the difference. Cursor requests billed to your own provider key count "
            "with that provider. Provider figures are never added to the log totals."
        ),
    )
    p.add_argument("--since", type=day, metavar="DAY", help="first UTC day (YYYY-MM-DD, today, 7d …)")
    p.add_argument("--until", type=day, metavar="DAY", help="last UTC day (inclusive)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=handle)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _signed(value: int) -> str:
    return f"{value:+,}" if value else "0"


def _side_json(s: Side, unit: str) -> dict[str, Any]:
    out: dict[str, Any] = {"cost_usd": float(s.cost.quantize(Decimal("0.000001")))}
    if unit == "requests":
        out["requests"] = s.requests
    else:
        out |= {
            "input_tokens": s.input,
            "cache_creation_tokens": s.cache_write,
            "cache_read_tokens": s.cache_read,
            "output_tokens": s.output,
            "total_tokens": s.tokens,
        }
    return out


def to_json(rec: Reconciliation) -> dict[str, Any]:
    def row(r: ReconcileRow) -> dict[str, Any]:
        bill = _side_json(r.bill, r.unit) | {"cost_reported": r.bill.cost_known}
        if not r.compared:  # the whole organisation's: no logs side, no difference
            return {"day": r.day, "provider": r.provider, "model": r.model,
                    "provider_models": sorted(r.provider_models), "unit": r.unit, "compared": False, "bill": bill,
                    "logs": None, "difference": None}  # fmt: skip
        diff: dict[str, Any] = {"cost_usd": float(r.cost_difference.quantize(Decimal("0.000001")))}
        if r.unit == "requests":
            diff["requests"] = r.request_difference
        else:
            diff["total_tokens"] = r.token_difference
        return {
            "day": r.day,
            "provider": r.provider,
            "model": r.model,
            "provider_models": sorted(r.provider_models),
            "unit": r.unit,
            "compared": True,
            "bill": bill,
            "logs": _side_json(r.logs, r.unit) | {"sources": sorted(r.sources)},
            "difference": diff,
        }

    return {
        "since": rec.since.isoformat() if rec.since else None,
        "until": rec.until.isoformat() if rec.until else None,
        "mappings": rec.mappings,
        "rows": [row(r) for r in rec.rows],
        "explanations": list(rec.explanations),
        "unpriced_models": sorted(rec.unpriced),
        "claude_code_activity": [_activity_json(a) for a in rec.activity],
        "cursor": None
        if rec.cursor is None
        else {
            "own_key": {"requests": rec.cursor.own_key.requests, "total_tokens": rec.cursor.own_key.tokens},
            "cursor": {"requests": rec.cursor.cursor.requests, "total_tokens": rec.cursor.cursor.tokens},
            "note": CURSOR_NOTE,
        },
    }


def _activity_json(a: DayActivity) -> dict[str, Any]:
    return {"day": a.day, "account": a.account, "scope": a.scope, "actors": a.actors, "sessions": a.sessions,
            "lines_added": a.lines_added, "lines_removed": a.lines_removed, "commits": a.commits,
            "pull_requests": a.pull_requests}  # fmt: skip


def render(rec: Reconciliation) -> str:
    if not rec.rows:
        return (
            "No provider figures for these days. Import a bill first: 'tokenworth import FILE' "
            "(Anthropic Console usage or cost CSV, OpenAI usage export, Copilot premium-request report), "
            "or sync a usage-API key: 'tokenworth keys set NAME --provider …' then 'tokenworth sync'."
        )
    lines = ["Bill vs logs (UTC days)"]
    for provider, what in rec.mappings.items():
        lines.append(f"{provider} ↔ {what}")
    lines.append("")
    for unit in ("tokens", "requests"):
        rows = [r for r in rec.rows if r.unit == unit and r.compared]
        if not rows:
            continue
        if unit == "tokens":
            headers = [
                "day",
                "provider",
                "model",
                "bill tokens",
                "log tokens",
                "difference",
                "bill $",
                "log $",
                "difference $",
            ]
            body = [
                [r.day, r.provider, r.model, f"{r.bill.tokens:,}", f"{r.logs.tokens:,}", _signed(r.token_difference),
                 _money(r.bill.cost) + ("" if r.bill.cost_known else " list"), _money(r.logs.cost),
                 f"{r.cost_difference:+,.2f}"]
                for r in rows
            ]  # fmt: skip
            # One total per provider: the same logs stand beside several providers' figures (Claude
            # Code's beside the Anthropic bill and the analytics report), so one grand total would
            # count them twice.
            for provider in dict.fromkeys(r.provider for r in rows):
                mine = [r for r in rows if r.provider == provider]
                tb, tl = sum(r.bill.tokens for r in mine), sum(r.logs.tokens for r in mine)
                cb = sum((r.bill.cost for r in mine), Decimal(0))
                cl = sum((r.logs.cost for r in mine), Decimal(0))
                body.append(
                    ["total", provider, "", f"{tb:,}", f"{tl:,}", _signed(tb - tl), _money(cb), _money(cl),
                     f"{cb - cl:+,.2f}"]
                )  # fmt: skip
            lines.append(render_table(headers, body, right=(3, 4, 5, 6, 7, 8)))
        else:
            headers = ["day", "provider", "model", "premium requests", "logged calls", "difference", "billed $"]
            body = [
                [r.day, r.provider, r.model, f"{r.bill.requests:,}", f"{r.logs.requests:,}",
                 _signed(r.request_difference), _money(r.bill.cost) if r.bill.cost_known else "-"]
                for r in rows
            ]  # fmt: skip
            lines.append(render_table(headers, body, right=(3, 4, 5, 6)))
        lines.append("")
    org = [r for r in rec.rows if not r.compared]
    if org:
        lines.append("The whole organisation's Claude Code rows (not yours: not compared with your logs):")
        body = [[r.day, r.model, f"{r.bill.tokens:,}", _money(r.bill.cost)] for r in org]
        lines.append(render_table(["day", "model", "tokens", "estimated $"], body, right=(2, 3)))
        lines.append("")
    if rec.activity:
        lines.append("Claude Code activity (the analytics report's view of these days):")
        body = [[a.day, a.account, "you" if a.scope == "you" else f"organisation ({a.actors:,})", f"{a.sessions:,}",
                 f"+{a.lines_added:,} / -{a.lines_removed:,}", f"{a.commits:,}", f"{a.pull_requests:,}"]
                for a in rec.activity]  # fmt: skip
        headers = ["day", "key", "whose", "sessions", "lines", "commits", "PRs"]
        lines.append(render_table(headers, body, right=(3, 4, 5, 6)))
        lines.append("")
    if rec.cursor is not None:
        c = rec.cursor
        lines.append(f"Cursor on these days: {c.own_key.requests:,} request(s), {c.own_key.tokens:,} tokens billed to "
                     f"your own provider key; {c.cursor.requests:,} request(s), {c.cursor.tokens:,} tokens billed "
                     "by Cursor.")  # fmt: skip
        lines.append(CURSOR_NOTE)
        lines.append("")
    lines.append("Why they can differ:")
    lines.extend(f"- {e}" for e in rec.explanations)
    if rec.unpriced:
        lines.append(f"Not priced (no known price): {', '.join(sorted(rec.unpriced))}")
    return "\n".join(lines)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    rec = reconcile(ctx.reader(), args.since, args.until, ctx.price_overrides())
    if args.json:
        print(json.dumps(to_json(rec), indent=2, ensure_ascii=False))
    else:
        for line in render(rec).splitlines():
            print(printable(line))
    return 0
