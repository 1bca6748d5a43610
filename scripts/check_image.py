"""Prove, without a Docker engine, that ``agent/requirements.txt`` builds a working linux/arm64 image.

``make check-image`` (and CI) runs this file. It proves three things and prints one summary line for each:

1. **wheels**: every pinned line exists as a wheel for linux/aarch64 and CPython 3.13, the image's platform
   (``pip download --no-deps --only-binary=:all:``), so ``pip install --no-deps`` in the Dockerfile cannot fall
   back to a source build or fail.
2. **no loss of function**: a temporary virtual environment gets exactly the lock (``--no-deps``, like the
   image) and then runs a smoke program under ``opentelemetry-instrument``, as the image's ``CMD`` does, twice:
   once with the exporters off and once with the AWS Distro for OpenTelemetry settings AgentCore uses. The
   smoke program builds the production app (the Bedrock model is constructed; no call is made), serves the app
   with a scripted model, checks ``/ping``, and has the agent really call ``calculator`` and ``get_time``; then serves
   it signing users in, and has it verify an RS256 bearer token (and refuse an HS256 one) with the lock's PyJWT and
   cryptography. It
   also loads every OpenTelemetry plug-in (exporters, propagators, samplers, detectors) and ADOT's AWS
   exporters, so a setting that selects any of them cannot hit a missing module. An import hook records every
   attempt, successful or not, to import a module of a package deliberately left out of the lock, in the server's
   process and in the calculator's worker processes alike; any attempt fails the check, because an optional
   import that silently falls back would change behaviour.
3. **consistency**: ``pip check`` in that environment reports nothing but the left-out packages.

Nothing is cached outside temporary directories. ``python scripts/check_image.py --smoke`` is the smoke
program itself; it is meant to run only inside the temporary environment.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "agent" / "requirements.txt"
IMAGE_PYTHON = "3.13"
IMAGE_PLATFORM = "manylinux2014_aarch64"
HASH_OPTION = re.compile(r"\s+--hash=\S+")
"""The lock's wheel hashes (scripts/image/lock_hashes.py) cover CPython 3.13 only; the test venv may be another."""

LEFT_OUT: dict[str, tuple[str, ...]] = {
    # distribution (normalised name) -> the modules (and their submodules) it installs
    "aiohappyeyeballs": ("aiohappyeyeballs",),
    "aiohttp": ("aiohttp",),
    "aiosignal": ("aiosignal",),
    "aws-requests-auth": ("aws_requests_auth",),
    "beautifulsoup4": ("bs4",),
    "dill": ("dill",),
    "frozenlist": ("frozenlist",),
    "markdownify": ("markdownify",),
    "multidict": ("multidict",),
    "pillow": ("PIL",),
    "prompt-toolkit": ("prompt_toolkit",),
    "propcache": ("propcache",),
    "slack-bolt": ("slack_bolt",),
    "slack-sdk": ("slack_sdk", "slack"),
    "soupsieve": ("soupsieve",),
    "tenacity": ("tenacity",),
    "wcwidth": ("wcwidth",),
    "yarl": ("yarl",),
    "opentelemetry-instrumentation-aio-pika": ("opentelemetry.instrumentation.aio_pika",),
    "opentelemetry-instrumentation-aiohttp-client": ("opentelemetry.instrumentation.aiohttp_client",),
    "opentelemetry-instrumentation-aiokafka": ("opentelemetry.instrumentation.aiokafka",),
    "opentelemetry-instrumentation-aiopg": ("opentelemetry.instrumentation.aiopg",),
    "opentelemetry-instrumentation-asyncpg": ("opentelemetry.instrumentation.asyncpg",),
    "opentelemetry-instrumentation-cassandra": ("opentelemetry.instrumentation.cassandra",),
    "opentelemetry-instrumentation-celery": ("opentelemetry.instrumentation.celery",),
    "opentelemetry-instrumentation-confluent-kafka": ("opentelemetry.instrumentation.confluent_kafka",),
    "opentelemetry-instrumentation-django": ("opentelemetry.instrumentation.django",),
    "opentelemetry-instrumentation-falcon": ("opentelemetry.instrumentation.falcon",),
    "opentelemetry-instrumentation-fastapi": ("opentelemetry.instrumentation.fastapi",),
    "opentelemetry-instrumentation-flask": ("opentelemetry.instrumentation.flask",),
    "opentelemetry-instrumentation-jinja2": ("opentelemetry.instrumentation.jinja2",),
    "opentelemetry-instrumentation-kafka-python": ("opentelemetry.instrumentation.kafka",),
    "opentelemetry-instrumentation-mysql": ("opentelemetry.instrumentation.mysql",),
    "opentelemetry-instrumentation-mysqlclient": ("opentelemetry.instrumentation.mysqlclient",),
    "opentelemetry-instrumentation-pika": ("opentelemetry.instrumentation.pika",),
    "opentelemetry-instrumentation-psycopg2": ("opentelemetry.instrumentation.psycopg2",),
    "opentelemetry-instrumentation-pymemcache": ("opentelemetry.instrumentation.pymemcache",),
    "opentelemetry-instrumentation-pymongo": ("opentelemetry.instrumentation.pymongo",),
    "opentelemetry-instrumentation-pymysql": ("opentelemetry.instrumentation.pymysql",),
    "opentelemetry-instrumentation-pyramid": ("opentelemetry.instrumentation.pyramid",),
    "opentelemetry-instrumentation-redis": ("opentelemetry.instrumentation.redis",),
    "opentelemetry-instrumentation-remoulade": ("opentelemetry.instrumentation.remoulade",),
    "opentelemetry-instrumentation-sqlalchemy": ("opentelemetry.instrumentation.sqlalchemy",),
    "opentelemetry-instrumentation-tornado": ("opentelemetry.instrumentation.tornado",),
    "opentelemetry-instrumentation-tortoiseorm": ("opentelemetry.instrumentation.tortoiseorm",),
}
"""Packages the full dependency closure has and the lock deliberately omits; see the lock's header for why."""

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

