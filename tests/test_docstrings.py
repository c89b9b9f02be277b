"""Public functions of the pose, video and measure packages document their parameters.

Every public function or method (name not starting with ``_``) with at least one
parameter besides ``self``/``cls``, defined in a module of :mod:`formcheck.pose`,
:mod:`formcheck.video` or :mod:`formcheck.measure`, has a docstring; one longer than a
line has a numpy-doc ``Parameters`` section. One-line docstrings are allowed for
trivial helpers.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

PACKAGES = ("formcheck.pose", "formcheck.video", "formcheck.measure")

PARAMETERS = re.compile(r"^Parameters\n-{10,}$", re.MULTILINE)


def _modules() -> list[str]:
    names = []
    for pkg in PACKAGES:
        mod = importlib.import_module(pkg)
        names.append(pkg)
        names += [m.name for m in pkgutil.walk_packages(mod.__path__, pkg + ".")]
    return sorted(names)


def _function(obj: object) -> object | None:
    """The plain function behind ``obj`` (static/class methods, properties, caches)."""
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    elif isinstance(obj, property):
        obj = obj.fget
    obj = inspect.unwrap(obj) if callable(obj) else obj
    return obj if inspect.isfunction(obj) else None


def _public_functions(module) -> list[tuple[str, object]]:
    """(qualified name, function) of everything public defined in ``module``."""
    out = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(obj):
            for mname, member in vars(obj).items():
                f = _function(member)
                if not mname.startswith("_") and f is not None:
                    out.append((f"{name}.{mname}", f))
        elif (f := _function(obj)) is not None:
            out.append((name, f))
    return out


def _has_parameters(f) -> bool:
    params = list(inspect.signature(f).parameters)
    return any(p not in ("self", "cls") for p in params)


def _problems(module) -> list[str]:
    bad = []
    for qualname, f in _public_functions(module):
        if not _has_parameters(f):
            continue
        doc = inspect.getdoc(f)
        if not doc:
            bad.append(f"{qualname}: no docstring")
        elif len(doc.splitlines()) > 1 and not PARAMETERS.search(doc):
            bad.append(f"{qualname}: docstring of several lines without a Parameters section")
    return bad


MODULES = _modules()


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_document_parameters(name):
    problems = _problems(importlib.import_module(name))
    assert not problems, f"{name}:\n" + "\n".join(problems)


def test_the_walk_finds_functions():
    found = sum(len(_public_functions(importlib.import_module(n))) for n in MODULES)
    assert found >= 100


def test_the_check_catches_a_missing_section():
    import types

    mod = types.ModuleType("fake_module")

    def documented(x):
        """One line."""

    def undocumented(x):
        pass

    def long_without(x):
        """Summary.

        ``x`` is a number.
        """

    def long_with(x):
        """Summary.

        Parameters
        ----------
        x : float
            A number.
        """

    for f in (documented, undocumented, long_without, long_with):
        f.__module__ = mod.__name__
        setattr(mod, f.__name__, f)
    assert _problems(mod) == [
        "undocumented: no docstring",
        "long_without: docstring of several lines without a Parameters section",
    ]
