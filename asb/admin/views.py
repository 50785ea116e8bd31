from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from asb.admin import services as admin_services
from asb.admin.forms import (
    AgencyForm,
    LocalTypeForm,
    NewUserForm,
    ResetPasswordForm,
    UserAccessForm,
)
from asb.auth import services as auth_services
from asb.auth import two_factor
from asb.auth.current import signed_in_user
from asb.auth.models import Agency, Role, User
from asb.extensions import db
from asb.forms import BaseForm
from asb.incidents import queries as incident_queries
from asb.incidents.models import LocalAsbType
from asb.policy import Permission, authorize, can
from asb.submissions import record_result

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

OWN_ACCESS = (
    "You cannot deactivate your own account. You cannot change your own role or agency "
    "either: another administrator can."
)


@blueprint.get("/users")
@login_required
def list_users():
    authorize(Permission.MANAGE_USERS)
    users = db.session.scalars(
        select(User).join(User.agency).order_by(Agency.name, User.name)
    ).all()
    return render_template("admin/users.html", users=users, action_form=BaseForm())


@blueprint.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    authorize(Permission.MANAGE_USERS)
    form = NewUserForm(agencies=incident_queries.active_agencies())
    if form.validate_on_submit():
        user = auth_services.create_user(
            email=form.email.data,
            name=form.name.data,
            agency=form.chosen_agency(),
            role=Role(form.role.data),
            password=form.temporary_password.data,
            actor=signed_in_user(),
            must_change_password=True,
        )
        url = record_result(url_for("admin.list_users"))
        db.session.commit()
        flash(f"{user.name} can now sign in with the temporary password.", "success")
        return redirect(url)
    return render_template("admin/user_new.html", form=form)


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    authorize(Permission.MANAGE_USERS)
    user = db.get_or_404(User, user_id)
    form = UserAccessForm(agencies=incident_queries.active_agencies())
    if request.method == "GET":
        form.agency.data = str(user.agency_id)
        form.role.data = user.role.value
    if request.method == "POST" and not can(signed_in_user(), Permission.CHANGE_USER_ACCESS, user):
        flash(OWN_ACCESS, "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    if form.validate_on_submit():
        auth_services.update_user_access(
            user, role=Role(form.role.data), agency=form.chosen_agency(), actor=signed_in_user()
        )
        db.session.commit()
        flash(f"{user.name}'s access has been updated.", "success")
        return redirect(url_for("admin.list_users"))
    return _user_page(user, form, ResetPasswordForm(formdata=None))


@blueprint.post("/users/<int:user_id>/reset-password")
@login_required
def reset_password(user_id: int):
    authorize(Permission.MANAGE_USERS)
    user = db.get_or_404(User, user_id)
    reset_form = ResetPasswordForm()
    if reset_form.validate_on_submit():
        auth_services.reset_password(
            user, reset_form.temporary_password.data, actor=signed_in_user()
        )
        db.session.commit()
        flash(f"{user.name}'s password has been reset and their sessions ended.", "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    form = UserAccessForm(agencies=incident_queries.active_agencies(), formdata=None)
    form.agency.data = str(user.agency_id)
    form.role.data = user.role.value
    return _user_page(user, form, reset_form)


def _user_page(user: User, form: UserAccessForm, reset_form: ResetPasswordForm) -> str:
    return render_template(
        "admin/user_edit.html",
        form=form,
        user=user,
        reset_form=reset_form,
        action_form=BaseForm(),
        may_change_access=can(signed_in_user(), Permission.CHANGE_USER_ACCESS, user),
        may_reset_two_factor=can(signed_in_user(), Permission.RESET_TWO_FACTOR, user),
    )


@blueprint.route("/users/<int:user_id>/reset-two-factor", methods=["GET", "POST"])
@login_required
def reset_two_factor(user_id: int):
    """For a lost phone: the user sets up two-factor sign-in again at their next sign-in."""
    authorize(Permission.MANAGE_USERS)
    user = db.get_or_404(User, user_id)
    authorize(Permission.RESET_TWO_FACTOR, user)
    if not user.has_two_factor:
        flash(f"{user.name} has not set up two-factor sign-in.")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    form = BaseForm()
    if form.validate_on_submit():
        two_factor.reset(user, actor=signed_in_user())
        db.session.commit()
        flash(
            f"{user.name}'s two-factor sign-in has been reset and their sessions ended.", "success"
        )
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_reset_two_factor.html", user=user, form=form)


@blueprint.post("/users/<int:user_id>/deactivate")
@login_required
def deactivate_user(user_id: int):
    return _set_active(user_id, False)


@blueprint.post("/users/<int:user_id>/reactivate")
@login_required
def reactivate_user(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    authorize(Permission.MANAGE_USERS)
    user = db.get_or_404(User, user_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    if not can(signed_in_user(), Permission.CHANGE_USER_ACCESS, user):
        flash(OWN_ACCESS, "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    auth_services.set_account_active(user, active, actor=signed_in_user())
    db.session.commit()
    flash(
        f"{user.name} has been {'reactivated' if active else 'deactivated and signed out'}.",
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@blueprint.route("/agencies", methods=["GET", "POST"])
@login_required
def list_agencies():
    authorize(Permission.MANAGE_REFERENCE_DATA)
    form = AgencyForm()
    if form.validate_on_submit():
        agency = admin_services.add_agency(
            code=form.code.data,
            name=form.name.data,
            is_external=form.is_external.data == "yes",
            actor=signed_in_user(),
        )
        url = record_result(url_for("admin.list_agencies"))
        db.session.commit()
        flash(f"{agency.name} added.", "success")
        return redirect(url)
    agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    return render_template("admin/agencies.html", agencies=agencies, form=form)


@blueprint.route("/local-types", methods=["GET", "POST"])
@login_required
def list_local_types():
    authorize(Permission.MANAGE_REFERENCE_DATA)
    form = LocalTypeForm()
    if form.validate_on_submit():
        local_type = admin_services.add_local_type(form.name.data, actor=signed_in_user())
        url = record_result(url_for("admin.list_local_types"))
        db.session.commit()
        flash(f"Local type '{local_type.name}' added.", "success")
        return redirect(url)
    return render_template(
        "admin/local_types.html",
        local_types=incident_queries.local_types(include_inactive=True),
        form=form,
        action_form=BaseForm(),
    )


@blueprint.post("/local-types/<int:local_type_id>/retire")
@login_required
def retire_local_type(local_type_id: int):
    return _set_local_type_active(local_type_id, False)


@blueprint.post("/local-types/<int:local_type_id>/reinstate")
@login_required
def reinstate_local_type(local_type_id: int):
    return _set_local_type_active(local_type_id, True)


def _set_local_type_active(local_type_id: int, active: bool):
    authorize(Permission.MANAGE_REFERENCE_DATA)
    local_type = db.get_or_404(LocalAsbType, local_type_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    admin_services.set_local_type_active(local_type, active, actor=signed_in_user())
    db.session.commit()
    flash(
        f"'{local_type.name}' {'is available again' if active else 'can no longer be chosen'}.",
        "success",
    )
    return redirect(url_for("admin.list_local_types"))