STDERR_PROBLEMS = re.compile(
    r"ImportError|ModuleNotFoundError|Importing of \S+ failed|Instrumenting of \S+ failed"
    r"|configuration failed|Configuration of \S+ failed|Traceback"
)

WATCH_HOOK = '''"""Installed by scripts/check_image.py in its temporary venv: records imports of left-out packages.

Every Python process of the venv loads it, the calculator's worker processes too; each attempt is written the moment it
is seen, because a worker ends by SIGKILL, with no exit handlers.
"""
import os
import sys

_WATCH = frozenset(filter(None, os.environ.get("CHECK_IMAGE_WATCH", "").split(",")))
_LOG = os.environ.get("CHECK_IMAGE_IMPORT_LOG")
_SEEN = set()


class _Watcher:
    @staticmethod
    def find_spec(name, path=None, target=None):
        watched = any(name == prefix or name.startswith(prefix + ".") for prefix in _WATCH)
        if watched and name not in _SEEN:
            _SEEN.add(name)
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write(name + "\\n")
        return None


if _LOG and _WATCH:
    open(_LOG, "a", encoding="utf-8").close()  # the log exists once a process has the hook, even with nothing in it
    sys.meta_path.insert(0, _Watcher)
'''


class CheckFailed(Exception):
    """One proof failed; the message says which and why."""


def run(command: list[str], *, timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run a command, capturing its output; a timeout is a failure, not a hang."""
    try:
        return subprocess.run(  # noqa: S603 (fixed argument lists built here)
            command, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT, check=False
        )
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"{' '.join(command[:4])} ... took more than {timeout:.0f} s") from None


def normalise(name: str) -> str:
    """PEP 503 name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned() -> dict[str, str]:
    """The lock's ``name -> version`` pairs; every line must be an exact ``==`` pin."""
    pins: dict[str, str] = {}
    for number, raw in enumerate(REQUIREMENTS.read_text(encoding="utf-8").splitlines(), start=1):
        line = HASH_OPTION.sub("", raw.split("#", 1)[0]).strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)", line)
        if not match:
            raise CheckFailed(f"{REQUIREMENTS.relative_to(ROOT)}:{number}: {line!r} is not an exact name==version pin")
        pins[normalise(match.group(1))] = match.group(2)
    kept = sorted(set(pins) & set(LEFT_OUT))
    if kept:
        raise CheckFailed(f"the lock pins {', '.join(kept)}, which LEFT_OUT in {Path(__file__).name} says are omitted")
    return pins


