"""factory_boy factories for the campaign models (reference places come from the data)."""

import factory
from django.contrib.auth import get_user_model

from withrefugees.campaign.models import Signature
from withrefugees.campaign.selectors import statement_text_current
from withrefugees.places.models import LocalGovernment


def jp(code: str) -> LocalGovernment:
    """A reference Japanese local government by JIS X 0402 code."""
    return LocalGovernment.objects.with_places().get(jis_code=code)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@unhcr.example")
    is_staff = True
    is_superuser = True
    password = factory.django.Password("correct horse battery")


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
