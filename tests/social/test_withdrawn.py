"""A local government whose signature is withdrawn after it recorded posts: its public
profile lists none, so its dashboard must not say that they are shown (step 2 not done)."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import SignatureFactory, StaffFactory
from withrefugees.campaign.services import signature_withdraw
from withrefugees.social import services

pytestmark = pytest.mark.django_db


def test_withdrawn_signatory_step_2_is_not_done(client, lg, officer):
    signature = SignatureFactory(local_government=lg, status="published",
                                 published_at=timezone.now())
    services.posted_link_add(local_government=lg, actor=officer,
                             url="https://x.com/fuchu_city/status/1790000000000000001")
    client.force_login(officer)
    with translation.override("en"):
        url = reverse("workspace:dashboard", args=[lg.pk])
        assert "shown on the public profile" in client.get(url).content.decode()
        signature_withdraw(signature=signature, actor=StaffFactory())
        html = client.get(url).content.decode()
    assert "lists them only while your local government" in html
    assert "shown on the public profile." not in html
