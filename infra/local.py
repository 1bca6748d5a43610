"""``make local`` and ``make dev``: the agent on this machine, with the settings the deployed stack would give it.

``python -m infra.local [--reload] [--host H] [--port N] [cdk arguments]``. The settings are read exactly as the stack
reads them (``cdk.json``'s context, the ``-c`` arguments ``CDK_ARGS`` carries, then the environment), so a model or
system prompt set for the deployment is the one the local agent uses, and the agent gets the same variables the
runtime gets, with the Region the stack would deploy to. Then this process becomes the agent (``exec``): neither CDK
nor jsii comes along, as the image has neither. Before that it says where the agent will listen and, in the
preflight's words, what it lacks to call Amazon Bedrock.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence

from contract.agentcore import PORT
from contract.auth import AUTH_COGNITO
from contract.deployment import CLI_COMMAND, MODEL_ID_ENV, MODEL_REGION_ENV
from infra.preflight import NO_CREDENTIALS, NO_REGION, has_credentials
from infra.settings import DeploymentSettings, deployment_region, profile_region, read_settings

COGNITO_LOCALLY = (
    "auth=cognito: the user pool exists only in the deployed stack, so the local agent asks for no token; to sign "
    "in to it locally, pass -c auth=jwt -c jwtDiscoveryUrl=<the stack's AuthDiscoveryUrl> "
    "-c jwtAllowedClients=<its AuthClientId>"
)
LOCAL_HOST = "127.0.0.1"
"""Loopback only: the local agent calls Bedrock with the developer's credentials, so nothing else may reach it."""

Exec = Callable[[str, Sequence[str], Mapping[str, str]], object]


def agent_environment(settings: DeploymentSettings, region: str | None, environ: Mapping[str, str]) -> dict[str, str]:
    """The shell's environment with the variables the deployed runtime would get from ``settings`` laid over it."""
    variables = {**environ, **settings.container_environment(), MODEL_ID_ENV: settings.model_id}
    authorizer = settings.jwt_authorizer()
    if authorizer:
        variables.update(authorizer.environment())
    if region:
        variables[MODEL_REGION_ENV] = region
    return variables


def agent_command(host: str, port: int, *, reload: bool) -> list[str]:
    """The agent as the image runs it (``python -m agent``), or under uvicorn's reloader for ``make dev``."""
    if reload:
        return [
            *(sys.executable, "-m", "uvicorn", "agent.server:create_app", "--factory"),
            *("--reload", "--reload-dir", "agent", "--host", host, "--port", str(port), "--log-level", "warning"),
        ]
    return [sys.executable, "-m", "agent", "--host", host, "--port", str(port)]


def main(
    argv: Sequence[str] | None = None,
    *,
    exec_: Exec = os.execve,
    credentials: Callable[[], bool] = has_credentials,
    profile: Callable[[], str | None] = profile_region,
) -> int:
    """Say what the local agent lacks and where it listens, then become it; 1 when the settings are refused."""
    parser = argparse.ArgumentParser(
        prog="python -m infra.local",
        description="Run the agent on this machine with the stack's settings (make local, make dev). Arguments it "
        "does not know are cdk's (-c key=value), as make deploy takes them in CDK_ARGS.",
    )
    parser.add_argument("--host", default=LOCAL_HOST, help=f"address to bind (default: {LOCAL_HOST})")
    parser.add_argument("--port", type=int, default=PORT, help=f"port to bind (default: {PORT})")
    parser.add_argument("--reload", action="store_true", help="restart the agent when a file under agent/ changes")
    args, cdk_args = parser.parse_known_args(argv)
    read = read_settings("local", cdk_args)
    if read is None:
        return 1
    context, settings = read
    region = deployment_region(context, profile=profile)
    if not region:
        print(f"local: warning: {NO_REGION}; until then the agent calls Bedrock in Strands' default", file=sys.stderr)
    if not credentials():
        print(f"local: warning: {NO_CREDENTIALS}; until then each prompt is answered with this fix", file=sys.stderr)
    if settings.auth == AUTH_COGNITO:
        print(f"local: warning: {COGNITO_LOCALLY}", file=sys.stderr)
    url = f"http://{args.host}:{args.port}"
    print(
        f"local: the agent ({settings.model_id} in {region or 'no Region'}) on {url}; ask it with: "
        f'{CLI_COMMAND} invoke --url {url} "Hello"',
        file=sys.stderr,
        flush=True,
    )
    command = agent_command(args.host, args.port, reload=args.reload)
    exec_(command[0], command, agent_environment(settings, region, os.environ))
    return 0


if __name__ == "__main__":
    sys.exit(main())
