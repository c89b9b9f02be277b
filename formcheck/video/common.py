"""What the reader and the writer share: the error type and FFmpeg's thread count."""

from __future__ import annotations

import os


class VideoError(Exception):
    """A video cannot be read or written; the message says what to do."""


#: Environment variable: how many threads FFmpeg may use to decode and encode one video
#: (unset or 0: FFmpeg's own choice, one per core). ``formcheck batch`` workers set it to 1
#: so that N workers do not fight over the cores.
THREADS_ENV = "FORMCHECK_THREADS"


def codec_threads() -> int:
    """Threads for one decoder or encoder (``$FORMCHECK_THREADS``; 0 = FFmpeg decides).

    Returns
    -------
    int
        The variable's value, at least 0; 0 when it is unset or not an integer.
    """
    try:
        return max(0, int(os.environ.get(THREADS_ENV, "0") or 0))
    except ValueError:
        return 0
