"""The examples in the package's docstrings run, and say what they print."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

import formcheck

MODULES = sorted(m.name for m in pkgutil.walk_packages(formcheck.__path__, "formcheck."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name.startswith("formcheck.app.") and importlib.util.find_spec("streamlit") is None:
        pytest.skip("streamlit not installed")
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_there_are_examples_to_run():
    n = sum(doctest.testmod(importlib.import_module(m)).attempted for m in MODULES)
    assert n >= 30
