import factory
from factory.django import DjangoModelFactory

from members.models import Membership, Network, Role, Structure, User

PASSWORD = "a-long-test-passphrase"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Réseau {n}")
    region = "Hauts-de-France"


class StructureFactory(DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Structure {n}")
    commune = "Amiens"
    postcode = "80000"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    structure = factory.SubFactory(StructureFactory)


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = Role

    person = factory.SubFactory(UserFactory)
    kind = Role.Kind.PILOT
    structure = factory.SubFactory(StructureFactory)

    class Params:
        facilitator = factory.Trait(
            kind=Role.Kind.FACILITATOR,
            structure=None,
            network=factory.SubFactory(NetworkFactory),
        )
