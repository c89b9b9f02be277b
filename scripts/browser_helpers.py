"""The real-browser tests' helpers (``tests/browser_utils.py``) for the scripts here.

``tests/`` is not an installed package, so the module is loaded from its file; nothing
is added to ``sys.path``, and ``formcheck`` is always the installed package
(``pip install -e .``, as ``scripts/setup_env.sh`` does). A script run as
``python scripts/<name>.py`` imports this module as its neighbour.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "tests" / "browser_utils.py"
_spec = importlib.util.spec_from_file_location("browser_utils", _PATH)
_helpers = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _helpers
_spec.loader.exec_module(_helpers)

ROOT = _helpers.ROOT
WEBRTC_IFRAME = _helpers.WEBRTC_IFRAME
app_server = _helpers.app_server
browser_available = _helpers.browser_available
launch = _helpers.launch
make_y4m = _helpers.make_y4m
wait_text = _helpers.wait_text
