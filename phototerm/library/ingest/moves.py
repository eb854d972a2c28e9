"""Telling a moved photo from one removed and another added, after the fact.

A walk that finds a photo gone from the index and a new file elsewhere cannot see the move
itself (watching can: reconcile is what runs when it did not). A moved or renamed file keeps
its size and modification time (``mv``, a rename in a file manager, a folder renamed), so a
gone photo and a new file of the same space with the same size and mtime are the same photo.
When several gone photos or several new files share a size and mtime, the same file name
decides first (a folder renamed, or files moved to another folder), then what the files say
about themselves: the metadata read from the new file against the index's record of the gone
one (capture time, camera, lens, exposure, pixel size, place). A gone file cannot be read
any more, so that record is the only content left to compare. What is still ambiguous (two
identical copies of a photo that was moved) is not paired: a removal and new photos.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from phototerm.library.photo import Photo
from phototerm.library.values import f32

# What two records of the same photo file always agree on (its path aside); the index keeps
# the three FLOAT32 fields rounded to float32, so they are compared that way.
FINGERPRINT = (
    "kind",
    "size",
    "taken",
    "tz_offset",
    "make",
    "model",
    "lens",
    "iso",
    "width",
    "height",
    "orientation",
    "lat",
    "lon",
)
FLOAT32 = ("fnumber", "exposure", "focal")


def same_file(a: Photo, b: Photo) -> bool:
    """Whether two records (the index's, one read now) describe the same file's content."""
    if a.error or b.error:
        return False
    return all(getattr(a, name) == getattr(b, name) for name in FINGERPRINT) and all(
        f32(getattr(a, name)) == f32(getattr(b, name)) for name in FLOAT32
    )


def pair_moves(
    gone: Sequence[tuple[str, int, float]],
    new: Sequence[tuple[str, int, float]],
    same: Callable[[str, str], bool],
) -> list[tuple[str, str]]:
    """(gone rel, new rel) of the files that moved, among the ``gone`` photos and the ``new``
    files of one space, each (rel, size, mtime). ``same(gone rel, new rel)`` compares their
    content; it is asked only when size, mtime and name leave several candidates."""
    if not gone or not new:
        return []
    by_signature: dict[tuple[int, float], tuple[list[str], list[str]]] = defaultdict(
        lambda: ([], [])
    )
    for rel, size, mtime in gone:
        by_signature[(size, mtime)][0].append(rel)
    for rel, size, mtime in new:
        group = by_signature.get((size, mtime))
        if group is not None:
            group[1].append(rel)
    pairs: list[tuple[str, str]] = []
    for olds, news in by_signature.values():
        if olds and news:
            pairs += _pair_group(sorted(olds), sorted(news), same)
    return pairs


def _pair_group(
    olds: list[str], news: list[str], same: Callable[[str, str], bool]
) -> list[tuple[str, str]]:
    if len(olds) == 1 and len(news) == 1:
        return [(olds[0], news[0])]
    pairs: list[tuple[str, str]] = []
    by_name: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for rel in olds:
        by_name[_name(rel)][0].append(rel)
    for rel in news:
        by_name[_name(rel)][1].append(rel)
    for same_name_olds, same_name_news in by_name.values():
        if len(same_name_olds) == 1 and len(same_name_news) == 1:
            pairs.append((same_name_olds[0], same_name_news[0]))
    paired = {rel for pair in pairs for rel in pair}
    olds = [rel for rel in olds if rel not in paired]
    news = [rel for rel in news if rel not in paired]
    matches = {old: [rel for rel in news if same(old, rel)] for old in olds}
    for old, found in matches.items():
        if len(found) != 1:
            continue
        # ... and that new file matches no other gone photo
        if sum(found[0] in other for other in matches.values()) == 1:
            pairs.append((old, found[0]))
    return pairs


def _name(rel: str) -> str:
    return rel.rpartition("/")[2]
