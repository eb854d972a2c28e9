"""Writing ratings and tags into XMP sidecars (``NAME.EXT.xmp``), for darktable, digiKam,
Lightroom and Immich to read. Enabled by ``sidecars = "write"`` in config.toml.

Rules:
- the photo itself is never opened for writing;
- an existing sidecar is MERGED: only ``xmp:Rating`` and ``dc:subject`` change, every other
  element, attribute and namespace (darktable's history, digiKam's tags, ...) is kept;
- a sidecar we cannot parse, or one with a DOCTYPE/ENTITY declaration, is left alone (we would
  lose what it holds): the write fails with a message instead;
- only a regular file is read or replaced: a sidecar name taken by a symbolic link (which
  could lead anywhere), a FIFO (whose open would wait for ever), a socket or a device is
  left alone, with a message;
- every character XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE, U+FFFF; lone
  surrogates) becomes U+FFFD, and the new document is parsed again before it replaces the
  old one: a sidecar is only ever replaced by one that other tools can read;
- writes are atomic: a temp file in the same folder, fsync, ``os.replace``.
"""

from __future__ import annotations

import enum
import io
import os
import re
import stat
from collections.abc import Sequence
from typing import Final
from xml.etree import ElementTree as ET

from phototerm.library.durable import atomic_write
from phototerm.library.files.regular import kind_of, open_regular
from phototerm.library.metadata.xmp import MAX_PACKET, NS_DC, NS_RDF, NS_XMP
from phototerm.library.text import safe

NS_X = "adobe:ns:meta/"
_PREFIXES = {"x": NS_X, "rdf": NS_RDF, "xmp": NS_XMP, "dc": NS_DC}
# Every character outside XML 1.0's Char production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_RATING = f"{{{NS_XMP}}}Rating"
_SUBJECT = f"{{{NS_DC}}}subject"
_DESCRIPTION = f"{{{NS_RDF}}}Description"
_RDF = f"{{{NS_RDF}}}RDF"
_BAG = f"{{{NS_RDF}}}Bag"
_LI = f"{{{NS_RDF}}}li"
_ABOUT = f"{{{NS_RDF}}}about"


class _Keep(enum.Enum):
    """The default of ``write_sidecar``'s values: leave the property as the sidecar has it."""

    KEEP = enum.auto()


_KEEP: Final = _Keep.KEEP

for _prefix, _uri in _PREFIXES.items():
    ET.register_namespace(_prefix, _uri)


class SidecarError(Exception):
    """A sidecar could not be written; the message names the file and the reason."""


def sidecar_path(photo_path: str) -> str:
    """darktable/digiKam naming: ``IMG_1.JPG`` -> ``IMG_1.JPG.xmp``."""
    return photo_path + ".xmp"


def write_sidecar(
    photo_path: str,
    *,
    rating: int | None | _Keep = _KEEP,
    tags: Sequence[str] | None | _Keep = _KEEP,
) -> str | None:
    """Set the rating (-1..5) and/or the tags in the photo's sidecar, merging with what it has.

    ``rating=None`` removes xmp:Rating; ``tags=()``/``None`` removes dc:subject. Does not create
    a sidecar just to say "unrated, no tags". Returns the sidecar's path, or None when nothing
    was written. Raises SidecarError."""
    path = sidecar_path(photo_path)
    data = _read_existing(path)
    if data is None:
        if (rating is _KEEP or not rating) and (tags is _KEEP or not tags):
            return None
        root, packet = _new_tree(), False
    else:
        root, packet = _parse(path, data)
    description = _description(root)
    if rating is not _KEEP:
        _set_rating(root, description, rating)
    if tags is not _KEEP:
        _set_subjects(root, description, list(tags or ()))
    if data is None:  # a file we create is laid out for people; an existing one keeps its layout
        _indent_new(root)
    document = _serialise(root, packet)
    _check_parses(path, document)
    _atomic_write(path, document)
    return path


