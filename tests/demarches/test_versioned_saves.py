"""Two people saving the same answer: one wins, the other gets a conflict, nobody's text is
lost silently — including when both saves reach the database at the same moment."""

import threading

import pytest
from django.db import connection

from demarches import services
from demarches.models import Answer
from tests.demarches.factories import ActionFactory, AnswerFactory
from tests.members.factories import UserFactory


@pytest.mark.django_db
def test_a_save_from_a_stale_version_is_a_conflict_that_carries_the_saved_text():
    answer = AnswerFactory()
    alice, bob = UserFactory(full_name="Alice"), UserFactory(full_name="Bob")
    services.save_answer(answer, {"situation": "Texte d'Alice"}, version=1, by=alice)

    with pytest.raises(services.Conflict) as conflict:
        services.save_answer(answer, {"situation": "Texte de Bob"}, version=1, by=bob)

    assert conflict.value.current.situation == "Texte d'Alice"
    assert conflict.value.current.updated_by == alice
    answer.refresh_from_db()
    assert (answer.situation, answer.version) == ("Texte d'Alice", 2)


@pytest.mark.django_db
def test_each_save_is_recorded_in_the_history_with_who_made_it():
    answer = AnswerFactory()
    alice = UserFactory()
    services.save_answer(answer, {"situation": "Première version"}, version=1, by=alice)
    services.save_answer(answer, {"situation": "Deuxième version"}, version=2, by=alice)

    texts = [record.situation for record in answer.history.order_by("history_date")]
    assert texts == ["", "Première version", "Deuxième version"]
    assert answer.history.latest().history_user == alice


@pytest.mark.django_db
def test_restoring_a_past_version_is_a_new_version_of_its_own():
    answer = AnswerFactory()
    alice = UserFactory()
    services.save_answer(answer, {"situation": "Avant"}, version=1, by=alice)
    services.save_answer(answer, {"situation": "Après"}, version=2, by=alice)
    before = answer.history.get(situation="Avant")

    restored = services.restore(before, by=alice)

    assert (restored.situation, restored.version) == ("Avant", 4)
    assert answer.history.count() == 4


@pytest.mark.django_db
def test_an_action_saved_from_a_stale_version_is_a_conflict_too():
    action = ActionFactory(title="Former les administrateurs")
    services.save_action(action, {"title": "Former le CA"}, version=1, by=None)
    with pytest.raises(services.Conflict):
        services.save_action(action, {"title": "Former les élus"}, version=1, by=None)
    action.refresh_from_db()
    assert action.title == "Former le CA"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_the_same_moment_leave_one_winner_and_one_conflict():
    answer = AnswerFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def save(text):
        try:
            barrier.wait(timeout=5)
            services.save_answer(answer, {"situation": text}, version=1, by=None)
            outcomes.append(("saved", text))
        except services.Conflict:
            outcomes.append(("conflict", text))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=save, args=(text,)) for text in ("Alice", "Bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(kind for kind, _text in outcomes) == ["conflict", "saved"]
    winner = next(text for kind, text in outcomes if kind == "saved")
    saved = Answer.objects.get(pk=answer.pk)
    assert (saved.situation, saved.version) == (winner, 2)
