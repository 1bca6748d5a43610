"""The image keeps the botocore model of every AWS service the agent calls: a tool that calls a service whose model
the Dockerfile deletes fails here, not in the deployed agent with ``UnknownServiceError``."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import botocore.session

ROOT = Path(__file__).resolve().parents[2]
AGENT = ROOT / "agent"
AWS_SERVICES = AGENT / "aws_services.txt"
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
BOTOCORE_SERVICES = frozenset(botocore.session.get_session().get_available_services())


def kept_services() -> set[str]:
    """The names ``agent/aws_services.txt`` lists: text before ``#`` on each line."""
    lines = AWS_SERVICES.read_text(encoding="utf-8").splitlines()
    return {name for line in lines if (name := line.partition("#")[0].strip())}


def services_called(source: str, filename: str = "<source>") -> dict[str, int]:
    """Every ``<anything>.client("svc")`` and ``.resource("svc")`` (or ``service_name="svc"``): service -> line.

    Names that are not AWS services (another library's ``client("...")``) are left out; a name that is not a literal
    cannot be checked and is reported as ``<not a literal>``.
    """
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ("client", "resource"):
            continue
        named = [keyword.value for keyword in node.keywords if keyword.arg == "service_name"]
        argument = node.args[0] if node.args else (named[0] if named else None)
        if argument is None:
            continue
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            if argument.value in BOTOCORE_SERVICES:
                found.setdefault(argument.value, node.lineno)
        elif _looks_like_boto3(node.func.value):
            found.setdefault("<not a literal>", node.lineno)
    return found


def _looks_like_boto3(receiver: ast.expr) -> bool:
    text = ast.unparse(receiver).lower()
    return "boto" in text or "session" in text


def agent_services() -> dict[str, list[str]]:
    """Each AWS service the code under ``agent/`` makes a client or resource for, with where it does."""
    where: dict[str, list[str]] = {}
    for path in sorted(AGENT.rglob("*.py")):
        for service, line in services_called(path.read_text(encoding="utf-8"), str(path)).items():
            where.setdefault(service, []).append(f"{path.relative_to(ROOT)}:{line}")
    return where


def test_aws_services__lists_only_services_botocore_has_a_model_for():
    assert kept_services() - BOTOCORE_SERVICES == set()


def test_aws_services__lists_every_service_the_agents_code_calls():
    called = agent_services()

    assert "<not a literal>" not in called, f"a service name the image check cannot read: {called['<not a literal>']}"
    missing = {service: where for service, where in called.items() if service not in kept_services()}
    assert missing == {}, (
        "the image deletes the botocore model of these services, so these calls would fail in the deployed agent "
        "with UnknownServiceError: add each service to agent/aws_services.txt"
    )


CLIENTS_AT_START = """
import json, botocore.session
made = []
create_client = botocore.session.Session.create_client

def recording(self, service_name, *args, **kwargs):
    made.append(service_name)
    return create_client(self, service_name, *args, **kwargs)

botocore.session.Session.create_client = recording
from agent.server import create_app
create_app()
print(json.dumps(sorted(set(made))))
"""


def test_aws_services__lists_every_service_the_agent_and_its_sdks_make_a_client_for_at_start(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "AWS_REGION": "us-east-1",
        "MEMORY_ID": "agent_memory-AbCdEf1234",  # as deployed: conversations in AgentCore Memory
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }

    result = subprocess.run(
        [sys.executable, "-c", CLIENTS_AT_START], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    made = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert made >= {"bedrock-runtime", "bedrock-agentcore"}
    assert made - kept_services() == set()


def test_scan__finds_a_tool_calling_a_service_whose_model_the_image_deletes():
    tool = """
import boto3
from boto3.session import Session

def lookup(key):
    table = boto3.resource("dynamodb").Table("orders")
    queue = Session().client(service_name="sqs")
    return boto3.client("bedrock-runtime"), httpx.client("not-aws")
"""

    found = services_called(tool)

    assert set(found) == {"dynamodb", "sqs", "bedrock-runtime"}
    assert {"dynamodb", "sqs"} - kept_services() == {"dynamodb", "sqs"}


def test_scan__a_service_name_it_cannot_read_is_reported():
    assert set(services_called("import boto3\nboto3.client(SERVICE)\n")) == {"<not a literal>"}


DELETION = re.search(r"for model in .*?done", DOCKERFILE, re.DOTALL)


def test_dockerfile__deletes_every_model_but_the_listed_ones(tmp_path):
    assert DELETION is not None, "the Dockerfile's loop over botocore/data is gone"
    assert "COPY agent/requirements.txt agent/aws_services.txt agent/" in DOCKERFILE
    data = tmp_path / "site" / "botocore" / "data"
    for service in [*sorted(kept_services()), "dynamodb", "bedrock", "sqs", "s3", "logs-extra"]:
        (data / service / "2020-01-01").mkdir(parents=True)
    (data / "endpoints.json").write_text("{}")
    (tmp_path / "agent").mkdir()
    shutil.copy(AWS_SERVICES, tmp_path / "agent")

    # As the RUN instruction runs it: /bin/sh from the build's working directory, with $site set before.
    subprocess.run(
        ["/bin/sh", "-c", f'site="$1"; {DELETION.group(0)}', "sh", str(tmp_path / "site")], cwd=tmp_path, check=True
    )

    left = {path.name for path in data.iterdir()}
    assert left == {*kept_services(), "endpoints.json"}
