"""The office's review queue (审核): completion requests (办结申请) and extension requests (延期).

The office decides; leaders read the queue and change nothing; liaisons are refused. Objects
outside the user's reach answer 404 before any role check, so that they are not shown to exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from safetyplan.tables import LightRows
from tasks import clock, figures, review_rows, services, stats, wide_counts
from tasks.access import get_assignment, visible_assignments, visible_extensions
from tasks.filters import CompletionQueueFilter, ExtensionQueueFilter
from tasks.forms_reviews import ExtensionDecisionForm, ReviewForm
from tasks.models import Assignment, ExtensionRequest, ProgressReport
from tasks.tables import CompletionQueueTable, ExtensionQueueTable
from units.access import Actor, get_actor, role_required

PER_PAGE = 25


def _office_only(actor: Actor) -> None:
    """After the object was found in the user's reach: only the office decides."""
    if actor.is_leader:
        raise PermissionDenied("领导账号只能查看，不能审核。")
    if not actor.is_office:
        raise PermissionDenied("只有安委办可以审核。")


def _next_or(request, fallback: str, **kwargs):
    """Back to the page the decision was made on, when it is one of ours."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, **kwargs)


@method_decorator(login_required, name="dispatch")
@method_decorator(role_required("admin", "office", "leader"), name="dispatch")
class ReviewQueueView(SingleTableMixin, FilterView):
    """Two sections: completion requests waiting, then extension requests pending."""

    table_class = CompletionQueueTable
    filterset_class = CompletionQueueFilter
    template_name = "tasks/review_queue.html"
    table_pagination = {"per_page": PER_PAGE}

    def get_queryset(self):
        actor = get_actor(self.request.user)
        return (
            visible_assignments(actor)
            .filter(status=Assignment.Status.REQUESTED)
            .order_by("latest_report_at", "id")
        )

    def extensions(self):
        actor = get_actor(self.request.user)
        return (
            visible_extensions(actor)
            .filter(status=ExtensionRequest.Status.PENDING)
            .order_by("created_at", "id")
        )

    def get_table_kwargs(self):
        return {} if get_actor(self.request.user).is_office else {"exclude": ("actions",)}

    def get_table_data(self):
        # The page's rows as light objects (tasks.review_rows), not some 350 model instances.
        fields = (*review_rows.ASSIGNMENT, "latest_report_at")
        return LightRows(
            self.object_list,
            fields=fields,
            make=review_rows.completion_rows,
            key=self.rows_key("completions", self.filterset),
        )

    def rows_key(self, kind: str, filterset) -> tuple | None:
        """What the queue's rows depend on (who sees, the unit chosen), for the page's SQL to be
        compiled once (safetyplan.sqlmemo); None, compiled each time, for an invalid filter."""
        if filterset.is_bound and not filterset.is_valid():
            return None
        reach = stats.scope_key(get_actor(self.request.user), None, None)
        unit = filterset.form.cleaned_data.get("unit") if filterset.is_bound else None
        return (kind, reach, unit.pk if unit else None)

    def get_table_pagination(self, table) -> dict:
        # A city's or a province's totals are counted once a minute (tasks.wide_counts).
        options, self.counted_at = self._pagination("completions", self.filterset)
        return options

    def _pagination(self, kind: str, filterset) -> tuple[dict, object]:
        actor = get_actor(self.request.user)
        on = clock.today()
        return wide_counts.pagination(
            kind, actor, filterset, per_page=PER_PAGE, on=on, live_if=("unit",)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = ExtensionQueueFilter(
            self.request.GET, queryset=self.extensions(), request=self.request
        )
        rows = found.qs if found.is_valid() else found.queryset.none()
        rows = LightRows(
            rows,
            fields=review_rows.EXTENSION,
            make=review_rows.extension_rows,
            key=self.rows_key("extensions", found),
        )
        table = ExtensionQueueTable(rows, prefix="ext-", **self.get_table_kwargs())
        options, extensions_counted_at = self._pagination("extensions", found)
        RequestConfig(self.request, paginate=options).configure(table)
        actor = get_actor(self.request.user)
        context.update(extension_table=table, is_office=actor.is_office)
        context.update(counted_at=self.counted_at or extensions_counted_at)
        context.update(max_age=figures.max_age())
        unfiltered = all(
            not f.is_bound or (f.is_valid() and not f.form.cleaned_data.get("unit"))
            for f in (self.filterset, found)
        )
        if actor.is_office and unfiltered:
            # The navigation badge is these two counts, already made: no query of its own
            # (units/context_processors.py counts the same requests when it must).
            context["review_count"] = context["table"].paginator.count + table.paginator.count
        return context


review_queue = ReviewQueueView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def review_decide(request, pk: int):
    """办结 or 退回 (with a reason) the assignment's completion request, at the version seen."""
    actor = get_actor(request.user)
    assignment = get_assignment(actor, pk, for_update=True)
    _office_only(actor)
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, initial={"version": assignment.version})
    if form.is_bound and form.is_valid():
        try:
            review = services.review_completion(
                assignment=assignment,
                reviewer=request.user,
                accept=form.accepts,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            messages.error(request, "".join(error.messages))
            return redirect("review_decide", pk=assignment.pk)
        if form.accepts:
            messages.success(request, f"已办结：{assignment.unit} · {assignment.measure}")
        else:
            messages.success(request, f"已退回{assignment.unit}，理由：{review.reason}")
        return _next_or(request, "review_queue")
    return render(request, "tasks/review_form.html", _review_context(assignment, form))


def _review_context(assignment: Assignment, form: ReviewForm) -> dict:
    reports = list(assignment.reports.filter(kind=ProgressReport.Kind.COMPLETION)[:1])
    return {
        "assignment": assignment,
        "request_report": reports[0] if reports else None,
        "reviews": assignment.reviews.select_related("reviewer"),
        "form": form,
        "is_pending": assignment.status == Assignment.Status.REQUESTED,
    }


@login_required
@require_http_methods(["GET", "POST"])
def extension_decide(request, pk: int):
    """Approve an extension request with a new date (default: the requested one) or refuse it."""
    actor = get_actor(request.user)
    extension = get_object_or_404(
        visible_extensions(actor).select_related(
            "assignment__unit", "assignment__measure__task__notice", "requested_by", "decided_by"
        ),
        pk=pk,
    )
    _office_only(actor)
    data = request.POST if request.method == "POST" else None
    form = ExtensionDecisionForm(data, extension=extension)
    if form.is_bound and form.is_valid():
        try:
            decided = services.decide_extension(
                extension=extension,
                by=request.user,
                approve=form.approves,
                new_date=form.cleaned_data["new_date"] if form.approves else None,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _extension_message(decided, extension.assignment.unit))
            return _next_or(request, "review_queue")
    context = {"extension": extension, "assignment": extension.assignment, "form": form}
    return render(request, "tasks/extension_decide.html", context)


def _extension_message(extension: ExtensionRequest, unit) -> str:
    if extension.status == ExtensionRequest.Status.APPROVED:
        day = extension.approved_date
        return f"已批准{unit}延期至{day.year}年{day.month}月{day.day}日；原定时限仍作为考核依据。"
    return f"已不批准{unit}的延期申请，完成时限不变。"
