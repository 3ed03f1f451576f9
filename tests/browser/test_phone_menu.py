"""The opened phone menu of every role: every control in it readable (contrast of its text
against what is really behind it), checked by axe and by our own computation.

Why our own: axe passed the white-on-white "Abmelden" button in the opened phone menu (a
privacy risk on shared devices: nobody saw how to log out), because the header rule that
makes tertiary buttons white on the brand colour also reached the menu's white panel.
"""

from __future__ import annotations

import pytest

from app.demo.seed import LOGINS, seed_demo
from app.extensions import db
from tests.browser.journey_helpers import login

# text colour against the nearest opaque background behind it (WCAG relative luminance)
# colours come as oklch() from KERN: a 1-px canvas turns any CSS colour into sRGB bytes
CONTRAST = """(panel) => {
  const ctx = Object.assign(document.createElement('canvas'), {width: 1, height: 1})
    .getContext('2d', {willReadFrequently: true});
  const rgb = (c) => {
    ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = c; ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const control of panel.querySelectorAll('a, button, summary, select, input')) {
    if (!control.getClientRects().length) continue;
    const texts = [control, ...control.querySelectorAll('*')].filter(
      (e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
    for (const t of texts) {
      const fg = rgb(getComputedStyle(t).color).slice(0, 3);
      const [a, b] = [lum(fg), lum(behind(t))].sort((x, y) => y - x);
      out.push({text: t.textContent.trim().slice(0, 30), ratio: (a + 0.05) / (b + 0.05)});
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("role", ["coordinator", "institution", "mediator"])
def test_every_control_of_the_opened_phone_menu_is_readable(role, width, app, browser,
                                                            live_server):
    """At 360 px the menu opens as a white panel; at 1280 px it is a row on the brand bar."""
    from axe_playwright_python.sync_playwright import Axe

    seed_demo(db.session)
    db.session.commit()
    context = browser.new_context(locale="de-DE", base_url=live_server.base_url,
                                  viewport={"width": width, "height": 740})
    page = context.new_page()
    email, password = next((e, p) for r, e, p in LOGINS if r == role)
    login(page, email, password=password)
    page.goto("/")
    if width < 992:  # 62 rem: below it the menu is behind its button
        page.locator("summary.site-menu__toggle").click()
    panel = page.locator(".site-menu__panel")
    assert panel.is_visible()
    controls = panel.evaluate(CONTRAST)
    texts = {c["text"] for c in controls}
    assert "Abmelden" in texts, texts
    weak = [c for c in controls if c["ratio"] < 4.5]
    assert weak == [], weak
    result = Axe().run(page, context=".site-menu__panel",
                       options={"runOnly": ["color-contrast"]}).response
    assert result["violations"] == [], result["violations"]
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_every_language_of_the_opened_language_list_is_readable(width, browser, live_server):
    """The mediators' language list is a white panel under the brand bar: the bar's white
    button text must not reach it (the same trap as the phone menu's "Abmelden")."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(locale="de-DE", base_url=live_server.base_url,
                                  viewport={"width": width, "height": 740})
    page = context.new_page()
    page.goto("/auth/login")
    page.locator("summary.site-lang__toggle").click()
    panel = page.locator(".site-lang__list")
    assert panel.is_visible()
    controls = panel.evaluate(CONTRAST)
    assert {c["text"] for c in controls} >= {"Deutsch", "English", "العربية", "Русский"}
    weak = [c for c in controls if c["ratio"] < 4.5]
    assert weak == [], weak
    result = Axe().run(page, context=".site-lang__list",
                       options={"runOnly": ["color-contrast"]}).response
    assert result["violations"] == [], result["violations"]
    context.close()
