"""The dashboard, the alarms and their topic, by template assertion: each widget and alarm reads a metric the agent
really emits (its records, printed by the real agent) or one AgentCore publishes for this runtime, with the
statistics and thresholds the settings give; none of it exists with ``dashboard=false`` and ``alarms=false``."""

from __future__ import annotations

import json
import re
import time

import pytest
from aws_cdk.assertions import Template

from contract.deployment import OUTPUT_ALARM_TOPIC_ARN, OUTPUT_DASHBOARD_URL
from contract.metrics import DEFAULT_METRICS_NAMESPACE, METRICS_NAMESPACE_ENV, OUTCOME_METRICS, RUNTIME_NAME_ENV, Metric
from fakes.scripted_model import ScriptedModel
from infra.monitoring.metrics import AGENTCORE_NAMESPACE, MIN_INVOCATIONS
from infra.runtime.handler import properties as p
from infra.settings.checks import DEFAULT_RUNTIME_NAME
from tests.agent.helpers import SESSION_A, stream_values
from tests.infra.conftest import build_app

MONITORING_TYPES = ("AWS::CloudWatch::Dashboard", "AWS::CloudWatch::Alarm", "AWS::SNS::Topic", "AWS::KMS::Key")


@pytest.fixture(scope="module")
def alarms(template) -> dict[str, dict]:
    """Each alarm's properties by the last part of its name."""
    found = template.find_resources("AWS::CloudWatch::Alarm")
    return {props["Properties"]["AlarmName"].split("-")[-1]: props["Properties"] for props in found.values()}


def metric_stats(alarm: dict) -> list[dict]:
    """Every metric an alarm reads: its own, or those of its math expression, as namespace/name/dimensions/stat."""
    if "MetricName" in alarm:
        return [
            {
                "Namespace": alarm["Namespace"],
                "MetricName": alarm["MetricName"],
                "Dimensions": alarm["Dimensions"],
                "Stat": alarm.get("Statistic") or alarm.get("ExtendedStatistic"),
            }
        ]
    return [
        {**query["MetricStat"]["Metric"], "Stat": query["MetricStat"]["Stat"]}
        for query in alarm["Metrics"]
        if "MetricStat" in query
    ]


@pytest.fixture
def emitted(serve_agent, http, agent_records) -> set[str]:
    """The metric names in the record the real agent prints for a completed turn."""
    stream_values(http, serve_agent(ScriptedModel([["It is ", "14."]])), {"prompt": "2 + 3 * 4?"}, session=SESSION_A)
    deadline = time.monotonic() + 10
    while not agent_records and time.monotonic() < deadline:
        time.sleep(0.01)
    [line] = agent_records
    [directive] = json.loads(line)["_aws"]["CloudWatchMetrics"]
    return {metric["Name"] for metric in directive["Metrics"]}


def test_alarms__one_per_concern(alarms):
    assert set(alarms) == {"ErrorRate", "Throttles", "TimeToFirstChunkP99", "MemoryWriteFailures"}


def test_alarms__every_agent_metric_they_read_is_one_the_agents_record_carries(alarms, emitted):
    read = [stat for alarm in alarms.values() for stat in metric_stats(alarm)]
    agents = [stat for stat in read if stat["Namespace"] == DEFAULT_METRICS_NAMESPACE]

    assert agents and {stat["MetricName"] for stat in agents} <= emitted
    assert all(stat["Dimensions"] == [{"Name": "Runtime", "Value": DEFAULT_RUNTIME_NAME}] for stat in agents)


def test_alarms__agentcores_throttles_are_this_runtimes_by_its_arn(alarms):
    [stat] = metric_stats(alarms["Throttles"])

    assert (stat["Namespace"], stat["MetricName"], stat["Stat"]) == (AGENTCORE_NAMESPACE, "Throttles", "Sum")
    [dimension] = stat["Dimensions"]
    assert dimension["Name"] == "Resource" and dimension["Value"]["Fn::GetAtt"][1] == p.ATTR_ARN


