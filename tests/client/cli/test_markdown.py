"""On a terminal the CLI renders the answer as Markdown while it streams; piped or with ``--raw`` it stays exact.

The CLI runs in a subprocess whose stdout is a real pseudo-terminal (``pty``), as a person's shell would give it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
import tty
from collections.abc import Callable
from pathlib import Path

from fakes.scripted_model import ScriptedModel, ToolCall

ROOT = Path(__file__).resolve().parents[3]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MARKDOWN = [
    "## Weather",
    " today\n\n",
    "| City | Temperature |\n",
    "|---|---|\n",
    "| Paris | **21 °C** |\n\n",
    "```python\n",
    "print('sunny')\n",
    "```\n",
    "Enjoy *the* sun.",
]


def run_on_terminal(
    argv: list[str],
    *,
    raw_tty: bool = False,
    stdin: bytes | None = None,
    until: Callable[[bytes], bool] | None = None,
    timeout: float = 30.0,
) -> tuple[int, bytes, bytes | None]:
    """Run ``python -m client ARGV`` with stdout on an 80x40 pseudo-terminal; return code, terminal bytes, stderr.

    ``until`` is called with the output so far after every read; when it returns true, the output is returned at
    once as ``(-1, output, None)`` and the process is left to finish (the caller's agent fixture stops it).
    """
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 80, 0, 0))
    if raw_tty:
        tty.setraw(terminal)  # no LF -> CRLF translation: the bytes read are the bytes written
    env = {key: value for key, value in os.environ.items() if key not in {"NO_COLOR", "FORCE_COLOR", "COLUMNS"}}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        [sys.executable, "-m", "client", *argv],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=terminal,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(terminal)
    process.stdin.write(stdin or b"")
    process.stdin.close()
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.05)
            if not ready:
                if process.poll() is not None and not select.select([controller], [], [], 0)[0]:
                    break
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if until is not None and until(bytes(output)):
                return -1, bytes(output), None
        code = process.wait(timeout=max(deadline - time.monotonic(), 1))
        return code, bytes(output), process.stderr.read()
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()


def visible(output: bytes) -> str:
    """What a person reads: the terminal's bytes without colour and cursor codes."""
    return ANSI.sub("", output.decode()).replace("\r\n", "\n")


def final_frame(output: bytes) -> str:
    """The last full redraw of the live view: the text after the last cursor-up sequence."""
    text = output.decode()
    last = max(text.rfind("\x1b[1A"), text.rfind("\x1b[2K"))
    return visible(text[last:].encode()) if last >= 0 else visible(output)


def test_cli_invoke__on_a_terminal_renders_markdown(serve_agent):
    url = serve_agent(ScriptedModel([MARKDOWN]))

    code, output, err = run_on_terminal(["invoke", "--url", url, "What is the weather?"])

    shown = final_frame(output)
    assert (code, err) == (0, b"")
    assert "\x1b[" in output.decode()  # styled
    assert re.search(r"Weather today", shown) and "## Weather" not in shown
    assert re.search(r"City\s+Temperature\s*\n\s*─+\s*\n\s*Paris\s+21 °C", shown)  # a table, not pipes and dashes
    assert "|---|" not in shown and "**" not in shown
    assert "print('sunny')" in shown and "```" not in shown
    assert "Enjoy the sun." in shown


def test_cli_invoke__on_a_terminal_the_answer_shows_while_the_model_is_still_talking(serve_agent):
    model = ScriptedModel([[f"word{index} " for index in range(10)]], delay=0.3)
    url = serve_agent(model)

    code, output, _ = run_on_terminal(["invoke", "--url", url, "Count"], until=lambda seen: b"word0" in seen)

    assert code == -1  # still running: the first words were on screen before the answer ended
    assert b"word0" in output and b"word9" not in output
    assert len(model.emitted_at) < 10


def test_cli_invoke__events_on_a_terminal_show_tool_calls_between_the_markdown(serve_agent):
    model = ScriptedModel([["Let me **check**. ", ToolCall("get_time", {"timezone": "UTC"})], ["It is *late*."]])
    url = serve_agent(model)

    code, output, _ = run_on_terminal(["invoke", "--events", "--url", url, "Time?"])

    shown = final_frame(output)
    assert code == 0
    lines = [line.strip() for line in shown.splitlines() if line.strip()]
    assert lines[0] == "Let me check."
    assert lines[1].startswith('[tool_use get_time {"timezone": "UTC"}]')
    assert lines[2].startswith("[tool_result success")
    assert lines[3] == "It is late."
    assert lines[4].startswith("[done end_turn tokens in=22 out=14 total=36")


def test_cli_invoke__raw_on_a_terminal_prints_exactly_the_streamed_text(serve_agent):
    url = serve_agent(ScriptedModel([MARKDOWN]))

    code, output, err = run_on_terminal(["invoke", "--raw", "--url", url, "Weather?"], raw_tty=True)

    assert (code, err) == (0, b"")
    assert output == ("".join(MARKDOWN) + "\n").encode()  # on a terminal the last line is finished


def test_cli_invoke__piped_output_is_exactly_the_streamed_markdown(serve_agent):
    url = serve_agent(ScriptedModel([MARKDOWN]))

    done = subprocess.run(
        [sys.executable, "-m", "client", "invoke", "--url", url, "Weather?"], cwd=ROOT, capture_output=True, timeout=60
    )

    assert (done.returncode, done.stdout, done.stderr) == (0, "".join(MARKDOWN).encode(), b"")


def test_cli_chat__on_a_terminal_renders_each_answer_as_markdown(serve_agent):
    url = serve_agent(ScriptedModel([["# First\n\n- one\n- two"], ["**Second** answer"]]))

    code, output, err = run_on_terminal(["chat", "--url", url], stdin=b"hello\nagain\n")

    shown = visible(output)
    assert (code, err) == (0, b"")
    assert "First" in shown and "# First" not in shown
    assert re.search(r"•\s+one", shown) and re.search(r"•\s+two", shown)
    assert "Second answer" in shown and "**" not in shown
