"""Upload a notice, look at the parse as a tree, correct it, and confirm: only confirming saves."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from importers import services as import_services
from importers.corrections import apply_corrections
from importers.forms import (
    MeasureFormSet,
    MetaForm,
    TaskFormSet,
    UploadForm,
    corrections_from,
    initial_forms,
)
from importers.models import ImportDraft
from importers.parse import NoticeImportError
from importers.revisions import diff_measures
from importers.serialize import parse_from_json
from units.access import get_actor, office_required
from units.models import Jurisdiction


def _jurisdictions(actor):
    return Jurisdiction.objects.filter(actor.jurisdiction_filter())


def _draft(actor, pk: int) -> ImportDraft:
    drafts = ImportDraft.objects.filter(actor.jurisdiction_filter("jurisdiction__"))
    return get_object_or_404(drafts.select_related("jurisdiction", "revision_of"), pk=pk)


@login_required
@office_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request.user)
    form = UploadForm(
        request.POST or None, request.FILES or None, jurisdictions=_jurisdictions(actor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft = import_services.create_draft(
                upload=form.cleaned_data["file"],
                jurisdiction=form.cleaned_data["jurisdiction"],
                by=request.user,
                timeout=settings.IMPORT_TIMEOUT_SECONDS,
            )
        except NoticeImportError as exc:
            form.add_error("file", exc.message)
        except import_services.AlreadyImported as exc:
            messages.info(request, f"此文件已于此前导入（“{exc.notice.title}”），没有重复导入。")
            return redirect("notice_detail", pk=exc.notice.pk)
        else:
            return redirect("import_preview", pk=draft.pk)
    recent = ImportDraft.objects.filter(actor.jurisdiction_filter("jurisdiction__"))
    recent = recent.select_related("uploaded_by", "notice")[:10]
    return render(request, "importers/upload.html", {"form": form, "recent": recent})


@login_required
@office_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(get_actor(request.user), pk)
    if draft.status != ImportDraft.Status.DRAFT:
        messages.info(request, "该导入已处理。")
        return (
            redirect("notice_detail", pk=draft.notice_id)
            if draft.notice_id
            else redirect("import_upload")
        )
    parse = parse_from_json(draft.parse)
    meta_init, task_init, measure_init = initial_forms(parse)
    post = request.POST if request.method == "POST" else None
    meta = MetaForm(post, initial=meta_init, prefix="meta")
    tasks = TaskFormSet(post, initial=task_init, prefix="task")
    measures = MeasureFormSet(post, initial=measure_init, prefix="m")
    action = request.POST.get("action", "")
    if action == "discard":
        draft.status = ImportDraft.Status.DISCARDED
        draft.save(update_fields=["status"])
        messages.info(request, f"已放弃导入“{draft.filename}”，没有保存任何内容。")
        return redirect("import_upload")
    if post is not None and meta.is_valid() and tasks.is_valid() and measures.is_valid():
        directory = import_services.directory_for(draft.jurisdiction)
        parse = apply_corrections(parse, corrections_from(meta, tasks, measures), directory)
        draft.parse = parse.to_json()
        draft.save(update_fields=["parse"])
        if action != "confirm":
            messages.success(request, "修改已保存，请核对后确认导入。")
            return redirect("import_preview", pk=draft.pk)
        carry = {int(v) for v in request.POST.getlist("carry_over") if v.isdigit()}
        try:
            notice = import_services.confirm_draft(draft=draft, by=request.user, carry_over=carry)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("import_preview", pk=draft.pk)
        messages.success(request, f"已导入“{notice.title}”。")
        return redirect("notice_detail", pk=notice.pk)
    if post is not None:
        messages.error(request, "有填写不正确的地方，请按红色提示修改；没有保存任何内容。")
    return render(
        request, "importers/preview.html", _preview_context(draft, parse, meta, tasks, measures)
    )


def _preview_context(draft, parse, meta, tasks, measures) -> dict:
    rows: list[dict] = []
    forms_by_task: dict[int, list] = {}
    flat = [(ti, m) for ti, t in enumerate(parse.tasks) for m in t.measures]
    for i, form in enumerate(measures.forms):
        raw = str(form["task"].value() or "0")
        # A tampered task index is refused by the form; the page showing that must not fail.
        ti = int(raw) if raw.isdigit() and len(raw) < 6 else 0
        forms_by_task.setdefault(ti, []).append((form, flat[i][1] if i < len(flat) else None))
    for ti, form in enumerate(tasks.forms):
        rows.append({"form": form, "measures": forms_by_task.get(ti, [])})
    diff = None
    if draft.revision_of_id:
        diff = diff_measures(import_services.old_measures(draft.revision_of), parse)
    counts = {
        "tasks": len(parse.tasks),
        "measures": len(flat),
        "units": sum(len(m.units) for _, m in flat),
        "new": sum(u.is_new for _, m in flat for u in m.units),
        "vague": sum(u.needs_choice for _, m in flat for u in m.units),
        "dated": sum(bool(m.due) for _, m in flat),
        "recurring": sum(bool(m.recurrence) for _, m in flat),
    }
    return {
        "draft": draft,
        "parse": parse,
        "meta": meta,
        "tasks": tasks,
        "measures": measures,
        "rows": rows,
        "diff": diff,
        "counts": counts,
        "parse_measures": {i: m for i, (_, m) in enumerate(flat)},
    }
