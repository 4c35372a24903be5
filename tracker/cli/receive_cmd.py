"""``tokenworth receive``: the OTLP/HTTP receiver in the foreground, or what to set in each tool."""

from __future__ import annotations

import argparse
import time
from typing import Any

from tracker.cli.terminal import printable, say
from tracker.core.errors import UsageError
from tracker.services.context import Context


def register(sub: Any) -> None:
    from tracker.sources.otlp.setup_env import TOOL_IDS  # a constant tuple; the receiver loads on use

    p = sub.add_parser(
        "receive",
        help="receive usage over OpenTelemetry (OTLP/HTTP on 127.0.0.1) until stopped",
        description=(
            "Run the OTLP/HTTP receiver on 127.0.0.1 in the foreground (Ctrl+C stops it). Tools "
            "that export OpenTelemetry send their per-call usage to it; a call the tool's own logs "
            "here hold too counts once (matched call by call). --print-env prints what to set."
        ),
    )
    p.add_argument(
        "--port",
        type=int,
        metavar="N",
        help="listen on this port (default: the setting otlp.port, 4318; 0: any free port)",
    )
    p.add_argument("--print-env", action="store_true", help="print the environment lines each tool needs, then exit")
    p.add_argument("--tool", choices=TOOL_IDS, help="with --print-env: only this tool's lines")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.services.otlp_receiver import receiver_for, receiver_token

    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: a port is 1 to 65535 (0: any free one)")
    if args.tool and not args.print_env:
        raise UsageError("--tool goes with --print-env")
    if args.print_env:
        return print_env(ctx, args.port, args.tool, receiver_token(ctx.paths))
    receiver = receiver_for(ctx, args.port).start()
    line = f"receiving OpenTelemetry on {receiver.endpoint} (Ctrl+C stops)"
    print(printable(f"{line}; 'tokenworth receive --print-env' says what to set in each tool"), flush=True)
    try:
        while True:
            time.sleep(3600)  # Ctrl+C or SIGTERM (as KeyboardInterrupt) ends the wait
    finally:
        receiver.stop()  # what was received is written before the process ends
        s = receiver.stats
        say(
            f"received {s.requests:,} request(s), {s.records:,} record(s), {s.events:,} usage event(s)"
            f" ({s.in_logs:,} already in the tools' own logs)"
        )


def print_env(ctx: Context, port: int | None, tool: str | None, token: str) -> int:
    from tracker.core.settings_schema import OTLP_PORT
    from tracker.services.otlp_receiver import HOST
    from tracker.sources.otlp.local_logs import local_log_sources
    from tracker.sources.otlp.setup_env import env_text

    config = ctx.source_config()
    local = local_log_sources(ctx.home, ctx.env, config.enabled, config.extra_paths)
    endpoint = f"http://{HOST}:{port or ctx.settings.value(OTLP_PORT)}"
    print(env_text(tool, endpoint, token, local), end="")
    return 0
