"""Fail, with a readable diff, when ``generated/eigenpal_api`` differs from a fresh generation.

``make check-generated`` (and so ``make test`` and CI) runs this: it regenerates from
``openapi.yaml`` into a temporary folder with ``scripts/generate.py`` and compares every file with the
committed tree. A hand edit, a spec change without ``make generate``, or a stale template shows up as a
unified diff and exit status 1.
"""

from __future__ import annotations

import difflib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import DEFAULT_OUTPUT, generate

IGNORED_PARTS = {"__pycache__"}


def tree(root: Path) -> dict[str, Path]:
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not IGNORED_PARTS.intersection(path.parts)
    }


def diff_trees(committed: Path, fresh: Path) -> list[str]:
    """Unified-diff lines between two package trees; empty when they are identical."""
    old, new = tree(committed), tree(fresh)
    lines: list[str] = []
    for name in sorted(old.keys() | new.keys()):
        before = old[name].read_text().splitlines(keepends=True) if name in old else []
        after = new[name].read_text().splitlines(keepends=True) if name in new else []
        if before != after or (name in old) != (name in new):
            lines.extend(difflib.unified_diff(before, after, f"committed/{name}", f"generated/{name}"))
            if not before and not after:
                lines.append(f"{'only committed' if name in old else 'only generated'}: {name}\n")
    return lines


def main() -> int:
    committed = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else DEFAULT_OUTPUT
    with tempfile.TemporaryDirectory(prefix="eigenpal-check-") as scratch:
        fresh = Path(scratch) / committed.name
        generate(fresh)
        if not committed.exists():
            print(f"check-generated: {committed} does not exist; run `make generate`", file=sys.stderr)
            return 1
        lines = diff_trees(committed, fresh)
    if lines:
        sys.stdout.writelines(lines)
        print(
            f"\ncheck-generated: {committed} differs from a fresh generation of openapi.yaml.\n"
            "Generated code is never edited by hand: change openapi.yaml or scripts/, run `make generate`, "
            "and commit both.",
            file=sys.stderr,
        )
        return 1
    print("check-generated: generated/eigenpal_api matches openapi.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
