"""A squash-merged PR keeps its branch (from the tracker's head branch or the squash message),
and ``#123`` is a number inside one repository: two repositories' ``#12`` are two outcomes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.gitrepo import GitRepo
from tests.work.sessions import claude_log
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.tasks import TaskRow, import_git, import_task_file, list_tasks
from tracker.store.tasks import LinkableTask
from tracker.work.outcomes import outcome_of
from tracker.work.ticket_keys import KeyIndex, own_key, remote_scope, scoped


def task(task_id: int, source: str, own: tuple[str, ...] = (), refs: tuple[str, ...] = ()) -> LinkableTask:
    return (task_id, "", "", "done", 0, 1, None, source, None, own, refs)


def test_numbers_are_scoped_by_repository() -> None:
    assert remote_scope("git@github.com:Acme/Shop.git") == "acme/shop"
    assert remote_scope("https://github.com/acme/shop") == "acme/shop"
    assert remote_scope("ssh://git@gitlab.example:2222/group/sub/api.git") == "group/sub/api"
    assert remote_scope("/srv/git/shop.git") == "" and remote_scope("") == ""
    assert own_key("github", "https://github.com/Acme/Shop/pull/12") == "acme/shop#12"
    assert own_key("github", "https://gitlab.example/group/api/-/issues/5") == "group/api#5"
    assert scoped(("#12", "PROJ-3"), "acme/shop") == ("acme/shop#12", "PROJ-3")
    tasks = [
        task(1, "github", own=("acme/one#12",)),
        task(2, "git", refs=("acme/one#12",)),
        task(3, "git", refs=("acme/two#12",)),  # another repository's 12: its own outcome
    ]
    assert outcome_of(tasks) == {1: None, 2: 1, 3: None}


def test_an_unscoped_number_matches_only_when_one_repository_uses_it() -> None:
    one = KeyIndex({"#12": 1}, ["acme/one#12"])
    assert one.get("acme/one#12") == 1  # a GitHub export without URLs, one repository
    two = KeyIndex({"#12": 1}, ["acme/one#12", "acme/two#12"])
    assert two.get("acme/one#12") is None and two.get("acme/two#12") is None  # which 12? neither
    legacy = KeyIndex({"acme/one#12": 7}, ["#12"])
    assert legacy.get("#12") == 7  # a key stored before numbers were scoped
    assert KeyIndex({"acme/one#12": 7, "acme/two#12": 8}, []).get("#12") is None


def _squashed(home: Path, name: str, remote: str, number: int, body: str = "") -> GitRepo:
    repo = GitRepo(home / "src" / name)
    repo.git("remote", "add", "origin", remote)
    repo.commit("feat: health check", "2026-06-01T08:00:00Z")
    repo.checkout("feature/rate-limit", new=True)
    repo.commit("Rate limiter", "2026-06-01T12:00:00Z", name="limit.txt")
    repo.checkout("main")
    repo.squash("feature/rate-limit", f"Rate limit the API (#{number})" + (f"\n\n{body}" if body else ""),
                "2026-06-02T17:00:00Z")  # fmt: skip
    return repo


def by_title(tasks: list[TaskRow]) -> dict[str, TaskRow]:
    return {t.title: t for t in tasks}


def test_a_squash_merge_is_linked_by_the_prs_head_branch_from_the_tracker(
    ctx: Context, home: Path, tmp_path: Path
) -> None:
    repo = _squashed(home, "shop", "git@github.com:acme/shop.git", 123)
    claude_log(home, "s1", str(repo.path), "feature/rate-limit", [("2026-06-01T11:00:00Z", 20_000, 1_000)])
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    with ctx.store() as store:
        import_git(ctx, store)
        squash = by_title(list_tasks(store, "UTC", {}))["Rate limit the API"]
        assert (squash.branch, squash.tokens) == ("", 0)  # the branch was lost in the squash: nothing linked
        export = tmp_path / "prs.json"
        export.write_text(json.dumps([{"number": 123, "title": "Rate limit the API", "state": "MERGED",
                                       "url": "https://github.com/acme/shop/pull/123",
                                       "headRefName": "feature/rate-limit", "mergedAt": "2026-06-02T17:00:05Z",
                                       "createdAt": "2026-06-01T10:00:00Z"}]))  # fmt: skip
        import_task_file(ctx, store, export, "github", None, 0)
        tasks = by_title(list_tasks(store, "UTC", {}))
        pr = tasks["Rate limit the API"]
        assert (pr.source, pr.tokens, len(pr.members)) == ("github", 21_000, 1)  # one outcome, all the session


def test_a_squash_message_that_names_its_branch_keeps_it(ctx: Context, home: Path) -> None:
    repo = _squashed(home, "api", "https://gitlab.example/group/api.git", 7,
                     body="Merge branch 'feature/rate-limit' into 'main'\n\nSee merge request group/api!7")  # fmt: skip
    claude_log(home, "s1", str(repo.path), "feature/rate-limit", [("2026-06-01T11:00:00Z", 5_000, 500)])
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    with ctx.store() as store:
        import_git(ctx, store)
        squash = by_title(list_tasks(store, "UTC", {}))["Rate limit the API"]
        assert (squash.branch, squash.tokens) == ("feature/rate-limit", 5_500)


def test_two_repositories_number_12_are_two_outcomes(ctx: Context, home: Path, tmp_path: Path) -> None:
    one = _squashed(home, "one", "git@github.com:acme/one.git", 12)
    two = _squashed(home, "two", "git@github.com:acme/two.git", 12)
    claude_log(home, "s1", str(one.path), "feature/rate-limit", [("2026-06-01T11:00:00Z", 1_000, 0)])
    claude_log(home, "s2", str(two.path), "feature/rate-limit", [("2026-06-01T11:00:00Z", 2_000, 0)])
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    export = tmp_path / "prs.json"
    export.write_text(json.dumps([{"number": 12, "title": "One's rate limit", "state": "MERGED",
                                   "url": "https://github.com/acme/one/pull/12", "headRefName": "feature/rate-limit",
                                   "mergedAt": "2026-06-02T17:00:05Z"}]))  # fmt: skip
    with ctx.store() as store:
        import_git(ctx, store)
        import_task_file(ctx, store, export, "github", None, 0)
        tasks = list_tasks(store, "UTC", {})
        rows = sorted((t.title, t.source, t.project.rsplit("/", 1)[-1], t.tokens) for t in tasks if t.tokens or
                      t.title != "feat: health check")  # fmt: skip
        assert rows == [("One's rate limit", "github", "one", 1_000), ("Rate limit the API", "git", "two", 0)]
