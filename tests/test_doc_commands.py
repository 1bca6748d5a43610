"""Every command in the shell blocks of README.md, CONTRIBUTING.md and docs/ works in a new shell after make install.

The commands are read from the documents at collection time, so a command added, changed or removed there is tested
as it now reads. Each runs in a fresh ``bash`` with a clean environment (no ``VIRTUAL_ENV``, no ``.venv/bin`` on
``PATH``, no AWS configuration), as a user's new terminal would run it:

- ``make TARGET ...``: ``make -n`` (the target exists and its command lines expand; most need AWS or run a server);
- ``.venv/bin/python -m client invoke --url <local agent> ...`` and ``curl <local agent>``: for real, against the real
  agent with a scripted model on a free port in place of 8080;
- ``curl https://bedrock-agentcore.<region>.amazonaws.com/...`` with a bearer token: for real, against the AgentCore
  stand-in checking tokens of the local provider, with a token it issued (``ENCODED_ARN``, ``ACCESS_TOKEN`` and
  ``SESSION_ID`` filled in), in front of the agent checking them too;
- any other ``.venv/bin/python -m client ...``: its ``--help`` in the new shell, and its arguments parsed by the real
  parser (placeholders such as ``ID`` and ``ARN`` filled in), since it needs AWS;
- ``.venv/bin/python -m bench ...``: its ``--help`` in the new shell, which must list every option the command uses
  (a run measures for minutes, and ``--render`` rewrites the published page);
- ``.venv/bin/pytest ...``: ``--collect-only`` (the paths exist and import);
- ``aws SERVICE OPERATION --option ...``: checked against botocore's service model (service, operation, options);
- ``export NAME=value``: as it is.

A command no rule covers fails, naming itself: add a rule here rather than leaving it untested. In a pipeline only
the first command is the project's own; the rest (``jq``) is left to the reader's tools.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import botocore.session
import pytest
from botocore import xform_name

from agent.settings import AuthSettings
from client import cli
from client.invocation.arn import EXAMPLE_ARN
from client.invocation.session_ids import new_session_id
from contract.auth import AUTHORIZATION_HEADER
from fakes.dataplane import RUNTIME_ARN, DataPlane, JwtAuthorizer
from fakes.live_server import serve
from fakes.scripted_model import ScriptedModel
from tests.conftest import APP_CLIENT
from tests.documents import DOCUMENTS, ROOT

SHELL_BLOCK = re.compile(r"^(?P<indent>[ \t]*)```(?:bash|sh|shell)\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)
LOCAL_AGENT = re.compile(r"(?:localhost|127\.0\.0\.1):8080")
AGENTCORE = re.compile(r"https://bedrock-agentcore\.[a-z0-9-]+\.amazonaws\.com")
PLACEHOLDERS = {"ID": new_session_id(), "ARN": EXAMPLE_ARN}
AWS_CLI_OPTIONS = {"--query", "--region", "--output", "--profile", "--endpoint-url", "--no-cli-pager"}
ANSWER = "Hello from the scripted agent"


@dataclass(frozen=True)
class Command:
    """One command of a document's shell block, as a user would paste it."""

    where: str
    text: str

    @property
    def argv(self) -> list[str]:
        """The first command of the line, split as the shell splits it, comments dropped."""
        words = shlex.split(self.text, comments=True)
        return words[: words.index("|")] if "|" in words else words


def documented_commands() -> list[Command]:
    commands = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for block in SHELL_BLOCK.finditer(text):
            first_line = text.count("\n", 0, block.start()) + 2
            indent = len(block.group("indent"))
            pending = ""
            for offset, raw in enumerate(block.group("body").splitlines()):
                line = pending + raw[indent:].strip()
                if line.endswith("\\"):
                    pending = line[:-1] + " "
                    continue
                pending = ""
                if line and not line.startswith("#"):
                    where = f"{document.relative_to(ROOT)}:{first_line + offset}"
                    commands.append(Command(where, line))
    return commands


COMMANDS = documented_commands()


def fresh_shell_env(home: Path) -> dict[str, str]:
    """A new terminal's environment: PATH without the virtualenv, no VIRTUAL_ENV, no AWS settings of this machine."""
    venv = str(ROOT / ".venv")
    path = [entry for entry in os.environ["PATH"].split(os.pathsep) if entry and not entry.startswith(venv)]
    return {
        "PATH": os.pathsep.join(path),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_CONFIG_FILE": str(home / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def in_fresh_shell(argv: list[str], home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", shlex.join(argv)],
        cwd=ROOT,
        env=fresh_shell_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_documents__have_commands_to_check():
    assert len(COMMANDS) > 10
    documents = {command.where.split(":")[0] for command in COMMANDS}
    assert documents >= {"README.md", "CONTRIBUTING.md", "docs/customize.md"}