def prove_wheels(pip: list[str], pins: dict[str, str], work: Path) -> str:
    """Proof 1: every pin downloads as a linux/aarch64 CPython 3.13 wheel."""
    dest = work / "aarch64-wheels"
    result = run(
        [
            *pip,
            "download",
            "--quiet",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--platform",
            IMAGE_PLATFORM,
            "--python-version",
            IMAGE_PYTHON,
            "--dest",
            str(dest),
            "-r",
            str(REQUIREMENTS),
        ],
        timeout=240,
    )
    if result.returncode != 0:
        platform = f"{IMAGE_PLATFORM} wheel for CPython {IMAGE_PYTHON}"
        raise CheckFailed(f"a pinned package has no {platform}:\n{result.stderr}")
    wheels = {normalise(path.name.split("-", 1)[0]) for path in dest.glob("*.whl")}
    missing = sorted(set(pins) - wheels)
    if missing:
        raise CheckFailed(f"pip downloaded no wheel for: {', '.join(missing)}")
    return f"wheels: all {len(pins)} pins exist as {IMAGE_PLATFORM} wheels for CPython {IMAGE_PYTHON}"


def make_venv(python: str, work: Path) -> Path:
    """A throwaway venv holding exactly the lock, plus the import watcher."""
    venv = work / "venv"
    result = run([python, "-m", "venv", str(venv)], timeout=120)
    if result.returncode != 0:
        raise CheckFailed(f"could not create a venv with {python}:\n{result.stderr}")
    bin_dir = venv / "bin"
    plain_pins = work / "pins.txt"  # proof 1 checked the aarch64 hashes; this interpreter may not be CPython 3.13
    plain_pins.write_text(HASH_OPTION.sub("", REQUIREMENTS.read_text(encoding="utf-8")), encoding="utf-8")
    result = run(
        [
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--no-deps",
            "-r",
            str(plain_pins),
        ],
        timeout=300,
    )
    if result.returncode != 0:
        raise CheckFailed(f"pip install --no-deps -r {REQUIREMENTS.relative_to(ROOT)} failed:\n{result.stderr}")
    site = run([str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], timeout=60)
    site_packages = Path(site.stdout.strip())
    (site_packages / "_check_image_watch.py").write_text(WATCH_HOOK, encoding="utf-8")
    (site_packages / "_check_image_watch.pth").write_text("import _check_image_watch\n", encoding="utf-8")
    return venv


def prove_function(venv: Path, work: Path) -> list[str]:
    """Proof 2: the smoke program passes under opentelemetry-instrument, in each run's environment."""
    bin_dir = venv / "bin"
    watch = sorted({module for modules in LEFT_OUT.values() for module in modules})
    lines = []
    for label, overrides in RUNS.items():
        log = work / f"imports-{label.replace(' ', '-')}.txt"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("OTEL_", "AWS_", "PYTHON", "VIRTUAL_ENV", "AGENT_OBSERVABILITY"))
        }
        env.update(overrides)
        env.update(
            {
                "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
                "VIRTUAL_ENV": str(venv),
                "PYTHONPATH": str(ROOT),
                "PYTHONDONTWRITEBYTECODE": "1",
                "CHECK_IMAGE_WATCH": ",".join(watch),
                "CHECK_IMAGE_IMPORT_LOG": str(log),
            }
        )
        started = time.perf_counter()
        command = [str(bin_dir / "opentelemetry-instrument"), str(bin_dir / "python"), str(Path(__file__)), "--smoke"]
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


def not_for_image(venv: Path, requirer: str, missing: str) -> bool:
    """Does ``requirer`` need ``missing`` only on Pythons other than the image's (a marker false on 3.13)?"""
    from importlib.metadata import distributions

    from packaging.requirements import Requirement

    image = {"python_version": IMAGE_PYTHON, "python_full_version": f"{IMAGE_PYTHON}.0", "platform_machine": "aarch64"}
    site_packages = [str(path) for path in venv.glob("lib/python*/site-packages")]
    for dist in distributions(path=site_packages):
        if normalise(dist.metadata["Name"]) != normalise(requirer):
            continue
        requirements = [Requirement(text) for text in dist.requires or ()]
        wanted = [req for req in requirements if normalise(req.name) == normalise(missing)]
        return bool(wanted) and all(req.marker and not req.marker.evaluate(image) for req in wanted)
    return False


