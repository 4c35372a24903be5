"""Gemini API usage metadata (``GenerateContentResponseUsageMetadata``) in the token contract.

Gemini CLI and its fork Qwen Code store one response's usage with the Gemini API's own
counts (Gemini CLI renames them ``input``/``output``/``cached``/``thoughts``/``tool``/``total``):

- ``promptTokenCount``: the whole prompt, cached tokens **included**;
- ``cachedContentTokenCount``: the cache read (a part of the prompt); no cache-write figure;
- ``candidatesTokenCount``: visible output, thoughts **excluded**;
- ``thoughtsTokenCount``: reasoning, billed at the output rate;
- ``toolUsePromptTokenCount``: tool-use prompt tokens, outside the prompt, billed as input;
- ``totalTokenCount`` = prompt + candidates + thoughts + tool (cached not added again).

So fresh input = prompt - cached + tool, output = candidates + thoughts. Some backends behind
Qwen report other shapes (a prompt without its cache, thoughts already inside candidates);
``totalTokenCount`` says which shape a record has, and the Gemini API's is assumed when it
is absent or matches none.
"""

from __future__ import annotations

from collections.abc import Mapping

from tracker.core.reading import ReadResult
from tracker.sources.normalize import add_usage, token_count

# Field names per count: the Gemini API's, then Gemini CLI's ``TokensSummary`` names.
PROMPT = ("promptTokenCount", "input")
CANDIDATES = ("candidatesTokenCount", "output")
CACHED = ("cachedContentTokenCount", "cached")
THOUGHTS = ("thoughtsTokenCount", "thoughts")
TOOL = ("toolUsePromptTokenCount", "tool")
TOTAL = ("totalTokenCount", "total")


def _pick(usage: Mapping[str, object], names: tuple[str, ...]) -> object:
    for name in names:
        if name in usage:
            return usage[name]
    return None


def shape(prompt: int, candidates: int, cached: int, thoughts: int, tool: int, total: int) -> tuple[bool, bool]:
    """(prompt includes the cache, thoughts are separate from candidates) for one record.

    The first shape whose sum equals ``total`` wins, the Gemini API's own first; with no
    match (or no total) the API's shape, unless the cache is larger than the prompt.
    """
    options = [(True, True), (True, False), (False, True), (False, False)]
    if cached > prompt:
        options = [o for o in options if not o[0]]
    for includes_cache, separate in options:
        expected = prompt + candidates + tool + (thoughts if separate else 0) + (0 if includes_cache else cached)
        if total and total == expected:
            return includes_cache, separate
    return options[0]


def add_gemini_usage(
    result: ReadResult,
    line_no: int,
    usage: object,
    *,
    source: str,
    key: str,
    session: str,
    project: str,
    model: str,
    ts_ms: int,
    branch: str = "",
) -> bool:
    """Add one response's Gemini-style ``usage`` (a decoded JSON object) to ``result``.

    A response that reports no tokens at all is not usage (ignored); a count that is not a
    whole number is skipped with the reason, as ``add_usage`` does.
    """
    if not isinstance(usage, Mapping):
        result.skip(line_no, "usage metadata that is not a JSON object")
        return False
    raw = [_pick(usage, names) for names in (PROMPT, CANDIDATES, CACHED, THOUGHTS, TOOL, TOTAL)]
    counts = [token_count(v) for v in raw]
    if any(c is None for c in counts):
        result.skip(line_no, "token count that is not a whole number from 0 to 10^10")
        return False
    prompt, candidates, cached, thoughts, tool, total = (c or 0 for c in counts)
    if not (prompt or candidates or cached or thoughts or tool):
        result.ignore("response with no token counts")
        return False
    includes_cache, separate = shape(prompt, candidates, cached, thoughts, tool, total)
    return add_usage(
        result,
        line_no,
        source=source,
        key=key,
        session=session,
        project=project,
        model=model,
        ts_ms=ts_ms,
        input=prompt + tool,  # tool-use prompt tokens are billed as input
        output=candidates,
        cache_read=cached,
        reasoning=thoughts,
        branch=branch,
        input_includes_cache_read=includes_cache,
        reasoning_separate=separate,
    )
