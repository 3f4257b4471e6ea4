"""factory_boy factories for the campaign models (reference places come from the data)."""

import datetime
from decimal import Decimal

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


# --- Step 3: events ------------------------------------------------------------------------
class LandmarkFactory(factory.django.DjangoModelFactory):
    """A landmark of 府中市 (東京都) with its own point."""

    class Meta:
        model = "events.Landmark"

    local_government = factory.LazyFunction(lambda: jp("132063"))
    name_ja = factory.Sequence(lambda n: f"府中の塔{n}")
    name_en = factory.Sequence(lambda n: f"Fuchu Tower {n}")
    latitude = 35.6689
    longitude = 139.4776


class EventFactory(factory.django.DjangoModelFactory):
    """An approved, timed photo exhibition of 府中市 on 20 June 2027, 10:00–17:00 Tokyo
    time. ``EventFactory(kind="light_up", landmark=LandmarkFactory())`` for a light-up;
    ``all_day=True, starts_at=None, ends_at=None`` for an all-day event."""

    class Meta:
        model = "events.Event"

    local_government = factory.LazyFunction(lambda: jp("132063"))
    kind = "photo_exhibition"
    status = "approved"
    was_approved = factory.LazyAttribute(lambda o: o.status in ("approved", "cancelled"))
    title_ja = factory.Sequence(lambda n: f"難民写真展{n}")
    title_en = factory.Sequence(lambda n: f"Refugee photo exhibition {n}")
    description_ja = "難民の暮らしを伝える写真展です。"
    description_en = "Photos of refugees' lives."
    time_zone = "Asia/Tokyo"
    all_day = False
    starts_at = datetime.datetime(2027, 6, 20, 1, 0, tzinfo=datetime.UTC)
    ends_at = datetime.datetime(2027, 6, 20, 8, 0, tzinfo=datetime.UTC)
    start_date = datetime.date(2027, 6, 20)
    end_date = factory.LazyAttribute(lambda o: o.start_date)
    venue = "府中市美術館"
    address = "東京都府中市浅間町1-3"


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """A new request of 府中市 for 50 posters."""

    class Meta:
        model = "events.SupportRequest"
        skip_postgeneration_save = True

    local_government = factory.LazyFunction(lambda: jp("132063"))
    delivery_address = "〒183-8703 東京都府中市宮西町2-24 府中市役所 総務課"
    message = "ポスターを50枚お願いします。"
    language = "ja"
    items = factory.RelatedFactory("tests.factories.SupportItemFactory",
                                   factory_related_name="request")


class SupportItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.SupportItem"

    kind = "materials"
    quantity = 50
    description = "ポスター（A2）"


class PledgeFactory(factory.django.DjangoModelFactory):
    """A draft pledge of 府中市: Japanese language classes for refugee children (kind:
    policy; objective: self-reliance; area: education; one target added by
    ``PledgeTargetFactory``). ``status="published", gcr_reference="GRF-00001"`` for a
    published one; ``progress_status``/``progress_reported_on`` only with a published
    one (check constraint)."""

    class Meta:
        model = "pledges.Pledge"
        skip_postgeneration_save = True

    local_government = factory.LazyFunction(lambda: jp("132063"))
    status = "draft"
    title_ja = factory.Sequence(lambda n: f"難民の子どもの日本語教室{n}")
    title_en = factory.Sequence(lambda n: f"Japanese classes for refugee children {n}")
    description_ja = "市内の小中学校で、難民の子どもに日本語の補習教室を開きます。"
    description_en = "Japanese language support classes for refugee children in our schools."
    expected_impact_ja = "難民の子どもが学校で学び続けられるようになる。"
    expected_impact_en = "Refugee children keep learning at school."
    kind_policy = True
    objective_self_reliance = True
    scope = "local"
    starts_on = datetime.date(2027, 4, 1)
    ends_on = datetime.date(2030, 3, 31)
    contact_name = "府中 花子"
    contact_email = "pledge-contact@city.fuchu.example"
    forum = "next_grf"

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        """``areas=["education", ...]`` (keys of AreaOfFocus); default ``["education"]``."""
        if not create:
            return
        from withrefugees.pledges.models import AreaOfFocus

        keys = ["education"] if extracted is None else extracted
        self.areas.set(AreaOfFocus.objects.filter(key__in=keys))


class PledgeTargetFactory(factory.django.DjangoModelFactory):
    """30 refugee students enrolled in the classes by 31 March 2030."""

    class Meta:
        model = "pledges.PledgeTarget"

    pledge = factory.SubFactory(PledgeFactory)
    indicator = "日本語教室に通う難民の子ども"
    target_value = factory.LazyFunction(lambda: Decimal("30"))
    unit = "人"
    target_date = datetime.date(2030, 3, 31)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    """A report "in progress" of 1 April 2028 (the pledge must be published; the factory
    does not update ``Pledge.progress_status``: the service does)."""

    class Meta:
        model = "pledges.ProgressReport"

    pledge = factory.SubFactory(PledgeFactory, status="published", gcr_reference="GRF-00001")
    status = "in_progress"
    narrative = "2校で教室を開きました。"
    reported_on = datetime.date(2028, 4, 1)


def load_pledge_vocabulary() -> None:
    """The areas of focus and multistakeholder pledges of migration 0002, loaded again: a
    transactional test (``django_db(transaction=True)``, the browser tests) empties every
    table after it, the rows of data migrations included, so the next one finds none."""
    import importlib

    from django.apps import apps

    importlib.import_module(
        "withrefugees.pledges.migrations.0002_areas_and_multistakeholder_pledges"
    ).load(apps, None)