def prove_consistency(venv: Path) -> str:
    """Proof 3: ``pip check`` reports only requirements on the packages left out on purpose."""
    result = run([str(venv / "bin" / "python"), "-m", "pip", "check", "--disable-pip-version-check"], timeout=120)
    tolerated, other_python, problems = set(), set(), []
    for line in result.stdout.splitlines():
        missing = re.fullmatch(r"(\S+) \S+ requires (\S+), which is not installed\.", line.strip())
        if missing and normalise(missing.group(2)) in LEFT_OUT:
            tolerated.add(normalise(missing.group(2)))
        elif missing and not_for_image(venv, missing.group(1), missing.group(2)):
            other_python.add(normalise(missing.group(2)))  # this host's Python is not the image's 3.13
        elif line.strip() and line.strip() != "No broken requirements found.":
            problems.append(line)
    if problems:
        found = "\n".join(problems)
        raise CheckFailed(f"pip check found inconsistencies other than the deliberately left-out packages:\n{found}")
    note = (
        f"; also missing {', '.join(sorted(other_python))}, required only on this host's Python, not on {IMAGE_PYTHON}"
        if other_python
        else ""
    )
    return (
        f"consistency: pip check reports nothing but the {len(tolerated)} deliberately left-out requirements "
        f"({', '.join(sorted(tolerated))}){note}"
    )


def choose_python(requested: str | None) -> str:
    """The interpreter for the venv: as asked, else python3.13 like the image if present, else python3."""
    for candidate in (requested, f"python{IMAGE_PYTHON}", "python3"):
        found = shutil.which(candidate) if candidate else None
        if found and run([found, "-c", "import venv"], timeout=60).returncode == 0:  # pyenv shims may not run
            return found
    raise CheckFailed(f"no interpreter found (tried {requested or ''} python{IMAGE_PYTHON} python3)")


