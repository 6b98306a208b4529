"""The shape of the code, checked: layers and no import cycles (import-linter, contracts in
pyproject.toml), modules of at most 300 lines and functions of at most 60 (an AST walk).

Each check is also run on a small package that breaks it, so that a check which cannot fail
would be noticed."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
#: What the size rules cover: the package and the tests (migrations are history, not code).
SIZED = ("mapper", "tests")


def lint_imports(config: Path, cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", str(config)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


def test_import_contracts_of_mapper_are_kept():
    result = lint_imports(REPO / "pyproject.toml", REPO, REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _package(root: Path, files: dict[str, str]) -> None:
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body))


@pytest.mark.parametrize("files,broken", [
    # services importing a blueprint: a lower layer importing a higher one
    ({"web/__init__.py": "", "web/views.py": "from shop.services import orders\n",
      "services/__init__.py": "", "services/orders.py": "from shop.web import views\n"},
     "Layers"),
    # two services modules importing each other (also through a function-level import)
    ({"web/__init__.py": "", "services/__init__.py": "",
      "services/a.py": "from shop.services import b\n",
      "services/b.py": "def f():\n    from shop.services import a\n    return a\n"},
     "No import cycles"),
])
def test_the_contracts_fail_on_a_broken_package(tmp_path, files, broken):
    _package(tmp_path / "shop", {"__init__.py": "", **files})
    (tmp_path / "contracts.toml").write_text(textwrap.dedent("""
        [tool.importlinter]
        root_package = "shop"

        [[tool.importlinter.contracts]]
        name = "Layers"
        type = "layers"
        containers = ["shop"]
        layers = ["web", "services"]

        [[tool.importlinter.contracts]]
        name = "No import cycles"
        type = "acyclic_siblings"
        ancestors = ["shop"]
    """))
    result = lint_imports(tmp_path / "contracts.toml", tmp_path, tmp_path)
    assert result.returncode != 0, result.stdout
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout


def too_big(root: Path) -> list[str]:
    """Modules over MAX_MODULE_LINES lines and functions over MAX_FUNCTION_LINES."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.count("\n")
        if lines > MAX_MODULE_LINES:
            problems.append(f"{path}: {lines} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    problems.append(f"{path}:{node.lineno} {node.name}(): {length} lines")
    return problems


def test_modules_and_functions_stay_small():
    problems = [p for folder in SIZED for p in too_big(REPO / folder)]
    assert not problems, "\n".join(problems)


def test_the_size_check_fails_on_a_long_module_and_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def long():\n{body}\n" + "\n" * MAX_MODULE_LINES)
    problems = too_big(tmp_path)
    assert len(problems) == 2 and "long()" in problems[1], problems
