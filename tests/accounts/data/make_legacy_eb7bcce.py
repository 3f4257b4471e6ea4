"""Makes ``legacy_eb7bcce.sql``: a database as ``make run`` at commit eb7bcce left it, with
users in ``auth_user``, signatures in every state and their ``SignatureEvent`` rows.

Not a test (pytest does not collect it); run by hand when the fixture must be remade::

    git worktree add /tmp/legacy-eb7bcce eb7bcce          # outside the repository
    cd /tmp/legacy-eb7bcce
    export PYTHONPATH=$PWD VAR_DIR=/tmp/legacy/var TASKS_IMMEDIATE=true \
        EMAIL_URL=consolemail:// DATABASE_URL=sqlite:////tmp/legacy/legacy.sqlite3
    P=/work/main/.venv/bin/python
    $P manage.py migrate && $P manage.py createcachetable
    $P manage.py load_reference_data && $P manage.py load_campaign_data
    $P /work/main/tests/accounts/data/make_legacy_eb7bcce.py
    # keep only the places signed (the full reference data would make the dump ~10 MB)
    sqlite3 /tmp/legacy/legacy.sqlite3 "PRAGMA foreign_keys=ON;
      DELETE FROM places_localgovernment WHERE id NOT IN
        (SELECT local_government_id FROM campaign_signature);
      DELETE FROM places_region WHERE id NOT IN
        (SELECT region_id FROM places_localgovernment WHERE region_id IS NOT NULL);
      VACUUM;"
    sqlite3 /tmp/legacy/legacy.sqlite3 .dump > tests/accounts/data/legacy_eb7bcce.sql
    git worktree remove /tmp/legacy-eb7bcce

The same steps with ``DATABASE_URL=postgres://...`` make a PostgreSQL legacy database.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.admin.models import CHANGE, LogEntry  # noqa: E402
from django.contrib.auth.models import Group, Permission, User  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402

from withrefugees.campaign import services  # noqa: E402
from withrefugees.campaign.models import RejectionReason, Signature, StatementText  # noqa: E402
from withrefugees.places.models import LocalGovernment  # noqa: E402

admin = User.objects.create_superuser("admin", "Admin@UNHCR.example", "legacy-admin-pass-1")
staff = User.objects.create_user("reviewer", "Reviewer@Example.ORG", "legacy-staff-pass-2",
                                 is_staff=True)
g = Group.objects.create(name="Legacy reviewers")
g.permissions.add(Permission.objects.get(codename="change_signature"))
staff.groups.add(g)
staff.user_permissions.add(Permission.objects.get(codename="view_signature"))

text = StatementText.objects.get(version__is_current=True, language="ja")
def sign(code, email):
    lg = LocalGovernment.objects.get(jis_code=code)
    s = services.signature_submit(local_government=lg, statement_text=text, language="ja",
        signatory_name="山田太郎", signatory_title="市長", contact_name="佐藤花子",
        department="総務部", email=email, website="https://example.jp/")
    token = services.confirmation_token(s)
    return services.signature_confirm(token=token)

a = sign("011002", "soumu@city.sapporo.example.jp")
services.signature_publish(signature=a, actor=admin, note="ok")
b = sign("041009", "soumu@city.sendai.example.jp")
services.signature_reject(signature=b, actor=staff, reason=RejectionReason.objects.first(), note="dup")
c = sign("131016", "soumu@city.chiyoda.example.jp")  # stays pending
d = sign("271004", "soumu@city.osaka.example.jp")
services.signature_publish(signature=d, actor=staff)
services.signature_withdraw(signature=d, actor=admin, note="asked by the city")
LogEntry.objects.log_action(user_id=admin.pk, content_type_id=ContentType.objects.get_for_model(Signature).pk,
                            object_id=d.pk, object_repr=str(d), action_flag=CHANGE, change_message="edited")
print("users", User.objects.count(), "signatures", Signature.objects.count())
