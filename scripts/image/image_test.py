"""``make image-test``: build the real ``Dockerfile`` and check the container the way AgentCore runs it.

1. **engine**: reuse a running Docker engine, else install Debian's ``docker.io`` (plus ``qemu-user-static`` and
   ``binfmt-support`` for linux/arm64, ``mmdebstrap`` for the base) and start ``dockerd`` with no bridge network and
   no firewall changes; an engine started here is stopped at the end, its images and build cache stay on disk.
2. **base**: no container registry is reachable, so ``standin_base.sh`` builds a stand-in for the ``FROM`` image
   from Debian trixie packages, once per architecture and recipe (an image labelled with the recipe's hash is reused).
3. **build**: the stand-in is tagged with the Dockerfile's ``FROM`` name and the unmodified ``Dockerfile`` is built
   for linux/amd64 (native, the fast variant) and linux/arm64 (emulated by QEMU here, AgentCore's platform), with
   ``--build-arg BASE_IMAGE=<the FROM name without its digest>``: a local build cannot carry the official digest.
4. **checks**, on each image: ``/ping`` healthy; every process non-root; PID 1 is the agent as
   ``opentelemetry-instrument`` starts it; ``POST /invocations`` streams ``text/event-stream`` and, without AWS
   credentials, ends in the JSON error event while the server keeps serving; bad JSON gets a 4xx; a scripted model
   mounted from ``fakes/`` (never baked in) streams through the real calculator and get_time tools; SIGTERM during
   a stream ends it with the error event and stops the container with exit code 0 within 2 s (emulated arm64 gets
   Docker's 10 s grace, and the time is reported); ``pip list`` is exactly the lock; no tests, no compilers, a
   compiled standard library, a real home directory; the added layers at most ``LAYERS_GOAL_MB``.
5. **figures**: image and layer sizes, and start-to-healthy ``/ping`` against a bare ``python -c pass`` in the same
   image, written to ``build/image-test.json`` for ``make bench`` (docs/performance.md).

Containers use the host's network namespace (nothing else is reachable, and no bridge is created), so the agent's
own port 8080 must be free. Every container, and the engine if this script started it, is removed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.built_image import context_hash

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
STANDIN_SCRIPT = HERE / "standin_base.sh"
FIGURES = ROOT / "build" / "image-test.json"
LOCK = ROOT / "agent" / "requirements.txt"
AWS_SERVICES = ROOT / "agent" / "aws_services.txt"
"""The AWS services whose botocore models the Dockerfile keeps, one per line, ``#`` comments."""
ROOTFS_REPO = "agentcore-image-test/debian-rootfs"
STANDIN_REPO = "agentcore-image-test/python-standin"
IMAGE_REPO = "agentcore-image-test/agent"
CONTAINER_PREFIX = "agentcore-image-test-"
PORT = 8080
AGENT_CMD = ["opentelemetry-instrument", "python", "-m", "agent"]
SHUTDOWN_LIMIT_SECONDS = 2.0
EMULATED_SHUTDOWN_LIMIT_SECONDS = 10.0
LAYERS_GOAL_MB = 150.0
DEBIAN_PACKAGES = {"dockerd": "docker.io", "mmdebstrap": "mmdebstrap", "qemu-aarch64-static": "qemu-user-static"}
DOCKERD = ["dockerd", "--bridge=none", "--iptables=false", "--ip-masq=false", "--ip-forward=false"]
"""No bridge network and no firewall or forwarding changes: builds and containers use the host's network."""
NATIVE = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, "")
RUN_ENV = {"AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "LOG_LEVEL": "INFO"}
"""No credentials and no instance metadata: Bedrock calls fail at once, as they must without credentials."""


class CheckFailed(Exception):
    """A check failed; the message says what was expected and what was seen."""


def log(message: str) -> None:
    """One progress line on stdout."""
    print(f"image-test: {message}", flush=True)


def docker(*args: str, check: bool = True, timeout: float = 3600, **kwargs: Any) -> subprocess.CompletedProcess:
    """Run the docker CLI; with ``check``, a failure raises with the end of its stderr."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise CheckFailed(f"docker {' '.join(args[:3])} … failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def from_name() -> str:
    """The Dockerfile's base image name without its digest: the name the stand-in is tagged with."""
    match = re.search(r"^ARG BASE_IMAGE=(\S+)$", (ROOT / "Dockerfile").read_text(encoding="utf-8"), re.MULTILINE)
    if not match or "@sha256:" not in match.group(1):
        raise CheckFailed("the Dockerfile must declare ARG BASE_IMAGE=<name>:<tag>@sha256:<digest> for FROM")
    return match.group(1).split("@", 1)[0]


# --- 1. engine ---------------------------------------------------------------------------------------------------


def engine_running() -> bool:
    """Whether a Docker engine answers the CLI."""
    return shutil.which("docker") is not None and docker("info", check=False, timeout=30).returncode == 0


def install_missing() -> None:
    """Install from Debian what this script needs and the machine lacks (a fresh CI machine has none of it)."""
    missing = [package for binary, package in DEBIAN_PACKAGES.items() if shutil.which(binary) is None]
    if not Path("/usr/sbin/update-binfmts").exists():
        missing.append("binfmt-support")
    if missing:
        log(f"installing Debian packages: {' '.join(missing)}")
        subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL, timeout=600)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "install", "-y", "-q", *missing], check=True, stdout=subprocess.DEVNULL, env=env, timeout=1200
        )


