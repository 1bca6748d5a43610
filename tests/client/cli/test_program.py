"""``python -m client`` as a program: every command registered and documented, and every failure one line on stderr
with an exit code of its own, never a traceback.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from botocore.exceptions import NoCredentialsError, NoRegionError

from client import cli
from client.cli import commands, parser
from client.cli.command import Command
from client.terminal import Renderer
from fakes.dataplane import Reject
from fakes.live_server import free_port, serve
from fakes.scripted_model import Fail, ScriptedModel
from tests.client.cli.helpers import assert_one_error_line, run
from tests.client.tricky import TRICKY_DELTAS

ROOT = Path(__file__).resolve().parents[3]
SESSION = "cli-test-session-" + "x" * 24
ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/streaming_agent-AbCdEf1234"
COMMAND_MODULES = sorted(path.stem for path in Path(commands.__file__).parent.glob("*.py") if path.stem != "__init__")
"""The command modules as files on disk, not as the package finds them: a module it missed is still listed here."""


# --- every failure: one line, a distinct exit code --------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["invoke"],
        ["invoke", "--arn", "x", "--url", "http://localhost:8080", "hi"],
        ["invoke", "--url", "http://localhost:8080", "--region", "us-east-1", "hi"],
        ["status", "--url", "http://localhost:8080", "--stack", "S"],
        ["invoke", "--session", "too-short", "hi"],
        ["invoke", "--read-timeout", "0", "hi"],
        ["invoke", "--url", "http://localhost:8080", "   "],
        ["dance"],
    ],
    ids=[
        "no-command",
        "no-prompt",
        "arn-and-url",
        "url-with-region",
        "url-with-stack",
        "short-session",
        "zero-timeout",
        "blank",
        "verb",
    ],
)
def test_cli__bad_arguments_exit_2_with_usage(capsys, argv):
    code, out, err = run(capsys, *argv)

    assert code == cli.EXIT_USAGE
    assert out == ""
    assert "error:" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("session", "fragment"),
    [
        (SESSION + "\r\nX-Injected: yes", "a control character U+000D at position 41"),
        (SESSION + "\x00", "a control character U+0000"),
        (SESSION + "\x85", "a control character U+0085"),
        (SESSION + " and more", "the character U+0020"),
        ("セッション" * 8, "the character U+30BB at position 0"),
        ("x" * 257, "has 257 characters; AgentCore needs 33 to 256"),
    ],
    ids=["cr-lf", "nul", "c1-next-line", "space", "not-ascii", "too-long"],
)
def test_cli__a_session_id_no_header_can_carry_is_a_usage_error_before_anything_is_sent(
    serve_agent, capsys, session, fragment
):
    model = ScriptedModel([])
    url = serve_agent(model)

    code, out, err = run(capsys, "invoke", "--url", url, "--session", session, "hi")

    assert (code, out) == (cli.EXIT_USAGE, "")
    assert fragment in err and "Traceback" not in err
    assert model.calls == []


def subcommands() -> dict:
    """Each subcommand's parser, by name (argparse keeps them in its subparsers action)."""
    (action,) = [action for action in cli.build_parser()._actions if action.choices and action.dest == "==SUPPRESS=="]
    return action.choices


def command_module(name: str):
    return importlib.import_module(f"{commands.__name__}.{name}")


def test_cli_commands__the_parser_offers_exactly_the_command_modules():
    assert sorted(subcommands()) == sorted(name.replace("_", "-") for name in COMMAND_MODULES)


@pytest.mark.parametrize("name", COMMAND_MODULES)
def test_cli_commands__every_command_module_defines_run_and_no_public_function_the_parser_would_not_read(name):
    module = command_module(name)
    public = {
        defined
        for defined, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__ and not defined.startswith("_")
    }

    assert "run" in public
    # Anything else is a misspelt add_arguments, whose options the parser would silently leave out.
    assert public <= {"run", "add_arguments"}
    assert isinstance(module.COMMAND, Command)


