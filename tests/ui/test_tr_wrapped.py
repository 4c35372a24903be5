"""Every user-visible text handed to a widget in ``tracker/ui/`` goes through ``tr()``: an AST
check, so a new bare literal fails here rather than in a translator's hands."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "tracker" / "ui"
WIDGETS = {"QLabel", "QPushButton", "QAction", "QCheckBox", "QGroupBox", "QRadioButton", "QToolButton"}
SETTERS = {"setToolTip", "setWindowTitle", "setPlaceholderText", "setStatusTip", "addAction", "setTitle"}
MARKUP = re.compile(r"<[^>]*>|&\w+;")  # tags and entities around tr() text are not words
# (file, the literal) that must stay bare, each with its reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("tray.py", "Tokenworth"): "the app's name, the same in every language",
}


def words(text: str) -> bool:
    return any(c.isalpha() for c in MARKUP.sub("", text))


def bare(node: ast.expr) -> str | None:
    """The literal text in ``node`` when it reaches the widget without ``tr()``, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if words(node.value) else None
    if isinstance(node, ast.JoinedStr):  # the f-string's own text; what it interpolates is checked where made
        text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
        return text if words(text) else None
    if isinstance(node, ast.BinOp):  # "a" + b, "%s" % x
        return bare(node.left) or bare(node.right)
    if isinstance(node, ast.IfExp):
        return bare(node.body) or bare(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return bare(node.func.value)  # "x {n}".format(...): the template is bare
    return None


def called(node: ast.Call) -> str | None:
    f = node.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
    return name if name in WIDGETS or name in SETTERS else None


def findings(path: Path) -> Iterator[tuple[int, str, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and (name := called(node)):
            for arg in [*node.args, *(k.value for k in node.keywords if k.arg in ("text", "title", "toolTip"))]:
                if (text := bare(arg)) is not None:
                    yield node.lineno, name, text


def test_widget_texts_go_through_tr() -> None:
    found = [
        f"{path.name}:{line}: {name}({text!r})"
        for path in sorted(UI.glob("*.py"))
        for line, name, text in findings(path)
        if (path.name, text) not in ALLOWED
    ]
    assert found == [], "wrap these in tr() (tracker/ui/i18n.py) or allow them with a reason:\n" + "\n".join(found)


def test_the_check_finds_a_bare_literal(tmp_path: Path) -> None:
    """The check itself can fail: each shape of a bare text is found, tr() texts are not."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        'QLabel("Hello")\nb.setToolTip(f"{n} sessions")\nQAction(icon, "Quit", self)\n'
        'w.setWindowTitle("A" if x else tr("B"))\nb.setToolTip("{n} rows".format(n=1))\n'
        'QPushButton(tr("Fine"))\nw.setToolTip(tr("{n} ok").format(n=2))\nQLabel("")\nQLabel(text)\n'
        'QLabel(f"<b>{tr(title)}</b>")\nQLabel("<p>{}</p>".format(tr("Fine")))\nQLabel(f"{a} · {b}")\n',
        encoding="utf-8",
    )
    assert [(line, name) for line, name, _ in findings(sample)] == [
        (1, "QLabel"), (2, "setToolTip"), (3, "QAction"), (4, "setWindowTitle"), (5, "setToolTip"),
    ]  # fmt: skip
