"""The Compose schema compiled to code (rules/_shared/compose_schema_valid.py) says a
model is valid exactly when jsonschema does, so asking it first changes no finding."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlint.ir.yaml import YMapping
from dlint.parsers.compose.yamlload import YamlError, load_yaml
from dlint.rules._shared import compose_schema_valid
from dlint.rules._shared.compose_checks import _valid, _validator, to_python
from tests.conftest import FIXTURES, SHARED

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "rules" / "_shared" / "compose-spec.json"


def test_the_compiled_schema_is_the_schema() -> None:
    digest = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()
    assert digest == compose_schema_valid.SCHEMA_SHA256, (
        "run: python scripts/compose_schema_code.py"
    )


def _models(folder: Path) -> Iterator[tuple[str, Any]]:
    for path in sorted(folder.rglob("*.y*ml")):
        try:
            documents, _ = load_yaml(path.read_text(encoding="utf-8"), str(path))
        except (YamlError, UnicodeDecodeError, OSError):
            continue
        for doc in documents:
            if isinstance(doc, YMapping):
                yield str(path), to_python(doc)


def _jsonschema_valid(instance: Any) -> bool:
    return next(iter(_validator().iter_errors(instance)), None) is None


def _seeds() -> list[Any]:
    return [m for _, m in _models(FIXTURES)]


def test_both_agree_on_the_fixtures() -> None:
    models = list(_models(FIXTURES))
    assert len(models) > 200
    valid = 0
    for path, model in models:
        assert _valid(model) == _jsonschema_valid(model), path
        valid += _valid(model)
    assert 0 < valid < len(models)  # both kinds are there


@pytest.mark.parametrize("folder", ["corpus", "conformance"])
def test_both_agree_on_real_files(folder: str) -> None:
    if not (SHARED / folder).is_dir():
        pytest.skip("../shared is not beside the checkout")
    for path, model in _models(SHARED / folder):
        assert _valid(model) == _jsonschema_valid(model), path


_KEYS = [
    "services", "networks", "volumes", "secrets", "configs", "image", "build", "ports",
    "environment", "depends_on", "condition", "healthcheck", "test", "deploy", "replicas",
    "resources", "limits", "cpus", "ulimits", "nofile", "soft", "hard", "labels", "x-a",
    "command", "external", "name", "ipam", "config", "subnet", "driver", "target", "mode",
    "published", "protocol", "extends", "service", "profiles", "cap_add", "sysctls",
    "blkio_config", "weight", "devices", "source", "read_only", "tmpfs", "size", "a b", "",
]  # fmt: skip
_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 70000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "80:80", "1.5", "host", "service_healthy", "x-y", "a b", "10s"])
    | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def _mutate(model: Any, rng: random.Random, value: Any) -> Any:
    """``model`` with one member (chosen with ``rng``) replaced by ``value``, or a new
    key holding it."""
    if isinstance(model, dict) and model:
        key = rng.choice(sorted(model, key=str))
        out = dict(model)
        if rng.random() < 0.2:
            out[rng.choice(_KEYS)] = value
        elif rng.random() < 0.5 or not isinstance(out[key], dict | list):
            out[key] = value
        else:
            out[key] = _mutate(out[key], rng, value)
        return out
    if isinstance(model, list) and model:
        i = rng.randrange(len(model))
        out_list = list(model)
        out_list[i] = value if rng.random() < 0.5 else _mutate(model[i], rng, value)
        return out_list
    return value


_SEEDS: list[Any] = []


@settings(max_examples=400, deadline=None)
@given(st.randoms(use_true_random=False), _values, st.integers(1, 3))
def test_both_agree_on_mutated_models(rng: random.Random, value: Any, steps: int) -> None:
    if not _SEEDS:
        _SEEDS.extend(_seeds())
    model = json.loads(json.dumps(rng.choice(_SEEDS), default=str))
    for _ in range(steps):
        model = _mutate(model, rng, value)
    assert _valid(model) == _jsonschema_valid(model), json.dumps(model, default=str)[:2000]


_IMPORTED = """
import sys
from dlint.cli import main
try:
    main(["--isolated", sys.argv[1]])
except SystemExit:
    pass
print("JSONSCHEMA:", "jsonschema" in sys.modules)
"""


@pytest.mark.parametrize(
    ("text", "imported"),
    [
        ("services:\n  web:\n    image: nginx:1.27\n", False),
        ("services:\n  web:\n    image: nginx:1.27\n    restart: 3\n", True),
    ],
)
def test_jsonschema_is_imported_only_for_an_invalid_model(
    tmp_path: Path, text: str, imported: bool
) -> None:
    import subprocess
    import sys

    (tmp_path / "compose.yaml").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _IMPORTED, str(tmp_path / "compose.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert f"JSONSCHEMA: {imported}" in result.stdout, result.stdout + result.stderr
