"""The decoder turns SSE bytes into JSON values whatever the byte boundaries, following the SSE parsing rules."""

from __future__ import annotations

import json

import pytest

from client import SSEDecoder, StreamError, iter_values

TRICKY = ['She said "hi"', " \\ back\\slash", "\nnew line\n", " naïve café ☕ 日本語", " \t", "\u2028end", "data: x"]


def encode(values, line_end=b"\n"):
    return b"".join(b"data: " + json.dumps(v, ensure_ascii=False).encode() + line_end * 2 for v in values)


def test_decoder__every_split_point_gives_the_same_values():
    body = encode(TRICKY)

    for cut in range(len(body) + 1):
        decoded = list(iter_values([body[:cut], body[cut:]]))

        assert decoded == TRICKY, f"split at byte {cut}"


def test_decoder__one_byte_at_a_time_splits_utf8_characters_and_still_decodes():
    body = encode(TRICKY)

    decoded = list(iter_values(body[i : i + 1] for i in range(len(body))))

    assert decoded == TRICKY


def test_decoder__a_value_comes_out_as_soon_as_its_blank_line_arrives():
    decoder = SSEDecoder()

    assert decoder.feed(b'data: "a"\n') == []
    assert decoder.feed(b"\n") == ["a"]
    assert decoder.feed(b'data: "b"\n\ndata: "c"') == ["b"]
    assert decoder.close() == ["c"]


@pytest.mark.parametrize("line_end", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
def test_decoder__accepts_every_line_ending_the_spec_allows(line_end):
    body = encode(TRICKY, line_end)

    for cut in range(len(body) + 1):
        assert list(iter_values([body[:cut], body[cut:]])) == TRICKY, f"split at byte {cut}"


def test_decoder__crlf_split_between_reads_is_one_line_end():
    decoder = SSEDecoder()

    values = decoder.feed(b'data: "a"\r') + decoder.feed(b"\n\r") + decoder.feed(b"\ndata: 1\r\n\r\n")

    assert values == ["a", 1]


def test_decoder__u2028_and_u2029_inside_a_value_are_not_line_ends():
    raw = 'data: "one\u2028two\u2029three\x85four"\n\n'.encode()

    assert list(iter_values([raw])) == ["one\u2028two\u2029three\x85four"]


def test_decoder__several_data_lines_of_one_event_join_with_a_newline():
    raw = b'data: {"type": "text",\ndata:  "text": "multi"}\n\ndata: [1,\ndata: 2]\n\n'

    assert list(iter_values([raw])) == [{"type": "text", "text": "multi"}, [1, 2]]


def test_decoder__ignores_comments_other_fields_and_events_without_data():
    raw = b': keep-alive\n\nevent: message\nid: 7\nretry: 1000\ndata: "kept"\n\nevent: ping\n\ndata:\n\n'

    assert list(iter_values([raw])) == ["kept"]


def test_decoder__data_without_a_space_after_the_colon():
    assert list(iter_values([b'data:"tight"\n\n'])) == ["tight"]


def test_decoder__last_event_without_its_blank_line_is_delivered_at_end_of_stream():
    assert list(iter_values([b'data: "first"\n\ndata: "last"'])) == ["first", "last"]
    assert list(iter_values([b'data: "last"\n'])) == ["last"]


def test_decoder__strips_a_leading_byte_order_mark():
    assert list(iter_values([b'\xef\xbb\xbfdata: "x"\n\n'])) == ["x"]


def test_decoder__data_that_is_not_json_raises_a_stream_error_showing_it():
    with pytest.raises(StreamError, match="not JSON") as raised:
        list(iter_values([b"data: hello world\n\n"]))

    assert "hello world" in raised.value.message


def test_decoder__bytes_that_are_not_utf8_raise_a_stream_error():
    with pytest.raises(StreamError, match="UTF-8"):
        list(iter_values([b'data: "\xff"\n\n']))