@pytest.mark.parametrize(
    ("defined", "error", "said"),
    [
        ({"COMMAND": Command(help="h")}, AttributeError, "client.cli.commands.bare_bones has no run"),
        ({"run": lambda args, out, err: 0}, AttributeError, "client.cli.commands.bare_bones has no COMMAND"),
        (
            {"COMMAND": Command(help="h"), "run": lambda args: 0},
            TypeError,
            "client.cli.commands.bare_bones.run cannot be called as run(args, out, err)",
        ),
        (
            {"COMMAND": Command(help="h"), "run": lambda args, out, err: 0, "add_arguments": "--flag"},
            TypeError,
            "client.cli.commands.bare_bones.add_arguments cannot be called as add_arguments(parser)",
        ),
    ],
    ids=["no-run", "no-command", "run-mistyped", "add-arguments-not-a-function"],
)
def test_cli_commands__a_module_the_parser_cannot_run_fails_the_build_naming_it(monkeypatch, defined, error, said):
    module = ModuleType(f"{commands.__name__}.bare_bones")
    vars(module).update(defined)
    monkeypatch.setattr(parser, "command_modules_found", lambda: [module])

    with pytest.raises(error, match=re.escape(said)):
        cli.build_parser()


@pytest.mark.parametrize("name", COMMAND_MODULES)
def test_cli_help__every_command_module_says_what_it_does_and_lists_the_exit_codes(capsys, name):
    module = command_module(name)

    command = name.replace("_", "-")

    code, out, _ = run(capsys, command, "--help")

    assert code == cli.EXIT_OK
    assert out.startswith(f"usage: python -m client {command} ")
    assert module.__doc__ and " ".join(module.__doc__.split()) in " ".join(out.split())
    assert "exit codes: 0 success" in out and "130 interrupted" in out


def test_cli_status__offers_no_read_timeout_since_it_streams_nothing(capsys):
    code, _, err = run(capsys, "status", "--read-timeout", "5")

    assert code == cli.EXIT_USAGE
    assert "--read-timeout" not in run(capsys, "status", "--help")[1]
    assert err.startswith("usage: python -m client status")
    assert "unrecognized arguments: --read-timeout 5" in err


@pytest.mark.parametrize(
    ("command", "reason"),
    [("logs", "a local agent prints its logs in the terminal running it"), ("sessions", "a local agent keeps")],
)
def test_cli__url_where_it_has_no_meaning_is_refused_with_the_reason(capsys, command, reason):
    code, out, err = run(capsys, command, "--url", "http://localhost:8080")

    assert (code, out) == (cli.EXIT_USAGE, "")
    assert err.startswith(f"usage: python -m client {command}")
    assert f"python -m client {command}: error: --url does not apply: " in err
    assert reason in err
    assert "--url" not in run(capsys, command, "--help")[1]


def test_cli__an_unknown_option_shows_the_commands_usage_not_the_top_levels(capsys):
    code, _, err = run(capsys, "logs", "--region", "us-east-1", "--colour")

    assert code == cli.EXIT_USAGE
    assert err.startswith("usage: python -m client logs")
    assert err.rstrip().endswith("unrecognized arguments: --colour")


def not_found(status, body="Not Found"):
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": body.encode()})

    return app


@pytest.mark.parametrize("status", [404, 405, 501])
def test_cli__a_local_url_that_is_not_an_agent_says_so_and_to_check_the_port(capsys, status):
    with serve(not_found(status)) as url:
        invoked = run(capsys, "invoke", "--url", url, "hi")
        pinged = run(capsys, "status", "--url", url)

    for (code, out, err), request in ((invoked, "POST /invocations"), (pinged, "GET /ping")):
        assert (code, out) == (cli.EXIT_CONFIGURATION, "")
        assert_one_error_line(err, f"{url} is not an agent: it answered {request} with HTTP {status}", "port")


def test_cli__a_servers_html_error_page_is_one_line(capsys):
    page = "<html>\n  <body>\n    <h1>Bad gateway</h1>\n  </body>\n</html>\n"
    with serve(not_found(502, page)) as url:
        code, _, err = run(capsys, "invoke", "--url", url, "hi")

    assert code == cli.EXIT_REFUSED
    assert_one_error_line(err, "HTTP 502: <html> <body> <h1>Bad gateway</h1> </body> </html>")


def test_cli__malformed_arn_exits_3(capsys):
    code, _, err = run(capsys, "invoke", "--arn", "arn:aws:lambda:us-east-1:123456789012:function:f", "hi")

    assert code == cli.EXIT_CONFIGURATION
    assert_one_error_line(err, "not an AgentCore runtime ARN", "expected one like arn:aws:bedrock-agentcore:")


def test_cli__unknown_profile_exits_3(capsys):
    code, _, err = run(capsys, "invoke", "--profile", "no-such-profile", "--arn", ARN, "hi")

    assert code == cli.EXIT_CONFIGURATION
    assert_one_error_line(err, "no-such-profile")


def test_cli__url_without_scheme_exits_3(capsys):
    code, _, err = run(capsys, "invoke", "--url", "localhost:8080", "hi")

    assert code == cli.EXIT_CONFIGURATION
    assert_one_error_line(err, "not an http(s) URL")