def enable_arm64_emulation() -> None:
    """QEMU's binfmt handler for aarch64, so linux/arm64 builds and containers run here."""
    binfmt = Path("/proc/sys/fs/binfmt_misc")
    if not (binfmt / "register").exists():
        subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(binfmt)], check=True)
    if not (binfmt / "qemu-aarch64").exists():
        subprocess.run(["update-binfmts", "--enable", "qemu-aarch64"], check=True)


@contextmanager
def engine(work: Path) -> Iterator[None]:
    """A Docker engine for the block: the running one, or one started (and stopped) here."""
    install_missing()
    enable_arm64_emulation()
    if engine_running():
        log("reusing the running Docker engine")
        yield
        return
    daemon = None
    for driver in ("overlay2", "vfs"):
        daemon_log = work / f"dockerd-{driver}.log"
        daemon = subprocess.Popen(
            [*DOCKERD, f"--storage-driver={driver}"],
            stdout=daemon_log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while daemon.poll() is None and time.monotonic() < deadline and not engine_running():
            time.sleep(0.5)
        if engine_running():
            log(f"started dockerd (pid {daemon.pid}, storage driver {driver})")
            break
        stop_daemon(daemon)
        daemon = None
        log(f"dockerd did not start with {driver}: {daemon_log.read_text(errors='replace')[-800:]}")
    if daemon is None:
        raise CheckFailed("could not start dockerd with overlay2 or vfs (logs above)")
    try:
        yield
    finally:
        stop_daemon(daemon)
        log("stopped the dockerd this run started")


def stop_daemon(daemon: subprocess.Popen) -> None:
    """Stop a dockerd this script started, and only that one."""
    if daemon.poll() is None:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


# --- 2. base and 3. build ----------------------------------------------------------------------------------------


def standin(arch: str, work: Path) -> str:
    """The stand-in base for ``arch``: the Debian root filesystem (built once per recipe), then Python set up on it."""
    recipe = hashlib.sha256(STANDIN_SCRIPT.read_bytes()).hexdigest()[:16]
    rootfs = f"{ROOTFS_REPO}:{arch}-{recipe}"
    if docker("image", "inspect", rootfs, check=False).returncode == 0:
        log(f"base {arch}: reusing the Debian root filesystem {rootfs}")
    else:
        started = time.monotonic()
        log(f"base {arch}: building a Debian trixie root filesystem (minutes; arm64 runs under QEMU)")
        tar = work / f"rootfs-{arch}.tar"
        subprocess.run(["bash", str(STANDIN_SCRIPT), arch, str(tar)], check=True, timeout=5400)
        load_rootfs(tar, arch, rootfs)
        tar.unlink()
        log(f"base {arch}: {rootfs} in {time.monotonic() - started:.0f} s")
    tag = f"{STANDIN_REPO}:{arch}"
    docker(
        "build",
        "--platform",
        f"linux/{arch}",
        "--network",
        "none",
        "--build-arg",
        f"ROOTFS={rootfs}",
        "--file",
        str(HERE / "standin.Dockerfile"),
        "--tag",
        tag,
        str(HERE),
        env={**os.environ, "DOCKER_BUILDKIT": "0"},
    )
    return tag


def load_rootfs(rootfs_tar: Path, arch: str, tag: str) -> None:
    """Load a root filesystem tar as a one-layer image of ``arch``.

    ``docker import --platform`` is ignored by Debian's engine (the image says amd64 whatever it holds, and an arm64
    build on it then fails), so the image is written in ``docker save`` format, whose config names the architecture.
    """
    digest = hashlib.sha256()
    with rootfs_tar.open("rb") as layer:
        for block in iter(lambda: layer.read(1 << 20), b""):
            digest.update(block)
    layer_id = digest.hexdigest()
    config = {
        "architecture": arch,
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": [f"sha256:{layer_id}"]},
        "history": [{"created_by": f"scripts/image/standin_base.sh {arch}"}],
    }
    config_bytes = json.dumps(config).encode()
    config_name = f"{hashlib.sha256(config_bytes).hexdigest()}.json"
    manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": [f"{layer_id}/layer.tar"]}]
    archive = rootfs_tar.with_suffix(".image.tar")
    with tarfile.open(archive, "w") as image:
        image.add(rootfs_tar, arcname=f"{layer_id}/layer.tar")
        for name, data in ((config_name, config_bytes), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            image.addfile(info, io.BytesIO(data))
    docker("load", "--input", str(archive))
    archive.unlink()


def build(arch: str, base: str) -> str:
    """Build the unmodified Dockerfile for ``arch`` on the stand-in, tagged as the FROM name says."""
    name = from_name()
    docker("tag", base, name)
    image = f"{IMAGE_REPO}:{arch}"
    started = time.monotonic()
    log(f"build {arch}: docker build --platform linux/{arch} --build-arg BASE_IMAGE={name} .")
    docker(
        "build",
        "--platform",
        f"linux/{arch}",
        "--network",
        "host",  # pip reaches PyPI as this machine does
        "--build-arg",
        f"BASE_IMAGE={name}",
        "--tag",
        image,
        str(ROOT),
        env={**os.environ, "DOCKER_BUILDKIT": "0"},
    )
    log(f"build {arch}: {image} in {time.monotonic() - started:.0f} s")
    return image


# --- 4. checks ---------------------------------------------------------------------------------------------------


def run_in_image(image: str, *command: str, timeout: float = 600) -> str:
    """Run a one-off command in a fresh container of ``image`` (no network) and return its stdout."""
    result = docker(
        "run", "--rm", "--network", "none", "--entrypoint", command[0], image, *command[1:], timeout=timeout
    )
    return result.stdout


@contextmanager
def container(image: str, name: str, *command: str, mount_fakes: bool = False) -> Iterator[str]:
    """A detached container on the host network, as AgentCore would start it; removed when the block ends."""
    docker("rm", "--force", name, check=False)
    args = ["run", "--detach", "--name", name, "--network", "host"]
    for key, value in RUN_ENV.items():
        args += ["--env", f"{key}={value}"]
    if mount_fakes:
        args += ["--volume", f"{ROOT / 'fakes'}:/app/fakes:ro"]
    docker(*args, image, *command)
    try:
        yield name
    finally:
        docker("rm", "--force", name, check=False)


def wait_for_ping(name: str, timeout: float) -> float:
    """Seconds until ``/ping`` answers Healthy; fails with the container's log if it never does."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with suppress(httpx.TransportError):
            answer = httpx.get(f"http://127.0.0.1:{PORT}/ping", timeout=2)
            if answer.status_code == 200 and answer.json().get("status") == "Healthy":
                return time.monotonic() - started
        if docker("inspect", "--format", "{{.State.Running}}", name).stdout.strip() != "true":
            break
        time.sleep(0.05)
    raise CheckFailed(f"/ping never answered Healthy; container log:\n{docker('logs', name).stderr[-4000:]}")


def sse(lines: Iterator[str]) -> Iterator[Any]:
    """JSON-decode every ``data:`` line of a Server-Sent Events stream."""
    for line in lines:
        if line.startswith("data:"):
            yield json.loads(line[5:].lstrip(" "))


def invoke(payload: dict[str, Any], timeout: float) -> tuple[httpx.Response, list[Any]]:
    """POST ``payload`` to the container and read the whole answer."""
    with httpx.stream("POST", f"http://127.0.0.1:{PORT}/invocations", json=payload, timeout=timeout) as response:
        if response.status_code == 200:
            return response, list(sse(response.iter_lines()))
        response.read()
    return response, []


PROCESS_SCAN = """
import json, os
procs = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        status = open(f"/proc/{pid}/status").read()
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
        environ = open(f"/proc/{pid}/environ", "rb").read().split(b"\\0") if pid == "1" else []
    except OSError:
        continue
    uids = next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))
    procs.append({"pid": int(pid), "uids": uids, "cmdline": [part.decode() for part in cmdline if part],
                  "environ": [part.decode() for part in environ if part]})
