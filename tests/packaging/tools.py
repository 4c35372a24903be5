"""System tools the packaging tests run (``.ci/run`` installs them): under ``CI=true`` a missing
tool fails the test; on a developer machine without it, the test is skipped."""

from __future__ import annotations

import os
import shutil

import pytest


def require(tool: str, apt_package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (apt-get install {apt_package})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