def main(argv: list[str] | None = None) -> int:
    """Run the three proofs; exit 1 with the reason on the first failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", help=f"interpreter for the test venv (default: python{IMAGE_PYTHON}, else python3)")
    parser.add_argument("--smoke", action="store_true", help="run the smoke program (inside the test venv only)")
    args = parser.parse_args(argv)
    if args.smoke:
        smoke()
        return 0
    started = time.perf_counter()
    pip = [sys.executable, "-m", "pip"]
    try:
        pins = pinned()
        python = choose_python(args.python)
        with tempfile.TemporaryDirectory(prefix="check-image-") as tmp:
            work = Path(tmp)
            print(prove_wheels(pip, pins, work), flush=True)
            venv = make_venv(python, work)
            for line in prove_function(venv, work):
                print(line, flush=True)
            print(prove_consistency(venv), flush=True)
    except CheckFailed as failure:
        print(f"check-image: FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"check-image: OK in {time.perf_counter() - started:.0f} s")
    return 0


def smoke() -> None:
    """The smoke program: production app construction, then a served agent that really runs its tools."""
    import importlib
    import urllib.request
    from datetime import datetime
    from importlib.metadata import distributions, entry_points

    import jwt

    from agent.server import create_app
    from agent.settings import AgentSettings, AuthSettings
    from fakes.live_server import serve
    from fakes.oidc_provider import OidcProvider
    from fakes.scripted_model import ScriptedModel, ToolCall
    from fakes.sse import sse_values

    def require(condition: object, message: str) -> None:
        if not condition:
            raise SystemExit(f"smoke: {message}")

    create_app()  # the production path: BedrockModel from the environment, built without a network call

    plugins = 0
    groups = {ep.group for dist in distributions() for ep in dist.entry_points if ep.group.startswith("opentelemetry_")}
    # opentelemetry-instrument itself loads the instrumentors, and reports failures on stderr
    groups -= {"opentelemetry_instrumentor", "opentelemetry_pre_instrument", "opentelemetry_post_instrument"}
    for group in sorted(groups):
        for entry_point in entry_points(group=group):
            entry_point.load()
            plugins += 1
    import amazon.opentelemetry.distro.exporter as adot_exporters

    adot = 0  # ADOT's exporters for AgentCore (SigV4 OTLP to X-Ray and CloudWatch Logs, EMF); some dirs lack __init__
    for package_dir in adot_exporters.__path__:
        for path in sorted(Path(package_dir).rglob("*.py")):
            parts = path.relative_to(package_dir).with_suffix("").parts
            importlib.import_module(".".join((adot_exporters.__name__, *parts)).removesuffix(".__init__"))
            adot += 1

    script = ScriptedModel(
        [
            [ToolCall("calculator", {"expression": "2 + 3 * 4"}, tool_use_id="tooluse_calc")],
            [ToolCall("get_time", {"timezone": "Asia/Tokyo"}, tool_use_id="tooluse_time")],
            ["all done"],
        ]
    )
    with serve(create_app(model=script)) as url:
        with urllib.request.urlopen(f"{url}/ping", timeout=10) as response:  # noqa: S310 (local server)
            ping = json.load(response)
        require(ping.get("status") == "Healthy", f"/ping answered {ping}")
        request = urllib.request.Request(  # noqa: S310 (local server)
            f"{url}/invocations",
            data=json.dumps({"prompt": "what is 2 + 3 * 4, and the time in Tokyo?", "stream": "events"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (local server)
            require(response.status == 200, f"/invocations answered {response.status}")
            events = list(sse_values(response.read().decode().split("\n")))

    errors = [event for event in events if isinstance(event, dict) and event.get("type") == "stream_error"]
    require(not errors, f"the stream failed: {errors}")
    results = {event["id"]: event for event in events if event.get("type") == "tool_result"}
    require(set(results) == {"tooluse_calc", "tooluse_time"}, f"expected two tool results, got {events}")

    def text_of(result: dict) -> str:
        require(result["status"] == "success", f"tool failed: {result}")
        return " ".join(part.get("text", json.dumps(part.get("json"))) for part in result["content"])

    calculator = text_of(results["tooluse_calc"])
    require("14" in calculator, f"calculator answered {calculator!r}")
    clock = text_of(results["tooluse_time"])
    stamp = re.match(r"(\S+) \(Asia/Tokyo, \w+day\)", clock)
    require(stamp, f"get_time answered {clock!r}")
    offset = datetime.fromisoformat(stamp.group(1)).utcoffset()
    require(offset is not None and offset.total_seconds() == 9 * 3600, f"get_time gave offset {offset}")
    require(any(event.get("type") == "done" for event in events), f"no done event in {events}")
    require("all done" in "".join(e.get("text", "") for e in events if e.get("type") == "text"), "final text missing")

    provider = OidcProvider()
    user = provider.add_user("smoke")
    with serve(provider.app) as provider.url:
        settings = AgentSettings(auth=AuthSettings(provider.discovery_url, ("smoke-client",)))
        with serve(create_app(model=ScriptedModel([["hello"]], repeat=True), settings=settings)) as url:
            token = provider.access_token(user, "smoke-client")
            forged = jwt.encode({"sub": "x"}, "a-secret-of-at-least-32-bytes-long", algorithm="HS256")
            statuses = {name: _invoke_with(url, value) for name, value in (("RS256", token), ("HS256", forged))}
    require(statuses == {"RS256": 200, "HS256": 401}, f"bearer tokens answered {statuses}")
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "ping": ping["status"],
                "calculator": calculator,
                "get_time": clock,
                "plugins": plugins,
                "adot_exporters": adot,
                "bearer": ", ".join(f"{name} {status}" for name, status in statuses.items()),
            }
        )
    )


def _invoke_with(url: str, token: str) -> int:
    """The status ``POST /invocations`` answers with ``token`` as its bearer token."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 (local server)
        f"{url}/invocations",
        data=b'{"prompt": "hello"}',
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local server)
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


if __name__ == "__main__":
    sys.exit(main())
