from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from asb.auth.current import signed_in_user
from asb.incidents.queries import active_agencies
from asb.overview import presenters
from asb.overview.forms import OverviewFilterForm
from asb.overview.queries import OverviewFilters
from asb.policy import Permission, authorize

blueprint = Blueprint("overview", __name__, url_prefix="/overview")


@blueprint.get("")
@login_required
def show_overview():
    user = signed_in_user()
    authorize(Permission.VIEW_OVERVIEW)
    form = OverviewFilterForm(request.args, agencies=active_agencies())
    filters = form.as_filters() if form.validate() else OverviewFilters()
    page = presenters.overview(user, filters)
    return render_template("overview/show.html", form=form, **presenters.template_context(page))
