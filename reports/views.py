"""督办单 (issue, list, download), 通报 (.docx) and the 考核 ranking (page and .xlsx).

The office issues 督办单; leaders look at everything (the list, the ranking, its .xlsx, the
通报) and issue nothing; liaisons get 403. Objects of another jurisdiction answer 404.
"""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from reports import ranking, services
from reports.forms import BulletinForm, SupervisionForm
from reports.models import SupervisionNotice
from reports.tables import RankingTable, SupervisionFilter, SupervisionTable
from safetyplan import sqlmemo
from safetyplan.tables import SortedListData
from tasks import clock, figures, stats
from tasks.access import visible_assignments, visible_notices, visible_units
from tasks.filters import UnitScopeFilter
from units.access import Actor, get_actor, office_required, role_required
from units.models import Jurisdiction, Unit

VIEWERS = ("admin", "office", "leader")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_supervisions(actor: Actor) -> QuerySet[SupervisionNotice]:
    return SupervisionNotice.objects.filter(actor.jurisdiction_filter("jurisdiction__"))


def _attachment(content: bytes, filename: str, content_type: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type
    )


def _filename(notice: SupervisionNotice) -> str:
    return f"{notice.doc_number}督办单（{notice.unit.name}）.docx"


def _numbers(notices: list[SupervisionNotice]) -> str:
    """督办单交安办督〔2024〕3号, or 督办单交安办督〔2024〕3-9号（7份） for several."""
    first, last = notices[0], notices[-1]
    if len(notices) == 1:
        return f"督办单{first.doc_number}"
    prefix = first.doc_number[: -len(f"{first.number}号")]
    return f"督办单{prefix}{first.number}-{last.number}号（{len(notices)}份）"


def _supervision_download(notices: list[SupervisionNotice]) -> FileResponse:
    if len(notices) == 1:
        with notices[0].file.open("rb") as f:
            return _attachment(f.read(), _filename(notices[0]), DOCX)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for notice in notices:
            with notice.file.open("rb") as f:
                archive.writestr(_filename(notice), f.read())
    name = f"{_numbers(notices)}.zip"
    return _attachment(buffer.getvalue(), name, "application/zip")


# ---- 督办单 -------------------------------------------------------------------------------------


