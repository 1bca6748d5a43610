"""The settings docs/customize.md teaches: a system prompt, more environment variables and secrets reach the
container as variables, and the execution role may read exactly the secrets named, nothing else of Secrets Manager."""

from __future__ import annotations

import json

from aws_cdk.assertions import Template

from contract.deployment import MEMORY_ID_ENV, SECRET_IDS_ENV, SYSTEM_PROMPT_ENV
from infra.runtime.handler import properties as p
from tests.infra.conftest import ACCOUNT, REGION, build_app

SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:shared/db-password-AbCdEf"


def synthesized(tmp_path, **settings):
    app, stack = build_app(str(tmp_path), bundle=False, **settings)
    return app, stack, Template.from_stack(stack)


def runtime_variables(template: Template) -> dict:
    (runtime,) = template.find_resources(p.RESOURCE_TYPE).values()
    return runtime["Properties"][p.ENVIRONMENT_VARIABLES]


def secret_statements(template: Template) -> list[dict]:
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if any(str(action).startswith("secretsmanager:") for action in _list(statement["Action"]))
    ]


def _list(value):
    return value if isinstance(value, list) else [value]


def test_stack__system_prompt_and_environment_reach_the_container_beside_the_stacks_own(tmp_path):
    _, _, template = synthesized(
        tmp_path, system_prompt="You answer in French.", environment={"MAX_SESSIONS": "64", "TEAM": "search"}
    )

    variables = runtime_variables(template)

    assert variables[SYSTEM_PROMPT_ENV] == "You answer in French."
    assert (variables["MAX_SESSIONS"], variables["TEAM"]) == ("64", "search")
    assert {"MODEL_ID", "BEDROCK_REGION", MEMORY_ID_ENV} <= set(variables)


def test_stack__without_a_system_prompt_the_agent_keeps_its_own(tmp_path):
    _, _, template = synthesized(tmp_path)

    assert SYSTEM_PROMPT_ENV not in runtime_variables(template)


def test_stack__secrets_reach_the_container_as_ids_and_the_role_may_read_only_those(tmp_path):
    _, _, template = synthesized(
        tmp_path, secrets={"WEATHER_API_KEY": "my-agent/weather-key", "DB_PASSWORD": SECRET_ARN}
    )

    ids = json.loads(runtime_variables(template)[SECRET_IDS_ENV])
    (statement,) = secret_statements(template)

    assert ids == {"WEATHER_API_KEY": "my-agent/weather-key", "DB_PASSWORD": SECRET_ARN}
    assert statement["Action"] == "secretsmanager:GetSecretValue"
    resources = json.dumps(statement["Resource"])
    assert SECRET_ARN in resources
    assert ":secret:my-agent/weather-key-??????" in resources
    assert len(statement["Resource"]) == 2


def test_stack__without_secrets_the_role_may_read_no_secret(tmp_path):
    _, _, template = synthesized(tmp_path)

    assert secret_statements(template) == []
    assert SECRET_IDS_ENV not in runtime_variables(template)


def test_stack__secret_values_never_appear_in_the_template(tmp_path):
    _, _, template = synthesized(tmp_path, secrets={"WEATHER_API_KEY": "my-agent/weather-key"})

    assert "SecretString" not in json.dumps(template.to_json())
