"""Every invocation record the real agent prints is a CloudWatch Embedded Metric Format document, by the spec.

The records come from the real server over HTTP, one per way an invocation ends; the schema is the spec's own
(``emf_schema.json``), and what a schema cannot say (each name a directive references is a root member of the right
type) is checked here as the spec states it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import jsonschema
import pytest

from agent.observability.metrics import EmbeddedMetrics
from agent.settings import AgentSettings, ConfigurationError
from contract.agentcore import SESSION_HEADER
from contract.metrics import (
    DEFAULT_METRICS_NAMESPACE,
    LOCAL_RUNTIME_NAME,
    METRICS_NAMESPACE_ENV,
    OUTCOME_METRICS,
    RUNTIME_DIMENSION,
    RUNTIME_NAME_ENV,
    Metric,
)
from contract.record import InvocationRecord, MemoryWrite, Outcome
from fakes.scripted_model import Fail, ScriptedModel, ToolCall
from tests.agent.helpers import SESSION_A, stream_values

SCHEMA = json.loads((Path(__file__).with_name("emf_schema.json")).read_text())
NAMESPACE = "Team/SearchAgent"
RUNTIME = "search_agent"
RECORD_BYTES_BOUND = 2048
"""What docs/observability.md says a record of an ordinary turn weighs at most (its CloudWatch Logs ingestion)."""


def _completed(url: str, http: httpx.Client) -> None:
    stream_values(http, url, {"prompt": "2 + 3 * 4?"}, session=SESSION_A)


def _with_tools(url: str, http: httpx.Client) -> None:
    stream_values(http, url, {"prompt": "time?", "stream": "events"}, session=SESSION_A)


def _model_error(url: str, http: httpx.Client) -> None:
    stream_values(http, url, {"prompt": "hi"}, session=SESSION_A)


def _refused(url: str, http: httpx.Client) -> None:
    http.post(f"{url}/invocations", content=b"{not json", headers={"Content-Type": "application/json"})


def _hung_up(url: str, http: httpx.Client) -> None:
    with http.stream("POST", f"{url}/invocations", json={"prompt": "long"}, headers={SESSION_HEADER: SESSION_A}) as r:
        next(r.iter_lines())  # the first chunk arrived; leaving the block closes the connection


TURNS = {
    "completed": (lambda: ScriptedModel([["It is ", "14."]]), _completed, Outcome.COMPLETED),
    "with tools": (
        lambda: ScriptedModel([[ToolCall("get_time", {"timezone": "Asia/Tokyo"})], ["Done."]]),
        _with_tools,
        Outcome.COMPLETED,
    ),
    "model error": (
        lambda: ScriptedModel([["Partial ", Fail(RuntimeError("Bedrock is down"))]]),
        _model_error,
        Outcome.MODEL_ERROR,
    ),
    "refused": (lambda: ScriptedModel([]), _refused, Outcome.REFUSED),
    "hung up": (lambda: ScriptedModel([[f"{i} " for i in range(40)]], delay=0.05), _hung_up, Outcome.CLIENT_HUNG_UP),
}


@pytest.fixture(params=TURNS.values(), ids=TURNS.keys())
def printed(request, serve_agent, http, agent_records) -> tuple[str, Outcome]:
    """The one line the agent printed for a turn that ended one way (a fresh script each), and that way."""
    model, turn, outcome = request.param
    turn(serve_agent(model(), metrics_namespace=NAMESPACE, runtime_name=RUNTIME), http)
    deadline = time.monotonic() + 10
    while not agent_records and time.monotonic() < deadline:
        time.sleep(0.01)
    [line] = agent_records
    return line, outcome


def test_emf__every_record_is_valid_against_the_specs_schema(printed):
    line, _ = printed

    jsonschema.validate(json.loads(line), SCHEMA)


def test_emf__every_referenced_dimension_and_metric_is_a_root_member_of_the_right_type(printed):
    document = json.loads(printed[0])

    for directive in document["_aws"]["CloudWatchMetrics"]:
        for dimension_set in directive["Dimensions"]:
            assert all(isinstance(document[name], str) for name in dimension_set)
        for metric in directive["Metrics"]:
            value = document[metric["Name"]]
            assert isinstance(value, int | float) and not isinstance(value, bool), metric["Name"]


def test_emf__namespace_dimension_and_timestamp_are_the_deployments_and_now(printed):
    document = json.loads(printed[0])

    [directive] = document["_aws"]["CloudWatchMetrics"]
    assert (directive["Namespace"], directive["Dimensions"]) == (NAMESPACE, [[RUNTIME_DIMENSION]])
    assert document[RUNTIME_DIMENSION] == RUNTIME
    assert abs(document["_aws"]["Timestamp"] - time.time() * 1000) < 60_000


def test_emf__metric_values_are_the_records_own_figures(printed):
    line, _ = printed
    document, record = json.loads(line), InvocationRecord.from_line(line)

    assert document[Metric.INVOCATIONS] == 1
    assert document[Metric.CHUNKS] == record.chunks
    assert document[Metric.TOTAL_TIME] == record.total_ms
    assert document.get(Metric.TIME_TO_FIRST_CHUNK) == record.ttfc_ms
    assert document.get(Metric.INPUT_TOKENS) == (record.usage or {}).get("inputTokens")
    assert document.get(Metric.OUTPUT_TOKENS) == (record.usage or {}).get("outputTokens")


def test_emf__the_outcome_counts_one_and_every_other_outcome_zero(printed):
    line, outcome = printed
    document = json.loads(line)

    counts = {kind: document[metric] for kind, metric in OUTCOME_METRICS.items()}
    assert counts == {kind: int(kind == outcome) for kind in Outcome}
    assert document[Metric.MEMORY_WRITE_FAILURES] == 0


def test_emf__logs_and_status_still_read_the_record_from_the_line(printed):
    line, outcome = printed

    record = InvocationRecord.from_line(line)

    assert record is not None and record.outcome == outcome
    assert {key: value for key, value in json.loads(line).items() if key in record.to_json()} == json.loads(
        record.line()
    )


def test_emf__a_record_of_an_ordinary_turn_weighs_under_two_kibibytes(printed):
    line, _ = printed

    assert len(line.encode()) + 1 < RECORD_BYTES_BOUND  # the newline is ingested too


def test_emf__no_value_is_a_session_or_anything_else_of_high_cardinality_among_the_dimensions(printed):
    document = json.loads(printed[0])

    dimensions = {
        name
        for directive in document["_aws"]["CloudWatchMetrics"]
        for names in directive["Dimensions"]
        for name in names
    }
    assert dimensions == {RUNTIME_DIMENSION}


def test_emf_values__a_failed_memory_write_counts_one_write_failure():
    record = InvocationRecord(outcome=Outcome.COMPLETED, memory=MemoryWrite.FAILED, memory_error="ThrottledException")

    values = EmbeddedMetrics(NAMESPACE, RUNTIME).values(record)

    assert values[Metric.MEMORY_WRITE_FAILURES] == 1 and values[Metric.COMPLETED] == 1


def test_emf_values__a_server_error_counts_in_server_errors():
    values = EmbeddedMetrics(NAMESPACE, RUNTIME).values(InvocationRecord(outcome=Outcome.SERVER_ERROR, status=500))

    assert values[Metric.SERVER_ERRORS] == 1 and values[Metric.COMPLETED] == 0


def test_settings__metrics_namespace_and_runtime_come_from_the_environment_the_stack_sets():
    settings = AgentSettings.from_env({METRICS_NAMESPACE_ENV: NAMESPACE, RUNTIME_NAME_ENV: RUNTIME})

    assert (settings.metrics_namespace, settings.runtime_name) == (NAMESPACE, RUNTIME)


def test_settings__without_them_the_default_namespace_and_a_local_runtime():
    settings = AgentSettings.from_env({})

    assert (settings.metrics_namespace, settings.runtime_name) == (DEFAULT_METRICS_NAMESPACE, LOCAL_RUNTIME_NAME)


@pytest.mark.parametrize("namespace", ["AWS/Bedrock", "   ", "emoji 🙂", "x" * 256])
def test_settings__a_namespace_cloudwatch_refuses_stops_the_start_naming_the_variable(namespace):
    with pytest.raises(ConfigurationError, match=f"{METRICS_NAMESPACE_ENV}="):
        AgentSettings.from_env({METRICS_NAMESPACE_ENV: namespace})
