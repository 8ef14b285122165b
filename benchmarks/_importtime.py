"""Import cost in a fresh virtual environment that holds only the runtime dependencies.

The environment (``.bench/venv``, git-ignored, made once and reused) has httpx, attrs and python-dateutil,
which is all ``eigenpal-ext`` needs at run time, plus the official SDK ``eigenpal==0.4.12`` (whose own
dependencies are the same three). ``eigenpal_ext`` and ``eigenpal_api`` are imported from this checkout
through ``PYTHONPATH``, so the figures are for the code in the working tree.

Each figure is the cumulative time of the top-level module in ``python -X importtime -c "import X"``
(only what that import adds; the interpreter's own start-up is not in it), median of ``repeats`` fresh
processes after one warm-up run that compiles the bytecode. ``eigenpal --help`` is wall time of the
command's entry point (``eigenpal_ext.cli:main``) in a fresh process.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".bench" / "venv"
RUNTIME_REQUIREMENTS = ["httpx>=0.27,<1", "attrs>=23.1", "python-dateutil>=2.8.2", "eigenpal==0.4.12"]
_LINE = re.compile(r"^import time:\s+\d+ \|\s+(?P<cumulative>\d+) \| (?P<module>\S+)\s*$")


def venv_python() -> Path:
    python = VENV / "bin" / "python"
    marker = VENV / ".installed"
    if not marker.exists() or marker.read_text() != "\n".join(RUNTIME_REQUIREMENTS):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, *RUNTIME_REQUIREMENTS], check=True)
        marker.write_text("\n".join(RUNTIME_REQUIREMENTS))
    return python


def _environment() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    environment["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'generated'}"
    environment.pop("EIGENPAL_LOG", None)
    return environment


def import_ms(python: Path, statement: str, module: str) -> float:
    """Milliseconds the statement's top-level import takes, per ``-X importtime``."""
    completed = subprocess.run(
        [str(python), "-X", "importtime", "-c", statement],
        capture_output=True, text=True, env=_environment(), check=True, cwd="/",
    )  # fmt: skip
    for line in completed.stderr.splitlines():
        match = _LINE.match(line)
        if match and match["module"] == module:
            return int(match["cumulative"]) / 1000
    raise RuntimeError(f"no importtime line for {module!r}:\n{completed.stderr[-2000:]}")


def wall_ms(python: Path, arguments: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([str(python), *arguments], capture_output=True, env=_environment(), check=True, cwd="/")
    return (time.perf_counter() - started) * 1000


CLI_HELP = ["-c", "import sys; from eigenpal_ext.cli import main; sys.exit(main())", "--help"]
BARE_PYTHON = ["-c", "pass"]

# (label, statement, module whose cumulative time is reported)
IMPORTS = [
    ("import httpx", "import httpx", "httpx"),
    ("import eigenpal (official)", "import eigenpal", "eigenpal"),
    ("import eigenpal_ext", "import eigenpal_ext", "eigenpal_ext"),
]


def measure(repeats: int) -> dict[str, float]:
    """Median milliseconds per figure; the order of the runs is interleaved so load drifts hit all alike."""
    python = venv_python()
    for _, statement, module in IMPORTS:
        import_ms(python, statement, module)  # warm-up: bytecode compiled, files in the page cache
    wall_ms(python, CLI_HELP)
    samples: dict[str, list[float]] = {label: [] for label, _, _ in IMPORTS}
    samples["eigenpal --help (wall)"] = []
    samples["python -c pass (wall)"] = []
    samples["python -c 'import httpx' (wall)"] = []
    for _ in range(repeats):
        for label, statement, module in IMPORTS:
            samples[label].append(import_ms(python, statement, module))
        samples["eigenpal --help (wall)"].append(wall_ms(python, CLI_HELP))
        samples["python -c pass (wall)"].append(wall_ms(python, BARE_PYTHON))
        samples["python -c 'import httpx' (wall)"].append(wall_ms(python, ["-c", "import httpx"]))
    return {label: statistics.median(values) for label, values in samples.items()}


def heaviest_imports(python: Path, statement: str, count: int = 15) -> list[tuple[str, float]]:
    """The modules with the largest own import time in one run of ``statement`` (for reports)."""
    completed = subprocess.run(
        [str(python), "-X", "importtime", "-c", statement],
        capture_output=True, text=True, env=_environment(), check=True, cwd="/",
    )  # fmt: skip
    rows = []
    for line in completed.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].startswith("import time:") and parts[0].split(":")[1].strip().isdigit():
            rows.append((parts[2].strip(), int(parts[0].split(":")[1]) / 1000))
    return sorted(rows, key=lambda row: row[1], reverse=True)[:count]


if __name__ == "__main__":
    for label, value in measure(int(sys.argv[1]) if len(sys.argv) > 1 else 7).items():
        print(f"{label:<34} {value:8.1f} ms")
