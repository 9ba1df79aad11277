from django.urls import path

from guide.views import browse, editing, practices, transfer

app_name = "guide"

urlpatterns = [
    # Browsing
    path("guides/", browse.guide_list, name="list"),
    path("guides/<int:pk>/", browse.guide_detail, name="detail"),
    path("guides/<int:pk>/imprimer/", browse.guide_print, name="print"),
    path("guides/<int:pk>/themes/<str:code>/", browse.theme_detail, name="theme"),
    path("guides/<int:pk>/domaines/<str:code>/", browse.domain_detail, name="domain"),
    # Editing a network's guides
    path("guides/nouveau/", editing.guide_create, name="create"),
    path("guides/<int:pk>/modifier/", editing.guide_edit, name="edit"),
    path("guides/<int:pk>/publier/", editing.guide_publish, name="publish"),
    path("guides/<int:pk>/nouvelle-edition/", editing.new_edition, name="new_edition"),
    path("guides/<int:pk>/themes-ajouter/", editing.theme_create, name="theme_create"),
    path("guides/<int:pk>/themes/<str:code>/modifier/", editing.theme_edit, name="theme_edit"),
    path("guides/<int:pk>/domaines-ajouter/", editing.domain_create, name="domain_create"),
    path("guides/<int:pk>/domaines/<str:code>/modifier/", editing.domain_edit, name="domain_edit"),
    path("guides/<int:pk>/elements-ajouter/", editing.item_create, name="item_create"),
    path("guides/<int:pk>/elements/<str:code>/modifier/", editing.item_edit, name="item_edit"),
    path("guides/<int:pk>/<str:level>/<str:code>/archiver/", editing.node_archive, name="archive"),
    path("guides/<int:pk>/<str:level>/<str:code>/supprimer/", editing.node_delete, name="delete"),
    # Excel import and export
    path("guides/modele.xlsx", transfer.template_download, name="template"),
    path("guides/<int:pk>/export.xlsx", transfer.guide_export, name="export"),
    path("guides/importer/", transfer.import_upload, name="import"),
    path("guides/importer/apercu/", transfer.import_preview, name="import_preview"),
    # Practice library
    path("pratiques/", practices.practice_list, name="practices"),
    path("pratiques/nouvelle/", practices.practice_create, name="practice_create"),
    path("pratiques/<int:pk>/", practices.practice_detail, name="practice"),
    path("pratiques/<int:pk>/modifier/", practices.practice_edit, name="practice_edit"),
    path(
        "pratiques/<int:pk>/ressources/<int:resource_pk>/",
        practices.resource_download,
        name="resource",
    ),
]
