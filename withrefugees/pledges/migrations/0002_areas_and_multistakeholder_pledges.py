"""The six areas of focus of GRF 2019 and the twelve multistakeholder pledges of GRF 2023
named in the public sources (shared/reference/gcr-pledge-fields.md §2.2: S1, S9 for the
areas; S3, S8 and the GCR page of the Call to Local Action for the multistakeholder
pledges). Japanese names: the platform's translations."""

from django.db import migrations

AREAS = [
    ("burden_sharing", "負担と責任の分担のための取り決め",
     "Arrangements for burden- and responsibility-sharing"),
    ("education", "教育", "Education"),
    ("jobs_livelihoods", "雇用と生計", "Jobs and livelihoods"),
    ("energy_infrastructure", "エネルギーとインフラ", "Energy and infrastructure"),
    ("solutions", "解決策", "Solutions"),
    ("protection_capacity", "保護能力", "Protection capacity"),
]

MULTISTAKEHOLDER_PLEDGES = [
    ("call_to_local_action",
     "地域の行動への呼びかけと、二次都市・地方自治体の連帯",
     "Call to Local Action and Solidarity in Secondary Cities & Local and Regional "
     "Governments",
     "https://globalcompactrefugees.org/multistakeholder-pledge-call-local-action-and-"
     "solidarity-secondary-cities-local-and-regional"),
    ("closing_digital_gender_gap", "デジタル・ジェンダー格差の解消",
     "Closing the Digital Gender Gap", ""),
    ("connected_education", "難民のためのコネクテッド教育の拡大",
     "Expanding Connected Education for Refugees (Refugee Connected Education Challenge)",
     ""),
    ("peacebuilding", "平和構築と紛争予防", "Peacebuilding and Conflict Prevention", ""),
    ("economic_inclusion", "経済的包摂と社会的保護", "Economic Inclusion and Social Protection",
     ""),
    ("skills_pathways", "技能に基づく補完的な受入れの道", "Skills-Based Complementary Pathways",
     ""),
    ("resettlement", "第三国定住", "Resettlement", ""),
    ("family_reunification", "難民の家族再統合の支援",
     "Supporting Refugee Family Reunification", ""),
    ("connectivity", "難民のためのコネクティビティ", "Connectivity for Refugees", ""),
    ("refugee_participation", "難民の参画", "Refugee Participation", ""),
    ("travel_documents", "難民旅行証明書：21世紀のナンセン・パスポート",
     "Refugee Travel Documents – The 21st Century Nansen Passport", ""),
    ("community_sponsorship", "コミュニティ・スポンサーシップ", "Community Sponsorship", ""),
]


def load(apps, schema_editor):
    Area = apps.get_model("pledges", "AreaOfFocus")
    Msp = apps.get_model("pledges", "MultistakeholderPledge")
    for position, (key, ja, en) in enumerate(AREAS, start=1):
        Area.objects.update_or_create(key=key, defaults={
            "name_ja": ja, "name_en": en, "position": position * 10})
    for position, (key, ja, en, url) in enumerate(MULTISTAKEHOLDER_PLEDGES, start=1):
        Msp.objects.update_or_create(key=key, defaults={
            "name_ja": ja, "name_en": en, "url": url, "position": position * 10})


def unload(apps, schema_editor):
    apps.get_model("pledges", "AreaOfFocus").objects.filter(
        key__in=[a[0] for a in AREAS], pledges__isnull=True).delete()
    apps.get_model("pledges", "MultistakeholderPledge").objects.filter(
        key__in=[m[0] for m in MULTISTAKEHOLDER_PLEDGES], pledges__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_pledges")]
    operations = [migrations.RunPython(load, unload)]