def _read_existing(path: str) -> bytes | None:
    """The sidecar's bytes, None when there is none; SidecarError when it is there but is
    not a regular file of its own (see the module docstring) or cannot be read."""
    shown = safe(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SidecarError(f"Cannot read {shown}: {exc.strerror}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise SidecarError(f"Not rewriting {shown}: it is {kind_of(st.st_mode)}")
    try:
        with open_regular(path) as fh:
            return fh.read(MAX_PACKET + 1)
    except FileNotFoundError:
        return None  # gone since the lstat: write a new one
    except OSError as exc:
        raise SidecarError(f"Cannot read {shown}: {exc.strerror}") from exc


def _check_parses(path: str, document: bytes) -> None:
    """Refuse to replace a sidecar with a document an XML parser would reject."""
    try:
        ET.fromstring(document)
    except ET.ParseError as exc:
        raise SidecarError(
            f"Not rewriting {safe(path)}: the new content would not be valid XML ({exc})"
        ) from exc


def _new_tree() -> ET.Element:
    meta = ET.Element(f"{{{NS_X}}}xmpmeta", {f"{{{NS_X}}}xmptk": "phototerm"})
    rdf = ET.SubElement(meta, _RDF)
    ET.SubElement(rdf, _DESCRIPTION, {_ABOUT: ""})
    return meta


def _indent_new(root: ET.Element) -> None:
    ET.indent(root, space=" ")


def _parse(path: str, data: bytes) -> tuple[ET.Element, bool]:
    shown = safe(path)
    if len(data) > MAX_PACKET:
        raise SidecarError(f"Not rewriting {shown}: it is larger than {MAX_PACKET} bytes")
    if _DECLARATION.search(data):
        raise SidecarError(f"Not rewriting {shown}: it holds a DOCTYPE/ENTITY declaration")
    start = data.find(b"<")
    end = data.rfind(b">")
    if start < 0 or end < start:
        raise SidecarError(f"Not rewriting {shown}: it is not XML")
    packet = b"<?xpacket begin" in data[:200]
    namespaces: dict[str, str] = {}
    builder = ET.TreeBuilder(insert_comments=True, insert_pis=True)
    parser = ET.XMLParser(target=builder)
    try:
        # start-ns events give the prefixes the file uses, so we write them back the same way
        for _event, item in ET.iterparse(io.BytesIO(data[start : end + 1]), ("start-ns",)):
            prefix, uri = item
            namespaces.setdefault(prefix, uri)
        parser.feed(data[start : end + 1])
        root = parser.close()
    except ET.ParseError as exc:
        raise SidecarError(f"Not rewriting {shown}: it is not well-formed XML ({exc})") from exc
    except Exception as exc:  # hostile input must never escape
        raise SidecarError(f"Not rewriting {shown}: {exc}") from exc
    for prefix, uri in namespaces.items():
        if prefix and _PREFIXES.get(prefix, uri) == uri:
            try:
                ET.register_namespace(prefix, uri)
            except ValueError:  # ns0-style prefixes are reserved by ElementTree
                pass
    if not isinstance(root.tag, str) or root.find(f".//{_RDF}") is None and root.tag != _RDF:
        raise SidecarError(f"Not rewriting {shown}: it is XML but not XMP (no rdf:RDF)")
    return root, packet


def _description(root: ET.Element) -> ET.Element:
    rdf = root if root.tag == _RDF else root.find(f".//{_RDF}")
    assert rdf is not None  # checked by _parse / built by _new_tree
    first = rdf.find(_DESCRIPTION)
    if first is None:
        first = ET.SubElement(rdf, _DESCRIPTION, {_ABOUT: ""})
    return first


def _set_rating(root: ET.Element, description: ET.Element, rating: int | None) -> None:
    # The rating may be an attribute (darktable, Lightroom) or an element (some writers), in
    # any Description: change it where it is, and drop duplicates so readers agree.
    placed = False
    for element in list(root.iter(_DESCRIPTION)):
        if _RATING in element.attrib:
            if rating is None or placed:
                del element.attrib[_RATING]
            else:
                element.set(_RATING, str(rating))
                placed = True
        for child in list(element.findall(_RATING)):
            if rating is None or placed:
                element.remove(child)
            else:
                child.text = str(rating)
                placed = True
    if rating is not None and not placed:
        description.set(_RATING, str(rating))


def _set_subjects(root: ET.Element, description: ET.Element, tags: list[str]) -> None:
    holders = [(d, s) for d in root.iter(_DESCRIPTION) for s in d.findall(_SUBJECT)]
    for parent, subject in holders[1:]:
        parent.remove(subject)
    if not tags:
        if holders:
            holders[0][0].remove(holders[0][1])
        return
    if holders:
        subject = holders[0][1]
        tail = subject.tail
        subject.clear()
        subject.tail = tail
    else:
        subject = ET.SubElement(description, _SUBJECT)
    bag = ET.SubElement(subject, _BAG)
    for tag in dict.fromkeys(tags):
        ET.SubElement(bag, _LI).text = tag


def _serialise(root: ET.Element, packet: bool) -> bytes:
    body = ET.tostring(root, encoding="unicode")
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    if packet:
        body = (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            + body
            + '\n<?xpacket end="w"?>'
        )
        head = ""
    # Characters XML 1.0 forbids (lone surrogates included, which cannot be UTF-8 either)
    # only come from broken or hostile input, a tag typed with a control character, say.
    # The markup itself never holds one, so replacing them in the whole text is safe.
    return _NOT_XML.sub("\ufffd", head + body + "\n").encode("utf-8")


def _atomic_write(path: str, data: bytes) -> None:
    try:
        mode = os.stat(path).st_mode & 0o777  # keep an existing sidecar's permissions
    except OSError:
        mode = None
    try:
        atomic_write(path, data, mode=mode)
    except OSError as exc:
        raise SidecarError(f"Cannot write {safe(path)}: {exc.strerror}") from exc
