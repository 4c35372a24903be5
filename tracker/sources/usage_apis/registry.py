"""Every usage API Tokenworth can sync, by provider id (``keys set --provider``)."""

from __future__ import annotations

from tracker.sources.usage_apis import anthropic_admin, claude_code_analytics, litellm, openai_org, openrouter
from tracker.sources.usage_apis.base import UsageApi

USAGE_APIS: dict[str, UsageApi] = {api.id: api for api in (
    openrouter.API, anthropic_admin.API, claude_code_analytics.API, openai_org.API, litellm.API)}  # fmt: skip
