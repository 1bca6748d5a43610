"""The docs' tables of the stack's lists (permissions, settings) are the ones those lists make today."""

from __future__ import annotations

import re
import shutil

import pytest

from infra import doc_tables


@pytest.mark.parametrize("name", sorted(doc_tables.TABLES))
def test_generated_table__stands_in_one_document_and_is_what_its_list_makes(name):
    (document,) = doc_tables.where(name)
    text = document.read_text()

    committed = text.split(doc_tables.begin_marker(name) + "\n", 1)[1].split(doc_tables.end_marker(name), 1)[0]

    assert committed == doc_tables.TABLES[name](), f"run: .venv/bin/python -m infra.doc_tables ({document.name})"


@pytest.fixture
def checkout(tmp_path):
    """A copy of the documents that hold generated tables, with every table emptied."""
    for name in doc_tables.TABLES:
        for document in doc_tables.where(name):
            copy = tmp_path / document.relative_to(doc_tables.ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            if not copy.exists():
                shutil.copy(document, copy)
            pattern = f"({re.escape(doc_tables.begin_marker(name))}\n).*?({re.escape(doc_tables.end_marker(name))})"
            copy.write_text(re.sub(pattern, r"\1\2", copy.read_text(), flags=re.DOTALL))
    return tmp_path


def test_main__check_says_which_table_is_out_of_date_and_changes_nothing(checkout, capsys):
    before = {path: path.read_text() for path in checkout.rglob("*.md")}

    status = doc_tables.main(["--check"], root=checkout)

    assert status == 1
    assert {path: path.read_text() for path in checkout.rglob("*.md")} == before
    assert [line.split(" (")[1] for line in capsys.readouterr().err.splitlines()] == [
        f"{name})" for name in doc_tables.TABLES
    ]


def test_main__writes_every_table_then_check_passes(checkout):
    assert doc_tables.main([], root=checkout) == 0

    assert doc_tables.main(["--check"], root=checkout) == 0
    for name, make in doc_tables.TABLES.items():
        (document,) = doc_tables.where(name, checkout)
        assert make() in document.read_text()


def test_main__a_table_no_document_holds_is_refused_with_its_markers(tmp_path, capsys):
    (tmp_path / "README.md").write_text("# nothing generated here\n")

    assert doc_tables.main(["--check"], root=tmp_path) == 1
    assert doc_tables.begin_marker(next(iter(doc_tables.TABLES))) in capsys.readouterr().err
