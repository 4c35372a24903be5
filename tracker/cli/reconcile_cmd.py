"""``tokenworth reconcile``: the provider's figures (imported exports) beside the local logs."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import Any

from tracker.cli.args import day
from tracker.cli.table import render_table
from tracker.cli.terminal import printable
from tracker.services.context import Context
from tracker.services.reconcile import ReconcileRow, Reconciliation, Side, reconcile


def register(sub: Any) -> None:
    p = sub.add_parser(
        "reconcile",
        help="bill vs logs: provider figures beside the local logs, per day and model",
        description=(
            "Per UTC day and model, what a provider reports (imported with 'tokenworth import FILE': "
            "Anthropic Console, OpenAI usage export, Copilot premium requests) beside what the local "
            "logs of the tools that bill through it say, with the difference. Provider figures are "
            "never added to the log totals."
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
    }


def render(rec: Reconciliation) -> str:
    if not rec.rows:
        return (
            "No provider figures for these days. Import a bill first: 'tokenworth import FILE' "
            "(Anthropic Console usage or cost CSV, OpenAI usage export, Copilot premium-request report)."
        )
    lines = ["Bill vs logs (UTC days)"]
    for provider, what in rec.mappings.items():
        lines.append(f"{provider} ↔ {what}")
    lines.append("")
    for unit in ("tokens", "requests"):
        rows = [r for r in rec.rows if r.unit == unit]
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
            tb, tl = sum(r.bill.tokens for r in rows), sum(r.logs.tokens for r in rows)
            cb, cl = sum((r.bill.cost for r in rows), Decimal(0)), sum((r.logs.cost for r in rows), Decimal(0))
            body.append(
                ["total", "", "", f"{tb:,}", f"{tl:,}", _signed(tb - tl), _money(cb), _money(cl), f"{cb - cl:+,.2f}"]
            )
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
