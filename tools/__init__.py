"""formcheck's developer tools (benchmarks, synthetic renderer, correction fitting).

A package so the tools import each other as ``tools.x`` / ``tools.synth.x`` and the
product as ``formcheck...`` (installed editable in the venv); the product never imports
``tools``. Run a tool from the repository root as ``python -m tools.accuracy ...``; the
command-line tools also run as ``python -m tools.accuracy ...``.
"""
