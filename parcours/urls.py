from django.urls import path

from parcours.views import attendance, calendars, cohort, participation, sessions

app_name = "parcours"

urlpatterns = [
    # The network's parcours and communautés; a participant's own
    path("parcours/", cohort.parcours_list, name="list"),
    path("parcours/nouveau/", cohort.create, name="create"),
    path("parcours/<int:pk>/", cohort.detail, name="detail"),
    path("parcours/<int:pk>/modifier/", cohort.edit, name="edit"),
    path("parcours/<int:pk>/inscrire/", cohort.enrol, name="enrol"),
    path("inscriptions/<int:pk>/retrait/", cohort.withdraw, name="withdraw"),
    path("mes-parcours/", participation.mine, name="mine"),
    # Sessions
    path("parcours/<int:pk>/sessions/nouvelle/", sessions.create, name="session_create"),
    path("sessions/<int:pk>/", participation.session, name="session"),
    path("sessions/<int:pk>/modifier/", sessions.edit, name="session_edit"),
    path("sessions/<int:pk>/annuler/", sessions.cancel, name="session_cancel"),
    # Attendance
    path("sessions/<int:pk>/presences/", attendance.take, name="attendance"),
    path("sessions/<int:pk>/qr/", attendance.checkin_qr, name="checkin_qr"),
    path("pointage/<str:token>/", attendance.checkin, name="checkin"),
    path("sessions/<int:pk>/excuse/", attendance.apologies, name="apologies"),
    path("sessions/<int:pk>/absents/", attendance.absentees, name="absentees"),
    path("parcours/<int:pk>/matrice/", attendance.matrix, name="matrix"),
    path("sessions/<int:pk>/note/", attendance.meeting_note, name="meeting_note"),
    # Resources, feedback, testimonials
    path("parcours/<int:pk>/ressources/", participation.resources, name="resources"),
    path("ressources-parcours/<int:pk>/", participation.resource, name="resource"),
    path("sessions/<int:pk>/avis/", participation.feedback, name="feedback"),
    path(
        "sessions/<int:pk>/avis/synthese/", participation.feedback_summary, name="feedback_summary"
    ),
    path("parcours/<int:pk>/temoignages/", participation.testimonials, name="testimonials"),
    path(
        "temoignages/<int:pk>/publication/",
        participation.testimonial_publish,
        name="testimonial_publish",
    ),
    # Calendars
    path("sessions/<int:pk>/calendrier.ics", calendars.session_ics, name="session_ics"),
    path("calendrier/", calendars.feed_settings, name="feed_settings"),
    path("calendrier/<str:token>.ics", calendars.feed, name="feed"),
]