print(json.dumps(procs))
"""


def check_processes(name: str) -> str:
    """Every process non-root, and PID 1 the agent as ``opentelemetry-instrument`` starts it."""
    procs = json.loads(docker("exec", name, "python", "-c", PROCESS_SCAN).stdout)
    root = [proc for proc in procs if "0" in proc["uids"]]
    if root:
        raise CheckFailed(f"processes running as root: {root}")
    first = next((proc for proc in procs if proc["pid"] == 1), None)
    # Under QEMU the kernel puts the emulator in front: [qemu-aarch64, /usr/local/bin/python, python, -m, agent]
    command = first["cmdline"] if first else []
    if command[-2:] != ["-m", "agent"] or not any("python" in part for part in command[:-2]):
        raise CheckFailed(f"PID 1 is not the agent: {first}")
    pythonpath = next((item for item in first["environ"] if item.startswith("PYTHONPATH=")), "")
    if "opentelemetry/instrumentation/auto_instrumentation" not in pythonpath:
        raise CheckFailed(f"PID 1 was not started by opentelemetry-instrument (PYTHONPATH={pythonpath!r})")
    cmd = json.loads(docker("inspect", "--format", "{{json .Config.Cmd}}", name).stdout)
    if cmd != AGENT_CMD:
        raise CheckFailed(f"the image's CMD is {cmd}, expected {AGENT_CMD}")
    return f"{len(procs) - 1} process(es) besides this probe, none as root; PID 1 is {' '.join(command)}"


def check_default_container(image: str, arch: str, emulated: bool) -> dict[str, Any]:
    """The image as AgentCore starts it, without credentials."""
    facts: dict[str, Any] = {}
    name = f"{CONTAINER_PREFIX}{arch}"
    ping_timeout = 300 if emulated else 60
    with container(image, name):
        facts["ping_s"] = wait_for_ping(name, ping_timeout)
        log(f"{arch}: /ping Healthy {facts['ping_s']:.1f} s after docker run")
        log(f"{arch}: {check_processes(name)}")
        for attempt in (1, 2):
            response, values = invoke({"prompt": "Hello"}, timeout=120)
            kind = response.headers.get("content-type", "")
            if response.status_code != 200 or not kind.startswith("text/event-stream"):
                raise CheckFailed(f"/invocations answered {response.status_code} {kind}: {response.text[:500]}")
            if not values or not isinstance(values[-1], dict) or values[-1].get("type") != "stream_error":
                raise CheckFailed(f"without credentials the stream must end in the JSON error event, got {values}")
            log(f"{arch}: invocation {attempt} without credentials streamed and ended with: {values[-1]['error'][:90]}")
        bad = httpx.post(
            f"http://127.0.0.1:{PORT}/invocations",
            content=b'{"prompt": ',
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        if not 400 <= bad.status_code < 500 or "error" not in bad.json():
            raise CheckFailed(f"bad JSON got {bad.status_code} {bad.text[:300]}")
        wait_for_ping(name, 30)
        log(f"{arch}: bad JSON got {bad.status_code} {bad.json()['error']!r}; /ping still Healthy")
        facts["stop_s"], code = stop(name, emulated)
        log(f"{arch}: docker stop took {facts['stop_s']:.2f} s, exit code {code}")
        if code != 0:
            raise CheckFailed(f"docker stop: exit code {code}; log:\n{docker('logs', name).stderr[-3000:]}")
    return facts


def stop(name: str, emulated: bool) -> tuple[float, int]:
    """``docker stop`` (SIGTERM, then SIGKILL after 10 s): seconds taken and the exit code."""
    started = time.monotonic()
    docker("stop", "--time", "10", name)
    took = time.monotonic() - started
    code = int(docker("inspect", "--format", "{{.State.ExitCode}}", name).stdout)
    limit = EMULATED_SHUTDOWN_LIMIT_SECONDS if emulated else SHUTDOWN_LIMIT_SECONDS
    if took > limit:
        raise CheckFailed(f"the container took {took:.1f} s to stop on SIGTERM (limit {limit:.0f} s)")
    return took, code


def check_scripted_container(image: str, arch: str, emulated: bool) -> dict[str, Any]:
    """A scripted model mounted from fakes/: real tools in the image, then SIGTERM in the middle of a stream."""
    name = f"{CONTAINER_PREFIX}{arch}-scripted"
    command = ["opentelemetry-instrument", "python", "-m", "fakes.scripted_server", "demo"]
    with container(image, name, *command, mount_fakes=True):
        wait_for_ping(name, 300 if emulated else 60)
        _, values = invoke({"prompt": "17*23, and the time in Tokyo?", "stream": "events"}, timeout=300)
        results = {value["id"]: value for value in values if value.get("type") == "tool_result"}
        calc = results.get("tooluse_calc", {})
        clock = results.get("tooluse_time", {})
        if calc.get("status") != "success" or "391" not in json.dumps(calc.get("content")):
            raise CheckFailed(f"calculator did not answer 391 inside the image: {values}")
        if clock.get("status") != "success" or "+09:00" not in json.dumps(clock.get("content")):
            raise CheckFailed(f"get_time did not answer Tokyo time inside the image: {values}")
        if values[-1].get("type") != "done":
            raise CheckFailed(f"the scripted stream did not end with done: {values[-1]}")
        log(f"{arch}: scripted model streamed {len(values)} events through calculator (391) and get_time (+09:00)")
        with httpx.stream(
            "POST", f"http://127.0.0.1:{PORT}/invocations", json={"prompt": "count"}, timeout=60
        ) as open_:
            lines = open_.iter_lines()
            ticks = []
            for value in sse(lines):
                ticks.append(value)
                if len(ticks) == 3:
                    break
            started = time.monotonic()
            docker("kill", "--signal", "TERM", name)
            ticks.extend(sse(lines))
        code = int(docker("wait", name, timeout=30).stdout.strip())
        took = time.monotonic() - started
        limit = EMULATED_SHUTDOWN_LIMIT_SECONDS if emulated else SHUTDOWN_LIMIT_SECONDS
        last = ticks[-1]
        if not isinstance(last, dict) or last.get("type") != "stream_error":
            raise CheckFailed(f"the open stream did not end with the error event on SIGTERM: {ticks[-3:]}")
        if code != 0 or took > limit:
            raise CheckFailed(f"SIGTERM mid-stream: exit code {code} after {took:.2f} s (limit {limit:.0f} s)")
        log(f"{arch}: SIGTERM mid-stream: stream ended with {last}, container exited 0 in {took:.2f} s")
    return {"sigterm_stream_s": took}


def pip_inventory(image: str) -> dict[str, str]:
    """``pip list`` of an image as ``name -> version``."""
    listing = run_in_image(image, "python", "-m", "pip", "list", "--format=json", "--disable-pip-version-check")
    return {normalise(item["name"]): item["version"] for item in json.loads(listing)}


def normalise(name: str) -> str:
    """PEP 503 name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def kept_services() -> list[str]:
    """The services ``agent/aws_services.txt`` lists, sorted as ``get_available_services`` sorts them."""
    lines = AWS_SERVICES.read_text(encoding="utf-8").splitlines()
    return sorted(name for line in lines if (name := line.partition("#")[0].strip()))


