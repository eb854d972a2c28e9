"""Files of the formats Pillow cannot write or read alone, generated for tests and the bench:
HEIC (through pillow-heif), MP4 (through PyAV) and a minimal DNG (written here, byte by byte).

The HEIC and MP4 writers need their extra (``phototerm[heif]``, ``[video]``). The DNG needs
nothing: it is a TIFF with a CFA raw image in a SubIFD and a preview (a JPEG or RGB pixels)
in IFD0, the layout cameras and converters write, small enough for LibRaw to open in a
millisecond.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any

from PIL import Image

SHORT, LONG, ASCII, BYTE, SRATIONAL = 3, 4, 2, 1, 10
BLUE, RED = (30, 60, 220), (220, 40, 40)


def picture(size: tuple[int, int] = (64, 32)) -> Image.Image:
    """Blue on the left half, red on the right: a rotation shows in which side is where."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (0, 0, size[0] // 2, size[1]))
    return image


def write_heic(
    path: Path,
    size: tuple[int, int] = (64, 32),
    orientation: int | None = None,
    make: str = "Apple",
    model: str = "iPhone 13",
    taken: str = "2023:05:14 10:20:30",
    image: Image.Image | None = None,
) -> Path:
    """A HEIC of ``picture(size)`` (or ``image``). With ``orientation`` 6 it is stored as an iPhone stores a
    portrait shot: the pixels as the sensor saw them, a 90° rotation in the container and
    EXIF Orientation 6 ("Rotate 90 CW") beside it."""
    import pillow_heif

    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = make, model, taken
    if orientation is not None:
        exif[0x0112] = orientation
    path.parent.mkdir(parents=True, exist_ok=True)
    # Through pillow-heif's own object: registering its Pillow opener in the test process
    # would let Pillow open HEIC files where phototerm's own process never does.
    heif = pillow_heif.from_pillow(image or picture(size))
    heif.save(path, exif=exif.tobytes(), quality=90)
    return path


