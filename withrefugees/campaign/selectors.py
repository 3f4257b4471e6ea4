"""Reads of step 1: the current statement, public signatories, counts, map points, hints."""

import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import idna
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from withrefugees.places.models import Country, LocalGovernment, Region
from withrefugees.places.selectors import local_government_search, rank_by_match

from .models import DatePrecision, Signature, StatementText, StatementVersion


def statement_text_current(language: str | None = None) -> StatementText | None:
    """The current version's text in ``language`` (default: active), falling back to ja."""
    language = (language or get_language() or "ja")[:2]
    version = StatementVersion.objects.filter(is_current=True).first()
    if version is None:
        return None
    texts = {t.language: t for t in version.texts.all()}
    return texts.get(language) or texts.get("ja") or next(iter(texts.values()), None)


def public_signatures() -> QuerySet[Signature]:
    """Published signatures with their places (the only signatures the public sees)."""
    return Signature.objects.published().with_places()


@dataclass(frozen=True)
class Counts:
    local_governments: int
    countries: int
    in_japan: int


def signature_counts() -> Counts:
    """Live counts of published signatories: all, distinct countries, in Japan."""
    agg = public_signatures().aggregate(
        total=Count("local_government", distinct=True),
        countries=Count("local_government__country", distinct=True),
        japan=Count("local_government", filter=Q(local_government__country_id="JP"),
                    distinct=True),
    )
    return Counts(agg["total"], agg["countries"], agg["japan"])


def _name_order() -> Coalesce:
    """Gojūon order of the katakana reading in Japanese; the English name in English;
    the official name where those are missing (places outside Japan)."""
    field = "reading" if (get_language() or "ja").startswith("ja") else "name_en"
    return Coalesce(NullIf(F(f"local_government__{field}"), Value("")),
                    F("local_government__name"))


# By date: dates of record as stored (a month or year by its first day, "on or before" by
# its latest day; unknown last), for the campaign's records in Japan kept in the signing
# order the list gives (``SignatoryRecord.sort_on``: "2023" after 27 June 2023 when the
# list says it signed later), then that order (the four brochure participants share "on or
# before 2 May 2022"), then name.
def _date_order():
    return Coalesce(F("record__sort_on"), F("signed_on"))


SORTS = {
    "name": lambda: (_name_order(),),
    "-date": lambda: (_date_order().desc(nulls_last=True),
                      F("record__signing_order").desc(nulls_last=True), _name_order()),
    "date": lambda: (_date_order().asc(nulls_last=True),
                     F("record__signing_order").asc(nulls_last=True), _name_order()),
}


def directory(*, query: str = "", country: str = "", prefecture: str = "",
              sort: str = "name") -> QuerySet[Signature]:
    """Published signatures filtered and ordered for the public directory.

    ``query`` matches the local government's folded names (kanji, kana, romaji; see
    ``places.folding``) and, when given, orders best match first. ``country`` is an ISO
    3166-1 code, ``prefecture`` an ISO 3166-2 code (``JP-13``). ``sort``: one of ``SORTS``.
    """
    qs = public_signatures()
    if country:
        qs = qs.filter(local_government__country_id=country)
    if prefecture:
        qs = qs.filter(local_government__region__code=prefecture)
    if query:
        return rank_by_match(qs, query, prefix="local_government__")
    return qs.order_by(*SORTS.get(sort, SORTS["name"])(), "pk")


def unsigned_matches(query: str, *, country: str = "", prefecture: str = "",
                     limit: int = 10) -> list[LocalGovernment]:
    """Up to ``limit`` reference local governments matching ``query`` (best first, as
    ``places.selectors.local_government_search``), in ``country`` (ISO 3166-1) and
    ``prefecture`` (ISO 3166-2) when given, that have no published signature: the
    directory links their profile pages, which say how to join. Two queries."""
    found = [lg for lg in local_government_search(query, limit=limit * 5)
             if (not country or lg.country_id == country)
             and (not prefecture or (lg.region and lg.region.code == prefecture))]
    signed = set(public_signatures().filter(local_government__in=found)
                 .values_list("local_government_id", flat=True))
    return [lg for lg in found if lg.pk not in signed][:limit]