def test_cli__missing_credentials_exit_3(agentcore, capsys, monkeypatch):
    core = agentcore(ScriptedModel([]))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")

    code, _, err = run(capsys, "invoke", *core.target(), "hi")

    assert code == cli.EXIT_CONFIGURATION
    assert_one_error_line(err, "no AWS credentials found")


@pytest.mark.parametrize("flag", ["--url", "--endpoint-url"])
def test_cli__unreachable_endpoint_exits_4(capsys, flag):
    url = f"http://127.0.0.1:{free_port()}"
    target = ["--url", url] if flag == "--url" else ["--arn", ARN, "--endpoint-url", url]

    code, out, err = run(capsys, "invoke", *target, "hi")

    assert (code, out) == (cli.EXIT_UNREACHABLE, "")
    assert_one_error_line(err, url, "refused")


@pytest.mark.parametrize(
    ("code_name", "status"),
    [("ThrottlingException", 429), ("ValidationException", 400), ("AccessDeniedException", 403)],
)
def test_cli__refused_or_throttled_invocation_exits_5_with_the_services_message(agentcore, capsys, code_name, status):
    core = agentcore(ScriptedModel([]))
    core.plane.script.append(Reject(code_name, status, f"service message for {code_name}"))

    code, out, err = run(capsys, "invoke", *core.target(), "hi")

    assert (code, out) == (cli.EXIT_REFUSED, "")
    assert_one_error_line(err, f"{code_name}: service message for {code_name}")


def test_cli__local_agent_rejection_exits_5_with_its_error_and_hint(serve_agent, capsys):
    url = serve_agent(ScriptedModel([]), max_prompt_chars=3)

    code, _, err = run(capsys, "invoke", "--url", url, "too long")

    assert code == cli.EXIT_REFUSED
    assert_one_error_line(err, "HTTP 413", "the limit is 3", "Send a JSON object")


def test_cli__error_event_in_the_stream_exits_6_after_the_partial_answer(agentcore, capsys):
    core = agentcore(ScriptedModel([["partial answer", Fail(RuntimeError("model connection reset"))]]))

    code, out, err = run(capsys, "invoke", *core.target(), "fail midway")

    assert (code, out) == (cli.EXIT_STREAM, "partial answer")
    assert_one_error_line(err, "stream_error", "model connection reset")


def test_cli__local_agent_without_aws_credentials_exits_3_with_the_agents_fix(serve_agent, capsys):
    url = serve_agent(ScriptedModel([[Fail(NoCredentialsError())]]))

    code, out, err = run(capsys, "invoke", "--url", url, "hi")

    assert (code, out) == (cli.EXIT_CONFIGURATION, "")
    assert_one_error_line(err, "the agent found no AWS credentials", "nothing was answered", "aws configure")


def test_cli__deployed_agent_whose_model_cannot_be_called_exits_3_not_6(agentcore, capsys):
    core = agentcore(ScriptedModel([[Fail(NoRegionError())]]))

    code, out, err = run(capsys, "invoke", *core.target(), "hi")

    assert (code, out) == (cli.EXIT_CONFIGURATION, "")
    assert_one_error_line(err, "no AWS Region", "export AWS_REGION=")


def test_cli__unexpected_exception_is_one_line_and_exit_1(serve_agent, capsys, monkeypatch):
    url = serve_agent(ScriptedModel([["x"]]))

    def broken(self, value):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(Renderer, "write", broken)

    code, _, err = run(capsys, "invoke", "--url", url, "hi")

    assert code == cli.EXIT_UNEXPECTED
    assert_one_error_line(err, "unexpected RuntimeError: renderer exploded")


def test_cli__no_region_anywhere_exits_3(capsys, monkeypatch):
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)

    code = cli.main(["invoke", "hi"])

    _, err = capsys.readouterr()
    assert code == cli.EXIT_CONFIGURATION
    assert err == "error: no AWS region: pass --region or set AWS_REGION or AWS_DEFAULT_REGION\n"


# --- the real program -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["url", "arn"])
def test_cli_subprocess__python_m_client_prints_exactly_the_answer(agentcore, via):
    core = agentcore(ScriptedModel([TRICKY_DELTAS]))
    target = ["--url", core.agent_url] if via == "url" else core.target()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}

    done = subprocess.run(
        [sys.executable, "-m", "client", "invoke", *target, "say something tricky"],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8") == "".join(TRICKY_DELTAS)
    assert done.stderr == b""
