"""The rule index (rules/_index.py) matches the rule modules, and a run imports only
the rule modules it uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dlint.registry import _imported, _rule_modules, meta_from_data, meta_to_data, render_index

REPO = Path(__file__).resolve().parents[1]


def test_the_index_is_up_to_date() -> None:
    current = (REPO / "rules" / "_index.py").read_text(encoding="utf-8")
    assert current == render_index(), "run: python scripts/rule_index.py"


def test_metadata_survives_the_index() -> None:
    for rule in _imported(_rule_modules()):
        assert meta_from_data(meta_to_data(rule.meta)) == rule.meta


_LOADED = """
import sys
from dlint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
loaded = [m for m in sys.modules if m.startswith("dlint.rules.") and "._" not in m]
print("LOADED:", " ".join(sorted(m for m in loaded if m.count(".") == 3)))
"""


def _loaded(tmp_path: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _LOADED, "--isolated", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("LOADED:"))
    return set(line.split()[1:])


def test_a_run_imports_only_the_rules_it_runs(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nMAINTAINER x\n", encoding="utf-8")
    loaded = _loaded(tmp_path, "Dockerfile")
    assert "dlint.rules.dockerfile.maintainer_deprecated" in loaded
    # no Compose file: no rule that reads only Compose (host-network reads RUN too)
    compose = {m for m in loaded if m.startswith("dlint.rules.compose.")}
    assert compose == {"dlint.rules.compose.host_network"}
    # off by default: not loaded
    assert "dlint.rules.dockerfile.invalid_definition_description" not in loaded
    assert "dlint.rules.dockerfile.base_image_not_pinned_by_digest" not in loaded
    only = _loaded(tmp_path, "--select", "DL4000", "Dockerfile")
    assert only == {"dlint.rules.dockerfile.maintainer_deprecated"}


def test_listing_rules_imports_none(tmp_path: Path) -> None:
    assert _loaded(tmp_path, "rules") == set()