def directory_filters() -> dict:
    """Countries and prefectures that have published signatories (for the filter lists)."""
    published = public_signatures()
    countries = Country.objects.filter(
        code__in=published.values("local_government__country_id")).order_by("code")
    prefectures = Region.objects.filter(
        country_id="JP", pk__in=published.values("local_government__region_id")
    ).order_by("code")
    return {"countries": sorted(countries, key=lambda c: c.name), "prefectures": prefectures}


def map_points() -> list[dict]:
    """``[{"id", "name", "area", "label", "lat", "lon", "url"}]`` for every published
    signatory; ``lat``/``lon`` are None where the place has no known point (it is then
    only in the list under the map, which keyboard and screen-reader users read)."""
    points = []
    for sig in public_signatures().order_by(_name_order(), "pk"):
        lg = sig.local_government
        points.append({"id": lg.pk, "name": lg.display_name, "area": lg.area_name,
                       "label": lg.label, "lat": lg.latitude, "lon": lg.longitude,
                       "url": reverse("profiles:profile", args=[lg.pk])})
    return points


@dataclass(frozen=True)
class SourceLink:
    """A public source of a signature of record: ``url``, what it is (``label``) and what
    it says (``note``, English as the campaign's list gives it)."""

    url: str
    label: str = ""
    note: str = ""


@dataclass(frozen=True)
class ProfileSection:
    """Step 1 ("Sign") on a local government's public profile page.

    ``status``: ``"done"`` when the local government has a published signature, else
    ``"not_started"`` (no signature, or one that is unconfirmed, pending, rejected or
    withdrawn: the public is not told which). The other fields are what was signed, as it
    was signed (empty when not done): the signatory, the date (None when unknown) and how
    much of it is known (``signed_on_precision``, a ``DatePrecision`` value; show both with
    the ``date_of_record`` filter), the statement version number and the language code
    signed in, the message. For a signature from the campaign's records: ``sources`` (in
    the list's order) and ``record_note`` (what the list says beyond its sources, English).
    Never personal data of the contact (email, contact person, department).
    """

    status: str
    signatory_name: str = ""
    signatory_title: str = ""
    signed_on: date | None = None
    signed_on_precision: str = DatePrecision.UNKNOWN
    statement_version: int | None = None
    language: str = ""
    message: str = ""
    website: str = ""
    sources: tuple[SourceLink, ...] = ()
    record_note: str = ""

    DONE = "done"
    NOT_STARTED = "not_started"

    @property
    def done(self) -> bool:
        return self.status == self.DONE


def profile_section(local_government: LocalGovernment | int) -> ProfileSection:
    """The "Sign" section of the profile page of ``local_government`` (an instance or its
    id), from its published signature (one query; two for a signature of record, whose
    sources come with it)."""
    signature = (Signature.objects.published()
                 .select_related("statement_text__version", "record")
                 .prefetch_related("record__sources")
                 .filter(local_government=local_government).first())
    if signature is None:
        return ProfileSection(status=ProfileSection.NOT_STARTED)
    record = getattr(signature, "record", None)
    sources = tuple(SourceLink(url=s.url, label=s.label, note=s.note)
                    for s in record.sources.all()) if record else ()
    return ProfileSection(
        status=ProfileSection.DONE, signatory_name=signature.signatory_name,
        signatory_title=signature.signatory_title, signed_on=signature.signed_on,
        signed_on_precision=signature.signed_on_precision,
        statement_version=signature.statement_text.version.number,
        language=signature.language, message=signature.message, website=signature.website,
        sources=sources, record_note=record.note if record else "")


