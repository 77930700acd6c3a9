"""Translation catalogs written by tests, so that what is marked for translation can be seen
translated without msgfmt."""

from __future__ import annotations

import struct
from pathlib import Path


def write_catalog(path: Path, messages: dict[str, str]) -> None:
    """Write a GNU gettext .mo file at *path* translating each key of *messages*."""
    entries = sorted({"": "Content-Type: text/plain; charset=UTF-8\n", **messages}.items())
    ids = [key.encode() for key, _ in entries]
    strs = [value.encode() for _, value in entries]
    header = 7 * 4
    table = header + 2 * 8 * len(entries)
    offsets: list[int] = []
    data = b""
    for blob in ids + strs:
        offsets += [len(blob), table + len(data)]
        data += blob + b"\0"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        struct.pack("<7I", 0x950412DE, 0, len(entries), header, header + 8 * len(entries), 0, 0)
        + struct.pack(f"<{len(offsets)}I", *offsets)
        + data
    )
