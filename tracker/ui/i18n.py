"""The translation hook: ``tr()`` around every user-visible string, and a ``QTranslator``
loaded from ``resources/translations/tokenworth_<locale>.qm`` when one exists for the
system's locale (none ship yet: the English text is the source and the fallback).

All strings share one context, ``Tokenworth``, so a translation file needs no knowledge of
the module a string is in.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

log = logging.getLogger(__name__)
CONTEXT = "Tokenworth"
TRANSLATIONS = Path(__file__).resolve().parents[2] / "resources" / "translations"


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the user's language (itself while no translation is installed)."""
    return QCoreApplication.translate(CONTEXT, text, disambiguation, n)


def install_translator(
    app: QCoreApplication, locale: QLocale | None = None, folder: Path = TRANSLATIONS
) -> QTranslator | None:
    """Load ``tokenworth_<lang>.qm`` for ``locale`` (the default one) from ``folder``, the
    closest match first (de_AT, then de); None when there is no file for it."""
    translator = QTranslator(app)
    if not translator.load(locale or QLocale(), "tokenworth", "_", str(folder)):
        return None
    app.installTranslator(translator)
    log.info("translation %s loaded", translator.filePath())
    return translator
