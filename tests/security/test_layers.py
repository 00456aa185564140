"""Every module of ``security`` is placed on one side of the models in the layer contract,
so a new module cannot slip past import-linter by being named nowhere."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_each_security_module_is_either_policy_above_the_models_or_a_primitive_below_them():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers" and "models" in c["layers"]
                  and any("security." in layer for layer in c["layers"]))
    policy, _models, primitives = ({name.strip() for name in layer.split(":")} for layer in layers)
    modules = {f"security.{path.stem}" for path in (ROOT / "security").glob("*.py") if path.stem != "__init__"}
    assert not policy & primitives
    assert modules == policy | primitives, f"not placed: {sorted(modules - policy - primitives)}"
