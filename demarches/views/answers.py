"""Steps 5–7: the état des lieux of a cycle, one answer per selected item, autosaved, and the
evidence collected for it."""

from dataclasses import dataclass
from itertools import groupby
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from demarches import access, history, services
from demarches.answer_forms import (
    FIGURES,
    FILLED,
    SECTIONS,
    AnswerForm,
    AssessmentFilterForm,
    EvidenceForm,
    state_of,
)
from demarches.models import Answer, Evidence
from guide.models import Domain, Theme

# --- The état des lieux ----------------------------------------------------------------------


@dataclass
class Group:
    """Answers shown together: those of one action domain, or (with no domain) those assigned
    to the person."""

    theme: Theme | None
    domain: Domain | None
    answers: list


def _grouped(answers) -> list[Group]:
    return [
        Group(domain.theme, domain, list(rows))
        for domain, rows in groupby(answers, key=lambda answer: answer.domain)
    ]


@login_required
def assessment(request, pk):
    cycle = access.cycle(request, pk)
    themes = (
        Theme.objects.filter(domains__answers__cycle=cycle).distinct().order_by("position", "code")
    )
    filters = AssessmentFilterForm(request.GET or None, themes=themes)
    answers = list(filters.filter(cycle.answers.with_context().in_guide_order(), user=request.user))
    for answer in answers:
        answer.state = state_of(answer)
    counts = cycle.answers.aggregate(total=Count("pk"), filled=Count("pk", filter=FILLED))
    # A contributor comes for the items assigned to them: those come first.
    mine_first = not request.user.has_perm("demarches.change_cycle", cycle)
    mine = [answer for answer in answers if mine_first and answer.assignee_id == request.user.pk]
    groups = _grouped(answer for answer in answers if answer not in mine)
    if mine:
        groups.insert(0, Group(None, None, mine))
    return render(
        request,
        "demarches/assessment.html",
        {
            "cycle": cycle,
            "filters": filters,
            "groups": groups,
            "shown": len(answers),
            "counts": counts,
        },
    )


# --- One answer ------------------------------------------------------------------------------


def _neighbours(answer: Answer) -> tuple:
    """The answers before and after this one, in the guide's order."""
    order = list(answer.cycle.answers.in_guide_order().values_list("pk", flat=True))
    index = order.index(answer.pk)
    wanted = {
        "previous": order[index - 1] if index > 0 else None,
        "next": order[index + 1] if index + 1 < len(order) else None,
    }
    found = Answer.objects.select_related("item", "domain").in_bulk(
        [pk for pk in wanted.values() if pk]
    )
    return found.get(wanted["previous"]), found.get(wanted["next"]), index + 1, len(order)


# What last year's answer shows beside this year's.
LAST_YEAR = ["situation", "value", "assessment", "objective_1y", "target_1y"]


def _readable(answer: Answer, names, *, like: Answer) -> list[tuple[str, str]]:
    """(label, text) of the fields `names` of `answer`, read as an item like `like`."""
    rows = []
    for name in names:
        field = Answer._meta.get_field(name)
        label = capfirst(field.verbose_name)
        if name in FIGURES:
            if not like.is_indicator:
                continue
            label = f"{label} ({like.unit_label})"
        if name == "not_treated_reason" and answer.assessment != Answer.Assessment.NOT_TREATED:
            continue
        if name == "progress":  # computed for an indicator, said by hand for a question
            if like.previous_id:
                rows.append((label, like.computed_progress_label))
        elif name == "assignee":
            rows.append((label, str(answer.assignee or "")))
        else:
            rows.append((label, history.display(field, getattr(answer, field.attname))))
    return rows


def _read_only(answer: Answer) -> list:
    sections = [(title, _readable(answer, names, like=answer)) for title, names in SECTIONS]
    return [(title, rows) for title, rows in sections if rows]