# --- Reviewer hints ----------------------------------------------------------------------
FREE_MAIL = {"gmail.com", "yahoo.co.jp", "yahoo.com", "outlook.com", "outlook.jp",
             "hotmail.com", "icloud.com", "docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp",
             "i.softbank.jp", "au.com", "nifty.com", "live.jp", "protonmail.com", "proton.me"}
# Domains of Japanese local governments: the LGWAN-facing *.lg.jp space and the
# geographic-type names used by municipalities (city./town./vill./pref.*.jp), see JPRS.
JP_LG_MARKERS = (".lg.jp",)
JP_LG_PREFIXES = ("city.", "town.", "vill.", "pref.", "metro.")


def _ascii_domain(domain: str) -> str:
    """``domain`` in its ASCII (IDNA 2008, UTS #46 mapped) lower-case form, so that
    full-width ``ｃｉｔｙ.ｋｕｍａｍｏｔｏ.ｌｇ.ｊｐ`` (addresses stored before
    ``core.emails.email_normalise``) and ``ドメイン.jp`` compare as ``city.kumamoto.lg.jp`` and
    ``xn--eckwd4c7c.jp``; a domain IDNA refuses is only lower-cased."""
    domain = unicodedata.normalize("NFKC", domain).strip().rstrip(".")
    try:
        return idna.encode(domain, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain.lower()


def _readable_domain(ascii_domain: str) -> str:
    """The Unicode form of an ASCII domain, to show (``xn--eckwd4c7c.jp`` → ``ドメイン.jp``)."""
    try:
        return idna.decode(ascii_domain)
    except (idna.IDNAError, UnicodeError, ValueError):
        return ascii_domain


def _host(url_or_domain: str) -> str:
    host = urlsplit(url_or_domain).hostname if "//" in url_or_domain else url_or_domain
    host = _ascii_domain(host or "")
    return host[4:] if host.startswith("www.") else host


def _without_lg(domain: str) -> str:
    """``city.kumamoto.lg.jp`` → ``city.kumamoto.jp``: a municipality's LGWAN-side mail
    domain and its website's geographic-type domain name the same place."""
    return domain[:-len(".lg.jp")] + ".jp" if domain.endswith(".lg.jp") else domain


def _related(a: str, b: str) -> bool:
    a, b = _without_lg(a), _without_lg(b)
    return bool(a and b) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def review_hints(signature: Signature) -> list[tuple[str, str]]:
    """Hints for reviewers, never blocks: ``[(level, text)]`` with level ``ok`` or ``warn``.

    Compares the email's domain with the website's and, in Japan, with local government
    domain patterns (``*.lg.jp``; ``city.*``, ``town.*``, ``vill.*``, ``pref.*`` under .jp).
    Domains are compared in their ASCII form (IDNA, full-width folded: ``_ascii_domain``)
    and shown in their Unicode form.
    """
    hints: list[tuple[str, str]] = []
    domain = _ascii_domain(signature.email.rpartition("@")[2])
    if not domain:
        return hints
    site = _host(signature.website) if signature.website else ""
    if domain in FREE_MAIL:
        hints.append(("warn", _("The email uses a free mail provider (%(d)s).")
                      % {"d": _readable_domain(domain)}))
    if site:
        if _related(domain, site):
            hints.append(("ok", _("The email domain matches the website (%(d)s).")
                          % {"d": _readable_domain(site)}))
        else:
            hints.append(("warn", _("The email domain %(e)s differs from the website domain "
                                    "%(w)s.") % {"e": _readable_domain(domain),
                                                 "w": _readable_domain(site)}))
    if signature.local_government.country_id == "JP":
        if domain.endswith(JP_LG_MARKERS) or (domain.endswith(".jp")
                                              and domain.startswith(JP_LG_PREFIXES)):
            hints.append(("ok", _("The email domain looks like a Japanese local government "
                                  "domain.")))
        else:
            hints.append(("warn", _("The email domain is not a typical Japanese local "
                                    "government domain (*.lg.jp, city.*.jp, pref.*.jp).")))
    return hints