def test_alarms__none_fires_without_data_and_each_notifies_the_topic_on_alarm_and_ok(alarms, template):
    [topic] = template.find_resources("AWS::SNS::Topic")

    for alarm in alarms.values():
        assert alarm["TreatMissingData"] == "notBreaching"
        assert alarm["EvaluationPeriods"] == 1
        assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": topic}]


def test_alarms__rate_and_latency_read_zero_below_the_minimum_invocations(alarms):
    for name in ("ErrorRate", "TimeToFirstChunkP99"):
        [expression] = [query["Expression"] for query in alarms[name]["Metrics"] if "Expression" in query]
        assert expression.startswith(f"IF(n >= {MIN_INVOCATIONS}, "), expression
        assert expression.endswith(", 0)")


def test_alarm_error_rate__model_and_server_errors_per_invocation_above_five_percent(alarms):
    alarm = alarms["ErrorRate"]
    stats = {query["Id"]: query["MetricStat"] for query in alarm["Metrics"] if "MetricStat" in query}

    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (5, "GreaterThanThreshold")
    assert stats["n"]["Metric"]["MetricName"] == Metric.INVOCATIONS
    assert {stat["Metric"]["MetricName"] for key, stat in stats.items() if key != "n"} == {
        Metric.MODEL_ERRORS,
        Metric.SERVER_ERRORS,
    }
    assert {stat["Stat"] for stat in stats.values()} == {"Sum"}
    assert {stat["Period"] for stat in stats.values()} == {300}


def test_alarm_ttfc__p99_above_ten_seconds(alarms):
    alarm = alarms["TimeToFirstChunkP99"]
    [ttfc] = [stat for stat in metric_stats(alarm) if stat["MetricName"] == Metric.TIME_TO_FIRST_CHUNK]

    assert (alarm["Threshold"], alarm["ComparisonOperator"], ttfc["Stat"]) == (10_000, "GreaterThanThreshold", "p99")


@pytest.mark.parametrize(
    ("name", "metric", "threshold"),
    [("Throttles", "Throttles", 1), ("MemoryWriteFailures", Metric.MEMORY_WRITE_FAILURES, 1)],
)
def test_alarm_counts__at_least_the_threshold_in_five_minutes(alarms, name, metric, threshold):
    alarm = alarms[name]
    [query] = alarm["Metrics"]

    assert (query["MetricStat"]["Metric"]["MetricName"], query["MetricStat"]["Stat"]) == (metric, "Sum")
    assert query["MetricStat"]["Period"] == 300
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (threshold, "GreaterThanOrEqualToThreshold")


def test_alarm_thresholds__are_the_settings(tmp_path):
    _, stack = build_app(
        str(tmp_path),
        bundle=False,
        alarm_error_rate_percent=2.5,
        alarm_ttfc_p99_ms=4000,
        alarm_throttles=10,
        alarm_memory_write_failures=3,
    )
    found = Template.from_stack(stack).find_resources("AWS::CloudWatch::Alarm").values()

    thresholds = {alarm["Properties"]["AlarmName"].split("-")[-1]: alarm["Properties"]["Threshold"] for alarm in found}
    assert thresholds == {"ErrorRate": 2.5, "TimeToFirstChunkP99": 4000, "Throttles": 10, "MemoryWriteFailures": 3}


