"""The house rules of the code layout (issue 13), checked on the source so they stay true."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "subnat"
MAX_PARAMETERS = 8


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(SRC.rglob("*.py"))]


def _imports(tree: ast.Module) -> list[tuple[str, str]]:
    """(module, name) of every `from subnat... import name` and (module, '') of `import subnat...`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("subnat"):
            found += [(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names if alias.name.startswith("subnat")]
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_module_imports_a_private_name_of_another():
    offenders = [f"{path.relative_to(SRC)}: {module}.{name}" for path, tree in _modules()
                 for module, name in _imports(tree)
                 if _private(name) or any(_private(part) for part in module.split("."))]
    assert not offenders, offenders


def test_no_function_takes_more_than_eight_parameters():
    offenders = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                a = node.args
                count = (len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs) + (a.vararg is not None)
                         + (a.kwarg is not None))
                if count > MAX_PARAMETERS:
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({count})")
    assert not offenders, offenders


def test_production_code_does_not_import_the_test_oracles():
    offenders = [f"{path.relative_to(SRC)}: {module}" for path, tree in _modules()
                 if "testing" not in path.relative_to(SRC).parts
                 for module, _ in _imports(tree) if module.startswith("subnat.testing")]
    assert not offenders, offenders


def test_config_keys_are_read_in_one_place_for_the_method():
    """The assessment's stages get typed settings (aggregate/settings.py), not the config mapping."""
    readers = [f"{path.relative_to(SRC)}" for path, tree in _modules()
               if path.parent.name == "aggregate" and path.name not in ("settings.py", "scenarios.py",
                                                                         "sensitivity.py")
               for module, name in _imports(tree) if module == "subnat.config" and name == "value"]
    assert not readers, readers
