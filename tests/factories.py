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


    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """Staff have an authenticator app (TOTP) unless ``totp=False``: without one the
        admin and every staff action refuse them (``accounts.rules``). The secret is
        ``TOTP_SECRET``; ``totp_code()`` gives the current code."""
        if not create or extracted is False:
            return
        give_totp(obj)


#: The TOTP secret of staff made by the factories (base32).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_totp(user, secret: str = TOTP_SECRET) -> None:
    """Activate an authenticator app (TOTP, django-allauth) for ``user`` with ``secret``."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    for name in ("_wr_has_totp",):
        if hasattr(user, name):
            delattr(user, name)


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    """The RFC 6238 code (6 digits, 30 s steps, HMAC-SHA1) of ``secret`` at ``at`` (Unix
    time, default now), computed here from the secret, not by the library under test."""
    import base64
    import hashlib
    import hmac
    import struct
    import time

    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**6
    return f"{value:06d}"


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