@login_required
@office_required
@require_http_methods(["GET", "POST"])
def supervision_issue(request: HttpRequest) -> HttpResponse:
    """GET: the units with overdue items and the form; POST: issue, then download the .docx
    (one unit) or a .zip (every unit with overdue items)."""
    actor, today = get_actor(request.user), clock.today()
    assignments = visible_assignments(actor)
    units = services.overdue_counts(visible_units(actor), assignments, on=today)
    initial = {"reply_by": services.default_reply_by(today), "target": request.GET.get("unit")}
    form = SupervisionForm(request.POST or None, units=units, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notices = services.issue_supervisions(
                jurisdiction=_issuer(actor),
                units=form.chosen_units(),
                assignments=assignments,
                by=request.user,
                reply_by=form.cleaned_data["reply_by"],
                today=today,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已签发{_numbers(notices)}，可在“督办单”列表中再次下载。")
            return _supervision_download(notices)
    context = {"form": form, "units": form.units.values(), "today": today}
    return render(request, "reports/supervision_issue.html", context, status=_status(form))


def _issuer(actor: Actor) -> Jurisdiction:
    if actor.jurisdiction is None:
        raise ValidationError("您的账号未设置所属行政区划，不能签发督办单。")
    return actor.jurisdiction


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@method_decorator([login_required, role_required(*VIEWERS), require_GET], name="dispatch")
class SupervisionListView(SingleTableMixin, FilterView):
    """The 督办单 issued in the user's reach, newest first, each with its file."""

    filterset_class = SupervisionFilter
    table_class = SupervisionTable
    template_name = "reports/supervision_list.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self) -> QuerySet[SupervisionNotice]:
        actor = get_actor(self.request.user)
        return (
            visible_supervisions(actor)
            .select_related("unit", "issued_by")
            .annotate(items=Count("reminders"))
        )


supervision_list = SupervisionListView.as_view()


@login_required
@role_required(*VIEWERS)
@require_GET
def supervision_file(request: HttpRequest, pk: int) -> FileResponse:
    actor = get_actor(request.user)
    notice = get_object_or_404(visible_supervisions(actor).select_related("unit"), pk=pk)
    if not notice.file:
        raise Http404("该督办单没有文件。")
    return _supervision_download([notice])


# ---- 通报 ----------------------------------------------------------------------------------------


@login_required
@role_required(*VIEWERS)
@require_GET
def bulletin(request: HttpRequest) -> HttpResponse:
    """GET without a choice: the form; with one: the 通报 of that month or quarter (.docx)."""
    actor, today = get_actor(request.user), clock.today()
    jurisdictions = Jurisdiction.objects.filter(actor.jurisdiction_filter())
    years = list(visible_notices(actor).order_by("-year").values_list("year", flat=True).distinct())
    year, period = ranking.default_period(today)
    initial = {"jurisdiction": actor.jurisdiction, "year": year, "period": period}
    data = request.GET if "period" in request.GET else None
    form = BulletinForm(
        data, jurisdictions=jurisdictions, years=years, today=today, initial=initial
    )
    if form.is_bound and form.is_valid():
        jurisdiction, chosen = form.cleaned_data["jurisdiction"], form.cleaned_data["chosen_period"]
        assignments = stats.scope(visible_assignments(actor), year=form.cleaned_data["year"])
        content = services.bulletin_document(
            jurisdiction=jurisdiction,
            units=visible_units(actor).filter(jurisdiction=jurisdiction),
            assignments=assignments.filter(unit__jurisdiction=jurisdiction),
            period=chosen,
            today=today,
        )
        return _attachment(content, f"{jurisdiction.name}{chosen.label}通报.docx", DOCX)
    return render(request, "reports/bulletin.html", {"form": form}, status=_status(form))


# ---- 考核排名 -------------------------------------------------------------------------------------


def _ranking(request: HttpRequest):
    """The chosen scope (the user's jurisdiction and the latest year by default), its ranked
    units, when they were computed (None: now) and, on bad input, the default scope and the
    messages. Every county below a city or a province: the snapshot (``tasks.figures``)."""
    actor, today = get_actor(request.user), clock.today()
    filterset = UnitScopeFilter(request.GET, queryset=visible_units(actor), request=request)
    errors = []
    if not filterset.is_valid():
        errors = [e for field in filterset.form.errors.values() for e in field]
        filterset = UnitScopeFilter(None, queryset=visible_units(actor), request=request)
    if figures.is_wide(actor, filterset.chosen_jurisdiction):
        snapshot = ranking.ranking_snapshot(actor, year=filterset.chosen_year, on=today)
        return filterset, snapshot.rows, snapshot.computed_at, errors
    assignments = stats.scope(visible_assignments(actor), year=filterset.chosen_year)
    if filterset.chosen_jurisdiction:
        assignments = assignments.filter(unit__jurisdiction=filterset.chosen_jurisdiction)
    # Compiled once per scope and day (safetyplan.sqlmemo): building it costs more than running it.
    rows = sqlmemo.model_rows(
        Unit,
        (
            "ranked",
            stats.scope_key(actor, filterset.chosen_jurisdiction, filterset.chosen_year),
            today,
        ),
        lambda: ranking.ranked(filterset.qs, assignments, on=today),
    )
    return filterset, rows, None, errors


@login_required
@role_required(*VIEWERS)
@require_GET
def ranking_page(request: HttpRequest) -> HttpResponse:
    """考核: each unit's figures, ranked by completion rate then on-time rate; sortable."""
    filterset, units, computed_at, errors = _ranking(request)
    supervise = reverse("supervision_issue") if get_actor(request.user).is_office else ""
    # A list: the paginator counts it without running the grouped query a second time as a
    # COUNT, and a sort by a column does not run it a third time.
    data = SortedListData(list(units))
    table = RankingTable(data, supervise_url=supervise, request=request)
    RequestConfig(request, paginate={"per_page": 200}).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "errors": errors,
        "today": clock.today(),
        "computed_at": computed_at,
        "max_age": figures.max_age(),
    }
    return render(request, "reports/ranking.html", context)


@login_required
@role_required(*VIEWERS)
@require_GET
def ranking_xlsx(request: HttpRequest) -> HttpResponse:
    filterset, units, _computed_at, _errors = _ranking(request)
    scope = filterset.chosen_jurisdiction or "全部行政区划"
    year = f"{filterset.chosen_year}年度" if filterset.chosen_year else "全部年度"
    title = f"{scope}{year}安全生产工作考核排名"
    content = ranking.ranking_workbook(title=title, units=list(units), today=clock.today())
    return _attachment(content, f"{title}.xlsx", XLSX)
