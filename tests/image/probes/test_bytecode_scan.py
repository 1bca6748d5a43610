"""How ``probes/bytecode_scan.py`` learns what a calculator worker loads without bytecode: a process started within
``workers_reporting`` reports every import, and ``code_origins`` tells source compiled there from bytecode loaded.

Driven by real Python processes of this machine on modules written here, one with its bytecode and one without.
"""

from __future__ import annotations

import importlib.util
import py_compile
import subprocess
import sys

from scripts.image.probes.bytecode_scan import code_origins, workers_reporting


def test_workers_reporting__a_process_started_within_says_which_modules_it_compiled_and_which_it_loaded(tmp_path):
    compiled_before = tmp_path / "compiled_before.py"
    compiled_before.write_text("VALUE = 1\n", encoding="utf-8")
    bytecode = py_compile.compile(str(compiled_before), cfile=importlib.util.cache_from_source(str(compiled_before)))
    source_only = tmp_path / "source_only.py"
    source_only.write_text("VALUE = 2\n", encoding="utf-8")
    report = tmp_path / "report.txt"

    with workers_reporting(report):
        subprocess.run([sys.executable, "-c", "import compiled_before, source_only"], cwd=tmp_path, check=True)

    compiled, loaded = code_origins(report.read_text(encoding="utf-8"))
    assert [path for path in compiled if path.startswith(str(tmp_path))] == [str(source_only)]
    assert bytecode in loaded


def test_workers_reporting__a_process_started_after_the_block_is_not_verbose_and_writes_to_the_usual_stderr(
    tmp_path, capfd
):
    report = tmp_path / "report.txt"
    with workers_reporting(report):
        pass

    says_if_verbose = "import sys; print('verbose', sys.flags.verbose, file=sys.stderr)"
    subprocess.run([sys.executable, "-c", says_if_verbose], check=True)

    assert report.read_text(encoding="utf-8") == ""
    assert capfd.readouterr().err == "verbose 0\n"
