"""Proof 2: the agent works with exactly the lock, under ``opentelemetry-instrument`` as the image's ``CMD`` runs it.

The smoke program (``probes/smoke.py``) runs in the lock's venv twice: with the exporters off, and with the AWS
Distro for OpenTelemetry settings AgentCore uses. The import watcher the venv carries (``probes/import_watch.py``)
records every attempt to import a module of a package the lock leaves out, in the server's process and in the
calculator's worker processes alike; any attempt fails the proof, because an optional import that silently falls
back would change behaviour.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from scripts.image.failure import CheckFailed
from scripts.image.lock.commands import run
from scripts.image.lock.pins import LEFT_OUT
from scripts.image.paths import PROBES, ROOT
from scripts.image.probes.import_watch import LOG_VARIABLE, WATCH_VARIABLE

BASE_ENV = {
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "OTEL_TRACES_EXPORTER": "none",
    "OTEL_METRICS_EXPORTER": "none",
    "OTEL_LOGS_EXPORTER": "none",
}
ADOT_ENV = {
    **BASE_ENV,
    "OTEL_PYTHON_DISTRO": "aws_distro",
    "OTEL_PYTHON_CONFIGURATOR": "aws_configurator",
    "AGENT_OBSERVABILITY_ENABLED": "true",
}
RUNS = {"exporters off": BASE_ENV, "ADOT defaults": ADOT_ENV}
INHERITED_NOT = ("OTEL_", "AWS_", "PYTHON", "VIRTUAL_ENV", "AGENT_OBSERVABILITY")
"""Variables of this shell that could change the runs: each run sets its own."""

STDERR_PROBLEMS = re.compile(
    r"ImportError|ModuleNotFoundError|Importing of \S+ failed|Instrumenting of \S+ failed"
    r"|configuration failed|Configuration of \S+ failed|Traceback"
)


def prove_function(venv: Path, work: Path) -> list[str]:
    """Run the smoke program in each of ``RUNS``' environments.

    Args:
        venv: the lock's venv (``scripts.image.lock.venv.make_venv``).
        work: a scratch directory for the watcher's logs.

    Returns:
        One summary line per run.

    Raises:
        CheckFailed: the smoke program failed, its stderr shows an import or set-up error, or something tried to
            import a left-out package.
    """
    bin_dir = venv / "bin"
    watch = sorted({module for modules in LEFT_OUT.values() for module in modules})
    lines = []
    for label, overrides in RUNS.items():
        log = work / f"imports-{label.replace(' ', '-')}.txt"
        env = {key: value for key, value in os.environ.items() if not key.startswith(INHERITED_NOT)}
        env.update(overrides)
        env.update(
            {
                "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
                "VIRTUAL_ENV": str(venv),
                "PYTHONPATH": str(ROOT),
                "PYTHONDONTWRITEBYTECODE": "1",
                WATCH_VARIABLE: ",".join(watch),
                LOG_VARIABLE: str(log),
            }
        )
        started = time.perf_counter()
        command = [str(bin_dir / "opentelemetry-instrument"), str(bin_dir / "python"), str(PROBES / "smoke.py")]
        result = run(command, env=env, timeout=120)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise CheckFailed(f"smoke program failed ({label}):\n{result.stdout}\n{result.stderr}")
        problems = [line for line in result.stderr.splitlines() if STDERR_PROBLEMS.search(line)]
        if problems:
            raise CheckFailed(f"stderr of the smoke program shows import or set-up errors ({label}):\n{result.stderr}")
        if not log.exists():
            raise CheckFailed(f"the import watcher wrote no log ({label}); was the hook not loaded?")
        attempts = [name for name in log.read_text(encoding="utf-8").splitlines() if name]
        if attempts:
            raise CheckFailed(
                f"code tried to import modules of packages left out of the lock ({label}): {', '.join(attempts)}; "
                "put them back in agent/requirements.txt"
            )
        facts = json.loads(result.stdout.strip().splitlines()[-1])
        lines.append(
            f"function ({label}): opentelemetry-instrument + Python {facts['python']}: BedrockModel built, "
            f"/ping {facts['ping']}, calculator '2 + 3 * 4' -> {facts['calculator']!r}, "
            f"get_time Asia/Tokyo -> {facts['get_time']!r}, {facts['plugins']} OpenTelemetry plug-ins and "
            f"{facts['adot_exporters']} ADOT exporter modules import, bearer tokens {facts['bearer']}, "
            "0 imports of left-out packages "
            f"({seconds:.1f} s)"
        )
    return lines
