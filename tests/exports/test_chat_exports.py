"""ChatGPT and Claude.ai exports: estimated tokens, by the stated method, kept apart and text-free."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime

import pytest

from tracker.sources.exports.chat_estimate import FRAMING_PER_MESSAGE as F
from tracker.sources.exports.chat_estimate import FRAMING_PER_REPLY as R
from tracker.sources.exports.chat_estimate import count, encoding_for
from tracker.sources.exports.chat_exports import CHATGPT, CLAUDE_AI
from tracker.store.store import Store

T0 = datetime(2025, 11, 30, 9, 0, tzinfo=UTC).timestamp()


def o(text: str) -> int:
    return count(text, "o200k_base")


def c(text: str) -> int:
    return count(text, "cl100k_base")


def node(nid, parent, children, role=None, text=None, t=0.0, model=None, content=None):
    message = None
    if role is not None:
        message = {
            "id": nid, "author": {"role": role, "name": None, "metadata": {}}, "create_time": T0 + t,
            "content": content or {"content_type": "text", "parts": [text]}, "status": "finished_successfully",
            "metadata": {"model_slug": model} if model else {}, "recipient": "all",
        }  # fmt: skip
    return {"id": nid, "message": message, "parent": parent, "children": children}


def gpt_conversation(cid="c1"):
    """The research's minimal conversation, with a regenerated reply (a sibling branch)."""
    thoughts = {"content_type": "thoughts", "thoughts": [{"summary": "Considering date formats", "content": "…"}]}
    return {
        "id": cid, "conversation_id": cid, "title": "Regex help (a title is never stored)",
        "create_time": T0, "update_time": T0 + 60, "current_node": "n3", "default_model_slug": "gpt-5",
        "mapping": {
            "n0": node("n0", None, ["n1"]),
            "n1": node("n1", "n0", ["n2", "n4"], "user", "match ISO dates", 1),
            "n2": node("n2", "n1", ["n3"], "assistant", t=5, model="gpt-5-thinking", content=thoughts),
            "n3": node("n3", "n2", [], "assistant", "Use \\d{4}-\\d{2}-\\d{2} for that.", 10, "gpt-5-thinking"),
            "n4": node("n4", "n1", [], "assistant", "A regenerated answer.", 20, "gpt-5-thinking"),
        },
    }  # fmt: skip


def test_tokenizer_is_offline_and_counts_known_strings():
    assert c("hello world") == 2
    assert o("hello world") == 2
    assert encoding_for("gpt-4o") == encoding_for("gpt-5-thinking") == "o200k_base"
    assert encoding_for("gpt-4") == encoding_for("text-davinci-002-render-sha") == "cl100k_base"
    assert encoding_for("claude (model not in export)") == "cl100k_base"


def test_chatgpt_every_reply_is_a_request_with_its_branch_above_it(tmp_path):
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([gpt_conversation()]))
    assert CHATGPT.recognises(path, path.read_bytes()[:65536])
    assert not CLAUDE_AI.recognises(path, path.read_bytes()[:65536])
    read = CHATGPT.read(path)
    assert read.error is None and read.skipped_count == 0 and read.rows_read == 1
    (row,) = read.provider_rows
    user = o("match ISO dates") + F
    thought = o("Considering date formats\n…")
    answer, again = o("Use \\d{4}-\\d{2}-\\d{2} for that."), o("A regenerated answer.")
    assert (row.provider, row.origin, row.model, row.day, row.requests) == (
        "chatgpt",
        "estimate",
        "gpt-5-thinking",
        "2025-11-30",
        3,
    )
    # n2 sees the question; n3 sees the question and n2; the regenerated n4 sees the question only
    assert row.input_tokens == (user + R) + (user + thought + F + R) + (user + R)
    assert row.output_tokens == thought + answer + again
    assert row.cache_read_tokens == row.cache_creation_tokens == 0 and row.cost_micro is None
    assert row.ts_ms == int((T0 + 5) * 1000)
    assert "o200k_base" in row.detail
    assert "lower bound" in read.notes[0] and "3 replies in 1 conversations" in read.notes[0]


