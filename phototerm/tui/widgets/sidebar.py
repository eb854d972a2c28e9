"""The sidebar: spaces (on/off, with the reason when a space is missing), Timeline, the Folders
tree, Albums (with their counts), Shares (every share the user made: opens the list) and
"Shared with me" (albums others shared with the user, with their owner and the role given).

Every folder name is untrusted: labels are ``Text`` built from ``safe()``, never markup.
The folders and albums come from the index: again as photos arrive (``refresh_tree``), and
the albums again after an edit that may have changed them (``PhotosEdited``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from phototerm.library.index import Index
from phototerm.library.spaces import LABELS, SpaceSetup
from phototerm.library.text import safe
from phototerm.tui import model as views
from phototerm.tui.keys import BindingGate
from phototerm.tui.messages import PhotosEdited

REASON_WIDTH = 22  # the tree guides take 5 of the sidebar's 28 columns
# Folder levels shown nested. Deeper folders hang under their ancestor at this depth, named
# by the rest of their path: the tree (and Textual's, which lays out expanded nodes
# recursively) never gets as deep as a hostile or runaway folder tree is.
MAX_NESTING = 8
LABEL_WIDTH = 24  # a space's label: the guide and the expand arrow take 4


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str  # space | timeline | recent | folders | folder | album | shares | shared | info
    space: str | None = None
    value: str = ""


def nesting(path: str) -> tuple[str, str]:
    """(the folder a folder's node hangs under, its label): its parent and its name, or for a
    folder deeper than MAX_NESTING its ancestor at that depth and the rest of its path."""
    parts = path.split("/")
    if len(parts) <= MAX_NESTING:
        parent, _, name = path.rpartition("/")
        return parent, name
    return "/".join(parts[:MAX_NESTING]), "/".join(parts[MAX_NESTING:])


def folder_paths(folders: Iterable[str]) -> list[str]:
    """Every folder and all its parents, sorted: 'a/b/c' also needs 'a' and 'a/b' nodes."""
    out: set[str] = set()
    for folder in folders:
        parts = folder.split("/")
        for n in range(1, len(parts) + 1):
            if parts[n - 1]:
                out.add("/".join(parts[:n]))
    return sorted(out)


class SidebarTree(BindingGate, Tree[Entry]):
    """The sidebar's tree: Right/Left open and close a folder (Space still toggles), and
    the cursor starts on what the grid shows whenever the tree gets the focus. A label too
    long for the sidebar ends with an ellipsis, so a cut name never looks like a whole one."""

    DEFAULT_CSS = """
    SidebarTree { overflow-x: hidden; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "right",
            "expand_cursor",
            "Open folder",
            id="sidebar.expand",
            show=False,
            tooltip="Show the subfolders of the folder under the cursor",
        ),
        Binding(
            "left",
            "collapse_cursor",
            "Close folder",
            id="sidebar.collapse",
            show=False,
            tooltip="Hide the subfolders (on a subfolder: go to its parent)",
        ),
    ]

    def render_label(self, node: TreeNode[Entry], base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        width = self.scrollable_content_region.width or self.size.width
        if width <= 0:
            return label
        depth = 0  # levels below the top entries: each takes guide_depth columns
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        room = max(1, width - depth * self.guide_depth)
        if label.cell_len > room:
            data = node.data
            if data is not None and data.kind == "folder" and data.value.count("/") >= MAX_NESTING:
                # A path below the nesting limit: its end tells the folders apart.
                label = Text("…") + label[label.cell_len - room + 1 :]
            else:
                label.truncate(room, overflow="ellipsis")
        return label

    def on_focus(self, event: events.Focus) -> None:
        # Until now the cursor was hidden (line -1) and Down landed on "Spaces", far from
        # the entry the user is looking at. A click still wins: it comes after the Focus.
        sidebar = self.parent
        if isinstance(sidebar, Sidebar):
            sidebar.cursor_to_active()

    def action_expand_cursor(self) -> None:
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if node.is_expanded and node.children:
            self.move_cursor(node.children[0])  # already open: step into it
        else:
            node.expand()

    def action_collapse_cursor(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.allow_expand:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)


class Sidebar(Vertical):
    class Chosen(Message):
        def __init__(self, kind: str, space: str | None, value: str) -> None:
            super().__init__()
            self.kind = kind
            self.space = space
            self.value = value

    def __init__(self, setup: SpaceSetup, index: Index, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.setup = setup
        self.index = index
        self._spaces_on: tuple[str, ...] = tuple(s.name for s in setup.on)
        self._folders: dict[str, tuple[str, ...]] = {}
        self._albums: tuple[views.AlbumInfo, ...] = ()
        self._shared: tuple[tuple[str, str], ...] = ()  # (album, label) shared with me
        self._space_nodes: dict[str, TreeNode[Entry]] = {}
        self._folder_nodes: dict[tuple[str, str], TreeNode[Entry]] = {}
        self._active: Entry | None = None

    def compose(self) -> ComposeResult:
        tree = SidebarTree(Text("Library"), id="sidebar-tree")
        tree.show_root = False
        tree.auto_expand = False
        tree.guide_depth = 2
        yield tree

    @property
    def entry_tree(self) -> SidebarTree:
        return self.query_one("#sidebar-tree", SidebarTree)

    def on_mount(self) -> None:
        self._build()

    # ------------------------------------------------------------------------- building

    def _build(self) -> None:
        tree = self.entry_tree
        expanded = {
            (n.data.kind, n.data.space, n.data.value)
            for n in self._folder_nodes.values()
            if n.data is not None and n.is_expanded
        }
        tree.clear()
        root = tree.root
        self._space_nodes = {}
        self._folder_nodes = {}
        spaces = root.add(Text("Spaces", style="bold"), Entry("info"), expand=True)
        for name in LABELS:
            self._space_nodes[name] = spaces.add_leaf(self._space_label(name), Entry("space", name))
        for name, reason in self.setup.off:
            node = self._space_nodes[name]
            for line in textwrap.wrap(safe(reason), REASON_WIDTH, break_on_hyphens=False):
                # Shown as children of the space so nothing important is cut off.
                node.allow_expand = True
                node.add_leaf(Text(line, style="dim italic"), Entry("info", name))
            node.expand()
        root.add_leaf(Text("Timeline", style="bold"), Entry("timeline"))
        root.add_leaf(Text("Recently added", style="bold"), Entry("recent"))
        folders = root.add(Text("Folders", style="bold"), Entry("folders"), expand=True)
        for space in self.setup.on:
            top = folders.add(Text(space.label), Entry("folder", space.name, ""))
            self._folder_nodes[(space.name, "")] = top
            for path in folder_paths(self._folders.get(space.name, ())):
                parent_path, name = nesting(path)
                parent = self._folder_nodes.get((space.name, parent_path), top)
                node = parent.add(Text(safe(name)), Entry("folder", space.name, path))
                node.allow_expand = False  # turned on when it gets a child
                parent.allow_expand = True
                self._folder_nodes[(space.name, path)] = node
            for key, node in self._folder_nodes.items():
                if key[0] == space.name and ("folder", key[0], key[1]) in expanded:
                    node.expand()
            top.allow_expand = bool(top.children)
        albums = root.add(Text("Albums", style="bold"), Entry("info"), expand=True)
        for album in self._albums:
            albums.add_leaf(self._album_label(album.name), Entry("album", None, album.name))
        if not self._albums:
            albums.add_leaf(Text("no albums yet", style="dim italic"), Entry("info"))
        root.add_leaf(Text("Shares", style="bold"), Entry("shares"))
        shared = root.add(Text("Shared with me", style="bold"), Entry("shared"), expand=True)
        for shown, label in self._shared:
            shared.add_leaf(Text(safe(label, 60)), Entry("album", None, shown))
        if not self._shared:
            shared.add_leaf(Text("nothing shared yet", style="dim italic"), Entry("info"))
        if self._active is not None:
            active, self._active = self._active, None
            self._mark(active)

    def _space_label(self, name: str) -> Text:
        label = LABELS[name]
        if self.setup.root_of(name) is None:
            # "(no access)" where it fits (the ⊘ goes first), else "(off)": the reason
            # shown below the space says the rest.
            state = " (no access)" if name in self.setup.no_role else " (off)"
            if len(label) + len(state) > LABEL_WIDTH:
                state = " (off)"
            mark = "⊘ " if len(label) + len(state) + 2 <= LABEL_WIDTH else ""
            return Text.assemble((mark, "dim"), (label, "dim"), (state, "dim"))
        if name in self._spaces_on:
            return Text.assemble(("● ", "bold"), label)
        return Text.assemble(("○ ", ""), (label, "dim"), (" (hidden)", "dim"))

    def _album_label(self, name: str) -> Text:
        info = next((a for a in self._albums if a.name == name), None)
        label = Text(safe(name, 40))
        if info is not None:
            label.append(f" {info.count:,}", style="dim")
            if info.conditional:
                label.append(" ⌕", style="dim")  # a saved search: its photos come by themselves
        return label

    def refresh_tree(self) -> None:
        """Folders and albums from the index; rebuilt only when they changed."""
        folders = folders_by_space(self.index)
        albums = tuple(views.album_infos(self.index))
        if folders == self._folders and albums == self._albums:
            return
        self._folders = folders
        self._albums = albums
        self._build()

    def show_shared(self, items: list[tuple[str, str]]) -> None:
        """The albums shared with this person: (album's shown name, label with the owner)."""
        if tuple(items) != self._shared:
            self._shared = tuple(items)
            self._build()

    def refresh_albums(self) -> None:
        """Only the albums (after an album edit, or another session's): cheaper than the
        folders, which need the index's facets."""
        albums = tuple(views.album_infos(self.index))
        if albums != self._albums:
            self._albums = albums
            self._build()

    @on(PhotosEdited)
    def _photos_edited(self, message: PhotosEdited) -> None:
        if message.removed:  # a folder may have emptied
            self.refresh_tree()
        elif message.albums:
            self.refresh_albums()

    def show_view(self, spec: views.ViewSpec) -> None:
        """Mark what the grid shows, and which spaces are on."""
        if tuple(spec.spaces) != self._spaces_on:
            self._spaces_on = tuple(spec.spaces)
            for name, node in self._space_nodes.items():
                node.set_label(self._space_label(name))
        if spec.view == views.FOLDERS:
            entry = (
                Entry("folder", spec.folder[0], spec.folder[1]) if spec.folder else Entry("folders")
            )
        elif spec.view == views.ALBUM:
            entry = Entry("album", None, spec.album or "")
        elif spec.view == views.SHARED_WITH_ME:
            entry = Entry("shared")
        elif spec.view == views.RECENT:
            entry = Entry("recent")
        else:
            entry = Entry("timeline")
        self._mark(entry)

    def _mark(self, entry: Entry) -> None:
        """Reverse the active entry's label (the tree cursor only shows when focused)."""
        old = self._active
        if entry == old and self.entry_tree.root.children:
            return  # unchanged: relabelling would repaint the tree for nothing
        self._active = entry
        for node in self._walk(self.entry_tree.root):
            data = node.data
            if data is None or data.kind in ("info", "space"):
                continue
            if data == entry:
                label = self._plain_label(node, data)
                label.stylize("reverse")
                node.set_label(label)
            elif data == old:
                node.set_label(self._plain_label(node, data))

    def cursor_to_active(self) -> None:
        """Put the tree cursor on the active entry (opening the folders above it)."""
        tree = self.entry_tree
        node = next(
            (n for n in self._walk(tree.root) if n.data is not None and n.data == self._active),
            None,
        )
        if node is None:
            return
        parent = node.parent
        while parent is not None and parent is not tree.root:
            if not parent.is_expanded:
                parent.expand()
            parent = parent.parent
        _ = tree.last_line  # lay the lines out again, so the node knows its line
        if node.line >= 0:
            tree.move_cursor(node)

    def _plain_label(self, node: TreeNode[Entry], data: Entry) -> Text:
        if data.kind == "folder":
            if data.value == "":
                return Text(LABELS.get(data.space or "", data.space or ""))
            return Text(safe(nesting(data.value)[1]))
        if data.kind == "album":
            return self._album_label(data.value)
        titles = {
            "timeline": "Timeline",
            "recent": "Recently added",
            "folders": "Folders",
            "shared": "Shared with me",
            "shares": "Shares",
        }
        return Text(titles.get(data.kind, ""), style="bold")

    def _walk(self, node: TreeNode[Entry]) -> Iterable[TreeNode[Entry]]:
        """Every node under ``node``, depth first, without recursion (folders nest deep)."""
        stack = [node]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(current.children))

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[Entry]) -> None:
        event.stop()
        data = event.node.data
        if data is None or data.kind == "info":
            if data is not None and data.space is not None:
                self.post_message(self.Chosen("space", data.space, ""))
            else:
                event.node.toggle()
            return
        if data.kind == "folder" and event.node.allow_expand:
            event.node.expand()  # Enter opens the folder and shows its subfolders
        self.post_message(self.Chosen(data.kind, data.space, data.value))


def folders_by_space(index: Index) -> dict[str, tuple[str, ...]]:
    """{space: folders holding photos}, from the index's folder table (not its facets, which
    count every photo)."""
    return {
        space: tuple(sorted({f for f in folders if f}))
        for space, folders in index.folders().items()
    }