@pytest.mark.parametrize("command", COMMANDS, ids=[f"{c.where} {c.text[:50]}" for c in COMMANDS])
def test_command__works_in_a_new_shell_after_make_install(command, tmp_path, serve_agent, request):
    argv = command.argv
    program = argv[0]
    if program == "curl" and any(AGENTCORE.match(word) for word in argv):
        check_against_agentcore_with_a_token(argv, tmp_path, serve_agent, request.getfixturevalue("oidc"))
    elif program == "make":
        check_make(argv, tmp_path)
    elif program == "curl" or (argv[:4] == [".venv/bin/python", "-m", "client", "invoke"] and "--url" in argv):
        check_against_a_local_agent(argv, tmp_path, serve_agent)
    elif argv[:3] == [".venv/bin/python", "-m", "client"]:
        check_client_command(argv, tmp_path)
    elif argv[:3] == [".venv/bin/python", "-m", "bench"]:
        check_bench_command(argv, tmp_path)
    elif program == ".venv/bin/pytest":
        check_pytest(argv, tmp_path)
    elif program == "aws":
        check_aws_cli(argv)
    elif program == "export":
        assert in_fresh_shell(argv, tmp_path).returncode == 0
    else:
        pytest.fail(f"{command.where}: no rule checks `{program}`; add one in {Path(__file__).name}")


def check_make(argv: list[str], home: Path) -> None:
    result = in_fresh_shell(["make", "-n", *argv[1:]], home)

    assert result.returncode == 0, result.stderr


def check_against_a_local_agent(argv: list[str], home: Path, serve_agent) -> None:
    url = serve_agent(ScriptedModel([[ANSWER]], repeat=True))
    port = url.rsplit(":", 1)[1]
    local = [LOCAL_AGENT.sub(f"127.0.0.1:{port}", word) for word in argv]
    assert local != argv, "a command run against the local agent must name it (localhost:8080)"

    result = in_fresh_shell(local, home)

    assert result.returncode == 0, result.stderr
    assert ANSWER in result.stdout


def check_against_agentcore_with_a_token(argv: list[str], home: Path, serve_agent, oidc) -> None:
    auth = AuthSettings(oidc.discovery_url, (APP_CLIENT,))
    plane = DataPlane(
        serve_agent(ScriptedModel([[ANSWER]], repeat=True), auth=auth),
        authorizer=JwtAuthorizer(oidc.discovery_url, (APP_CLIENT,)),
        header_allowlist=(AUTHORIZATION_HEADER,),
    )
    values = {
        "ENCODED_ARN": quote(RUNTIME_ARN, safe=""),
        "ACCESS_TOKEN": oidc.access_token(oidc.users["alice"], APP_CLIENT),
        "SESSION_ID": new_session_id(),
    }
    with serve(plane.app) as url:
        filled = []
        for word in argv:
            word = AGENTCORE.sub(url, word)
            for placeholder, value in values.items():
                word = word.replace(placeholder, value)
            filled.append(word)
        result = in_fresh_shell(filled, home)

    assert result.returncode == 0, result.stderr
    assert ANSWER in result.stdout
    assert [seen.authorization for seen in plane.requests] == [f"Bearer {values['ACCESS_TOKEN']}"]


def check_client_command(argv: list[str], home: Path) -> None:
    subcommand = argv[3]
    helped = in_fresh_shell([*argv[:4], "--help"], home)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith(f"usage: python -m client {subcommand}")

    filled = [PLACEHOLDERS.get(word, word) for word in argv[3:]]
    try:
        _, unknown = cli.build_parser().parse_known_args(filled)
    except SystemExit:
        pytest.fail(f"the client refuses these arguments: {filled}")
    assert unknown == []


def check_bench_command(argv: list[str], home: Path) -> None:
    helped = in_fresh_shell([*argv[:3], "--help"], home)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: python -m bench")

    options = {word.split("=")[0] for word in argv[3:] if word.startswith("-")}
    assert {option for option in options if option not in helped.stdout.split()} == set()


def check_pytest(argv: list[str], home: Path) -> None:
    result = in_fresh_shell([*argv, "--collect-only", "-p", "no:cacheprovider"], home)

    assert result.returncode == 0, result.stdout[-2000:]


def check_aws_cli(argv: list[str]) -> None:
    service, operation, *options = argv[1:]
    model = botocore.session.get_session().get_service_model(service)
    operations = {xform_name(name, "-"): name for name in model.operation_names}
    assert operation in operations, f"{service} has no operation {operation}"
    members = model.operation_model(operations[operation]).input_shape.members
    known = {f"--{xform_name(name, '-')}" for name in members} | AWS_CLI_OPTIONS
    assert [word for word in options if word.startswith("--") and word not in known] == []
