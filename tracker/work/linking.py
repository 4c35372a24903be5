"""Linking sessions to the tasks they served: by branch, by ticket key and by time, exclusively.

- A session on a feature branch serves the task(s) of that branch only; while the branch has
  no task yet (not merged) it stays unlinked: its work has not landed.
- A session on the main branch serves the next task completed there after it.
- A session whose tool does not record the branch is matched against every line of the repository.
- A ticket key in the session's branch name (``feature/PROJ-12-…``) links it to the imported
  tracker task with that key (``#12`` only to the ``#12`` of the session's own repository).
- A squash-merged PR loses its branch: its commit on main is put on the PR's head branch when
  the same outcome's PR (a GitHub export's ``headRefName``) names it, so the branch's sessions
  still serve it.
- Each task owns the time from the previous task of its line (but no more than a lead time
  before its first commit) to its completion. A session that overlaps several tasks' times
  is split by that overlap (``share``), not evenly.

Links go to the task that stands for the outcome (``outcome_of``: a ticket rather than its PR).
Automatic links carry a confidence; a manual link or unlink is kept with ``manual = 1`` and
always wins: a session the user linked by hand gets no automatic link, and a task the user
unlinked a session from is never chosen for it again.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tracker.store.changes import Changes
from tracker.store.links import AutoLink
from tracker.store.store import Store
from tracker.store.tasks import LinkableTask
from tracker.work.git_log import repo_scope
from tracker.work.ticket_keys import KeyIndex, mentioned, scoped

MAIN = ""  # the line of a repository's main branch
MAIN_NAMES = frozenset({"main", "master", "trunk", "develop", "development", "default", "mainline"})
LEAD_MAIN_MS = 48 * 3_600_000  # work on main is committed within two days ...
LEAD_BRANCH_MS = 14 * 24 * 3_600_000  # ... a branch may be worked on for two weeks before its first commit
MIN_CONFIDENCE = 0.5
KEY_CONFIDENCE = 0.95


@dataclass(frozen=True)
class SessionSpan:
    source: str
    session_id: str
    project: str
    branch: str
    first_ms: int
    last_ms: int


@dataclass(frozen=True)
class TaskSpan:
    """A done task of a repository: the time its work could have happened in, on its line."""

    id: int
    repo: str
    line: str
    first_ms: int  # earliest evidence of the work: its first commit (or its completion)
    done_ms: int
    outcome: int  # the task that stands for the outcome (itself, or the ticket it did)


@dataclass(frozen=True)
class Served:
    task_id: int
    confidence: float
    share: float


def task_line(branch: str) -> str:
    return MAIN if not branch or branch in MAIN_NAMES or branch == "HEAD" else branch


def session_line(branch: str) -> str | None:
    """The line a session worked on; None when its tool did not record the branch."""
    return None if not branch or branch == "HEAD" else task_line(branch)


def under(project: str, repo: str) -> bool:
    return bool(repo) and (project == repo or project.startswith(repo.rstrip("/") + "/"))


def outcome_ids(tasks: Iterable[LinkableTask]) -> dict[int, int]:
    """Task id -> the id of the task that stands for its outcome."""
    return {t[0]: t[6] if t[6] is not None else t[0] for t in tasks}


def head_branches(tasks: Iterable[LinkableTask]) -> dict[int, str]:
    """Outcome -> the head branch its pull request was merged from, where a task of that
    outcome (a GitHub export's PR) knows it: what a squash merge on main was made from."""
    rows = list(tasks)
    outcome = outcome_ids(rows)
    out: dict[int, str] = {}
    for t in rows:
        if t[7] != "git" and task_line(t[2]) != MAIN:
            out.setdefault(outcome[t[0]], t[2])
    return out


def repo_lines(tasks: Iterable[LinkableTask]) -> dict[str, dict[str, list[TaskSpan]]]:
    """Done tasks with a repository, by repository and line, in order of completion. A git
    task on main that is the same outcome as a PR with a known head branch is on that branch."""
    rows = list(tasks)
    outcome = outcome_ids(rows)
    heads = head_branches(rows)
    out: dict[str, dict[str, list[TaskSpan]]] = defaultdict(lambda: defaultdict(list))
    for task_id, repo, branch, status, _created, done, _of, _src, first_commit, _own, _refs in rows:
        if not repo or status != "done" or done is None:
            continue
        first = min(first_commit, done) if first_commit is not None else done
        line = task_line(branch) or task_line(heads.get(outcome[task_id], ""))
        out[repo][line].append(TaskSpan(task_id, repo, line, first, done, outcome[task_id]))
    for lines in out.values():
        for spans in lines.values():
            spans.sort(key=lambda t: (t.done_ms, t.id))
    return out


def _overlap(span: SessionSpan, lo: int, hi: int) -> int:
    """Milliseconds of the session inside ``(lo, hi]``; a one-request session counts as 1 ms."""
    return max(0, min(span.last_ms + 1, hi + 1) - max(span.first_ms, lo + 1))


def by_time(
    span: SessionSpan, lines: Mapping[str, list[TaskSpan]], excluded: frozenset[int] = frozenset()
) -> list[Served]:
    """The tasks of one repository a session served, with confidence and share of its time."""
    line = session_line(span.branch)
    if line is None:
        chosen, base = list(lines.items()), 0.55
    elif line in lines:
        chosen, base = [(line, lines[line])], (0.7 if line == MAIN else 0.9)
    else:
        return []  # a branch with no task yet: its work has not landed
    found: dict[int, tuple[float, int]] = {}
    for name, spans in chosen:
        lead = LEAD_MAIN_MS if name == MAIN else LEAD_BRANCH_MS
        # Tasks done before the session started cannot own any of it; nor can those after a
        # task done after it ended: start and stop there (linking stays cheap with many tasks).
        k = bisect_left(spans, span.first_ms, key=lambda t: t.done_ms)
        previous = spans[k - 1].done_ms if k else -(2**62)
        for t in spans[k:]:
            if previous > span.last_ms:
                break
            lo, previous = max(previous, t.first_ms - lead), t.done_ms
            if t.outcome in excluded or t.id in excluded:
                continue
            overlap = _overlap(span, lo, t.done_ms)
            if overlap <= 0:
                continue
            gap = max(0, t.done_ms - span.last_ms)
            confidence = base + 0.1 * (1 - min(gap, lead) / lead)
            old_confidence, old_overlap = found.get(t.outcome, (0.0, 0))
            found[t.outcome] = (max(confidence, old_confidence), old_overlap + overlap)
    total = sum(o for _, o in found.values())
    return [
        Served(task_id, round(min(c, 1.0), 3), round(o / total, 6))
        for task_id, (c, o) in sorted(found.items())
        if c >= MIN_CONFIDENCE
    ]


Owners = Mapping[str, int] | KeyIndex[int]


def _index(owners: Owners) -> KeyIndex[int]:
    return owners if isinstance(owners, KeyIndex) else KeyIndex(owners, ())


def by_key(span: SessionSpan, owners: Owners, excluded: frozenset[int] = frozenset(), scope: str = "") -> list[Served]:
    """Tracker tasks named by a ticket key in the session's branch, each an equal share;
    ``scope``: the session's repository's (``#12`` names that repository's 12 only)."""
    index = _index(owners)
    keys = scoped(mentioned(branch=span.branch), scope)
    targets = list(dict.fromkeys(o for k in keys if (o := index.get(k)) is not None))
    targets = [t for t in targets if t not in excluded]
    return [Served(t, KEY_CONFIDENCE, round(1 / len(targets), 6)) for t in targets]


def key_owners(tasks: Iterable[LinkableTask]) -> KeyIndex[int]:
    """Ticket key -> the outcome of the tracker task known by it."""
    rows = list(tasks)
    outcome = outcome_ids(rows)
    owners: dict[str, int] = {}
    for t in rows:
        for key in t[9]:
            owners.setdefault(key, outcome[t[0]])
    return KeyIndex(owners, (k for t in rows for k in t[10]))


def serve(
    span: SessionSpan,
    lines: Mapping[str, Mapping[str, list[TaskSpan]]],
    owners: Owners,
    excluded: frozenset[int] = frozenset(),
    scopes: Mapping[str, str] | None = None,
) -> list[Served]:
    """What one session served: by ticket key when its branch names one, else by repository
    and time. ``scopes``: each repository's scope for ``#123`` (``git_log.repo_scope``)."""
    repos = [repo for repo in lines if under(span.project, repo)]
    innermost = max(repos, key=len) if repos else ""  # a repository nested inside another is the one worked in
    scope = (scopes or {}).get(innermost, innermost)
    if found := by_key(span, owners, excluded, scope):
        return found
    return by_time(span, lines[innermost], excluded) if innermost else []


def session_spans(store: Store) -> list[SessionSpan]:
    return [SessionSpan(*row) for row in store.usage.session_spans()]


def session_parts(store: Store) -> dict[tuple[str, str], list[tuple[SessionSpan, int]]]:
    """Each session as its parts per folder and branch, with their tokens: a session that
    worked on ``feature/x`` and then on ``main`` is evidence for both lines, by its tokens."""
    out: dict[tuple[str, str], list[tuple[SessionSpan, int]]] = defaultdict(list)
    for source, session_id, project, branch, first, last, tokens in store.links.evidence():
        out[(source, session_id)].append((SessionSpan(source, session_id, project, branch, first, last), int(tokens)))
    return out


def serve_parts(
    parts: list[tuple[SessionSpan, int]],
    lines: Mapping[str, Mapping[str, list[TaskSpan]]],
    owners: Owners,
    excluded: frozenset[int] = frozenset(),
    scopes: Mapping[str, str] | None = None,
) -> list[Served]:
    """What a session served, its parts weighted by their tokens; parts that served nothing
    give their weight to those that did (a session's tokens all go to its tasks, or none)."""
    if len(parts) == 1:
        return serve(parts[0][0], lines, owners, excluded, scopes)
    weights = [tokens for _, tokens in parts] if any(tokens for _, tokens in parts) else [1] * len(parts)
    found: dict[int, tuple[float, float]] = {}
    for (span, _), weight in zip(parts, weights, strict=True):
        for s in serve(span, lines, owners, excluded, scopes):
            confidence, share = found.get(s.task_id, (0.0, 0.0))
            found[s.task_id] = (max(confidence, s.confidence), share + weight * s.share)
    shares = sum(share for _, share in found.values())
    if shares <= 0:
        return []
    return [Served(t, c, round(share / shares, 6)) for t, (c, share) in sorted(found.items()) if share > 0]


def auto_link(store: Store) -> Changes:
    """Recompute automatic links; returns what changed (``links``: how many moved)."""
    tasks = store.tasks.linkable()
    lines, owners = repo_lines(tasks), key_owners(tasks)
    scopes = {repo: repo_scope(Path(repo)) for repo in lines}
    by_hand: set[tuple[str, str]] = set()
    unlinked: dict[tuple[str, str], set[int]] = defaultdict(set)
    for source, session_id, task_id, _confidence, manual, removed in store.links.states():
        if manual and removed:
            unlinked[(source, session_id)].add(task_id)
        elif manual:
            by_hand.add((source, session_id))
    links: list[AutoLink] = []
    for key, parts in session_parts(store).items():
        if key in by_hand:
            continue  # the user decided what this session served
        for s in serve_parts(parts, lines, owners, frozenset(unlinked.get(key, ())), scopes):
            links.append((key[0], key[1], s.task_id, s.confidence, s.share))
    return store.links.replace_automatic(links)
