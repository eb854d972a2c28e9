"""Taking one edit back from a photo's state as it is NOW, not as it was when the edit ran.

Undo is a read-modify-write like every edit (``Store.update_states``): between the edit and
its undo, another session may have changed the same photo. The rule, field by field:

- a field the edit did not change is left as it is now;
- rating and description: put back only while they still hold what the edit wrote; a later
  value (another session's, or this session's own later edit of another photo set) is kept,
  because it is newer than what the undo would restore;
- rotation is a turn: the edit's turn is turned back from whatever the rotation is now;
- tags are a set: the tags the edit added are taken away and the ones it removed come back,
  and every other tag (added or removed since, by anyone) stays as it is now.

With nobody else editing, each field holds exactly what the edit wrote, and the result is
exactly the state the edit replaced (``None`` values included: the file's own value shows).
"""

from __future__ import annotations

from collections.abc import Iterable

from phototerm.library.store import PhotoState


def revert(
    now: PhotoState, before: PhotoState, after: PhotoState, file_tags: Iterable[str] = ()
) -> PhotoState:
    """``now`` without the edit that turned ``before`` into ``after``. ``file_tags``: the
    photo's own tags, which a stored ``tags=None`` stands for."""
    if now == after:
        return before
    return PhotoState(
        before.rating if now.rating == after.rating else now.rating,
        before.description if now.description == after.description else now.description,
        (now.rotation + before.rotation - after.rotation) % 360,
        _tags(now.tags, before.tags, after.tags, tuple(file_tags)),
    )


def _tags(
    now: tuple[str, ...] | None,
    before: tuple[str, ...] | None,
    after: tuple[str, ...] | None,
    file_tags: tuple[str, ...],
) -> tuple[str, ...] | None:
    if now == after:
        return before
    was = file_tags if before is None else before
    became = file_tags if after is None else after
    was_keys = {t.casefold() for t in was}
    became_keys = {t.casefold() for t in became}
    added = became_keys - was_keys
    removed = was_keys - became_keys
    if not added and not removed:
        return now
    kept = [t for t in (file_tags if now is None else now) if t.casefold() not in added]
    have = {t.casefold() for t in kept}
    back = [t for t in was if t.casefold() in removed and t.casefold() not in have]
    return tuple(kept + back)
