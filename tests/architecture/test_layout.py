"""The layout rules of DESIGN.md, enforced."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_platform_dir_is_not_a_package():
    assert not (REPO / "platform" / "__init__.py").exists()
    loose = [p.name for p in (REPO / "platform").glob("*.py") if p.name != "manage.py"]
    assert loose == [], f"loose modules in platform/ shadow the stdlib: {loose}"


def test_import_platform_from_repo_root_is_the_stdlib():
    code = "import platform, sysconfig; print(platform.__file__); print(platform.system())"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
        env={"PYTHONPATH": f"{REPO}:{REPO / 'platform'}", "PATH": "/usr/bin:/bin"},
    ).stdout.splitlines()
    stdlib = subprocess.run(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert out[0].startswith(stdlib), out
    assert out[1] == "Linux"


def test_import_layers_hold():
    """import-linter: mutualaid -> tenants | billing -> core, never upwards or sideways."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=REPO, capture_output=True, text=True,
        env={"PYTHONPATH": f"{REPO}:{REPO / 'platform'}", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout and "Contracts: 0 kept" not in result.stdout


def test_every_top_level_folder_has_a_readme():
    for folder in ("platform", "core", "tenants", "billing", "deploy", "loadtests", "tests"):
        assert (REPO / folder / "README.md").is_file(), folder
