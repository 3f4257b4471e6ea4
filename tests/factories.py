"""factory_boy factories for the campaign models (reference places come from the data)."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from withrefugees.accounts.roles import REVIEWERS
from withrefugees.accounts.services import roles_sync
from withrefugees.campaign.models import Signature
from withrefugees.campaign.selectors import statement_text_current
from withrefugees.places.models import LocalGovernment


def jp(code: str) -> LocalGovernment:
    """A reference Japanese local government by JIS X 0402 code."""
    return LocalGovernment.objects.with_places().get(jis_code=code)


class StaffFactory(factory.django.DjangoModelFactory):
    """UNHCR staff (not a superuser) with the roles of ``accounts.roles``: by default the
    reviewer role, i.e. exactly the permissions the review needs. ``roles=[]`` for a staff
    member without any permission."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@unhcr.example")
    is_staff = True
    is_superuser = False
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if not create:
            return
        names = ([] if obj.is_superuser else [REVIEWERS]) if extracted is None else extracted
        if names:
            roles_sync()
            obj.groups.add(*Group.objects.filter(name__in=names))


class SuperuserFactory(StaffFactory):
    email = factory.Sequence(lambda n: f"admin{n}@unhcr.example")
    is_superuser = True


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    local_government = factory.LazyFunction(lambda: jp("132063"))  # 府中市 (東京都)
    statement_text = factory.LazyFunction(lambda: statement_text_current("ja"))
    statement_hash = factory.LazyAttribute(lambda o: o.statement_text.content_hash)
    language = "ja"
    signatory_name = "山田太郎"
    signatory_title = "市長"
    contact_name = "佐藤花子"
    department = "総務部"
    email = "contact@city.fuchu.tokyo.jp"
    website = "https://www.city.fuchu.tokyo.jp/"
    confirmation_nonce = "0" * 32
