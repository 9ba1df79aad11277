import logging

from celery import shared_task
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import override

from reports import rendering, services

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError, ConnectionError),
    # With the first run, MAX_ATTEMPTS attempts in all: each one counts on the request, and a
    # request tried that often is given up (services._claim).
    max_retries=services.MAX_ATTEMPTS - 1,
    retry_backoff=True,
)
def build_report(self, report_id: int) -> None:
    """Build a requested report. Idempotent: run twice, it makes one version."""
    try:
        services.build(report_id)
    except rendering.LayoutUnavailable as error:
        with override("fr"):
            services.fail(
                report_id,
                _(
                    "The PDF layout library cannot run on this server (%(error)s). "
                    "Install Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0)."
                )
                % {"error": error},
            )
    except (DatabaseError, ConnectionError):
        if self.request.retries >= self.max_retries:
            with override("fr"):
                services.fail(report_id, _("The database could not be reached; ask again."))
        raise
    except Exception:
        log.exception("report %s could not be built", report_id)
        with override("fr"):
            services.fail(
                report_id,
                _("An unexpected error stopped the layout. The team was told; ask again later."),
            )


@shared_task
def resume_interrupted() -> int:
    return services.resume_interrupted()
