"""Settings ▸ OpenTelemetry shows the exact lines to set, with this install's token."""

from __future__ import annotations

from tracker.services.context import Context
from tracker.ui.otlp_settings import OtlpSetupText
from tracker.ui.settings_dialog import SettingsDialog


def test_the_opentelemetry_tab_shows_the_variables_with_the_token(qtbot, ctx: Context) -> None:
    ctx.settings.set("otlp.port", "4999")
    dialog = SettingsDialog(ctx.settings, str(ctx.paths.root))
    qtbot.addWidget(dialog)
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    page = dialog.tabs.widget(tabs.index("OpenTelemetry"))
    (shown,) = page.findChildren(OtlpSetupText)
    text = shown.text.toPlainText()
    token = (ctx.paths.root / "otlp-token").read_text().strip()
    assert "export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4999" in text
    assert f"export OTEL_EXPORTER_OTLP_HEADERS=X-Tokenworth-Token={token}" in text
    assert "export CLAUDE_CODE_ENABLE_TELEMETRY=1" in text and "GEMINI_TELEMETRY_ENABLED" in text
    assert shown.text.isReadOnly()
    assert {"otlp.enabled", "otlp.port"} <= set(dialog.editors)
