"""KERN markup that list pages repeat per row: buttons and table header rows.

Python functions, not Jinja macros (like `badge` in app.web.templating): a macro call costs
about five times a function call, and a page such as the request detail lists a thousand
excluded mediators with a button each. Row cells stay literal `<td class="kern-table__cell">`
in the templates: literal text costs nothing per row, a call per cell would (docs/ui.md).
"""

from __future__ import annotations

from collections.abc import Collection

from markupsafe import Markup, escape

_KINDS = ("primary", "secondary", "tertiary")


def _attributes(attrs: dict) -> str:
    """Render extra attributes: `data_print=True` -> ` data-print`; None/False leave it out."""
    out = ""
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        out += f" {name}" if value is True else f' {name}="{escape(value)}"'
    return out


def button(text, href: str | None = None, kind: str = "primary", type: str = "submit",  # noqa: A002
           name: str | None = None, value=None, icon: str | None = None, css: str = "",
           danger: bool = False, hidden_text=None, label_css: str = "", summary: bool = False,
           hidden_css: str = "visually-hidden", icon_after: bool = False, **attrs) -> Markup:
    """A KERN button: a link styled as one when `href` is given, the toggle of a <details>
    with `summary=True`, else a <button>.

    kind: primary, secondary, tertiary; `danger` adds the red destructive style.
    `icon_after` puts the icon behind the label (a "next" chevron).
    `hidden_text` is read by screen readers only (which row a button acts on). Further
    keyword arguments become attributes (`formaction=`, `form=`, `aria_describedby=`,
    `data_print=True`, `hidden=True`, `download=True`, `lang=` …). Plain string building:
    Markup.format parses its pattern in Python and cost ten times as much. Texts, URLs and
    values are escaped; kind, type, css and icon are the template's own literals.
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown button kind {kind!r}")
    classes = f"kern-btn kern-btn--{kind}" + (" btn-danger" if danger else "") + (
        f" {css}" if css else "")
    if href is not None:
        tag, head = "a", f'<a class="{classes}" href="{escape(href)}"'
    elif summary:
        tag, head = "summary", f'<summary class="{classes}"'
    else:
        tag, head = "button", f'<button type="{type}" class="{classes}"'
        if name is not None:
            head += f' name="{escape(name)}"'
        if value is not None:
            head += f' value="{escape(value)}"'
    glyph = f'<span class="kern-icon kern-icon--{icon}" aria-hidden="true"></span>' \
        if icon else ""
    hidden = f'<span class="{hidden_css}">{escape(hidden_text)}</span>' \
        if hidden_text else ""
    label = (f'<span class="kern-label{" " + label_css if label_css else ""}">'
             f"{escape(text)}{hidden}</span>")
    inner = label + glyph if icon_after else glyph + label
    return Markup(f"{head}{_attributes(attrs) if attrs else ''}>{inner}</{tag}>")  # noqa: S704 (escaped)


def thead(*labels, numeric: Collection[int] = (), hidden: Collection[int] = ()) -> Markup:
    """A table's header row: one column header per label; a label of None is left out
    (a column shown only sometimes). `numeric` and `hidden` hold the positions (0-based,
    counted among all labels) of right-aligned columns and of headers for screen readers
    only (an actions column)."""
    cells = ""
    for i, text in enumerate(labels):
        if text is None:
            continue
        css = "kern-table__header kern-table__header--numeric" if i in numeric \
            else "kern-table__header"
        text = f'<span class="visually-hidden">{escape(text)}</span>' if i in hidden \
            else escape(text)
        cells += f'<th class="{css}" scope="col">{text}</th>'
    return Markup(f"<thead><tr>{cells}</tr></thead>")  # noqa: S704 (escaped)
