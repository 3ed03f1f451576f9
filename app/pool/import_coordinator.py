"""Coordinator views to import the office's lists (preview, then confirm) and export them."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.pool import bp
from app.pool.forms import MediatorFilterForm
from app.pool.import_forms import ImportConfirmForm, ImportUploadForm, InviteAllForm
from app.services.core.errors import DomainError
from app.services.pool import exporting, import_files, importing
from app.services.pool import mediators as mediator_svc
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message
from app.web.views import form_page, found_or_404

SESSION_KEY = "pool_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("mediators", "institutions")


def _folder() -> Path:
    return Path(current_app.config["IMPORT_FOLDER"])


def _plan(data: bytes, fmt: str, kind: str) -> importing.Plan:
    rows = import_files.read_rows(data, fmt)
    return importing.plan(kind, rows,
                          police_max_age_days=current_app.config["POLICE_CERT_MAX_AGE_DAYS"])


@bp.route("/pool/import", methods=["GET", "POST"])
@coordinator_required
def import_upload():
    # MAX_CONTENT_LENGTH (config) refuses far larger bodies with a 413 page before any view
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return form_page("pool/import.html", form)
    upload = form.file.data
    filename = Path(upload.filename or "").name[:120]
    data = b""
    try:
        fmt = import_files.format_of(filename)
        data = upload.read(import_files.MAX_BYTES + 1)
        plan = _plan(data, fmt, form.kind.data)
    except DomainError as exc:
        form.file.errors = [str(exc)]
        return render_template("pool/import.html", form=form), (
            413 if len(data) > import_files.MAX_BYTES else 400)
    old = session.get(SESSION_KEY) or {}
    if old.get("token"):
        import_files.discard(_folder(), old["token"])
    token = import_files.store(_folder(), data, fmt)
    session[SESSION_KEY] = {"token": token, "kind": form.kind.data, "filename": filename}
    return render_template("pool/import_preview.html", plan=plan, filename=filename,
                           form=ImportConfirmForm())


@bp.route("/pool/import/confirm", methods=["POST"])
@coordinator_required
def import_confirm():
    form = ImportConfirmForm()
    pending = session.get(SESSION_KEY) or {}
    if not pending.get("token"):
        flash(_("The uploaded file is no longer available. Please upload it again."), "error")
        return redirect(url_for("pool.import_upload"))
    try:
        data, fmt = import_files.load(_folder(), pending["token"])
        plan = _plan(data, fmt, pending["kind"])
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("pool.import_upload"))
    decisions = {int(k.split("-", 1)[1]): v for k, v in request.form.items()
                 if k.startswith("duplicate-") and k.split("-", 1)[1].isdigit()
                 and v in ("merge", "create", "skip")}
    if not form.validate_on_submit():  # e.g. no mode chosen: the preview again, with why
        return render_template("pool/import_preview.html", plan=plan, decisions=decisions,
                               filename=pending.get("filename", ""), form=form), 400
    if plan.kind == "mediators" and plan.missing_status and not form.missing_status.data:
        form.missing_status.errors = [ngettext(
            "Please choose the status for the %(num)d new person without one in the file.",
            "Please choose the status for the %(num)d new people without one in the file.",
            plan.missing_status)]
        return render_template("pool/import_preview.html", plan=plan, decisions=decisions,
                               filename=pending.get("filename", ""), form=form), 400
    outcome = commit_or_message(importing.commit, current_user, plan,
                                all_or_nothing=form.mode.data == "all",
                                filename=pending.get("filename", ""),
                                missing_status=form.missing_status.data or "",
                                decisions=decisions)
    if not outcome.ok:
        flash(outcome.error, "error")
        return render_template("pool/import_preview.html", plan=plan,
                               filename=pending.get("filename", ""), form=form), 409
    import_files.discard(_folder(), pending["token"])
    session.pop(SESSION_KEY, None)
    counts = outcome.result["counts"]
    flash(_("Import finished: %(created)d created, %(updated)d updated, %(unchanged)d "
            "unchanged, %(errors)d rows with errors not imported.", created=counts["create"],
            updated=counts["update"], unchanged=counts["unchanged"], errors=counts["error"]),
          "success")
    if counts["skipped"]:
        flash(ngettext("%(num)d row was skipped: the person may already be in the pool.",
                       "%(num)d rows were skipped: the people may already be in the pool.",
                       counts["skipped"]), "warning")
    return redirect(url_for("pool.import_done", import_id=outcome.result["audit_id"]))


def _entry(import_id: int):
    return found_or_404(importing.import_entry(import_id))


@bp.route("/pool/import/<int:import_id>")
@coordinator_required
def import_done(import_id: int):
    entry = _entry(import_id)
    return render_template("pool/import_done.html", entry=entry,
                           details=importing.details(entry),
                           uninvited=importing.uninvited(entry), form=InviteAllForm())


@bp.route("/pool/import/<int:import_id>/invite", methods=["POST"])
@coordinator_required
def import_invite_all(import_id: int):
    entry = _entry(import_id)
    form = InviteAllForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = commit_or_message(importing.invite_all, current_user, entry,
                                locale=form.locale.data)
    if outcome.flash():
        done, skipped = outcome.result
        flash(ngettext("%(num)d invitation queued.", "%(num)d invitations queued.", done),
              "success")
        if skipped:
            flash(_("Not invited (the e-mail address already has an account): %(names)s",
                    names=", ".join(skipped)), "error")
    return redirect(url_for("pool.import_done", import_id=entry.id))


@bp.route("/pool/import/template-<kind>.<fmt>")
@coordinator_required
def import_template(kind: str, fmt: str):
    if kind not in KINDS or fmt not in ("xlsx", "csv"):
        abort(404)
    headings, rows = exporting.template(kind)
    name = f"vorlage-{'sprachmittler' if kind == 'mediators' else 'einrichtungen'}.{fmt}"
    if fmt == "csv":
        return _download(exporting.to_csv(headings, rows), "text/csv", name)
    return _download(exporting.to_xlsx(headings, rows, "Vorlage"), XLSX, name)


def _download(data: bytes, mimetype: str, name: str) -> Response:
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/pool/mediators/export.<fmt>")
@coordinator_required
def export_mediators(fmt: str):
    if fmt not in ("xlsx", "csv"):
        abort(404)
    form = MediatorFilterForm(request.args)
    stmt = mediator_svc.search_query(text=form.q.data or "", language=form.language.data or "",
                                     status=form.status.data or "",
                                     district=form.district.data or "")
    outcome = commit_or_message(exporting.export, current_user, "mediators", fmt, stmt)
    if not outcome.flash():
        return redirect(url_for("pool.mediators"))
    return _download(outcome.result, XLSX if fmt == "xlsx" else "text/csv",
                     f"sprachmittler.{fmt}")


@bp.route("/pool/institutions/export.<fmt>")
@coordinator_required
def export_institutions(fmt: str):
    if fmt not in ("xlsx", "csv"):
        abort(404)
    outcome = commit_or_message(exporting.export, current_user, "institutions", fmt)
    if not outcome.flash():
        return redirect(url_for("pool.institutions"))
    return _download(outcome.result, XLSX if fmt == "xlsx" else "text/csv",
                     f"einrichtungen.{fmt}")
