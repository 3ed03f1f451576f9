"""Forms of the list import: the upload and the confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, SubmitField
from wtforms.validators import Optional

from app.web.forms import chosen, please_choose, required_choice, ui_language_choices


class ImportUploadForm(FlaskForm):
    kind = SelectField(_l("List"), choices=please_choose([
        ("mediators", _l("Mediators")),
        ("institutions", _l("Institutions and contact persons"))]), validators=[chosen()])
    file = FileField(_l("File (XLSX, ODS or CSV)"), validators=[FileRequired()])
    submit = SubmitField(_l("Show preview"))


class ImportConfirmForm(FlaskForm):
    mode = RadioField(
        _l("If some rows have errors"),
        choices=[("valid", _l("import all valid rows")),
                 ("all", _l("import nothing until every row is correct"))],
        validators=[chosen()])
    # asked only when new people have no status in the file: nothing is assumed for them
    missing_status = SelectField(_l("Status of the new people the file gives no status"),
                                 choices=required_choice("mediator_status"),
                                 validators=[Optional()])
    submit = SubmitField(_l("Import now"))


class InviteAllForm(FlaskForm):
    locale = SelectField(_l("Language of the invitations"), choices=ui_language_choices())
    submit = SubmitField(_l("Invite all"))
