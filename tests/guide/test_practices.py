import html
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from guide import demo as guide_demo
from guide import practice_forms
from guide.models import Guide, Practice, PracticeResource, Theme
from members import demo as members_demo
from members.models import Network, Role
from tests.guide.factories import DomainFactory, GuideFactory, PracticeFactory, ThemeFactory
from tests.members.factories import (
    MembershipFactory,
    NetworkFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def facilitator_of(network=None):
    role = RoleFactory(facilitator=True, **({"network": network} if network else {}))
    return role.person


def pilot_in(network):
    return RoleFactory(kind=Role.Kind.PILOT, structure=MembershipFactory(network=network).structure)


def national_theme(code, edition="2017") -> Theme:
    return Theme.objects.get(guide__network=None, guide__edition=edition, code=code)


def text_of(response) -> str:
    """The page as a person reads it: entities decoded, non-breaking spaces as spaces."""
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def titles(response) -> list[str]:
    return [practice.title for practice in response.context["page"]]


def practice_data(network, **fields) -> dict:
    """A valid POST of the practice form, with two empty resource blocks."""
    data = {
        "title": "Un comité d'usagers",
        "description": "Des usagers donnent leur avis sur chaque nouveau service.",
        "status": Practice.Status.TESTED,
        "network": network.pk,
        "structure": "",
        "visibility": Practice.Visibility.NETWORK,
        "resources-TOTAL_FORMS": "2",
        "resources-INITIAL_FORMS": "0",
        "resources-MIN_NUM_FORMS": "0",
        "resources-MAX_NUM_FORMS": "1000",
    }
    for index in range(2):
        data |= {f"resources-{index}-title": "", f"resources-{index}-url": ""}
    return data | fields


def upload(name, content) -> dict:
    return {
        "resources-0-title": "Le document",
        "resources-0-file": SimpleUploadedFile(name, content),
    }


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, format="PNG")
    return buffer.getvalue()


