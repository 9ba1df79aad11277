from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("demarches/<int:pk>/rapports/", views.cycle_reports, name="cycle_reports"),
    path("demarches/<int:pk>/rapports/demander/", views.request_cycle_report, name="request"),
    path("reseaux/<int:pk>/rapports/", views.network_reports, name="network_reports"),
    path("rapports/<int:pk>/", views.report, name="report"),
    path("rapports/<int:pk>/pdf/", views.download, name="download"),
    path("rapports/<int:pk>/figer/", views.freeze, name="freeze"),
    path("rapports/<int:pk>/supprimer/", views.delete, name="delete"),
]
