"""Files cut short: read from the container's own structure (MP4/MOV boxes, Matroska sizes).

Only box and element headers are read, never the media data.
"""

from __future__ import annotations

import os

_MP4_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"styp", b"moof", b"pnot"}


def _mp4_cut_short(f, size: int) -> tuple[bool, bool] | None:
    """Walk the top-level boxes of an MP4/MOV: ``(cut_short, has_index)``, None if not MP4.

    A box whose declared size runs past the end of the file means the file was
    cut short; ``moov`` is the index (no index: the recording was never finished).
    """
    pos, has_moov, n = 0, False, 0
    while pos + 8 <= size and n < 100_000:
        f.seek(pos)
        head = f.read(16)
        box_size, kind = int.from_bytes(head[:4], "big"), head[4:8]
        if n == 0 and kind not in _MP4_BOXES:
            return None
        if box_size == 1 and len(head) >= 16:
            box_size = int.from_bytes(head[8:16], "big")
        elif box_size == 0:  # "to the end of the file"
            box_size = size - pos
        if box_size < 8:
            return (True, has_moov)  # garbage where a box should start
        if pos + box_size > size:
            return (True, has_moov)  # (a moov cut in the middle is no index either)
        has_moov |= kind == b"moov"
        pos += box_size
        n += 1
    if n == 0:
        return None
    return (pos < size, has_moov)  # a few bytes left: cut inside a box header


def _ebml_size(data: bytes, i: int) -> tuple[int | None, int]:
    """Decode an EBML variable-length size at ``data[i]``: ``(value or None if unknown, len)``."""
    first = data[i]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or i + length > len(data):
        return None, 1
    value = first & (0xFF >> length)
    for b in data[i + 1 : i + length]:
        value = (value << 8) | b
    unknown = value == (1 << (7 * length)) - 1
    return (None if unknown else value), length


def _mkv_cut_short(f, size: int) -> bool | None:
    """Matroska/WebM: True when the Segment's declared size runs past the end of the file."""
    f.seek(0)
    data = f.read(4096)
    if data[:4] != b"\x1a\x45\xdf\xa3":
        return None
    hdr_size, n = _ebml_size(data, 4)
    if hdr_size is None:
        return None
    i = 4 + n + hdr_size
    if data[i : i + 4] != b"\x18\x53\x80\x67" or i + 5 > len(data):
        return None
    seg_size, n = _ebml_size(data, i + 4)
    if seg_size is None:  # live recordings (browser MediaRecorder) leave the size unknown
        return None
    return i + 4 + n + seg_size > size


def cut_short(path: str | os.PathLike) -> tuple[bool, bool]:
    """``(cut_short, has_index)`` from the file's structure (MP4/MOV boxes, Matroska sizes).

    Only reads box headers.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    cut_short : bool
        A box or the Matroska Segment runs past the end of the file.
    has_index : bool
        An MP4/MOV file has a ``moov`` box (always True for other formats).
        Formats it does not know, and unreadable files, give ``(False, True)``.
    """
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            mp4 = _mp4_cut_short(f, size)
            if mp4 is not None:
                return mp4
            return bool(_mkv_cut_short(f, size)), True
    except OSError:
        return False, True


def cut_message(name: str, has_index: bool) -> str:
    """The error message for ``name`` cut short, with (``has_index``) or without its index.

    Parameters
    ----------
    name : str
        The file name shown in the message.
    has_index : bool
        Whether the file has its index (see :func:`cut_short`).

    Returns
    -------
    str
        What happened and what to do.
    """
    if not has_index:
        return (f"{name}: the file was cut short before its index was written (an unfinished "
                "recording or an interrupted copy), so no frame can be read; "
                "copy or export the video again")  # fmt: skip
    return (f"{name}: the file was cut short before its first complete frame; "
            "copy or export the video again")  # fmt: skip
