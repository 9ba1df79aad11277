"""The participant's side of a parcours: "Mes parcours", a session's page, resources, feedback
right after a session and its summary for the facilitators, testimonials."""

from itertools import groupby
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours import access, participation
from parcours.participation import FeedbackState
from parcours.participation_forms import FeedbackForm, ResourceForm, TestimonialForm

# --- Mes parcours ----------------------------------------------------------------------------


@login_required
def mine(request):
    now = timezone.now()
    return render(
        request,
        "parcours/mine.html",
        {"followed": participation.followed(request.user, now), "now": now},
    )


# --- A session -------------------------------------------------------------------------------


@login_required
def session(request, pk):
    session = access.session(request, pk)
    parcours = session.parcours
    user = request.user
    takes_part = user.has_perm("parcours.take_part", parcours)
    context = {
        "parcours": parcours,
        "session": session,
        "can_manage": user.has_perm("parcours.manage_parcours", parcours),
        "takes_part": takes_part,
        "places": session.places.all(),
        "resources": session.resources.all(),
        "attendance": None,
        "feedback_state": "",
        "before_start": timezone.now() < session.starts_at,
    }
    if takes_part:
        context["attendance"] = session.attendances.filter(person=user).first()
        context["feedback_state"] = participation.feedback_state(session, user)
    return render(request, "parcours/session.html", context)


# --- Resources -------------------------------------------------------------------------------


@login_required
def resources(request, pk):
    parcours = access.parcours(request, pk, manage=request.method == "POST")
    can_manage = request.user.has_perm("parcours.manage_parcours", parcours)
    form = None
    if can_manage:
        form = ResourceForm(request.POST or None, request.FILES or None, parcours=parcours)
        if request.method == "POST" and form.is_valid():
            resource = form.save(commit=False)
            resource.created_by = request.user
            resource.save()
            messages.success(request, _("Resource added: %(title)s.") % {"title": resource})
            return redirect("parcours:resources", parcours.pk)
    # The whole parcours' resources first, then session by session.
    found = (
        participation.resources_seen_by(request.user, parcours)
        .select_related("session")
        .order_by(F("session__starts_at").asc(nulls_first=True), "session", "created_at", "pk")
    )
    groups = [(session, list(rows)) for session, rows in groupby(found, lambda r: r.session)]
    return render(
        request,
        "parcours/resources.html",
        {"parcours": parcours, "groups": groups, "form": form, "can_manage": can_manage},
    )


@login_required
def resource(request, pk):
    """Files are served here, after the permission check, never from the media URL."""
    found = access.resource(request, pk)
    if found.session and not found.session.is_visible_to(request.user):
        raise Http404  # a resource of another structure's individual meeting
    if found.url:
        return redirect(found.url)
    try:
        stored = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(stored, as_attachment=True, filename=PurePath(found.file.name).name)


# --- Feedback --------------------------------------------------------------------------------


@login_required
def feedback(request, pk):
    session = access.session(request, pk, take_part=True)
    state = participation.feedback_state(session, request.user)
    form = FeedbackForm(request.POST or None) if state == FeedbackState.OPEN else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            participation.give_feedback(session, request.user, **form.cleaned_data)
        except participation.FeedbackRefused as refused:
            state, form = refused.state, None
        else:
            messages.success(request, _("Thank you for your feedback!"))
            return redirect(session)
    return render(
        request,
        "parcours/feedback.html",
        {
            "parcours": session.parcours,
            "session": session,
            "state": state,
            "form": form,
            "closes_at": participation.feedback_closes_at(session),
        },
    )


@login_required
def feedback_summary(request, pk):
    session = access.session(request, pk, manage=True)
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "parcours/feedback_summary.html",
        {
            "parcours": session.parcours,
            "session": session,
            "summary": participation.summarise(session),
            "show_all": show_all,
            "per_session": participation.averages_per_session(session.parcours) if show_all else [],
        },
    )


# --- Testimonials ----------------------------------------------------------------------------


@login_required
def testimonials(request, pk):
    parcours = access.parcours(request, pk)
    user = request.user
    can_write = user.has_perm("parcours.take_part", parcours)
    if request.method == "POST" and not can_write:
        raise Http404
    form = None
    if can_write:
        form = TestimonialForm(request.POST or None, parcours=parcours)
        if request.method == "POST" and form.is_valid():
            testimonial = participation.write_testimonial(
                parcours, user, text=form.cleaned_data["text"], consent=form.cleaned_data["consent"]
            )
            if testimonial.consent_at:
                messages.success(
                    request,
                    _(
                        "Thank you for your testimonial! The facilitators will publish it "
                        "as you agreed."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Thank you for your testimonial! Only the facilitators will read it."),
                )
            return redirect("parcours:testimonials", parcours.pk)
    return render(
        request,
        "parcours/testimonials.html",
        {
            "parcours": parcours,
            "testimonials": participation.testimonials_seen_by(user, parcours),
            "can_manage": user.has_perm("parcours.manage_parcours", parcours),
            "form": form,
        },
    )


@login_required
@require_POST
def testimonial_publish(request, pk):
    """A facilitator publishes or unpublishes a testimonial; its author may withdraw consent."""
    testimonial = access.testimonial(request, pk)
    back = redirect("parcours:testimonials", testimonial.parcours_id)
    if request.POST.get("withdraw") == "1":
        # Consent is the author's alone to give or take back.
        if testimonial.person_id != request.user.pk:
            raise Http404
        participation.withdraw_consent(testimonial)
        messages.success(
            request, _("Your consent is withdrawn: your testimonial will not be published.")
        )
        return back
    if not request.user.has_perm("parcours.manage_parcours", testimonial.parcours):
        messages.error(request, _("Only the facilitators publish testimonials."))
        return back
    wanted = request.POST.get("publish")
    published = not testimonial.is_published if wanted not in ("0", "1") else wanted == "1"
    try:
        participation.set_published(testimonial, published)
    except participation.NoConsent:
        messages.error(
            request,
            _("This testimonial cannot be published: its author has not agreed to it."),
        )
        return back
    if published:
        messages.success(request, _("The testimonial is published."))
    else:
        messages.success(request, _("The testimonial is no longer published."))
    return back
