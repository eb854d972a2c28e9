"""End to end: a password-protected link opened in headless Chromium. The password is typed
into the form and sent with Enter (a real form POST by the browser), the gallery comes back
with every thumbnail loaded, on a phone-sized and a desktop-sized screen. The screenshots are
kept in the test's tmp dir (their paths are printed)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cdp import Browser, chromium_or_skip
from served import serve_library

PASSWORD = "opensesame"

pytestmark = pytest.mark.slow


def password_field_focused(browser: Browser) -> None:
    """Wait until the form's password field has the focus (autofocus), which Chromium may
    apply a moment after the load event: text typed before it would go nowhere."""
    focused = "document.activeElement && document.activeElement.type === 'password'"
    for _ in range(100):
        if browser.evaluate(focused):
            return
        time.sleep(0.05)
    raise AssertionError("the password field did not get the focus")


@pytest.mark.parametrize(
    ("label", "width", "height", "mobile"),
    [("phone", 390, 844, True), ("desktop", 1280, 800, False)],
)
def test_a_visitor_types_the_password_and_sees_the_thumbnails(
    tmp_path: Path, label: str, width: int, height: int, mobile: bool
) -> None:
    executable = chromium_or_skip()
    served = serve_library(tmp_path, {"trip": {"album": "Locked", "password": PASSWORD}})
    browser = Browser(executable, tmp_path / "profile")
    try:
        browser.viewport(width, height, mobile=mobile)
        url = f"http://127.0.0.1:{served.port}/s/{served.tokens['trip']}"
        browser.navigate(url)
        assert browser.evaluate("document.querySelectorAll('input[type=password]').length") == 1
        assert browser.evaluate("document.images.length") == 0  # nothing before the password
        form_shot = browser.screenshot(tmp_path / f"{label}-password.png")
        password_field_focused(browser)
        browser.type_text("wrong")
        browser.press_enter()
        browser.wait_for("Page.loadEventFired")
        assert "not right" in browser.evaluate("document.body.innerText")
        password_field_focused(browser)  # again, on the page that said "not right"
        browser.type_text(PASSWORD)
        browser.press_enter()
        browser.wait_for("Page.loadEventFired")
        assert browser.evaluate("location.pathname") == f"/s/{served.tokens['trip']}"
        # Scroll through the page so that every lazy image is asked for, then wait for them.
        loaded = 0
        for _ in range(100):
            browser.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            loaded = browser.evaluate(
                "Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length"
            )
            if loaded == 7:
                break
            browser.wait_for("Network.loadingFinished", timeout=5)
        assert browser.evaluate("document.images.length") == 7
        assert loaded == 7
        widths = browser.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
        assert all(w >= 200 for w in widths), widths  # real thumbnails, not broken icons
        columns = browser.evaluate(
            "getComputedStyle(document.querySelector('.grid')).gridTemplateColumns.split(' ').length"
        )
        assert (columns == 2) if mobile else (columns >= 6), columns
        browser.evaluate("window.scrollTo(0, 0)")
        shot = browser.screenshot(tmp_path / f"{label}-gallery.png")
        print(f"\nscreenshots ({label}): {form_shot} {shot}")
        assert shot.stat().st_size > 5000
    finally:
        browser.close()
        served.close()
