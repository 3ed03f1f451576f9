"""Calendar: feeds (token URLs for calendar apps), "my calendar", meetings and supervision."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)


@bp.record_once
def _mask_tokens_in_access_logs(state) -> None:
    from app.calendar.logmask import install

    install()


from app.calendar import feeds, meetings_coordinator, meetings_mediator  # noqa: E402,F401
