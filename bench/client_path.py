"""The boto3 path: our client's decoding against reading raw lines, both through real boto3 and SigV4.

The agent and the AgentCore stand-in each run in their own process; the client under test runs here.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any
from unittest import mock

import boto3

from bench.processes import server
from client import Runtime, boto_config, new_session_id
from fakes.dataplane import RUNTIME_ARN

OFFLINE = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _ours(runtime: Runtime, chunks: int) -> float:
    started = time.perf_counter()
    values = list(runtime.invoke("stream"))
    elapsed = time.perf_counter() - started
    if len(values) != chunks:
        raise RuntimeError(f"our client decoded {len(values)} values, expected {chunks}")
    return elapsed


def _raw_lines(agentcore: Any, chunks: int) -> float:
    started = time.perf_counter()
    response = agentcore.invoke_agent_runtime(
        agentRuntimeArn=RUNTIME_ARN, runtimeSessionId=new_session_id(), payload=b'{"prompt": "stream"}'
    )
    lines = [line for line in response["response"].iter_lines() if line.startswith(b"data:")]
    elapsed = time.perf_counter() - started
    if len(lines) != chunks:
        raise RuntimeError(f"raw reading saw {len(lines)} data lines, expected {chunks}")
    return elapsed


def boto3_overhead(runs: int = 15, chunks: int = 2000) -> dict[str, Any]:
    """Median time for our client to stream and decode ``chunks`` values ÷ boto3 ``iter_lines`` on the same stream."""
    with (
        mock.patch.dict(os.environ, OFFLINE),
        server("agent", "--chunks", str(chunks)) as (agent_port, _),
        server("dataplane", "--agent-url", f"http://127.0.0.1:{agent_port}") as (plane_port, _),
    ):
        endpoint = f"http://127.0.0.1:{plane_port}"
        runtime = Runtime(RUNTIME_ARN, endpoint_url=endpoint)
        agentcore = boto3.client(
            "bedrock-agentcore", region_name="us-east-1", endpoint_url=endpoint, config=boto_config()
        )
        ours, raw = [], []
        for index in range(runs + 2):
            sample_ours, sample_raw = _ours(runtime, chunks), _raw_lines(agentcore, chunks)
            if index >= 2:  # the first two warm connections and caches
                ours.append(sample_ours)
                raw.append(sample_raw)
    ours_s, raw_s = statistics.median(ours), statistics.median(raw)
    return {
        "runs": runs,
        "chunks": chunks,
        "ours_ms": ours_s * 1000,
        "raw_ms": raw_s * 1000,
        "ratio": ours_s / raw_s,
        "ratio_runs": [o / r for o, r in zip(ours, raw, strict=True)],
    }
