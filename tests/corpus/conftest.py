"""The corpus is generated once per test session, into a temporary folder,
when the corpus tests are collected (their ids name each input)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.corpus.make_corpus import Item, load_manifest, make_corpus

_made: list[Path] = []


def corpus_folder() -> Path:
    if not _made:
        out = Path(tempfile.mkdtemp(prefix="perfdesk-corpus-"))
        make_corpus(out)
        _made.append(out)
    return _made[0]


def corpus_items() -> list[Item]:
    return load_manifest(corpus_folder())


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "corpus_item" in metafunc.fixturenames:
        items = corpus_items()
        metafunc.parametrize("corpus_item", items, ids=[i.id for i in items])


def pytest_sessionfinish(session: pytest.Session) -> None:
    for folder in _made:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The generated corpus folder (demo.sqlite, the inputs, manifest.json)."""
    return corpus_folder()
