from django.urls import path

from members.views import directory, invitations, people, transfer

app_name = "members"

urlpatterns = [
    # The network's directory of member structures
    path("reseau/structures/", directory.structure_list, name="directory"),
    path("reseau/structures/export.xlsx", transfer.directory_export, name="directory_export"),
    path("reseau/structures/importer/", transfer.import_upload, name="import"),
    path("reseau/structures/importer/apercu/", transfer.import_preview, name="import_preview"),
    # A structure and its people
    path("structures/<int:pk>/", directory.structure_detail, name="structure"),
    path("structures/<int:pk>/modifier/", directory.structure_edit, name="structure_edit"),
    path("structures/<int:pk>/passer-le-relais/", people.hand_over, name="hand_over"),
    # Invitations
    path("structures/<int:pk>/inviter/", invitations.invite, name="invite"),
    path("invitations/<int:pk>/renvoyer/", invitations.resend, name="invitation_resend"),
    path("invitations/<int:pk>/annuler/", invitations.cancel, name="invitation_cancel"),
    path("invitation/<str:token>/", invitations.accept, name="invitation_accept"),
    # The person's own account
    path("compte/profil/", people.profile, name="profile"),
    path("compte/agir-en-tant-que/", people.switch_role, name="switch_role"),
]