def write_mp4(
    path: Path,
    seconds: float = 3.0,
    size: tuple[int, int] = (64, 48),
    fps: int = 10,
    codec: str = "mpeg4",
    creation_time: str | None = "2021-07-14T10:20:30.000000Z",
    metadata: dict[str, str] | None = None,
) -> Path:
    """A short MP4: ``seconds`` of frames whose red rises frame by frame (a poster's time
    shows in its colour), blue on the left half."""
    import av
    import numpy as np

    w, h = size
    path.parent.mkdir(parents=True, exist_ok=True)
    # use_metadata_tags: the MOV/MP4 muxer keeps keys like com.apple.quicktime.creationdate
    with av.open(str(path), "w", options={"movflags": "use_metadata_tags"}) as out:
        if creation_time:
            out.metadata["creation_time"] = creation_time
        out.metadata.update(metadata or {})
        stream: Any = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        frames = max(1, round(seconds * fps))
        for i in range(frames):
            pixels = np.zeros((h, w, 3), np.uint8)
            pixels[:, :, 0] = min(255, i * 255 // frames)
            pixels[:, : w // 2, 2] = 255
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def write_dng(
    path: Path,
    preview: str = "jpeg",
    orientation: int = 1,
    raw_size: tuple[int, int] = (64, 48),
    preview_size: tuple[int, int] = (32, 24),
    make: str = "Phototerm",
    model: str = "Test DNG",
) -> Path:
    """A minimal DNG: a 16-bit CFA image of ``raw_size`` and a preview of ``picture()`` in
    IFD0, ``preview`` "jpeg", "rgb" or "none" (no preview at all)."""
    w, h = raw_size
    raw = struct.pack(f"<{w * h}H", *((x * 60 + y * 40) % 4096 for y in range(h) for x in range(w)))
    image = picture(preview_size)
    if preview == "jpeg":
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=90)
        data = buf.getvalue()
    else:
        data = image.tobytes()

    def ifd0(raw_ifd: int, data_at: int) -> list[tuple[int, int, Any]]:
        entries: list[tuple[int, int, Any]] = [
            (254, LONG, (1,)),
            (256, LONG, (preview_size[0],)),
            (257, LONG, (preview_size[1],)),
            (258, SHORT, (8, 8, 8)),
            (259, SHORT, (7 if preview == "jpeg" else 1,)),
            (262, SHORT, (6 if preview == "jpeg" else 2,)),
            (271, ASCII, make),
            (272, ASCII, model),
            (273, LONG, (data_at,)),
            (274, SHORT, (orientation,)),
            (277, SHORT, (3,)),
            (278, LONG, (preview_size[1],)),
            (279, LONG, (len(data),)),
            (284, SHORT, (1,)),
            (306, ASCII, "2022:03:04 05:06:07"),
            (330, LONG, (raw_ifd,)),
            (50706, BYTE, (1, 4, 0, 0)),
            (50707, BYTE, (1, 1, 0, 0)),
            (50708, ASCII, model),
            (50721, SRATIONAL, [(1, 1), (0, 1), (0, 1), (0, 1), (1, 1), (0, 1), (0, 1), (0, 1), (1, 1)]),
        ]  # fmt: skip
        if preview == "none":
            entries = [e for e in entries if e[0] not in (273, 279)]
        return entries

    def raw_ifd(raw_at: int) -> list[tuple[int, int, Any]]:
        return [
            (254, LONG, (0,)), (256, LONG, (w,)), (257, LONG, (h,)), (258, SHORT, (16,)),
            (259, SHORT, (1,)), (262, SHORT, (32803,)), (273, LONG, (raw_at,)),
            (277, SHORT, (1,)), (278, LONG, (h,)), (279, LONG, (len(raw),)),
            (284, SHORT, (1,)), (33421, SHORT, (2, 2)), (33422, BYTE, (0, 1, 1, 2)),
            (50717, LONG, (4095,)),
        ]  # fmt: skip

    def layout(raw_ifd_at: int, data_at: int, raw_at: int) -> tuple[bytes, int, bytes]:
        first = _ifd(ifd0(raw_ifd_at, data_at), 8)
        second_at = _even(8 + len(first))
        return first, second_at, _ifd(raw_ifd(raw_at), second_at)

    first, second_at, second = layout(0, 0, 0)  # sizes do not depend on the offsets
    data_at = _even(second_at + len(second))
    raw_at = _even(data_at + len(data))
    first, second_at, second = layout(second_at, data_at, raw_at)
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for at, part in ((8, first), (second_at, second), (data_at, data), (raw_at, raw)):
        out += bytes(at - len(out)) + part
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def _even(n: int) -> int:
    return n + n % 2


def _ifd(entries: list[tuple[int, int, Any]], start: int) -> bytes:
    """One little-endian IFD at ``start`` with its out-of-line values after it."""
    entries = sorted(entries, key=lambda e: e[0])
    extra_at = start + 2 + 12 * len(entries) + 4
    table, extra = bytearray(struct.pack("<H", len(entries))), bytearray()
    for tag, kind, values in entries:
        if kind == ASCII:
            data = str(values).encode() + b"\0"
        elif kind == BYTE:
            data = bytes(values)
        elif kind == SHORT:
            data = struct.pack(f"<{len(values)}H", *values)
        elif kind == LONG:
            data = struct.pack(f"<{len(values)}I", *values)
        else:
            flat = [x for pair in values for x in pair]
            data = struct.pack(f"<{len(flat)}i", *flat)
        count = len(values) if kind in (SHORT, LONG, SRATIONAL) else len(data)
        if len(data) <= 4:
            table += struct.pack("<HHI", tag, kind, count) + data.ljust(4, b"\0")
        else:
            extra += bytes(len(extra) % 2)
            table += struct.pack("<HHII", tag, kind, count, extra_at + len(extra))
            extra += data
    return bytes(table + struct.pack("<I", 0) + extra)
