"""Over random repositories and sessions: every token is attributed to tasks or left unlinked,
never lost and never counted twice."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.analytics.task_metrics import task_usage
from tracker.work.linking import SessionSpan, TaskSpan, serve_parts

H = 3_600_000
REPOS = ("/src/a", "/src/b")
BRANCHES = ("", "main", "feature/x", "fix/y", "dev/proj-1-z", "HEAD")


Parts = list[tuple[SessionSpan, int]]


@st.composite
def world(draw: st.DrawFn) -> tuple[dict[str, dict[str, list[TaskSpan]]], dict[str, int], list[tuple[Parts, int]]]:
    lines: dict[str, dict[str, list[TaskSpan]]] = {}
    n = 0
    for repo in REPOS:
        for line in ("", "feature/x", "fix/y"):
            done = sorted(draw(st.lists(st.integers(0, 200), max_size=4)))
            spans = []
            for d in done:
                n += 1
                first = d * H - draw(st.integers(0, 72)) * H
                outcome = draw(st.sampled_from([n, 1])) if n > 1 else n  # some tasks are one outcome with task 1
                spans.append(TaskSpan(n, repo, line, first, d * H, outcome))
            if spans:
                lines.setdefault(repo, {})[line] = spans
    owners = {"PROJ-1": 999} if draw(st.booleans()) else {}
    sessions = []
    for i in range(draw(st.integers(0, 12))):
        parts = []
        for _ in range(draw(st.integers(1, 3))):  # a session may switch folder or branch
            start = draw(st.integers(-10, 210)) * H
            span = SessionSpan(
                "claude-code",
                f"s{i}",
                draw(st.sampled_from([*REPOS, "/src/a/sub", "/elsewhere"])),
                draw(st.sampled_from(BRANCHES)),
                start,
                start + draw(st.integers(0, 30)) * H,
            )
            parts.append((span, draw(st.integers(0, 10**6))))
        sessions.append((parts, sum(t for _, t in parts)))
    return lines, owners, sessions


@settings(max_examples=200, deadline=None)
@given(world())
def test_tokens_to_tasks_plus_unlinked_equal_all_tokens(w) -> None:
    lines, owners, sessions = w
    links = []
    unlinked = 0
    for parts, _tokens in sessions:
        span = parts[0][0]
        served = serve_parts(parts, lines, owners)
        assert len({s.task_id for s in served}) == len(served)  # one link per outcome
        if served:
            assert abs(sum(s.share for s in served) - 1) < 1e-5
        links += [(span.source, span.session_id, s.task_id, s.share) for s in served]
    usage = {(p[0][0].source, p[0][0].session_id): (t, Decimal(t) / 1000) for p, t in sessions}
    per_task = task_usage(links, usage)
    linked_keys = {(s, i) for s, i, _, _ in links}
    unlinked = sum(t for p, t in sessions if (p[0][0].source, p[0][0].session_id) not in linked_keys)
    assert sum(u.tokens for u in per_task.values()) + unlinked == sum(t for _, t in sessions)
    cost = sum((u.cost_usd for u in per_task.values()), Decimal(0)) + Decimal(unlinked) / 1000
    assert abs(cost - sum((Decimal(t) / 1000 for _, t in sessions), Decimal(0))) < Decimal("1e-20")  # Decimal division
