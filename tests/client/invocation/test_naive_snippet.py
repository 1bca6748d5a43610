"""Why the usual snippet is wrong: on the same bytes it corrupts the answer and holds it back; ours does neither."""

from __future__ import annotations

import io
import time

import boto3
from botocore.response import StreamingBody

from client import Runtime, new_session_id
from client.invocation.stream import Stream
from fakes.scripted_model import ScriptedModel
from tests.client.tricky import TRICKY_DELTAS


def naive_answer(body: StreamingBody) -> str:
    """The snippet found in tutorials: strip ``data: ``, delete quotes, join with spaces."""
    chunks = []
    for line in body.iter_lines():
        line = line.decode("utf-8")
        if line.startswith("data: "):
            chunks.append(line[6:].replace('"', ""))
    return " ".join(chunks)


def raw_answer(core, prompt: str) -> tuple[str, bytes]:
    client = boto3.client("bedrock-agentcore", endpoint_url=core.url, region_name="us-east-1")
    response = client.invoke_agent_runtime(
        agentRuntimeArn=core.arn, runtimeSessionId=new_session_id(), payload=b'{"prompt": "%s"}' % prompt.encode()
    )
    return response["contentType"], response["response"].read()


def test_naive_snippet__corrupts_the_answer_where_ours_is_exact_on_the_same_bytes(agentcore):
    core = agentcore(ScriptedModel([TRICKY_DELTAS]))
    content_type, raw = raw_answer(core, "tricky")
    expected = "".join(TRICKY_DELTAS)

    naive = naive_answer(StreamingBody(io.BytesIO(raw), len(raw)))
    ours = Stream(io.BytesIO(raw), content_type=content_type, session_id="-").text()

    assert ours == expected
    # quotes become stray backslashes, backslashes double, newlines and tabs turn into \n and \t, and every
    # chunk boundary gains a space
    assert naive == "She said \\hi\\  \\\\ back\\\\slash \\nnew line\\n  naïve café ☕ 日本語  \\t tab \u2028end"


def test_naive_snippet__holds_a_short_answer_back_until_the_end_while_ours_streams(agentcore):
    deltas = [f"chunk{i} " for i in range(6)]
    model = ScriptedModel([deltas], delay=0.25, repeat=True)
    core = agentcore(model)
    client = boto3.client("bedrock-agentcore", endpoint_url=core.url, region_name="us-east-1")

    response = client.invoke_agent_runtime(
        agentRuntimeArn=core.arn, runtimeSessionId=new_session_id(), payload=b'{"prompt": "slowly"}'
    )
    naive_first_line_at = next(line for line in response["response"].iter_lines() if line) and time.perf_counter()
    naive_last_emitted = model.emitted_at[-1]

    stream = Runtime(core.arn, endpoint_url=core.url).invoke("slowly")
    ours_first_at = next(stream) and time.perf_counter()
    rest = list(stream)

    assert naive_first_line_at >= naive_last_emitted, "iter_lines() waits for 1 KiB or the end of the body"
    assert ours_first_at < model.emitted_at[-1] - 0.5, "ours yields the first chunk while the model still talks"
    assert rest == deltas[1:]
