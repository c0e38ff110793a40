"""The domain imports nothing but the standard library (also checked by import-linter in CI)."""

import ast
from pathlib import Path

import piaodesk.domain

ALLOWED_ROOTS = {"__future__", "dataclasses", "datetime", "decimal", "enum", "json", "re", "typing",
                 "collections", "functools", "math", "itertools", "statistics", "unicodedata"}


def test_domain_imports_only_stdlib():
    root = Path(piaodesk.domain.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in ALLOWED_ROOTS, f"{path.name} imports {name}"
