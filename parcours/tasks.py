from celery import shared_task


@shared_task
def notify_session_changed(
    session_id: int, change: str, *, base_url: str, was: dict | None = None, message: str = ""
) -> None:
    """E-mail the participants of a session that was moved or cancelled. `was` is where and
    when it was before (see services.when_and_where); `message` the facilitator's word."""
    from parcours import services
    from parcours.models import Session

    session = (
        Session.objects.select_related("parcours__network", "structure")
        .filter(pk=session_id)
        .first()
    )
    if session is None:  # deleted since the change was committed: nobody to tell
        return
    services.send_session_changed(session, change, base_url=base_url, was=was, message=message)
