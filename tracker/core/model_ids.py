"""Model names as tools and providers spell them, brought to one priceable id.

Providers date their model ids (``claude-sonnet-4-5-20250929``), prefix them
(``anthropic/claude-…``), and Cursor uses slugs of its own (``claude-4.5-sonnet-thinking``).
``canonical_model`` is what reconciliation compares and what Cursor's rows are priced as;
names it does not know come back unchanged (they stay unpriced, never guessed).

In ``core`` (not ``pricing``) because sources map Cursor's slugs when they read them, and
sources may not import pricing.
"""

from __future__ import annotations

import re

# Cursor slugs that are not a provider's model id; ``None``: Cursor's own model (its price is
# not public per token), kept as Cursor names it. Others are brought by the rules below.
CURSOR_OWN = frozenset({"auto", "composer-1", "composer-2", "cursor-small", "cursor-fast", "default"})

_PREFIXES = ("anthropic/", "openai/", "google/", "models/", "us.anthropic.", "eu.anthropic.", "anthropic.")
# A date or version stamp a provider appends: -20250929, @20250929, -2025-08-07, -latest, -v1:0
_DATED = re.compile(r"(?:[-@]\d{8}|-\d{4}-\d{2}-\d{2}|-latest|-v\d+:\d+)$")
# Cursor writes Claude as claude-<version>-<family>[-thinking]: claude-4.5-sonnet-thinking
_CURSOR_CLAUDE = re.compile(r"claude-(\d+(?:-\d+)?)-(opus|sonnet|haiku)((?:-[a-z]+)*)")
# Effort and mode suffixes Cursor (and Codex) add to a model that is billed as the base model.
_MODE = re.compile(r"-(?:thinking|high|medium|low|minimal|xhigh|max|fast|preview-thinking)$")


def canonical_model(name: str) -> str:
    """``name`` as the id prices and other sources use: lower case, without provider prefix,
    date stamp or mode suffix; Claude's ``<family>-<version>`` order with dashes."""
    model = "-".join(name.strip().lower().split())  # "Claude Sonnet 4.5" (Copilot's report) too
    for prefix in _PREFIXES:
        if model.startswith(prefix):
            model = model[len(prefix) :]
    while (stripped := _DATED.sub("", model)) != model:
        model = stripped
    if model.startswith("claude"):
        model = model.replace(".", "-")  # claude-opus-4.1 is claude-opus-4-1
    if m := _CURSOR_CLAUDE.fullmatch(model):
        version, family = m.group(1), m.group(2)
        # Anthropic put the version first until Claude 3.7 and the family first from Claude 4 on.
        model = f"claude-{family}-{version}" if int(version.split("-")[0]) >= 4 else f"claude-{version}-{family}"
    while (stripped := _MODE.sub("", model)) != model:
        model = stripped
    return model


def cursor_model(slug: str) -> str:
    """The priceable id of a Cursor slug (``claude-4.5-sonnet-thinking`` → ``claude-sonnet-4-5``);
    Cursor's own models (``auto``, ``composer-1``) keep their slug."""
    cleaned = slug.strip().lower()
    if cleaned in CURSOR_OWN or not cleaned:
        return cleaned or "unknown"
    return canonical_model(cleaned)


def provider_of(model: str) -> str | None:
    """Whose model this is ('anthropic', 'openai', 'google'), from its canonical name."""
    m = canonical_model(model)
    if m.startswith("claude"):
        return "anthropic"
    if m.startswith(("gpt-", "o1", "o3", "o4", "codex", "text-embedding", "chatgpt", "davinci", "babbage")):
        return "openai"
    if m.startswith(("gemini", "gemma")):
        return "google"
    return None
