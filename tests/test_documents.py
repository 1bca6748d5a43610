"""The documents hold to the repository: links resolve, the paths and modules they name exist, the README fits.

A module that moves fails here, naming the document and the line that still point at its old place. What is checked,
in README.md, CONTRIBUTING.md and every page under docs/:

- every relative link and image: the file exists, and an ``#anchor`` is a heading of the target (GitHub's anchors);
- every repository path in an inline code span (``agent/server.py``, ``infra/runtime/``, ``docs/*.md``): it exists;
- every module name in an inline code span (``agent.server.create_app``, ``python -m infra.local``) and every import
  of a project module in a ``python`` block: the module exists and defines the name after it;
- the README links every page under docs/, and stays within ``README_LINES`` lines.

The commands in the documents' shell blocks are run by ``tests/test_doc_commands.py``.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from tests.documents import DOCUMENTS, ROOT, Found, anchors, code_spans, fenced_blocks, links, relative, slug

README_LINES = 150
"""A README a user reads in a few screens; the rest is in docs/."""
PACKAGES = ("agent", "contract", "infra", "client", "fakes", "bench", "scripts", "tests")
REPOSITORY_PATH = re.compile(rf"^(?:{'|'.join(PACKAGES)}|docs)/[\w.*/-]*$")
MODULE_NAME = re.compile(rf"^(?:{'|'.join(PACKAGES)})(?:\.\w+)+$")
IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<module>[\w.]+)[ \t]+import[ \t]+(?P<names>[\w, ]+)|import[ \t]+(?P<alone>[\w.]+))", re.M
)
WEB = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
TO_BE_WRITTEN = {
    "docs/customize.md": {
        "agent/tools/word_count.py",
        "tests/agent/tools/test_word_count.py",
        "agent.tools.word_count",
    },
}
"""What a document asks its reader to create: not there yet, but its folder must be."""


def words(code: str) -> list[str]:
    """The words of a code span that could name a path or a module: options' values split off, punctuation trimmed."""
    found = []
    for word in code.split():
        word = word.split("::")[0].split("(")[0].rsplit("=", 1)[-1]
        found.append(word.strip("\"'[],;:<>"))
    return found


def _named(pattern: re.Pattern[str]) -> list[tuple[Path, Found]]:
    return [
        (document, Found(span.where, word))
        for document in DOCUMENTS
        for span in code_spans(document)
        for word in words(span.text)
        if pattern.match(word)
    ]


def _imports() -> list[tuple[Path, Found]]:
    found = []
    for document in DOCUMENTS:
        for block in fenced_blocks(document, "python"):
            for statement in IMPORT.finditer(block.text):
                module = statement.group("module") or statement.group("alone")
                if not MODULE_NAME.match(module) and module not in PACKAGES:
                    continue
                names = (statement.group("names") or "").replace(" ", "").split(",")
                found.extend((document, Found(block.where, ".".join(filter(None, (module, name))))) for name in names)
    return found


RELATIVE_LINKS = [(document, link) for document in DOCUMENTS for link in links(document) if not WEB.match(link.text)]
PATHS = _named(REPOSITORY_PATH)
MODULES = _named(MODULE_NAME) + _imports()


def ids(found: list[tuple[Path, Found]]) -> list[str]:
    return [f"{where.where} {where.text}" for _, where in found]


def to_be_written(document: Path, name: str) -> bool:
    """Whether ``name`` is, or is inside, something the document asks its reader to write."""
    return any(name == new or name.startswith(f"{new}.") for new in TO_BE_WRITTEN.get(relative(document), ()))


@cache
def top_level_names(module: Path) -> frozenset[str]:
    """What a module defines or imports at its top level: the names ``module.name`` can reach."""
    names: set[str] = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return frozenset(names)


def module_and_rest(dotted: str) -> tuple[Path, list[str]]:
    """The file of the longest module path in ``dotted`` (a package's ``__init__.py``), and the names after it."""
    parts = dotted.split(".")
    folder = ROOT
    for index, part in enumerate(parts):
        if (folder / part).is_dir():
            folder = folder / part
        elif (folder / f"{part}.py").is_file():
            return folder / f"{part}.py", parts[index + 1 :]
        else:
            return folder / "__init__.py", parts[index:]
    return folder / "__init__.py", []


def test_documents__have_links_paths_and_modules_to_check():
    read = {relative(document) for document in DOCUMENTS}
    assert {"README.md", "CONTRIBUTING.md", "docs/architecture.md", "docs/customize.md"} <= read
    assert any(path.startswith("docs/decisions/") for path in read)
    assert len(RELATIVE_LINKS) > 20
    assert len(PATHS) > 20
    assert len(MODULES) > 5


def test_readme__links_every_page_under_docs():
    linked = {(ROOT / link.text.partition("#")[0]).resolve() for link in links(ROOT / "README.md")}

    assert [relative(page) for page in DOCUMENTS if page.parent != ROOT and page not in linked] == []


def test_readme__fits_on_a_few_screens():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")

    assert lines <= README_LINES, f"README.md has {lines} lines; move the details to a page under docs/"


@pytest.mark.parametrize(("document", "link"), RELATIVE_LINKS, ids=ids(RELATIVE_LINKS))
def test_link__resolves(document, link):
    path, _, anchor = link.text.partition("#")
    target = (document.parent / path).resolve() if path else document

    assert target.exists(), f"{link.where}: {link.text} names {target.relative_to(ROOT)}, which does not exist"
    if anchor:
        assert target.suffix == ".md", f"{link.where}: an #anchor needs a Markdown page, not {target.name}"
        assert anchor in anchors(target), f"{link.where}: {relative(target)} has no heading whose anchor is #{anchor}"


@pytest.mark.parametrize(("document", "path"), PATHS, ids=ids(PATHS))
def test_repository_path__exists(document, path):
    name = path.text.rstrip("/")
    if to_be_written(document, name):
        assert (ROOT / name).parent.is_dir(), f"{path.where}: {name} is to be written in a folder that is gone"
        return

    assert any(ROOT.glob(name)), f"{path.where}: {name} does not exist; write where it lives now"


@pytest.mark.parametrize(("document", "module"), MODULES, ids=ids(MODULES))
def test_module_name__resolves(document, module):
    if to_be_written(document, module.text):
        return
    source, rest = module_and_rest(module.text)

    assert source.is_file(), f"{module.where}: {module.text} names no module of this repository"
    if rest:
        assert rest[0] in top_level_names(source), f"{module.where}: {relative(source)} defines no {rest[0]}"


@pytest.mark.parametrize(
    ("title", "anchor"),
    [
        ("Where conversations live, and for how long", "where-conversations-live-and-for-how-long"),
        ("`make image-test`: the real image, built and run", "make-image-test-the-real-image-built-and-run"),
        ("Permissions for `status` and `logs`", "permissions-for-status-and-logs"),
        (
            "Why a custom resource, not `AWS::BedrockAgentCore::Runtime`",
            "why-a-custom-resource-not-awsbedrockagentcoreruntime",
        ),
        ("The [client](client.md) and its exit codes", "the-client-and-its-exit-codes"),
        ("snake_case names — kept", "snake_case-names--kept"),
    ],
)
def test_slug__is_the_anchor_github_gives_the_heading(title, anchor):
    assert slug(title) == anchor


def test_anchors__a_repeated_heading_is_numbered(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Usage\n\n## Usage\n\n```bash\n# Usage\n```\n\n## Usage\n", encoding="utf-8")

    assert anchors(page) == {"usage", "usage-1", "usage-2"}
