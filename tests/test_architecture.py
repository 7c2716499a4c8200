"""Import contracts: package direction and a light CLI."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_import_linter_contracts_hold() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = (
        "import sys, veille.cli; "
        "heavy = [m for m in ('sklearn', 'fastapi', 'httpx', 'feedparser', 'sqlalchemy', 'numpy') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_code_is_ruff_clean_and_formatted() -> None:
    ruff = str(Path(sys.executable).parent / "ruff")
    check = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    formatted = subprocess.run(
        [ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert formatted.returncode == 0, formatted.stdout


def test_types_check_strictly() -> None:
    mypy = str(Path(sys.executable).parent / "mypy")
    done = subprocess.run([mypy], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
