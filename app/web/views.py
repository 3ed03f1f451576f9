"""The view idiom every blueprint uses: load or 404, own or 404, a form page with its status.

Why one module: the same three steps were written by hand in two dozen views, each a chance to
forget a bound (an overflowing id reaching the database) or an ownership check. A view loads
its object here, renders a form page here and reads `commit_or_message`'s `Outcome` by its
attributes (`.ok`, `.result`, `.error`, `.flash()`); `tests/core/test_view_idiom.py` keeps it so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from flask import abort, render_template
from flask_login import current_user

from app.extensions import db
from app.models import Assignment, InterpretingRequest, Offer
from app.services.core.bounds import fits_int32

T = TypeVar("T")

# whose own object a row is: the model's column and the logged-in user's attribute it must equal
OWNER_ATTRIBUTE = {
    InterpretingRequest: "institution_id",  # the institution's own request
    Offer: "mediator_id",                   # the mediator's own offer
    Assignment: "mediator_id",              # the mediator's own assignment
}


def found_or_404(value: T | None) -> T:
    """Return what a lookup found; nothing found is a 404."""
    if value is None:
        abort(404)
    return value


def load_or_404(model: type[T], ident: Any, *, options: Iterable = (), **belongs) -> T:
    """Load one row by primary key; a missing, empty or overflowing id is a 404, never a 5xx.

    Ids from the URL are bounded by the `int` converter already; ids from a form or a query
    string may not be, so the bound is checked here once more before the database sees it.
    `belongs` names attributes the row must have (`institution_id=...` for a contact on
    that institution's page): a row of another parent is a 404 as well.
    """
    if not isinstance(ident, int) or isinstance(ident, bool) or not fits_int32(ident):
        abort(404)
    obj = found_or_404(db.session.get(model, ident, options=options))
    if any(getattr(obj, name) != value for name, value in belongs.items()):
        abort(404)
    return obj


def own_or_404(model: type[T], ident: Any, *, options: Iterable = ()) -> T:
    """Load the logged-in user's own row: another's is a 404 (it does not exist for them).

    The institution owns its requests, the mediator their offers and assignments
    (`OWNER_ATTRIBUTE`); the role guard on the view has already refused other roles.
    """
    attribute = OWNER_ATTRIBUTE[model]
    return load_or_404(model, ident, options=options,
                       **{attribute: getattr(current_user, attribute)})


def member_or_404(items: Iterable[T], item_id: int) -> T:
    """Pick the item with this id from a loaded collection (a person's own languages, times,
    absences, a course's participants); an id from elsewhere is a 404."""
    return found_or_404(next((item for item in items if item.id == item_id), None))


def form_status(*forms) -> int:
    """Answer 400 when any shown form (None: not shown) has errors, else 200."""
    return 400 if any(form is not None and form.errors for form in forms) else 200


def link_gone_page(message: object) -> tuple[str, int]:
    """The one page every signed link shows once its person (or object) is gone: 410.

    Services decide (`app.services.core.link_people.LinkGoneError`); this only renders, so the
    offer, day-after, invitation and reset links all say it the same way.
    """
    return render_template("errors/link_gone.html", message=str(message)), 410


def form_page(template: str, form, **ctx) -> tuple[str, int]:
    """Render a page around a form: 400 when the form has errors (a refused post), else 200."""
    return render_template(template, form=form, **ctx), form_status(form)


def speak_to(user: Any) -> None:
    """Show a page behind an e-mail link in the language of the person it was sent to (the
    mediator reads the offer in Arabic on any phone), unless this browser chose one."""
    from flask import g, session
    from flask_babel import refresh

    from app.i18n import languages_for

    language = getattr(user, "locale", None)
    if user is None or session.get("locale") or language not in languages_for(user):
        return
    g.link_locale = language
    refresh()  # the language may have been chosen already in this request