def lock_pins() -> dict[str, str]:
    """The lock's ``name -> version`` pins."""
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            pins[normalise(match.group(1))] = match.group(2)
    return pins


CONTENT_SCAN = """
import json, os, shutil, sys, sysconfig, importlib.util
site = sysconfig.get_path("purelib")
stdlib = sysconfig.get_path("stdlib")
test_dirs = [os.path.join(top, d) for top, dirs, _ in os.walk(site) for d in dirs if d in ("tests", "test")]
compilers = [tool for tool in ("gcc", "cc", "c++", "make", "ld", "as") if shutil.which(tool)]
home = os.path.expanduser("~")
import botocore.session
session = botocore.session.get_session()
services = sorted(session.get_available_services())
for service in services:  # each kept model loads and a client builds (no call is made)
    session.create_client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
print(json.dumps({"test_dirs": test_dirs, "compilers": compilers, "home": home,
                  "home_ok": os.path.isdir(home) and os.stat(home).st_uid == os.getuid(),
                  "app": sorted(os.listdir("/app")),
                  "uid": os.getuid(), "services": services}))
"""


BYTECODE_PROBE = """
import importlib.machinery, importlib.util, json, os, sys, urllib.request
from agent.http.serving import load_server
from agent.server import create_app
from agent.settings import AgentSettings
from fakes.live_server import serve
from fakes.scripted_server import scripted

def uncompiled():
    missing = []
    for name, module in list(sys.modules.items()):
        if getattr(module, "__loader__", None) is importlib.machinery.FrozenImporter:
            continue  # frozen into the interpreter: no bytecode file involved
        source = getattr(module, "__file__", None) or ""
        if source.endswith(".py") and not name.startswith("fakes") and name != "__main__":
            if not os.path.exists(importlib.util.cache_from_source(source)):
                missing.append(name)
    return sorted(missing)

settings = AgentSettings.from_env()
load_server(create_app(settings=settings), settings)
at_start = uncompiled()
with serve(create_app(model=scripted("demo"))) as url:
    urllib.request.urlopen(url + "/ping").read()
    request = urllib.request.Request(url + "/invocations", data=b'{"prompt": "17*23?"}',
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
print(json.dumps({"at_start": at_start, "after_request": uncompiled(), "loaded": len(sys.modules)}))
"""