# --- Who sees what ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    practice = PracticeFactory(visibility=Practice.Visibility.SHARED)
    for url in (reverse("guide:practices"), practice.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_pilot_sees_shared_practices_and_the_private_ones_of_their_structures_network(client):
    mine, other = Network.objects.bulk_create([Network(name="CRESS A"), Network(name="CRESS B")])
    PracticeFactory(title="Partagée ailleurs", network=other, visibility="shared")
    PracticeFactory(title="Privée chez nous", network=mine, visibility="network")
    PracticeFactory(title="Privée ailleurs", network=other, visibility="network")
    client.force_login(pilot_in(mine).person)
    response = client.get(reverse("guide:practices"))
    assert titles(response) == ["Partagée ailleurs", "Privée chez nous"]


def test_a_pilot_gets_a_404_on_another_networks_private_practice(client):
    private = PracticeFactory(visibility=Practice.Visibility.NETWORK)
    client.force_login(pilot_in(NetworkFactory()).person)
    assert client.get(private.get_absolute_url()).status_code == 404


def test_a_pilot_whose_mandate_ended_no_longer_sees_the_networks_private_practices(client):
    network = NetworkFactory()
    private = PracticeFactory(network=network, visibility=Practice.Visibility.NETWORK)
    role = pilot_in(network)
    role.ended_on = role.started_on
    role.save()
    client.force_login(role.person)
    assert client.get(private.get_absolute_url()).status_code == 404


def test_the_detail_links_themes_domains_and_resources_without_exposing_files(
    client, national_guide
):
    theme = national_theme("1")
    domain = theme.domains.get(code="1.3")
    practice = PracticeFactory(visibility=Practice.Visibility.SHARED)
    practice.themes.add(theme)
    practice.domains.add(domain)
    PracticeResource.objects.create(practice=practice, title="Le site", url="https://exemple.org/")
    stored = PracticeResource.objects.create(
        practice=practice, title="La fiche", file=SimpleUploadedFile("fiche.pdf", PDF)
    )
    client.force_login(UserFactory())
    content = client.get(practice.get_absolute_url()).content.decode()
    assert f'href="{theme.get_absolute_url()}"' in content
    assert f'href="{domain.get_absolute_url()}"' in content
    assert '<a href="https://exemple.org/" target="_blank" rel="noopener">' in content
    assert reverse("guide:resource", args=[practice.pk, stored.pk]) in content
    assert stored.file.url not in content


# --- The list's filters ----------------------------------------------------------------------


@pytest.fixture
def facilitator_client(client):
    """A client logged in as the facilitator of a fresh network, which it returns too."""
    network = NetworkFactory()
    client.force_login(facilitator_of(network))
    client.network = network
    return client


def test_it_filters_by_status(facilitator_client):
    network = facilitator_client.network
    PracticeFactory(title="Testée", network=network, status=Practice.Status.TESTED)
    PracticeFactory(title="À essayer", network=network, status=Practice.Status.TO_TEST)
    response = facilitator_client.get(reverse("guide:practices"), {"status": "to_test"})
    assert titles(response) == ["À essayer"]


def test_the_search_looks_in_titles_and_descriptions(facilitator_client):
    network = facilitator_client.network
    PracticeFactory(title="Un world café", network=network)
    PracticeFactory(title="Une AG", description="Organisée en world café.", network=network)
    PracticeFactory(title="Un potager", network=network)
    response = facilitator_client.get(reverse("guide:practices"), {"q": "world"})
    assert titles(response) == ["Un world café", "Une AG"]


def test_the_theme_filter_finds_practices_linked_to_the_theme_or_one_of_its_domains(
    facilitator_client, national_guide
):
    network = facilitator_client.network
    by_theme = PracticeFactory(title="Par le thème", network=network)
    by_theme.themes.add(national_theme("1"))
    by_domain = PracticeFactory(title="Par un domaine", network=network)
    by_domain.domains.add(national_theme("1", edition="2017").domains.get(code="1.3"))
    PracticeFactory(title="Autre thème", network=network).themes.add(national_theme("2"))
    response = facilitator_client.get(reverse("guide:practices"), {"theme": "1"})
    assert titles(response) == ["Par le thème", "Par un domaine"]
    # Both editions share their codes: each theme is offered once.
    codes = [value for value, label in response.context["filters"].fields["theme"].choices]
    assert codes == ["", "1", "2", "3", "4", "5", "6", "7", "8"]


def test_only_my_network_keeps_the_practices_of_the_networks_i_facilitate(facilitator_client):
    PracticeFactory(title="Chez nous", network=facilitator_client.network)
    PracticeFactory(title="Ailleurs", visibility=Practice.Visibility.SHARED)
    response = facilitator_client.get(reverse("guide:practices"), {"mine": "on"})
    assert titles(response) == ["Chez nous"]


def test_only_my_network_is_offered_to_facilitators_only(client):
    client.force_login(pilot_in(NetworkFactory()).person)
    response = client.get(reverse("guide:practices"))
    assert "mine" not in response.context["filters"].fields
    assert "Seulement les pratiques de mon réseau" not in response.content.decode()


def test_the_list_shows_twenty_practices_a_page(facilitator_client):
    PracticeFactory.create_batch(21, network=facilitator_client.network)
    response = facilitator_client.get(reverse("guide:practices"), {"status": "tested"})
    assert len(response.context["page"]) == 20
    content = response.content.decode()
    assert "21 pratiques" in content
    assert "?status=tested&amp;page=2" in content
    second = facilitator_client.get(reverse("guide:practices"), {"page": 2})
    assert len(second.context["page"]) == 1


@pytest.mark.parametrize("size", [2, 20])
def test_the_list_runs_the_same_queries_whatever_the_number_of_practices(
    facilitator_client, national_guide, django_assert_num_queries, size
):
    network = facilitator_client.network
    structure = MembershipFactory(network=network).structure
    themes = [national_theme("1"), national_theme("2")]
    for practice in PracticeFactory.create_batch(size, network=network, structure=structure):
        practice.themes.add(*themes)
    # The request's savepoint and its release, session, user, networks facilitated, national
    # themes (filter), count, can_create, roles in the menu, practices with their network and
    # structure, their themes.
    with django_assert_num_queries(11):
        facilitator_client.get(reverse("guide:practices"))


# --- Creating and editing --------------------------------------------------------------------


def test_a_pilot_cannot_create_a_practice(client):
    client.force_login(pilot_in(NetworkFactory()).person)
    assert client.get(reverse("guide:practice_create")).status_code == 404


def test_a_facilitator_creates_a_practice_with_a_link_resource(facilitator_client, national_guide):
    network = facilitator_client.network
    theme = national_theme("1")
    structure = MembershipFactory(network=network).structure
    data = practice_data(
        network,
        structure=structure.pk,
        themes=[theme.pk],
        domains=[theme.domains.get(code="1.3").pk],
        **{"resources-0-title": "Déroulé", "resources-0-url": "https://exemple.org/deroule"},
    )
    response = facilitator_client.post(reverse("guide:practice_create"), data)
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response.url == practice.get_absolute_url()
    assert (practice.network, practice.structure) == (network, structure)
    assert practice.created_by.roles.get().network == network
    assert list(practice.themes.all()) == [theme]
    assert practice.domains.get().code == "1.3"
    assert practice.resources.get().url == "https://exemple.org/deroule"


def test_the_network_is_hidden_when_the_facilitator_has_only_one(facilitator_client):
    response = facilitator_client.get(reverse("guide:practice_create"))
    content = response.content.decode()
    assert f'type="hidden" name="network" value="{facilitator_client.network.pk}"' in content


def test_the_contributing_structure_must_be_a_member_of_the_network(facilitator_client):
    outsider = MembershipFactory().structure
    data = practice_data(facilitator_client.network, structure=outsider.pk)
    response = facilitator_client.post(reverse("guide:practice_create"), data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Practice.objects.exists()


def test_a_structure_of_another_facilitated_network_is_refused(client):
    person = facilitator_of()
    other = RoleFactory(facilitator=True, person=person).network
    structure = MembershipFactory(network=other).structure
    client.force_login(person)
    network = person.roles.exclude(network=other).get().network
    data = practice_data(network, structure=structure.pk)
    response = client.post(reverse("guide:practice_create"), data)
    assert "Cette structure n'est pas adhérente du réseau choisi." in text_of(response)


def test_themes_of_another_networks_guide_are_not_offered(facilitator_client, national_guide):
    foreign = ThemeFactory(guide=GuideFactory())
    own = ThemeFactory(guide=GuideFactory(network=facilitator_client.network))
    form = facilitator_client.get(reverse("guide:practice_create")).context["form"]
    offered = set(form.fields["themes"].queryset)
    assert own in offered and national_theme("1") in offered
    assert foreign not in offered


def test_only_the_newest_national_edition_is_offered(facilitator_client, national_guide):
    form = facilitator_client.get(reverse("guide:practice_create")).context["form"]
    offered = set(form.fields["themes"].queryset)
    assert national_theme("1", edition="2017") in offered
    assert national_theme("1", edition="2016") not in offered


def test_a_link_to_an_older_edition_survives_an_edit(facilitator_client, national_guide):
    practice = PracticeFactory(network=facilitator_client.network)
    older = national_theme("1", edition="2016")
    practice.themes.add(older)
    data = practice_data(facilitator_client.network, themes=[older.pk])
    response = facilitator_client.post(reverse("guide:practice_edit", args=[practice.pk]), data)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Un comité d'usagers"
    assert list(practice.themes.all()) == [older]


def test_domains_are_grouped_by_guide_and_labelled_with_their_code(facilitator_client):
    guide = GuideFactory(network=facilitator_client.network, title="Implication des usagers")
    DomainFactory(theme=ThemeFactory(guide=guide), code="U.1", title="Écouter")
    form = facilitator_client.get(reverse("guide:practice_create")).context["form"]
    groups = dict(form.fields["domains"].choices)
    assert [label for _pk, label in groups[f"{guide} · {guide.network}"]] == ["U.1 Écouter"]


def test_a_facilitator_edits_their_networks_practice(facilitator_client):
    practice = PracticeFactory(network=facilitator_client.network)
    data = practice_data(facilitator_client.network, title="Nouveau titre")
    response = facilitator_client.post(reverse("guide:practice_edit", args=[practice.pk]), data)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Nouveau titre"


def test_the_facilitator_of_another_network_gets_a_404_on_edit(facilitator_client):
    practice = PracticeFactory(visibility=Practice.Visibility.SHARED)
    url = reverse("guide:practice_edit", args=[practice.pk])
    assert facilitator_client.get(url).status_code == 404
    assert facilitator_client.post(url, practice_data(practice.network)).status_code == 404


def test_a_pilot_gets_a_404_on_edit_even_in_their_network(client):
    network = NetworkFactory()
    practice = PracticeFactory(network=network)
    client.force_login(pilot_in(network).person)
    assert client.get(reverse("guide:practice_edit", args=[practice.pk])).status_code == 404


def test_staff_may_create_a_practice_for_any_network(client):
    network = NetworkFactory()
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("guide:practice_create"), practice_data(network))
    assert response.status_code == 302
    assert Practice.objects.get().network == network


# --- Resources: a link or a file, and only acceptable files ---------------------------------


def post_resource(client, **resource) -> str:
    data = practice_data(client.network, **resource)
    return text_of(client.post(reverse("guide:practice_create"), data))


def test_a_resource_needs_a_link_or_a_file(facilitator_client):
    content = post_resource(facilitator_client, **{"resources-0-title": "Sans rien"})
    assert "Indiquez un lien ou un fichier." in content
    assert not Practice.objects.exists()


def test_a_resource_cannot_be_both_a_link_and_a_file(facilitator_client):
    data = upload("fiche.pdf", PDF) | {"resources-0-url": "https://exemple.org/"}
    content = post_resource(facilitator_client, **data)
    assert "Indiquez soit un lien, soit un fichier, pas les deux." in content
    assert not Practice.objects.exists()


def test_a_file_with_a_refused_extension_is_refused(facilitator_client):
    content = post_resource(facilitator_client, **upload("outil.exe", b"MZ\x90\x00"))
    assert "Ce type de fichier n'est pas accepté : choisissez un fichier PDF, DOCX" in content
    assert not Practice.objects.exists()


def test_a_fake_pdf_is_refused(facilitator_client):
    content = post_resource(facilitator_client, **upload("fiche.pdf", b"MZ this is a program"))
    assert "Le contenu de ce fichier n'est pas celui d'un fichier .pdf" in content
    assert not Practice.objects.exists()


@pytest.mark.parametrize(
    "name, content",
    [("tableau.xlsx", docx_bytes()), ("photo.jpg", png_bytes()), ("notes.txt", b"\0\1\2\3")],
)
def test_a_file_whose_content_does_not_match_its_extension_is_refused(
    facilitator_client, name, content
):
    page = post_resource(facilitator_client, **upload(name, content))
    assert "Le contenu de ce fichier n'est pas celui" in page


def test_an_oversized_file_is_refused(facilitator_client, monkeypatch):
    monkeypatch.setattr(practice_forms, "MAX_UPLOAD_SIZE", 50)
    content = post_resource(facilitator_client, **upload("fiche.pdf", PDF))
    assert "Ce fichier est trop volumineux (77 octets) : la limite est de 50 octets." in content
    assert not Practice.objects.exists()


def test_nothing_is_saved_when_only_the_practice_is_invalid(facilitator_client, media_root):
    data = practice_data(facilitator_client.network, title="") | upload("fiche.pdf", PDF)
    response = facilitator_client.post(reverse("guide:practice_create"), data)
    assert response.status_code == 200
    assert not Practice.objects.exists() and not PracticeResource.objects.exists()
    assert not any(media_root.rglob("*.pdf"))


@pytest.mark.parametrize(
    "name, content",
    [("fiche.pdf", PDF), ("trame.docx", docx_bytes()), ("photo.png", png_bytes())],
)
def test_acceptable_files_are_stored(facilitator_client, name, content):
    response = facilitator_client.post(
        reverse("guide:practice_create"),
        practice_data(facilitator_client.network) | upload(name, content),
    )
    assert response.status_code == 302
    with PracticeResource.objects.get().file.open("rb") as stored:
        assert stored.read() == content


def test_an_unchanged_file_resource_is_kept_when_the_practice_is_edited(facilitator_client):
    practice = PracticeFactory(network=facilitator_client.network)
    resource = PracticeResource.objects.create(
        practice=practice, title="La fiche", file=SimpleUploadedFile("fiche.pdf", PDF)
    )
    data = practice_data(practice.network, title="Nouveau titre") | {
        "resources-TOTAL_FORMS": "3",
        "resources-INITIAL_FORMS": "1",
        "resources-0-id": resource.pk,
        "resources-0-title": "La fiche",
        "resources-2-title": "",
        "resources-2-url": "",
    }
    response = facilitator_client.post(reverse("guide:practice_edit", args=[practice.pk]), data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.file.storage.exists(resource.file.name)


def test_deleting_a_file_resource_removes_the_file_once_committed(
    facilitator_client, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(network=facilitator_client.network)
    resource = PracticeResource.objects.create(
        practice=practice, title="La fiche", file=SimpleUploadedFile("fiche.pdf", PDF)
    )
    storage, name = resource.file.storage, resource.file.name
    data = practice_data(practice.network) | {
        "resources-TOTAL_FORMS": "3",
        "resources-INITIAL_FORMS": "1",
        "resources-0-id": resource.pk,
        "resources-0-title": "La fiche",
        "resources-0-DELETE": "on",
        "resources-2-title": "",
        "resources-2-url": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_client.post(reverse("guide:practice_edit", args=[practice.pk]), data)
    assert not practice.resources.exists()
    assert not storage.exists(name)


# --- Downloads -------------------------------------------------------------------------------


def test_a_file_is_downloaded_as_an_attachment_with_its_name(client):
    practice = PracticeFactory(visibility=Practice.Visibility.SHARED)
    resource = PracticeResource.objects.create(
        practice=practice, title="La fiche", file=SimpleUploadedFile("fiche-hote.pdf", PDF)
    )
    client.force_login(UserFactory())
    response = client.get(reverse("guide:resource", args=[practice.pk, resource.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="fiche-hote.pdf"'
    assert b"".join(response.streaming_content) == PDF


def test_a_file_of_another_networks_private_practice_is_a_404(client):
    practice = PracticeFactory(visibility=Practice.Visibility.NETWORK)
    resource = PracticeResource.objects.create(
        practice=practice, title="La fiche", file=SimpleUploadedFile("fiche.pdf", PDF)
    )
    client.force_login(pilot_in(NetworkFactory()).person)
    response = client.get(reverse("guide:resource", args=[practice.pk, resource.pk]))
    assert response.status_code == 404


def test_a_resource_of_another_practice_is_a_404(client):
    shared = PracticeFactory(visibility=Practice.Visibility.SHARED)
    private = PracticeFactory(visibility=Practice.Visibility.NETWORK)
    resource = PracticeResource.objects.create(
        practice=private, title="La fiche", file=SimpleUploadedFile("fiche.pdf", PDF)
    )
    client.force_login(UserFactory())
    response = client.get(reverse("guide:resource", args=[shared.pk, resource.pk]))
    assert response.status_code == 404


# --- The demo --------------------------------------------------------------------------------


def library_counts() -> list[int]:
    return [
        Practice.objects.count(),
        PracticeResource.objects.count(),
        Practice.themes.through.objects.count(),
        Practice.domains.through.objects.count(),
    ]


@pytest.fixture
def demo_network(settings):
    # The demo's people only need a password, not a slow one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    members_demo.load()


def test_loading_the_demo_library_twice_creates_nothing_new(demo_network):
    guide_demo.load()
    first = library_counts()
    guide_demo.load()
    assert library_counts() == first
    assert first[:2] == [12, 12]


def test_the_demo_library_is_linked_to_the_2016_national_guide_by_code(
    demo_network, national_guide
):
    guide_demo.load()
    practice = Practice.objects.get(title="Une assemblée générale en world café")
    assert list(practice.themes.values_list("guide__edition", "code")) == [("2016", "1")]
    assert sorted(practice.domains.values_list("code", flat=True)) == ["1.3", "1.4"]
    assert practice.structure.name == "Les Jardins du Val"
    assert practice.visibility == Practice.Visibility.SHARED


def test_the_demo_library_loads_without_links_when_the_2016_edition_is_missing(
    demo_network, national_guide
):
    Guide.objects.national().filter(edition="2016").update(edition="2016 (archive)")
    guide_demo.load()
    assert Practice.objects.count() == 12
    assert not Practice.themes.through.objects.exists()
