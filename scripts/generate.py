"""Regenerate the low-level client ``generated/eigenpal_api`` from ``openapi.yaml``.

One command (``make generate``) produces the same tree on every machine:

1. openapi-python-client (pinned) renders the package with the project's config and custom templates
   (``scripts/templates``: a random multipart boundary, enums that keep unknown values, lenient models
   that carry their answer's request id, pages that are sequences of their items: see model.py.jinja);
   the spec's ``x-items-field`` marks are checked first, since the template cannot fail on a wrong one;
2. the pinned ruff, run with ``--isolated`` so no user or project config can change the output,
   applies the few safe autofixes and formats the code;
3. ``py.typed`` is added (``--meta none`` does not write it).

Everything that shapes the generated code lives here or in ``scripts/``; generated files are never
edited by hand. ``--output`` lets ``check_generated.py`` generate into a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "scripts" / "openapi-python-client.yaml"
TEMPLATES = ROOT / "scripts" / "templates"
DEFAULT_OUTPUT = ROOT / "generated" / "eigenpal_api"

# The output depends on both versions; pyproject.toml pins the same ones in the `dev` extra.
PINNED = {"openapi-python-client": "0.29.1", "ruff": "0.14.0"}

RUFF_CHECK = [
    "check",
    "--isolated",
    "--no-cache",
    "--fix-only",
    "--select",
    "F,I,UP",
    "--target-version",
    "py311",
    "--line-length",
    "120",
    "--quiet",
]
RUFF_FORMAT = ["format", "--isolated", "--no-cache", "--line-length", "120", "--quiet"]


def check_pinned_versions() -> None:
    for package, wanted in PINNED.items():
        found = version(package)
        if found != wanted:
            sys.exit(f"generate: {package} {found} is installed, {wanted} is pinned (run `make setup`)")


def check_items_fields(spec: dict[str, Any]) -> None:
    """Every ``x-items-field`` names a required array property of its schema (what the model iterates)."""
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        field = schema.get("x-items-field")
        if field is None:
            continue
        prop = schema.get("properties", {}).get(field, {})
        if prop.get("type") != "array" or field not in schema.get("required", []):
            sys.exit(f"generate: {name}'s x-items-field {field!r} is not a required array property of it")


def tool(name: str) -> str:
    """The executable installed beside this interpreter (the project's venv), not one from PATH."""
    candidate = Path(sys.executable).parent / name
    if not candidate.exists():
        sys.exit(f"generate: {candidate} not found (run `make setup`)")
    return str(candidate)


def run(cmd: list[str]) -> None:
    completed = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        sys.exit(f"generate: command failed ({completed.returncode}): {' '.join(cmd)}")


def generate(output: Path) -> None:
    check_pinned_versions()
    check_items_fields(yaml.safe_load(SPEC.read_text(encoding="utf-8")))
    output.parent.mkdir(parents=True, exist_ok=True)
    # Render into a scratch folder first so a failed run never leaves a half-written package behind.
    with tempfile.TemporaryDirectory(prefix="eigenpal-generate-") as scratch:
        staged = Path(scratch) / output.name
        run(
            [
                tool("openapi-python-client"),
                "generate",
                "--path",
                str(SPEC),
                "--config",
                str(CONFIG),
                "--custom-template-path",
                str(TEMPLATES),
                "--meta",
                "none",
                "--output-path",
                str(staged),
                "--overwrite",
                "--fail-on-warning",
            ]
        )
        ruff = tool("ruff")
        run([ruff, *RUFF_CHECK, str(staged)])
        run([ruff, *RUFF_FORMAT, str(staged)])
        (staged / "py.typed").write_text("")
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(staged, output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="package folder to write")
    args = parser.parse_args()
    generate(args.output.resolve())


if __name__ == "__main__":
    main()