def test_chatgpt_zip_a_bad_conversation_is_skipped_and_the_rest_read(tmp_path):
    bad = {"id": "c2", "mapping": "not a tree"}
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("chat.html", "<html></html>")
        f.writestr("conversations.json", json.dumps([gpt_conversation(), bad, gpt_conversation("c3")]))
    assert CHATGPT.recognises(z, z.read_bytes()[:65536])
    read = CHATGPT.read(z)
    assert read.skipped_count == 1 and read.skipped[0].line_no == 2 and "conversation 2" in read.skipped[0].reason
    assert len(read.provider_rows) == 2 and read.rows_read == 3


@pytest.mark.parametrize(
    ("content", "why"),
    [(b'[{"mapping": {', "not a readable"), (b"PK\x03\x04garbage", "not a readable")],
)
def test_a_truncated_or_broken_file_is_one_clear_error(tmp_path, content, why):
    path = tmp_path / "conversations.json"
    path.write_bytes(content)
    read = CHATGPT.read(path)
    assert read.error is not None and why in read.error and read.provider_rows == []


def test_an_unrelated_json_array_is_not_taken_for_an_export(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps([{"timestamp": 1, "tokens": 2}]))
    head = path.read_bytes()
    assert not CHATGPT.recognises(path, head) and not CLAUDE_AI.recognises(path, head)


def claude_conversation(branched: bool):
    def msg(uuid, sender, text, minute, parent=None, attachment=None):
        m = {"uuid": uuid, "sender": sender, "text": text, "content": [{"type": "text", "text": text}],
             "created_at": f"2025-11-30T10:{minute:02d}:00Z", "attachments": [], "files": []}  # fmt: skip
        if attachment:
            m["attachments"] = [{"file_name": "a.txt", "extracted_content": attachment}]
        if branched:
            m["parent_message_uuid"] = parent
        return m

    return {
        "uuid": "k1", "name": "never stored", "created_at": "2025-11-30T10:00:00Z", "account": {"uuid": "acc"},
        "chat_messages": [
            msg("m1", "human", "Summarise this file", 0, None, attachment="alpha beta gamma"),
            msg("m2", "assistant", "It lists three letters.", 1, "m1"),
            msg("m3", "human", "Shorter?", 2, "m2"),
            msg("m4", "assistant", "Three letters.", 3, "m3"),
        ],
    }  # fmt: skip


@pytest.mark.parametrize("branched", [False, True])
def test_claude_ai_linear_and_branched_exports_read_alike(tmp_path, branched):
    z = tmp_path / "data-2025-12-01.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("users.json", "[]")
        f.writestr("conversations.json", json.dumps([claude_conversation(branched)]))
    head = z.read_bytes()[:65536]
    assert CLAUDE_AI.recognises(z, head) and not CHATGPT.recognises(z, head)
    (row,) = CLAUDE_AI.read(z).provider_rows
    q1 = c("Summarise this file\nalpha beta gamma") + F  # the attachment is part of the prompt
    a1, q2, a2 = c("It lists three letters."), c("Shorter?") + F, c("Three letters.")
    assert (row.provider, row.model, row.requests) == ("claude-ai", "claude (model not in export)", 2)
    assert row.input_tokens == (q1 + R) + (q1 + a1 + F + q2 + R)
    assert row.output_tokens == a1 + a2


def test_reimporting_a_later_export_replaces_and_keeps_no_text(tmp_path):
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([gpt_conversation()]))
    with Store.open(tmp_path / "db.sqlite") as store:
        assert store.provider.upsert(CHATGPT.read(path).provider_rows) == (1, 0)
        assert store.provider.upsert(CHATGPT.read(path).provider_rows) == (0, 1)
        (row,) = store.provider.rows()
        assert row.requests == 3
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("db.sqlite*"))
    for text in (b"match ISO dates", b"Regex help", b"regenerated", b"Considering"):
        assert text not in stored
