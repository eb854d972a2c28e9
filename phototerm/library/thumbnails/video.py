"""Video posters through PyAV (``phototerm[video]``), in the decoder process (helper.py).

The poster is the first frame at or after ``POSTER_AT`` of the duration (a first frame is
often black or a fade): one seek to the keyframe before it, then at most ``MAX_FRAMES``
frames decoded forward. The frame is scaled in FFmpeg (swscale) to about twice the box
before it becomes a Pillow image, and turned as the container's display matrix says (a
phone's portrait video is stored landscape with a rotation).
"""

from __future__ import annotations

from typing import Any, BinaryIO

from PIL import Image

from phototerm.library.pictures.budget import MAX_PIXELS
from phototerm.library.pictures.decoding import Box, TooLargeToPreview, fit

POSTER_AT = 0.10
MAX_FRAMES = 240  # decoded after the seek before the poster is taken as is


class NoPoster(Exception):
    """The file holds no picture to show (the message says why)."""


def poster(fh: BinaryIO, box: Box) -> Image.Image:
    import av

    target = (box[0] * 2, box[1] * 2)
    try:
        with av.open(fh, mode="r") as container:
            if not container.streams.video:
                raise NoPoster("no video stream in this file")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            frame = _frame_at(container, stream)
            if frame is None:
                raise NoPoster("no frame could be decoded")
            if frame.width * frame.height > MAX_PIXELS:
                raise TooLargeToPreview(f"too large to preview ({frame.width}x{frame.height})")
            scale = min(1.0, target[0] / frame.width, target[1] / frame.height)
            if frame.rotation % 180:  # shown sideways: the box is turned too
                scale = min(1.0, target[1] / frame.width, target[0] / frame.height)
            width = max(2, int(frame.width * scale) // 2 * 2)
            height = max(2, int(frame.height * scale) // 2 * 2)
            image: Image.Image = frame.to_image(width=width, height=height)
            rotation = frame.rotation
    except av.error.InvalidDataError:
        raise ValueError("damaged video (FFmpeg cannot read it)") from None
    except av.error.FFmpegError as exc:
        raise ValueError(f"damaged video: {str(exc)[:200]}") from None
    return fit(_upright(image, rotation), target)


def _frame_at(container: Any, stream: Any) -> Any:
    import av

    duration = container.duration  # microseconds, or None
    first = None
    if isinstance(duration, int) and duration > 0:
        target_us = int(duration * POSTER_AT)
        try:
            container.seek(target_us, backward=True, any_frame=False)
        except (av.error.FFmpegError, OSError, ValueError):
            pass  # not seekable: the frames from the start
        target = target_us / 1_000_000
        for count, frame in enumerate(container.decode(stream)):
            first = first or frame
            if frame.time is None or frame.time >= target or count >= MAX_FRAMES:
                return frame
        return first
    for frame in container.decode(stream):
        return frame
    return None


def _upright(image: Image.Image, rotation: float) -> Image.Image:
    """Turn by the display matrix's angle (FFmpeg's, counter-clockwise degrees)."""
    turn = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
            270: Image.Transpose.ROTATE_270}.get(round(float(rotation)) % 360)  # fmt: skip
    return image.transpose(turn) if turn is not None else image
