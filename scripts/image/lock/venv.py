"""The throwaway venv that proofs 2 and 3 run in: exactly the lock, installed as the image installs it, and watched."""

from __future__ import annotations

import shutil
from pathlib import Path

from scripts.image.failure import CheckFailed
from scripts.image.lock.commands import run
from scripts.image.lock.pins import IMAGE_PYTHON, LOCK, plain_pins
from scripts.image.paths import PROBES, ROOT

WATCH_MODULE = "_check_image_watch"
"""The name ``probes/import_watch.py`` takes in the venv's site-packages, imported by a ``.pth`` file of that name."""


def choose_python(requested: str | None) -> str:
    """The interpreter for the venv: as asked, else python3.13 like the image if present, else python3.

    Raises:
        CheckFailed: none of them exists and can create a venv.
    """
    for candidate in (requested, f"python{IMAGE_PYTHON}", "python3"):
        found = shutil.which(candidate) if candidate else None
        if found and run([found, "-c", "import venv"], timeout=60).returncode == 0:  # pyenv shims may not run
            return found
    raise CheckFailed(f"no interpreter found (tried {requested or ''} python{IMAGE_PYTHON} python3)")


def make_venv(python: str, work: Path) -> Path:
    """A venv in ``work`` holding exactly the lock (``--no-deps``, as the Dockerfile installs it), plus the watcher.

    Args:
        python: the interpreter to make it with (``choose_python``).
        work: a scratch directory.

    Returns:
        The venv's directory.

    Raises:
        CheckFailed: the venv or the install failed.
    """
    venv = work / "venv"
    result = run([python, "-m", "venv", str(venv)], timeout=120)
    if result.returncode != 0:
        raise CheckFailed(f"could not create a venv with {python}:\n{result.stderr}")
    venv_python = str(venv / "bin" / "python")
    pins = work / "pins.txt"  # proof 1 checked the aarch64 hashes; this interpreter may not be CPython 3.13
    pins.write_text(plain_pins(), encoding="utf-8")
    install = [venv_python, "-m", "pip", "install", "--quiet", "--no-cache-dir", "--disable-pip-version-check"]
    result = run([*install, "--no-deps", "-r", str(pins)], timeout=300)
    if result.returncode != 0:
        raise CheckFailed(f"pip install --no-deps -r {LOCK.relative_to(ROOT)} failed:\n{result.stderr}")
    site = run([venv_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], timeout=60)
    site_packages = Path(site.stdout.strip())
    shutil.copyfile(PROBES / "import_watch.py", site_packages / f"{WATCH_MODULE}.py")
    (site_packages / f"{WATCH_MODULE}.pth").write_text(f"import {WATCH_MODULE}\n", encoding="utf-8")
    return venv
