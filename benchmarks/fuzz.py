"""Fuzz dlint for as long as asked: the property tests of tests/test_fuzz.py, at scale.

    python benchmarks/fuzz.py [--examples 20000] [--jobs 2] [--seed 0]

Each job is a process running hypothesis with its own seed over the same
strategies (tests/fuzz_cases.py): four in five inputs are real files
(``../shared/corpus`` when present) mutated with hostile pieces, one in five
random bytes. Every input is linted and checked: no exception, no internal
error, spans inside their files, JSON and SARIF that parse (SARIF against the
official schema), no control character in any format, nothing written into the
linted tree. Prints how many inputs each job tried and the first failure it
found, shrunk to a minimal example; exits 1 if any job found one.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _job(args: tuple[int, int, int]) -> tuple[int, int, str | None]:
    job, examples, seed = args
    sys.path.insert(0, str(REPO))
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    from tests.fuzz_cases import check, projects

    tried = 0
    findings = 0
    options = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )

    def counted(files: dict[str, bytes]) -> None:
        nonlocal tried, findings
        tried += 1
        findings += check(files)

    @options
    @hypothesis_seed(seed * 1000 + job)
    @given(
        st.one_of(
            projects(),
            projects(),
            projects(),
            projects(),
            st.builds(
                lambda data, name: {name: data},
                st.binary(max_size=8_000),
                st.sampled_from(["Dockerfile", "compose.yaml", ".env", ".dockerignore"]),
            ),
        )
    )
    def property_holds(files: dict[str, bytes]) -> None:
        counted(files)

    try:
        property_holds()
    except BaseException:  # report it: a fuzz run must end with its finding, not die
        return tried, findings, traceback.format_exc(limit=8)
    return tried, findings, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=20_000, help="inputs in all")
    parser.add_argument("--jobs", type=int, default=2, help="processes (default: 2)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    per_job = -(-args.examples // args.jobs)
    start = time.perf_counter()
    with multiprocessing.Pool(args.jobs) as pool:
        results = pool.map(_job, [(j, per_job, args.seed) for j in range(args.jobs)])
    elapsed = time.perf_counter() - start
    total = sum(tried for tried, _, _ in results)
    failures = [failure for _, _, failure in results if failure]
    print(
        f"{total} inputs in {elapsed:.0f} s over {args.jobs} jobs "
        f"({sum(f for _, f, _ in results)} findings); {len(failures)} failing job(s)"
    )
    for failure in failures:
        print(failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
