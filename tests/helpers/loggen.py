"""Generator of realistic Claude Code and Codex CLI logs, for tests and benchmarks.

Deterministic for a seed. Shapes follow the tools' real files: streamed replies write one
line per content block with the same ids, resumed sessions copy earlier lines into a new
file, subagents write nested transcripts, Codex writes cumulative token totals, repeats
and limit-only snapshots. Content lines are padded with filler text to a realistic size.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

CLAUDE_MODELS = (
    "claude-sonnet-4-5-20250929",
    "claude-opus-4-1-20250805",
    "claude-haiku-4-5-20251001",
    "claude-opus-4-5-20251101",
)
CODEX_MODELS = ("gpt-5-codex", "gpt-5.1-codex-max", "gpt-5.1-codex-mini")
WORDS = [
    "the",
    "a",
    "token",
    "cache",
    "model",
    "request",
    "refactor",
    "test",
    "build",
    "deploy",
    "branch",
    "merge",
    "fix",
    "parser",
]


@dataclass
class Expected:
    """What the generator wrote, counted the way a correct importer must count it."""

    events: dict[str, tuple[str, int, int, int, int, int, int]] = field(default_factory=dict)

    def total_tokens(self) -> int:
        return sum(v[2] + v[3] + v[4] + v[5] for v in self.events.values())


def _j(obj: object) -> str:
    """Compact JSON with raw UTF-8, as the tools write it (JSON.stringify, serde_json)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _ts(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _filler(rng: random.Random, size: int) -> str:
    if size <= 0:
        return ""
    chunk = " ".join(rng.choice(WORDS) for _ in range(64))
    return (chunk * (size // len(chunk) + 1))[:size]


class LogWriter:
    def __init__(self, home: Path, seed: int = 1, content_bytes: int = 600) -> None:
        self.home = home
        self.rng = random.Random(seed)
        self.content_bytes = content_bytes
        self.expected = Expected()
        self._used = [0, 0]

    # ---- Claude Code -------------------------------------------------------------------
    def claude_session(
        self,
        start: datetime,
        *,
        project: str = "/home/dev/app",
        turns: int = 5,
        branch: str = "main",
        subagent: bool = False,
        resume_copy: bool = False,
    ) -> Path:
        rng = self.rng
        sid = str(uuid.UUID(int=rng.getrandbits(128)))
        folder = self.home / ".claude" / "projects" / project.replace("/", "-")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{sid}.jsonl"
        lines: list[str] = []
        t = start
        model = rng.choice(CLAUDE_MODELS)
        for turn in range(turns):
            t += timedelta(seconds=rng.randint(5, 900))
            base = {
                "sessionId": sid,
                "cwd": project,
                "gitBranch": branch,
                "version": "2.0.14",
                "userType": "external",
                "isSidechain": False,
            }
            lines.append(
                _j(
                    {
                        **base,
                        "type": "user",
                        "uuid": str(uuid.uuid4()),
                        "timestamp": _ts(t),
                        "message": {"role": "user", "content": _filler(rng, self.content_bytes)},
                    }
                )
            )
            lines.extend(self._claude_reply(base, t, model, big_prompt=(turn % 7 == 6)))
            if rng.random() < 0.2:
                lines.append(_j({"type": "summary", "summary": "Refactor", "leafUuid": str(uuid.uuid4())}))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if subagent:
            sub = folder / sid / "subagents" / f"agent-{rng.getrandbits(32):08x}.jsonl"
            sub.parent.mkdir(parents=True, exist_ok=True)
            base = {"sessionId": sid, "cwd": project, "gitBranch": branch, "isSidechain": True}
            sub_lines = self._claude_reply(
                base, t + timedelta(seconds=3), "claude-haiku-4-5-20251001", big_prompt=False
            )
            sub.write_text("\n".join(sub_lines) + "\n", encoding="utf-8")
        if resume_copy:
            # A resumed session starts a new file that repeats the earlier history.
            copy = folder / f"{uuid.UUID(int=rng.getrandbits(128))}.jsonl"
            more = self._claude_reply(
                {"sessionId": sid, "cwd": project, "gitBranch": branch},
                t + timedelta(minutes=30),
                model,
                big_prompt=False,
            )
            copy.write_text("\n".join(lines + more) + "\n", encoding="utf-8")
        return path

    def _claude_reply(self, base: dict, t: datetime, model: str, *, big_prompt: bool) -> list[str]:
        rng = self.rng
        msg_id = f"msg_{rng.getrandbits(96):024x}"
        req_id = f"req_{rng.getrandbits(96):024x}"
        inp = rng.randint(1, 40)
        cache_read = rng.randint(0, 120_000) if not big_prompt else rng.randint(190_000, 260_000)
        create_1h = rng.choice((0, 0, rng.randint(0, 4000)))
        create_5m = rng.randint(0, 9000)
        final_out = rng.randint(20, 3000)
        blocks = rng.randint(1, 3)
        out: list[str] = []
        for b in range(blocks):
            t += timedelta(milliseconds=rng.randint(200, 4000))
            # Early snapshots of a streamed reply report only part of the output.
            out_now = final_out if b == blocks - 1 else rng.randint(1, max(final_out // 4, 1))
            usage = {
                "input_tokens": inp,
                "cache_creation_input_tokens": create_5m + create_1h,
                "cache_read_input_tokens": cache_read,
                "cache_creation": {
                    "ephemeral_5m_input_tokens": create_5m,
                    "ephemeral_1h_input_tokens": create_1h,
                },
                "output_tokens": out_now,
                "service_tier": "standard",
            }
            content = [{"type": "text", "text": _filler(rng, self.content_bytes // 2)}]
            out.append(
                _j(
                    {
                        **base,
                        "type": "assistant",
                        "uuid": str(uuid.uuid4()),
                        "timestamp": _ts(t),
                        "requestId": req_id,
                        "message": {
                            "id": msg_id,
                            "type": "message",
                            "role": "assistant",
                            "model": model,
                            "content": content,
                            "stop_reason": None,
                            "usage": usage,
                        },
                    }
                )
            )
            if b == blocks - 1:
                key = f"cc:{msg_id}:{req_id}"
                self.expected.events[key] = (
                    model,
                    int(t.timestamp() * 1000),
                    inp,
                    final_out,
                    create_5m + create_1h,
                    cache_read,
                    0,
                )
        return out

    # ---- Codex CLI -----------------------------------------------------------------------
    def codex_session(
        self, start: datetime, *, project: str = "/home/dev/app", turns: int = 5, archived: bool = False
    ) -> Path:
        rng = self.rng
        sid = str(uuid.UUID(int=rng.getrandbits(128)))
        sub = "archived_sessions" if archived else f"sessions/{start:%Y/%m/%d}"
        folder = self.home / ".codex" / sub
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"rollout-{start:%Y-%m-%dT%H-%M-%S}-{sid}.jsonl"
        t = start
        lines = [
            _j(
                {
                    "timestamp": _ts(t),
                    "type": "session_meta",
                    "payload": {
                        "id": sid,
                        "timestamp": _ts(t),
                        "cwd": project,
                        "originator": "codex_cli_rs",
                        "cli_version": "0.58.0",
                        "instructions": None,
                        "git": {"branch": "main", "commit_hash": "abc"},
                    },
                }
            )
        ]
        totals = [0, 0, 0, 0]
        model = rng.choice(CODEX_MODELS)
        for turn in range(turns):
            if turn and turn % 3 == 0:
                model = rng.choice(CODEX_MODELS)  # a user may switch models mid-session
            t += timedelta(seconds=rng.randint(5, 600))
            lines.append(
                _j(
                    {
                        "timestamp": _ts(t),
                        "type": "turn_context",
                        "payload": {
                            "cwd": project,
                            "approval_policy": "on-request",
                            "model": model,
                            "effort": "medium",
                        },
                    }
                )
            )
            lines.append(
                _j(
                    {
                        "timestamp": _ts(t),
                        "type": "response_item",
                        "payload": {
                            "type": "message",
                            "role": "user",
                            "content": [{"type": "input_text", "text": _filler(rng, self.content_bytes)}],
                        },
                    }
                )
            )
            if rng.random() < 0.3:
                lines.append(
                    _j(
                        {
                            "timestamp": _ts(t),
                            "type": "event_msg",
                            "payload": {"type": "token_count", "info": None, "rate_limits": self._limits(t)},
                        }
                    )
                )
            for _ in range(rng.randint(1, 3)):
                t += timedelta(seconds=rng.randint(1, 60))
                d_in = rng.randint(2000, 60_000)
                d_cached = rng.randint(0, d_in)
                d_out = rng.randint(10, 4000)
                d_reason = rng.randint(0, d_out)
                last = {
                    "input_tokens": d_in,
                    "cached_input_tokens": d_cached,
                    "output_tokens": d_out,
                    "reasoning_output_tokens": d_reason,
                    "total_tokens": d_in + d_out,
                }
                totals = [totals[0] + d_in, totals[1] + d_cached, totals[2] + d_out, totals[3] + d_reason]
                total = {
                    "input_tokens": totals[0],
                    "cached_input_tokens": totals[1],
                    "output_tokens": totals[2],
                    "reasoning_output_tokens": totals[3],
                    "total_tokens": totals[0] + totals[2],
                }
                lines.append(
                    _j(
                        {
                            "timestamp": _ts(t),
                            "type": "response_item",
                            "payload": {
                                "type": "message",
                                "role": "assistant",
                                "content": [{"type": "output_text", "text": _filler(rng, self.content_bytes // 2)}],
                            },
                        }
                    )
                )
                event = {
                    "timestamp": _ts(t),
                    "type": "event_msg",
                    "payload": {
                        "type": "token_count",
                        "info": {
                            "total_token_usage": total,
                            "last_token_usage": last,
                            "model_context_window": 272000,
                        },
                        "rate_limits": self._limits(t),
                    },
                }
                lines.append(_j(event))
                if rng.random() < 0.3:  # the CLI repeats an unchanged snapshot now and then
                    lines.append(_j(event))
                key = f"cx:{sid}:{':'.join(map(str, totals))}"
                self.expected.events[key] = (
                    model,
                    int(t.timestamp() * 1000),
                    d_in - d_cached,
                    d_out,
                    0,
                    d_cached,
                    d_reason,
                )
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def _limits(self, t: datetime) -> dict:
        # Used percentages creep up in whole steps and reset with the window, as in real logs.
        rng = self.rng
        if rng.random() < 0.25:
            self._used[0] = (self._used[0] + 1) % 100
        if rng.random() < 0.05:
            self._used[1] = (self._used[1] + 1) % 100
        epoch = int(t.timestamp())
        return {
            "primary": {
                "used_percent": float(self._used[0]),
                "window_minutes": 300,
                "resets_at": epoch - epoch % 18000 + 18000,
            },
            "secondary": {
                "used_percent": float(self._used[1]),
                "window_minutes": 10080,
                "resets_at": epoch - epoch % 604800 + 604800,
            },
        }


def generate(
    home: Path,
    *,
    seed: int = 1,
    days: int = 10,
    sessions_per_day: int = 3,
    turns: int = 6,
    content_bytes: int = 600,
    start: datetime = datetime(2026, 3, 25, 21, 0, tzinfo=UTC),
) -> Expected:
    """A mixed corpus over ``days`` days; spans a DST change in Europe and America by default."""
    w = LogWriter(home, seed, content_bytes)
    rng = w.rng
    for day in range(days):
        for n in range(sessions_per_day):
            # Start late in the UTC day so sessions cross midnight in many zones.
            when = start + timedelta(days=day, hours=rng.randint(-6, 4), minutes=rng.randint(0, 59))
            project = rng.choice(("/home/dev/app", "/home/dev/api", "/home/dev/Ünïcode proj"))
            w.claude_session(
                when, project=project, turns=turns, subagent=(n == 0), resume_copy=(day % 4 == 1 and n == 1)
            )
            w.codex_session(
                when + timedelta(minutes=7), project=project, turns=turns, archived=(day % 5 == 2 and n == 0)
            )
    return w.expected
