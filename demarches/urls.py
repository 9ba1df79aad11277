from django.urls import path

from demarches.views import (
    actions,
    answers,
    cycles,
    debate,
    history,
    plan,
    presentations,
    selection,
    transfer,
)

app_name = "demarches"

urlpatterns = [
    # A structure's démarche: its current year, or the form to start one
    path("structures/<int:pk>/demarche/", cycles.structure_home, name="structure_home"),
    path("structures/<int:pk>/demarche/nouvelle/", cycles.start, name="start"),
    # One year: where it stands on the 12 steps
    path("demarches/<int:pk>/", cycles.cycle, name="cycle"),
    path("demarches/<int:pk>/modifier/", cycles.edit, name="cycle_edit"),
    path("demarches/<int:pk>/etapes/<int:step>/", cycles.mark_step, name="mark_step"),
    path("demarches/<int:pk>/annee-suivante/", cycles.next_year, name="next_year"),
    path("demarches/<int:pk>/chemin-parcouru/", cycles.progress, name="progress"),
    # Step 1: the pilot pair and the plan of the year
    path("demarches/<int:pk>/organisation/", plan.plan, name="plan"),
    path("jalons/<int:pk>/", plan.milestone_edit, name="milestone_edit"),
    path("jalons/<int:pk>/supprimer/", plan.milestone_delete, name="milestone_delete"),
    # Steps 2–4: themes, then domains and items
    path("demarches/<int:pk>/themes/", selection.themes, name="themes"),
    path("demarches/<int:pk>/selection/", selection.selection, name="selection"),
    path("demarches/<int:pk>/selection/ajouter/", selection.own_item, name="own_item"),
    # Steps 5–7: état des lieux, assessment, objectives, one answer per item
    path("demarches/<int:pk>/etat-des-lieux/", answers.assessment, name="assessment"),
    path("reponses/<int:pk>/", answers.answer, name="answer"),
    path("reponses/<int:pk>/enregistrer/", answers.save, name="answer_save"),
    path("reponses/<int:pk>/preuves/", answers.evidence_upload, name="evidence_upload"),
    path("reponses/<int:pk>/historique/", history.answer_history, name="answer_history"),
    path(
        "reponses/<int:pk>/historique/<int:history_pk>/restaurer/",
        history.answer_restore,
        name="answer_restore",
    ),
    path("preuves/<int:pk>/", answers.evidence, name="evidence"),
    path("preuves/<int:pk>/supprimer/", answers.evidence_delete, name="evidence_delete"),
    # Step 8: the action plan
    path("demarches/<int:pk>/actions/", actions.action_list, name="actions"),
    path("demarches/<int:pk>/actions/calendrier/", actions.calendar, name="calendar"),
    path("demarches/<int:pk>/actions/nouvelle/", actions.create, name="action_create"),
    path("actions/<int:pk>/", actions.action, name="action"),
    path("actions/<int:pk>/justificatif/", actions.check_file, name="action_check_file"),
    path("actions/<int:pk>/historique/", history.action_history, name="action_history"),
    path(
        "actions/<int:pk>/historique/<int:history_pk>/restaurer/",
        history.action_restore,
        name="action_restore",
    ),
    # Steps 10–12: presentations and reviews
    path("demarches/<int:pk>/presentations/", presentations.presentations, name="presentations"),
    path("presentations/<int:pk>/", presentations.edit, name="presentation_edit"),
    path("presentations/<int:pk>/supprimer/", presentations.delete, name="presentation_delete"),
    # Step 11: the questions put to the AG, the sheet printed for it, what it said
    path("demarches/<int:pk>/debat-ag/", debate.ag_debate, name="ag_debate"),
    path("demarches/<int:pk>/debat-ag/fiche/", debate.sheet, name="ag_debate_sheet"),
    # Step 9: the steering table as .xlsx, out and back in
    path("demarches/<int:pk>/tableau/", transfer.transfer, name="transfer"),
    path("demarches/<int:pk>/tableau.xlsx", transfer.export, name="export"),
    path("demarches/<int:pk>/tableau/import/", transfer.import_upload, name="import"),
    path("demarches/<int:pk>/tableau/apercu/", transfer.import_preview, name="import_preview"),
]
