"""Reading an answer that is meant to break off."""

from __future__ import annotations

import pytest

from client import Stream, StreamError


def read_until_it_fails(stream: Stream) -> tuple[list, StreamError]:
    """The values an answer yielded before it raised ``StreamError``, and that error (the test fails if none)."""
    received = []
    with pytest.raises(StreamError) as raised:
        for value in stream:
            received.append(value)
    return received, raised.value
