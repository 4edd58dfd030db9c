"""dlint failed while checking a file (a bug in dlint).

## What it does
Reports that one of dlint's rules, or its parser, raised an error on a file.
The other rules and files are still checked, and dlint exits with code 2.

## Why is this bad?
It is a bug in dlint, not in your file: the rule that failed checked nothing
there. Please report it with the file that triggers it. No input is meant
to trigger it, so it has no example.
"""

from dlint.ir.common import Severity
from dlint.rule import RuleMeta

META = RuleMeta(
    code="DM002",
    name="internal-error",
    scope="engine",
    severity=Severity.ERROR,
    tags=("dlint",),
    precision="very-high",
)
