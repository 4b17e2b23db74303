"""The apps' boundaries, as pyproject.toml's import-linter contracts state them: apps depend
downwards only (the project, reports, notifications, tasks_app, agencies and accounts, core), no
package has an import cycle inside it, and no app imports another app's API."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    result = subprocess.run(
        [Path(sys.executable).with_name("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout
