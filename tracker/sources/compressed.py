"""zstd-compressed data: cold ``.zst`` archives and compressed rows in other tools' databases.

``zstandard`` is imported only when something compressed is met. Output is capped, so a
small hostile frame cannot expand into all of memory.
"""

from __future__ import annotations

import io

MAX_OUTPUT = 256 << 20  # the largest document Tokenworth decodes (see ``sources.document``)


class CompressedError(ValueError):
    """The data is not a readable zstd frame, or expands beyond the cap."""


def zstd_decompress(data: bytes, limit: int = MAX_OUTPUT) -> bytes:
    """The decompressed bytes of ``data`` (one or more zstd frames); ``CompressedError``
    when they are corrupt, truncated or larger than ``limit``."""
    import zstandard  # deferred: most users have nothing compressed

    try:
        # First bounded (a small frame can claim gigabytes), then whole frames only: the
        # stream reader passes a truncated last frame in silence.
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True) as reader:
            if len(reader.read(limit + 1)) > limit:
                raise CompressedError(f"too large once decompressed (over {limit >> 20} MB)")
        parts: list[bytes] = []
        rest = data
        while rest:
            frame = zstandard.ZstdDecompressor().decompressobj()
            parts.append(frame.decompress(rest))
            if not frame.eof:
                raise CompressedError("truncated zstd data (the last frame is incomplete)")
            rest = frame.unused_data
    except zstandard.ZstdError as exc:
        raise CompressedError(f"corrupt zstd data ({exc})") from None
    return b"".join(parts)


def is_zstd(data: bytes) -> bool:
    return data[:4] == b"\x28\xb5\x2f\xfd"
