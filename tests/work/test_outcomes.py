"""Which tasks are one outcome: the ticket ranks first, then a GitHub issue or PR, then git."""

from __future__ import annotations

from tracker.store.tasks import LinkableTask
from tracker.work.outcomes import outcome_of
from tracker.work.ticket_keys import mentioned, own_key


def task(task_id: int, source: str, own: tuple[str, ...] = (), refs: tuple[str, ...] = ()) -> LinkableTask:
    return (task_id, "", "", "done", 0, 1, None, source, None, own, refs)


def test_a_git_pr_joins_the_github_pr_that_joins_the_jira_ticket() -> None:
    tasks = [
        task(1, "jira", own=("PROJ-1",)),
        task(2, "github", own=("#7",), refs=("PROJ-1",)),
        task(3, "git", refs=("#7",)),
        task(4, "git", refs=("UTF-8", "#99")),  # keys nobody owns link nothing
        task(5, "jira", own=("PROJ-2",), refs=("PROJ-1",)),  # tickets of one rank never chain
    ]
    assert outcome_of(tasks) == {1: None, 2: 1, 3: 1, 4: None, 5: None}


def test_keys_are_read_loosely_but_owned_strictly() -> None:
    assert mentioned("Fix #12 for proj-3", branch="eng-42-search") == (
        "ENG-42",
        "#12",
        "PROJ-3",
    )  # branch first, then in order
    assert mentioned(branch="123-fix-login") == ("#123",)
    assert mentioned("color #fff and &#39; entities") == ()
    assert own_key("jira", "proj-3") == "PROJ-3"
    assert own_key("jira", "Add cart@1780000000") is None
    assert own_key("github", "https://github.com/o/r/issues/34") == "o/r#34"
    assert own_key("git", "/src/r#pr7") is None