def _answer_page(request, answer, form=None, *, state="", conflict=None):
    can_change = request.user.has_perm("demarches.change_answer", answer)
    if can_change and form is None:
        form = _form(request, answer)
    before, after, position, total = _neighbours(answer)
    return render(
        request,
        "demarches/answer.html",
        {
            "cycle": answer.cycle,
            "answer": answer,
            "form": form if can_change else None,
            "state": state,
            "conflict": conflict,
            "oob": False,
            "before": before,
            "after": after,
            "position": position,
            "total": total,
            "evidence_list": answer.evidence.all(),
            "evidence_form": EvidenceForm() if can_change else None,
            "can_change": can_change,
            "read_only": [] if can_change else _read_only(answer),
            "last_year": _readable(answer.previous, LAST_YEAR, like=answer)
            if answer.previous
            else [],
        },
    )


def _form(request, answer, data=None) -> AnswerForm:
    can_assign = request.user.has_perm("demarches.change_cycle", answer.cycle)
    return AnswerForm(data, answer=answer, can_assign=can_assign)


@login_required
def answer(request, pk):
    return _answer_page(request, access.answer(request, pk))


def _save(form: AnswerForm, answer: Answer, *, by) -> tuple[str, Answer, dict | None]:
    """Save what the form says: (state, the answer as it now stands, the conflict to show)."""
    if not form.is_valid():
        return "invalid", answer, None
    if not form.changes_anything():
        return "saved", answer, None  # such as the change event after an autosave
    changes = form.changes()
    try:
        saved = services.save_answer(answer, changes, version=form.based_on_version, by=by)
    except services.Conflict as conflict:
        differences = history.differences(Answer, changes, conflict.current)
        if not differences:  # the same text on both sides: nothing to choose between
            return "saved", conflict.current, None
        return "conflict", answer, {"current": conflict.current, "changes": differences}
    return "saved", saved, None


@login_required
@require_POST
def save(request, pk):
    """Autosave (htmx: answers a status fragment, always 200 so that it is shown) and the
    Save button without JavaScript (back to the page, or the page again with what to fix)."""
    answer = access.answer(request, pk, change=True)
    form = _form(request, answer, request.POST)
    state, saved, conflict = _save(form, answer, by=request.user)
    if request.headers.get("HX-Request") == "true":
        return render(
            request,
            "demarches/_answer_status.html",
            {"answer": saved, "form": form, "state": state, "conflict": conflict, "oob": True},
        )
    if state == "saved":
        messages.success(request, _("Answer saved."))
        return redirect(saved)
    return _answer_page(request, answer, form, state=state, conflict=conflict)


# --- Evidence --------------------------------------------------------------------------------

MAX_NAME_LENGTH = Evidence._meta.get_field("name").max_length


def _evidence_name(upload) -> str:
    name = PurePath(upload.name).name
    if len(name) <= MAX_NAME_LENGTH:
        return name
    suffix = PurePath(name).suffix[:20]
    return name[: MAX_NAME_LENGTH - len(suffix)] + suffix


def _back_to_evidence(answer):
    return redirect(f"{answer.get_absolute_url()}#evidence")


@login_required
@require_POST
def evidence_upload(request, pk):
    answer = access.answer(request, pk, change=True)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        evidence = Evidence.objects.create(
            answer=answer, file=upload, name=_evidence_name(upload), uploaded_by=request.user
        )
        messages.success(request, _("“%(name)s” is added to the evidence.") % {"name": evidence})
        return _back_to_evidence(answer)
    for error in form.errors["file"]:
        messages.error(request, error)
    return redirect(answer)  # the message shows at the top of the page


@login_required
def evidence(request, pk):
    """Files are served here, after the permission check, never from the media URL."""
    found = access.evidence(request, pk)
    try:
        stored = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(stored, as_attachment=True, filename=found.name)


@login_required
@require_POST
def evidence_delete(request, pk):
    found = access.evidence(request, pk, change=True)
    stored, storage = found.file.name, found.file.storage
    found.delete()
    # The file goes once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored))
    messages.success(request, _("“%(name)s” is deleted.") % {"name": found.name})
    return _back_to_evidence(found.answer)
