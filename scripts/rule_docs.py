"""Write docs/rules/ of this repository: one Markdown page per rule, and an index.

    python scripts/rule_docs.py [--check]

Run it after changing a rule's documentation or metadata; with ``--check`` it only
says whether the pages are up to date (the test suite checks this too). It writes
only into this repository's docs/rules/: the `dlint` program itself never writes
documentation into a user's tree.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOLDER = REPO / "docs" / "rules"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from dlint.docs import pages

    wanted = pages()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in FOLDER.glob("*.md")}
    stale = sorted(n for n, text in wanted.items() if on_disk.get(n) != text)
    extra = sorted(set(on_disk) - set(wanted))
    if args.check:
        sys.exit("docs/rules is out of date" if stale or extra else 0)
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (FOLDER / name).write_text(wanted[name], encoding="utf-8")
    for name in extra:
        (FOLDER / name).unlink()
    print(f"wrote {len(stale)} and removed {len(extra)} files in docs/rules")


if __name__ == "__main__":
    main()
