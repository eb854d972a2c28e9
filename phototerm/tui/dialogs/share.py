"""Share (`S`): an album's link and its people, or photos shared as a link.

Every change is made at once through the dialog's target (tui/editing/shares.py), so the
dialog shows what is stored: turning the link on makes it (a selection becomes an album of its
own), turning it off revokes it, ctrl+s applies a changed password, expiry or download
setting. ``c`` copies the URL (OSC 52, works over SSH) when the focus is not in a text field.

People (Shared Space albums only): a user or @group (completed from the machine's users and
groups) as Viewer, Downloader or Provider. Before one is added, the dialog lists the photos
they cannot read through the filesystem and why; ctrl+a again adds them all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import EllipsisType
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Select, Static, Switch

from phototerm.library.text import safe
from phototerm.tui.keys import BindingGate

if TYPE_CHECKING:  # the library's edits, stores and sharing load once a dialog is shown
    from phototerm.library.edits.shares import ShareResult
    from phototerm.library.sharing.people import Unreadable
    from phototerm.library.store import Recipient


@dataclass
class LinkState:
    """The album's link as stored: on or off, its URL and settings."""

    on: bool
    url: str = ""
    password: bool = False
    expires: str = ""  # YYYY-MM-DD, '' for never
    download: bool = False


class ShareTarget(Protocol):
    """What the dialog shares and asks (tui/editing/shares.py gives it): every change is
    made at once and reported there."""

    def title(self) -> str: ...
    def link(self) -> LinkState: ...
    def people_allowed(self) -> str: ...
    def people(self) -> Sequence[Recipient]: ...
    def save_link(
        self, password: str | None | EllipsisType, expires: float | None, download: bool
    ) -> ShareResult: ...
    def revoke_link(self) -> ShareResult: ...
    def check_person(self, who: str, role: str) -> tuple[Recipient | None, str]: ...
    def unreadable(self, person: Recipient) -> list[Unreadable]: ...
    def add_person(self, person: Recipient) -> ShareResult: ...
    def remove_person(self, who: str) -> ShareResult: ...
    def complete(self, prefix: str) -> list[str]: ...


ROLE_OPTIONS = [("Viewer", "viewer"), ("Downloader", "downloader"), ("Provider", "provider")]


class PeopleSuggester(Suggester):
    """Users and @groups of this machine, completed as they are typed."""

    def __init__(self, target: ShareTarget) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self.target = target

    async def get_suggestion(self, value: str) -> str | None:
        found = self.target.complete(value.strip()) if value.strip() else []
        return found[0] if found else None