def test_topic__encrypted_with_a_rotated_key_of_the_stack_that_only_this_stacks_alarms_may_use(template):
    [(key_id, key)] = template.find_resources("AWS::KMS::Key").items()
    [topic] = template.find_resources("AWS::SNS::Topic").values()
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    [cloudwatch] = [statement for statement in statements if statement.get("Sid") == "CloudWatchAlarmsPublish"]

    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Delete"
    assert cloudwatch["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert _alarm_arn_pattern(cloudwatch["Condition"]["ArnLike"]["aws:SourceArn"]).endswith(":alarm:AgentCoreTest-*")


def test_topic__policy_refuses_requests_without_tls_and_lets_only_this_stacks_alarms_publish(template):
    [policy] = template.find_resources("AWS::SNS::TopicPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]

    [deny] = [statement for statement in statements if statement["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    [publish] = [statement for statement in statements if statement["Effect"] == "Allow"]
    assert (publish["Action"], publish["Principal"]) == ("sns:Publish", {"Service": "cloudwatch.amazonaws.com"})
    assert _alarm_arn_pattern(publish["Condition"]["ArnLike"]["aws:SourceArn"]).endswith(":alarm:AgentCoreTest-*")


def test_topic__an_alarm_email_is_subscribed_and_none_without_it(template, tmp_path):
    _, stack = build_app(str(tmp_path), bundle=False, alarm_email="ops@example.com")

    Template.from_stack(stack).has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)


def dashboard_body(template) -> dict:
    [dashboard] = template.find_resources("AWS::CloudWatch::Dashboard").values()
    parts = dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
    return json.loads("".join(part if isinstance(part, str) else "TOKEN" for part in parts))  # tokens stand in strings


def graph(body: dict, title: str) -> list[list]:
    [widget] = [widget for widget in body["widgets"] if widget["properties"].get("title", "").startswith(title)]
    return widget["properties"]["metrics"]


def test_dashboard__time_to_first_chunk_at_p50_p90_p99(template):
    metrics = graph(dashboard_body(template), "Time to first chunk")

    assert [(metric[1], metric[-1]["stat"]) for metric in metrics] == [
        (Metric.TIME_TO_FIRST_CHUNK, statistic) for statistic in ("p50", "p90", "p99")
    ]
    assert {metric[0] for metric in metrics} == {DEFAULT_METRICS_NAMESPACE}


def test_dashboard__invocations_by_every_outcome_and_tokens_per_hour(template):
    body = dashboard_body(template)

    assert [metric[1] for metric in graph(body, "Invocations by outcome")] == list(OUTCOME_METRICS.values())
    tokens = graph(body, "Tokens per hour")
    assert [(metric[1], metric[-1]["period"], metric[-1]["stat"]) for metric in tokens] == [
        (Metric.INPUT_TOKENS, 3600, "Sum"),
        (Metric.OUTPUT_TOKENS, 3600, "Sum"),
    ]


def test_dashboard__agentcores_own_metrics_of_this_runtime(template):
    body = dashboard_body(template)

    shown = graph(body, "AgentCore: throttles") + graph(body, "AgentCore: new sessions")
    assert [metric[1] for metric in shown] == ["Throttles", "SystemErrors", "UserErrors", "SessionCount"]
    assert {(metric[0], metric[2]) for metric in shown} == {(AGENTCORE_NAMESPACE, "Resource")}


def test_dashboard__errors_of_the_custom_resource_and_image_build_functions(template):
    errors = graph(dashboard_body(template), "The stack's functions")

    assert [metric[-1]["label"] for metric in errors] == [
        "runtime on_event",
        "runtime is_complete",
        "image build trigger",
    ]
    assert {(metric[0], metric[1]) for metric in errors} == {("AWS/Lambda", "Errors")}


def test_dashboard__every_agent_metric_it_graphs_is_one_the_agents_record_carries(template, emitted):
    body = dashboard_body(template)
    graphed = {
        metric[1]
        for widget in body["widgets"]
        for metric in widget["properties"].get("metrics", [])
        if metric[0] == DEFAULT_METRICS_NAMESPACE
    }

    assert graphed <= emitted | {Metric.CLIENT_HUNG_UP, Metric.REFUSED} and Metric.INVOCATIONS in graphed


def test_outputs__dashboard_url_opens_the_dashboard_in_its_region_and_the_alarm_topic(template):
    outputs = template.find_outputs("*")
    url = outputs[OUTPUT_DASHBOARD_URL]["Value"]["Fn::Join"][1]

    assert url[0] == "https://" and url[2] == ".console.aws.amazon.com/cloudwatch/home?region="
    assert url[1] == url[3] == {"Ref": "AWS::Region"}
    assert url[4] == "#dashboards:name="
    assert OUTPUT_ALARM_TOPIC_ARN in outputs


def test_runtime__the_agent_is_told_its_namespace_and_runtime_name(template):
    [runtime] = template.find_resources(p.RESOURCE_TYPE).values()
    variables = runtime["Properties"][p.ENVIRONMENT_VARIABLES]

    assert (variables[METRICS_NAMESPACE_ENV], variables[RUNTIME_NAME_ENV]) == (
        DEFAULT_METRICS_NAMESPACE,
        DEFAULT_RUNTIME_NAME,
    )


def test_dashboard_and_alarms_false__no_dashboard_topic_key_alarm_or_their_outputs(template_without_monitoring):
    for resource_type in MONITORING_TYPES:
        template_without_monitoring.resource_count_is(resource_type, 0)
    assert not {OUTPUT_DASHBOARD_URL, OUTPUT_ALARM_TOPIC_ARN} & set(template_without_monitoring.find_outputs("*"))


def _alarm_arn_pattern(value: object) -> str:
    """The ARN pattern with its tokens as CloudFormation writes them, joined: ``arn:...:alarm:<stack>-*``."""
    parts = value["Fn::Join"][1] if isinstance(value, dict) else [value]
    return "".join(part if isinstance(part, str) else re.sub(r"\W", "", json.dumps(part)) for part in parts)


def test_traces__the_runtimes_traces_log_is_delivered_to_xray(template):
    [(source_id, source)] = template.find_resources("AWS::Logs::DeliverySource").items()
    [(destination_id, destination)] = template.find_resources("AWS::Logs::DeliveryDestination").items()
    [delivery] = template.find_resources("AWS::Logs::Delivery").values()

    assert source["Properties"]["LogType"] == "TRACES"
    assert source["Properties"]["ResourceArn"]["Fn::GetAtt"][1] == p.ATTR_ARN
    assert source["Properties"]["Name"] == f"{DEFAULT_RUNTIME_NAME}-traces"
    assert destination["Properties"]["DeliveryDestinationType"] == "XRAY"
    assert delivery["Properties"]["DeliveryDestinationArn"] == {"Fn::GetAtt": [destination_id, "Arn"]}
    assert delivery["Properties"]["DeliverySourceName"] == source["Properties"]["Name"]
    assert source_id in delivery["DependsOn"]


def test_traces__xray_lets_cloudwatch_logs_deliver_only_this_runtimes_spans_for_this_account(template):
    [policy] = template.find_resources("AWS::XRay::ResourcePolicy").values()
    document = policy["Properties"]["PolicyDocument"]["Fn::Join"][1]
    text = "".join(part if isinstance(part, str) else json.dumps(part).replace('"', "'") for part in document)

    assert '"Principal":{"Service":"delivery.logs.amazonaws.com"}' in text
    assert '"Action":"xray:PutTraceSegments"' in text
    assert '"ForAllValues:ArnLike":{"logs:LogGeneratingResourceArns":[' in text and p.ATTR_ARN in text
    assert '"aws:SourceAccount":' in text and ":delivery-source:*" in text


def test_traces_false__no_delivery_and_no_xray_policy(tmp_path):
    _, stack = build_app(str(tmp_path), bundle=False, traces=False)
    template = Template.from_stack(stack)

    for resource_type in ("AWS::Logs::DeliverySource", "AWS::Logs::Delivery", "AWS::XRay::ResourcePolicy"):
        template.resource_count_is(resource_type, 0)