def check_bytecode(image: str, arch: str) -> None:
    """Every module the agent imports to start serving has bytecode; the first request's extra ones are counted."""
    result = docker(
        "run",
        "--rm",
        "--network",
        "none",
        *(arg for key, value in RUN_ENV.items() for arg in ("--env", f"{key}={value}")),
        "--volume",
        f"{ROOT / 'fakes'}:/app/fakes:ro",
        image,
        "opentelemetry-instrument",
        "python",
        "-c",
        BYTECODE_PROBE,
    )
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    if facts["at_start"]:
        raise CheckFailed(f"modules imported at start without bytecode (compiled at every start): {facts['at_start']}")
    log(
        f"{arch}: all {facts['loaded']} modules loaded have bytecode but {len(facts['after_request'])} that only the"
        f" first request imports: {', '.join(facts['after_request'][:8])}{' ...' if facts['after_request'] else ''}"
    )


def check_contents(image: str, base: str, arch: str) -> dict[str, Any]:
    """What the image holds: exactly the lock, no tests or compilers, compiled stdlib, a home, the kept AWS models."""
    base_packages = pip_inventory(base)
    added = {name: version for name, version in pip_inventory(image).items() if name not in base_packages}
    pins = lock_pins()
    if added != pins:
        extra = sorted(set(added.items()) - set(pins.items()))
        missing = sorted(set(pins.items()) - set(added.items()))
        raise CheckFailed(f"pip list differs from the lock: in the image only {extra}; in the lock only {missing}")
    log(f"{arch}: pip list = the lock's {len(pins)} pins exactly (besides the base's {', '.join(base_packages)})")
    facts = json.loads(run_in_image(image, "python", "-c", CONTENT_SCAN))
    problems = []
    if facts["test_dirs"]:
        problems.append(f"test suites in site-packages: {facts['test_dirs'][:5]}")
    if facts["compilers"]:
        problems.append(f"build tools on PATH: {facts['compilers']}")
    if not facts["home_ok"]:
        problems.append(f"HOME={facts['home']} is not a directory owned by uid {facts['uid']}")
    if facts["app"] != ["agent", "contract"]:
        problems.append(f"/app holds {facts['app']}, expected only agent/ and contract/")
    kept = kept_services()
    if facts["services"] != kept:
        problems.append(f"botocore models in the image: {facts['services']}, agent/aws_services.txt lists {kept}")
    if facts["uid"] != 1000:
        problems.append(f"the image runs as uid {facts['uid']}, expected 1000")
    if problems:
        raise CheckFailed("; ".join(problems))
    log(f"{arch}: no test suites, no compilers, HOME={facts['home']} owned by uid 1000")
    check_bytecode(image, arch)
    log(f"{arch}: botocore keeps {len(kept)} service models, a client builds for each: {', '.join(kept)}")
    return sizes(image, base, arch)