class ShareDialog(BindingGate, ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="share.close", tooltip="Close the share dialog"),
        Binding(
            "ctrl+s",
            "save_link",
            "Save link",
            id="share.save",
            priority=True,
            tooltip="Make the link, or apply its password, expiry and download setting",
        ),
        Binding(
            "ctrl+d",
            "revoke_link",
            "Revoke link",
            id="share.revoke",
            priority=True,
            tooltip="Revoke the link: it stops working at once",
        ),
        Binding("c", "copy_link", "Copy link", id="share.copy", tooltip="Copy the link's URL"),
        Binding(
            "ctrl+a",
            "add_person",
            "Add person",
            id="share.add",
            priority=True,
            tooltip="Share with the user or @group typed, in the role chosen",
        ),
        Binding(
            "ctrl+r",
            "remove_person",
            "Remove person",
            id="share.remove",
            priority=True,
            tooltip="Stop sharing with the user or @group typed",
        ),
    ]

    DEFAULT_CSS = """
    #share-box { width: 86; }
    .share-section { margin-top: 1; text-style: bold; }
    .share-row { height: auto; }
    .share-row Static.share-label { width: 14; padding: 1 0 0 0; }
    .share-row Input { width: 1fr; }
    .share-row Switch { width: auto; }
    #share-url { height: auto; color: $text-accent; }
    #share-people-list, #share-people-why, #share-warning { height: auto; }
    #share-role { width: 20; }
    """

    def __init__(self, target: ShareTarget) -> None:
        super().__init__(classes="dialog")
        self.target = target
        self._confirming: Recipient | None = None  # a person who cannot read some photos
        self._setting = False  # the switch is being set from what is stored, not by a person

    def compose(self) -> ComposeResult:
        link = self.target.link()
        with Vertical(classes="dialog-box", id="share-box"):
            yield Static(Text(self.target.title(), style="bold"), classes="dialog-title")
            yield Static(Text("Link"), classes="share-section")
            with Horizontal(classes="share-row"):
                yield Static(Text("Public link"), classes="share-label")
                yield Switch(link.on, id="share-link")
                yield Static(Text("Allow download"), classes="share-label")
                yield Switch(link.download, id="share-download")
            yield Static(Text(""), id="share-url")
            with Horizontal(classes="share-row"):
                yield Static(Text("Password"), classes="share-label")
                yield Input(password=True, id="share-password", max_length=1024)
            with Horizontal(classes="share-row"):
                yield Static(Text("Last day"), classes="share-label")
                yield Input(
                    link.expires,
                    placeholder="YYYY-MM-DD (empty: never expires)",
                    id="share-expires",
                )
            yield Static(Text("People"), classes="share-section")
            yield Static(Text(""), id="share-people-list")
            yield Static(Text(""), id="share-people-why")
            with Horizontal(classes="share-row", id="share-people-row"):
                yield Input(
                    placeholder="user or @group",
                    id="share-who",
                    suggester=PeopleSuggester(self.target),
                )
                yield Select(ROLE_OPTIONS, value="viewer", allow_blank=False, id="share-role")
            yield Static(Text(""), id="share-warning")
            yield Static("", classes="dialog-error", id="share-error")
            yield Static(
                Text(
                    "Switch: link on/off (off revokes) · ^s applies password, last day, "
                    "download · c copies the link · ^d revokes · ^a adds · ^r removes a person "
                    "· Esc closes",
                    style="dim",
                ),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self._show()
        self.query_one("#share-link", Switch).focus()

    # ------------------------------------------------------------------------- showing

    def _show(self) -> None:
        link = self.target.link()
        self._setting = True
        self.query_one("#share-link", Switch).value = link.on
        self._setting = False
        url = self.query_one("#share-url", Static)
        if link.on:
            extras = ["download" if link.download else "view only"]
            extras.append("password" if link.password else "no password")
            extras.append(f"until {link.expires}" if link.expires else "never expires")
            url.update(Text.assemble((link.url, "bold"), f"  ({', '.join(extras)})"))
        else:
            url.update(Text("No link: turn it on to make one", style="dim"))
        password = self.query_one("#share-password", Input)
        password.placeholder = (
            "unchanged (it has one; type a new one to change it)"
            if link.password
            else "none (type one to protect the link)"
        )
        why = self.target.people_allowed()
        self.query_one("#share-people-why", Static).update(Text(why, style="dim"))
        self.query_one("#share-people-row").display = not why
        people = self.target.people() if not why else ()
        listed = self.query_one("#share-people-list", Static)
        if people:
            listed.update(Text(", ".join(f"{safe(p.who)} ({p.role})" for p in people)))
        else:
            listed.update(Text("" if why else "Shared with nobody yet", style="dim"))
        self.title_widget().update(Text(self.target.title(), style="bold"))

    def title_widget(self) -> Static:
        return self.query_one(".dialog-title", Static)

    def _error(self, message: str) -> None:
        self.query_one("#share-error", Static).update(Text(safe(message)))

    # ------------------------------------------------------------------------- the link

    @on(Switch.Changed, "#share-link")
    def _link_switched(self, event: Switch.Changed) -> None:
        event.stop()
        if self._setting:
            return
        if event.value:
            self.action_save_link()
        else:
            self.action_revoke_link()

    def _expiry(self) -> tuple[bool, float | None]:
        text = self.query_one("#share-expires", Input).value.strip()
        if not text:
            return True, None
        from phototerm.library.sharing.links import BadExpiry, parse_expiry

        try:
            return True, parse_expiry(text)
        except BadExpiry as exc:
            self._error(f"Last day: {exc}")
            return False, None

    def action_save_link(self) -> None:
        ok, expires = self._expiry()
        if not ok:
            self._show()
            return
        from phototerm.library.edits.shares import KEEP

        typed = self.query_one("#share-password", Input).value
        had = self.target.link()
        password = typed if typed else (KEEP if had.on else None)
        download = self.query_one("#share-download", Switch).value
        result = self.target.save_link(password, expires, download)
        self._error("" if result.ok else result.message)
        if result.ok:
            self.query_one("#share-password", Input).value = ""
        self._show()

    def action_revoke_link(self) -> None:
        if not self.target.link().on:
            self._show()
            return
        result = self.target.revoke_link()
        self._error("" if result.ok else result.message)
        self._show()

    def action_copy_link(self) -> None:
        link = self.target.link()
        if not link.on:
            self._error("No link to copy: turn the link on first")
            return
        self.app.copy_to_clipboard(link.url)
        self.app.notify(f"Copied {link.url}", markup=False, timeout=4)

    # ------------------------------------------------------------------------- people

    def _typed_person(self, role: str) -> Recipient | None:
        why = self.target.people_allowed()
        if why:
            self._error(why)
            return None
        who = self.query_one("#share-who", Input).value.strip()
        if not who:
            self._error("Type a user or @group first")
            return None
        person, problem = self.target.check_person(who, role)
        if person is None:
            self._error(problem)
        return person

    def action_add_person(self) -> None:
        from phototerm.library.store import ROLES

        role = str(self.query_one("#share-role", Select).value)
        if role not in ROLES:
            role = "viewer"
        person = self._typed_person(role)
        if person is None:
            return
        self._error("")
        warning = self.query_one("#share-warning", Static)
        if self._confirming != person:
            problems = self.target.unreadable(person)
            if problems:
                self._confirming = person
                lines = [p.line() for p in problems]
                lines.append("ctrl+a again shares all the same (they will see what they can read)")
                warning.update(Text("\n".join(lines), style="bold"))
                return
        self._confirming = None
        warning.update(Text(""))
        result = self.target.add_person(person)
        self._error("" if result.ok else result.message)
        if result.ok:
            self.query_one("#share-who", Input).value = ""
        self._show()

    def action_remove_person(self) -> None:
        who = self.query_one("#share-who", Input).value.strip()
        if not who:
            self._error("Type the user or @group to stop sharing with")
            return
        if self.target.people_allowed():
            self._error(self.target.people_allowed())
            return
        if who not in {p.who for p in self.target.people()}:
            self._error(f"{safe(who)} is not among the people this album is shared with")
            return
        result = self.target.remove_person(who)
        self._error("" if result.ok else result.message)
        self._show()

    @on(Input.Changed, "#share-who")
    def _who_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._confirming = None
        self.query_one("#share-warning", Static).update(Text(""))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "share-who":
            self.action_add_person()
        else:
            self.action_save_link()

    def action_close(self) -> None:
        self.dismiss(None)
