"""Templates build buttons and tables through the shared helpers and never read `request`.

The helpers (templates/macros.html, app/web/markup.py) keep the KERN markup in one place;
a page that needs something from the request gets it from its view or a context processor.
"""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HELPERS = {"macros.html"}
JINJA = re.compile(r"{{.*?}}|{%.*?%}", re.S)
STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
# flask's request, not a model attribute such as `offer.request.id` or `line.request`
REQUEST = re.compile(r"(?<![.\w])request\s*\.")
RAW = {"hand-written KERN button": re.compile(r"class=\"kern-btn"),
       "button outside button()": re.compile(r"<button\b"),
       "table outside the table() macro": re.compile(r"<table\b")}


def problems_in(source: str) -> list[str]:
    """What the idiom forbids in one template's source."""
    found = []
    for block in JINJA.findall(source):
        code = STRING.sub("''", block)
        found += [f"reads {m.group(0).strip()}" for m in REQUEST.finditer(code)]
    for what, pattern in RAW.items():
        found += [what] * len(pattern.findall(source))
    return found


def test_templates_use_the_helpers_and_never_read_request():
    problems = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        if name in HELPERS:
            continue
        found = problems_in(path.read_text(encoding="utf-8"))
        if found:
            problems[name] = found
    assert problems == {}, problems


def test_checker_tells_the_request_from_model_attributes():
    assert problems_in("{{ request.args.get('q') }}") == ["reads request."]
    assert problems_in("{% if request.endpoint == 'x' %}") == ["reads request."]
    assert problems_in("{{ o.request.id }} {{ line.request.starts_at|localdt }}") == []
    assert problems_in('{{ day_groups(x, when="request.starts_at") }}') == []
    assert problems_in("<p>Your request. Thanks</p>") == []


def test_checker_catches_raw_buttons_and_tables():
    assert problems_in('<a class="kern-btn kern-btn--primary" href="/">x</a>') == [
        "hand-written KERN button"]
    assert problems_in('<button type="submit">Go</button>') == ["button outside button()"]
    assert problems_in('<table class="kern-table">') == ["table outside the table() macro"]


def test_button_writes_the_markup_pages_wrote_by_hand():
    from app.web.markup import button

    assert button("Go") == ('<button type="submit" class="kern-btn kern-btn--primary">'
                            '<span class="kern-label">Go</span></button>')
    assert button("A&B", "/x?a=1&b=2", kind="secondary", download=True) == (
        '<a class="kern-btn kern-btn--secondary" href="/x?a=1&amp;b=2" download>'
        '<span class="kern-label">A&amp;B</span></a>')
    assert button("Assign", kind="secondary", name="mediator_id", value=3, formaction="/a",
                  hidden_text=" <Ann>", aria_current=None) == (
        '<button type="submit" class="kern-btn kern-btn--secondary" name="mediator_id" value="3"'
        ' formaction="/a"><span class="kern-label">Assign'
        '<span class="visually-hidden"> &lt;Ann&gt;</span></span></button>')
    assert button("Delete", kind="secondary", danger=True, type="button", data_print=True) == (
        '<button type="button" class="kern-btn kern-btn--secondary btn-danger" data-print>'
        '<span class="kern-label">Delete</span></button>')
    assert button("Menu", kind="tertiary", summary=True, css="t", icon="dehaze") == (
        '<summary class="kern-btn kern-btn--tertiary t"><span class="kern-icon kern-icon--dehaze"'
        ' aria-hidden="true"></span><span class="kern-label">Menu</span></summary>')


def test_thead_leaves_out_absent_columns_and_marks_numeric_and_hidden_ones():
    from app.web.markup import thead

    assert thead("A", None, "B", "C", numeric=(2,), hidden=(3,)) == (
        '<thead><tr><th class="kern-table__header" scope="col">A</th>'
        '<th class="kern-table__header kern-table__header--numeric" scope="col">B</th>'
        '<th class="kern-table__header" scope="col"><span class="visually-hidden">C</span></th>'
        "</tr></thead>")
