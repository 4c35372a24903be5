"""The extension module: one C file, limited API (abi3), so one wheel serves CPython >= 3.11."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "tokenworth_native",
            ["tokenworth_native.c"],
            # included (line_scan.h by scan_check.c too)
            depends=["line_scan.h", "claude_line.h", "json_check.h", "codex_line.h", "codex_lines.h", "picked_lines.h"],
            define_macros=[("Py_LIMITED_API", "0x030B0000")],
            py_limited_api=True,
        )
    ],
    options={"bdist_wheel": {"py_limited_api": "cp311"}},
)
