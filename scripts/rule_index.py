"""Write rules/_index.py, the metadata of every rule, from the rule modules.

    python scripts/rule_index.py [--check]

Run it after adding a rule or changing a rule's META or summary line; with
``--check`` it only says whether the index is up to date (the test suite checks
this too). dlint reads the index so that a run imports only the rules it uses;
while the index lists other modules than there are, dlint imports every rule.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INDEX = REPO / "rules" / "_index.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from dlint.registry import render_index

    text = render_index()
    current = INDEX.read_text(encoding="utf-8") if INDEX.exists() else ""
    if args.check:
        sys.exit(0 if current == text else "rules/_index.py is out of date")
    if current != text:
        INDEX.write_text(text, encoding="utf-8")
        print(f"wrote {INDEX.relative_to(REPO)}")


if __name__ == "__main__":
    main()