def sizes(image: str, base: str, arch: str) -> dict[str, Any]:
    """Image size and what the Dockerfile adds on top of the base, against the goal."""
    mb = 1_000_000
    image_bytes = int(docker("image", "inspect", "--format", "{{.Size}}", image).stdout)
    base_bytes = int(docker("image", "inspect", "--format", "{{.Size}}", base).stdout)
    layers = (image_bytes - base_bytes) / mb
    log(f"{arch}: image {image_bytes / mb:.0f} MB = stand-in base {base_bytes / mb:.0f} MB + layers {layers:.0f} MB")
    if layers > LAYERS_GOAL_MB:
        raise CheckFailed(f"the Dockerfile adds {layers:.0f} MB on top of the base; the goal is ≤ {LAYERS_GOAL_MB:.0f}")
    return {"image_mb": image_bytes / mb, "base_mb": base_bytes / mb, "layers_mb": layers}


# --- 5. figures --------------------------------------------------------------------------------------------------


def start_figures(image: str, arch: str, emulated: bool, runs: int) -> dict[str, Any]:
    """Container start to first healthy /ping, against ``docker run`` of a bare ``python -c pass`` in the image."""
    pings, bares = [], []
    for run in range(runs):
        name = f"{CONTAINER_PREFIX}{arch}-start-{run}"
        started = time.monotonic()
        with container(image, name):
            wait_for_ping(name, 300 if emulated else 60)
            pings.append(time.monotonic() - started)
        started = time.monotonic()
        run_in_image(image, "python", "-c", "pass")
        bares.append(time.monotonic() - started)
    ping, bare = statistics.median(pings), statistics.median(bares)
    label = " (emulated by QEMU)" if emulated else ""
    log(
        f"{arch}{label}: docker run to healthy /ping {ping:.2f} s, to the end of python -c pass {bare:.2f} s;"
        f" ratio {ping / bare:.1f}"
    )
    return {
        "container_ping_s": ping,
        "container_bare_s": bare,
        "container_ping_ratio": ping / bare,
        "container_ping_ratio_runs": [p / b for p, b in zip(pings, bares, strict=True)],
        "runs": runs,
    }


