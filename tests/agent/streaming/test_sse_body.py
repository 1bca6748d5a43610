"""``sse_body`` writes waiting events together but never holds an event back while the model is thinking."""

from __future__ import annotations

import asyncio
import json

from agent.streaming.sse import encode_sse, sse_body


async def collect(body) -> list[bytes]:
    return [chunk async for chunk in body]


def test_sse_body__back_to_back_values_share_writes_and_keep_every_byte():
    async def instant():
        for i in range(500):
            yield f"token {i} "

    writes = asyncio.run(collect(sse_body(instant(), hold_limit=10.0)))

    assert b"".join(writes) == b"".join(encode_sse(f"token {i} ") for i in range(500))
    assert len(writes) < 50, f"{len(writes)} writes for 500 events produced back to back"


def test_sse_body__first_value_is_written_alone_before_the_rest_are_produced():
    async def instant():
        for i in range(100):
            yield i

    writes = asyncio.run(collect(sse_body(instant(), hold_limit=10.0)))

    assert writes[0] == encode_sse(0)


def test_sse_body__a_value_followed_by_a_pause_is_written_before_the_pause_ends():
    written_during_pause: list[bytes] = []

    async def main():
        release = asyncio.Event()

        async def thinking():
            yield "before the pause"
            await release.wait()
            yield "after"

        body = sse_body(thinking(), hold_limit=10.0)
        written_during_pause.append(await anext(body))
        release.set()
        return [chunk async for chunk in body]

    rest = asyncio.run(main())

    assert written_during_pause == [encode_sse("before the pause")]
    assert rest == [encode_sse("after")]


def test_sse_body__closing_early_stops_the_producer_and_closes_the_source():
    closed = asyncio.Event()

    async def endless():
        try:
            n = 0
            while True:
                n += 1
                yield n
                await asyncio.sleep(0.001)
        finally:
            closed.set()

    async def main():
        body = sse_body(endless())
        await anext(body)
        await body.aclose()
        return closed.is_set()

    assert asyncio.run(main()) is True


def test_sse_body__a_value_that_cannot_be_encoded_ends_the_stream_with_an_error_event():
    async def broken():
        yield "fine"
        yield object()

    writes = asyncio.run(collect(sse_body(broken())))

    last = json.loads(b"".join(writes).split(b"data: ")[-1])
    assert last["type"] == "stream_error"
    assert "not JSON serializable" in last["error"]