# --- main --------------------------------------------------------------------------------------------------------


def port_free() -> bool:
    """Whether nothing listens on the agent's port on this machine."""
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) != 0


def main(argv: list[str] | None = None) -> int:
    """Engine, base, build, checks and figures for each architecture; exit 1 on the first failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=["amd64", "arm64"], action="append", help="default: amd64 then arm64")
    args = parser.parse_args(argv)
    arches = args.arch or ["amd64", "arm64"]
    started = time.monotonic()
    results: dict[str, Any] = {"from": None, "architectures": {}, "context_hash": context_hash()}
    try:
        if os.geteuid() != 0:
            raise CheckFailed("run as root: it installs Debian packages and starts dockerd when none is running")
        if not port_free():
            raise CheckFailed(f"port {PORT} is in use on this machine; the containers run on the host network")
        results["from"] = from_name()
        with tempfile.TemporaryDirectory(prefix="image-test-") as tmp, engine(Path(tmp)):
            for arch in arches:
                emulated = arch != NATIVE
                base = standin(arch, Path(tmp))
                image = build(arch, base)
                facts = {"emulated": emulated, **check_contents(image, base, arch)}
                facts.update(check_default_container(image, arch, emulated))
                facts.update(check_scripted_container(image, arch, emulated))
                facts.update(start_figures(image, arch, emulated, runs=1 if emulated else 5))
                results["architectures"][arch] = facts
    except (CheckFailed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as failure:
        print(f"image-test: FAILED: {failure}", file=sys.stderr)
        return 1
    results["seconds"] = time.monotonic() - started
    results["commit"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log(f"OK in {results['seconds']:.0f} s; figures in {FIGURES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
