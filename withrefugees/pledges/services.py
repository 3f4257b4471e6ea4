"""Writes of step 4 by a local government's officers: draft a pledge (create, update with its
targets and co-pledgers), delete a draft, submit it to UNHCR, withdraw it from review, and
start a new draft from a public pledge. Staff's review and the GCR are not here.

Every service is keyword-only and atomic, checks ``pledges.edit`` for the *lead* local
government with ``accounts.rules.can`` (``PermissionDenied`` otherwise: another city's
officer, a co-pledger's officer, staff), validates (``ValidationError`` keyed by the
builder form's field names, each with a code: see ``validation``), and writes one audit row
(``core.audit.audit_record``): ``pledge.create``, ``pledge.update`` (changed fields; targets
and co-pledgers as lists), ``pledge.delete`` (on the pledge, written before the row goes:
the audit trail names records by content type and id, so the history of a deleted draft
stays readable), ``pledge.submit``, ``pledge.withdraw`` (from → to), ``pledge.start_from``
(on the new draft, with the source's id). After commit the public pages are invalidated
(``audit_record``).

Officers edit only a draft or a pledge sent back (``EDITABLE_STATUSES``): once submitted
they withdraw it first (back to draft); once approved the GCR has the text, and what
changes is reported as progress."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.audit import audit_record, changed_fields, field_values
from withrefugees.core.emails import InvalidEmail, email_normalise
from withrefugees.places.models import Country, LocalGovernment

from . import tasks
from .checklist import missing
from .models import (
    EDITABLE_STATUSES,
    FORUMS_WITH_MULTISTAKEHOLDER_PLEDGES,
    PUBLIC_STATUSES,
    AreaOfFocus,
    CoPledger,
    Forum,
    GcrObjective,
    MultistakeholderPledge,
    Pledge,
    PledgeKind,
    PledgeStatus,
    PledgeTarget,
    Scope,
    kind_field,
    objective_field,
)
from .validation import (
    MAX_LENGTHS,
    NAME_FIELDS,
    end_before_start_error,
    text_refusal,
    too_long_error,
    validate_budget,
    validate_date_in_range,
    validate_target_value,
)

EDIT_RULE = "pledges.edit"
#: The status a pledge is withdrawn from (back to draft).
WITHDRAWABLE = PledgeStatus.SUBMITTED
#: Most targets and co-pledging entities of one pledge.
MAX_TARGETS = 20
MAX_CO_PLEDGERS = 20
#: The text fields an officer edits (the audit compares them with the others below).
TEXT_FIELDS = ("title_ja", "title_en", "description_ja", "description_en",
               "expected_impact_ja", "expected_impact_en", "contact_name", "contact_email",
               "matches_gcr_reference")
KIND_FIELDS = tuple(kind_field(k) for k in PledgeKind.values)
OBJECTIVE_FIELDS = tuple(objective_field(o) for o in GcrObjective.values)
#: Every field of ``Pledge`` the builder edits (``field_values`` / ``changed_fields``).
EDITED_FIELDS = (*TEXT_FIELDS, *KIND_FIELDS, *OBJECTIVE_FIELDS, "scope", "starts_on",
                 "ends_on", "budget_amount", "budget_currency", "forum", "matches")
#: What "start from this pledge" copies (besides areas, countries, targets and MSPs).
COPIED_FIELDS = ("title_ja", "title_en", "description_ja", "description_en",
                 "expected_impact_ja", "expected_impact_en", *KIND_FIELDS,
                 *OBJECTIVE_FIELDS, "scope", "forum")


@dataclass(frozen=True)
class TargetInput:
    """A measurable target: ``indicator`` (required), ``target_value`` (a ``Decimal``),
    ``unit``, ``target_date`` (optional)."""

    indicator: str
    target_value: Decimal
    unit: str = ""
    target_date: datetime.date | None = None


@dataclass(frozen=True)
class CoPledgerInput:
    """A co-pledging entity: a ``local_government`` of the platform, or an
    ``organisation_name`` (exactly one)."""

    local_government: LocalGovernment | None = None
    organisation_name: str = ""


@dataclass(frozen=True)
class PledgeInput:
    """What an officer gives for a pledge (see ``models.Pledge``). ``kinds``: values of
    ``PledgeKind``; ``objectives``: of ``GcrObjective``; ``targets`` and ``co_pledgers``
    in order (they replace the pledge's)."""

    title_ja: str = ""
    title_en: str = ""
    description_ja: str = ""
    description_en: str = ""
    expected_impact_ja: str = ""
    expected_impact_en: str = ""
    kinds: Sequence[str] = ()
    objectives: Sequence[str] = ()
    areas: Sequence[AreaOfFocus] = ()
    scope: str = Scope.LOCAL
    countries: Sequence[Country] = ()
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    budget_amount: Decimal | None = None
    budget_currency: str = ""
    contact_name: str = ""
    contact_email: str = ""
    forum: str = Forum.NONE
    multistakeholder_pledges: Sequence[MultistakeholderPledge] = ()
    matches: Pledge | None = None
    matches_gcr_reference: str = ""
    targets: Sequence[TargetInput] = field(default_factory=tuple)
    co_pledgers: Sequence[CoPledgerInput] = field(default_factory=tuple)


def _check(actor: AbstractBaseUser | None, local_government: LocalGovernment) -> None:
    if actor is None or not can(actor, EDIT_RULE, local_government):
        raise PermissionDenied(EDIT_RULE)


def _not_editable(pledge: Pledge) -> ValidationError:
    return ValidationError(
        _("This pledge is %(status)s and cannot be changed here. A pledge awaiting review "
          "is withdrawn first; once approved, what changes is reported as progress."),
        code="pledge_not_editable", params={"status": pledge.status_display})


def _clean_text(name: str, value: str) -> str:
    """``value`` without the spaces around it, line breaks as LF; every other character
    kept as typed."""
    return (value or "").strip().replace("\r\n", "\n")


def _validate(data: PledgeInput, *, local_government: LocalGovernment,
              pledge: Pledge | None) -> dict[str, Any]:
    """Check ``data`` for a pledge of ``local_government`` (``pledge``: the one edited, or
    None). Returns the cleaned texts; raises ``ValidationError`` keyed by field."""
    errors: dict[str, list[ValidationError]] = {}

    def add(name: str, error: ValidationError) -> None:
        errors.setdefault(name, []).append(error)

    texts = {name: _clean_text(name, getattr(data, name)) for name in TEXT_FIELDS}
    for name, value in texts.items():
        if refusal := text_refusal(value, name=name in NAME_FIELDS):
            add(name, refusal)
        elif len(value) > MAX_LENGTHS[name]:
            add(name, too_long_error(MAX_LENGTHS[name], len(value)))
    if not (texts["title_ja"] or texts["title_en"]) and not (
            {"title_ja", "title_en"} & errors.keys()):
        add("title_ja", ValidationError(
            _("Give the pledge a title in Japanese or English (a draft is saved with its "
              "title)."), code="title_required"))
    if texts["contact_email"] and "contact_email" not in errors:
        try:
            texts["contact_email"] = email_normalise(texts["contact_email"])
        except InvalidEmail as exc:
            add("contact_email", exc)

    if set(data.kinds) - set(PledgeKind.values):
        add("kinds", ValidationError(_("Choose the kinds of pledge from the list."),
                                     code="kind_invalid"))
    if set(data.objectives) - set(GcrObjective.values):
        add("objectives", ValidationError(_("Choose the GCR objectives from the list."),
                                          code="objective_invalid"))
    current_areas = set(pledge.areas.values_list("pk", flat=True)) if pledge else set()
    for area in data.areas:
        if not area.active and area.pk not in current_areas:
            add("areas", ValidationError(
                _("“%(area)s” is no longer offered: choose another area of focus."),
                code="area_inactive", params={"area": str(area)}))
            break

    if data.scope not in Scope.values:
        add("scope", ValidationError(_("Choose where the pledge applies from the list."),
                                     code="scope_invalid"))
    elif data.scope == Scope.COUNTRIES and not data.countries:
        add("countries", ValidationError(
            _("Name at least one country where the pledge applies (or choose another "
              "option under “Where it applies”)."), code="countries_required"))
    elif data.scope != Scope.COUNTRIES and data.countries:
        add("countries", ValidationError(
            _("Countries are named only for a pledge that applies “in named countries”: "
              "choose that option, or remove the countries."), code="countries_not_named"))

    for name in ("starts_on", "ends_on"):
        value = getattr(data, name)
        if value is not None:
            try:
                validate_date_in_range(value)
            except ValidationError as exc:
                add(name, exc)
    if (data.starts_on and data.ends_on and data.ends_on < data.starts_on
            and "ends_on" not in errors):
        add("ends_on", end_before_start_error())

    try:
        validate_budget(data.budget_amount, data.budget_currency)
    except ValidationError as exc:
        for name, errs in exc.error_dict.items():
            errors.setdefault(name, []).extend(errs)

    if data.forum not in Forum.values:
        add("forum", ValidationError(_("Choose the forum from the list."),
                                     code="forum_invalid"))
    elif data.multistakeholder_pledges and data.forum not in (
            FORUMS_WITH_MULTISTAKEHOLDER_PLEDGES):
        add("multistakeholder_pledges", ValidationError(
            _("Multistakeholder pledges began with the Global Refugee Forum 2023: choose "
              "that forum or the next one, or remove the multistakeholder pledges."),
            code="multistakeholder_forum"))

    if data.matches is not None:
        if pledge is not None and data.matches.pk == pledge.pk:
            add("matches", ValidationError(_("A pledge cannot match itself."),
                                           code="matches_itself"))
        elif data.matches.status not in PUBLIC_STATUSES:
            add("matches", ValidationError(
                _("Choose a pledge approved by UNHCR from the list."),
                code="matches_not_public"))

    targets = list(data.targets)
    if len(targets) > MAX_TARGETS:
        add("targets", ValidationError(_("Give at most %(max)s targets."),
                                       code="too_many_targets", params={"max": MAX_TARGETS}))
    for target in targets:
        indicator = _clean_text("indicator", target.indicator)
        unit = _clean_text("unit", target.unit)
        problem = (text_refusal(indicator, name=True) or text_refusal(unit, name=True))
        if problem is None and (not indicator or len(indicator) > 300 or len(unit) > 50):
            problem = ValidationError(
                _("Give each target an indicator (at most 300 characters) and a unit (at "
                  "most 50)."), code="target_invalid")
        if problem is None:
            try:
                validate_target_value(target.target_value)
                if target.target_date is not None:
                    validate_date_in_range(target.target_date)
            except ValidationError as exc:
                problem = exc
        if problem is not None:
            add("targets", problem)
            break

    co_pledgers = list(data.co_pledgers)
    if len(co_pledgers) > MAX_CO_PLEDGERS:
        add("co_pledgers", ValidationError(
            _("Name at most %(max)s co-pledging entities."), code="too_many_co_pledgers",
            params={"max": MAX_CO_PLEDGERS}))
    seen: set[int] = set()
    for co in co_pledgers:
        name = _clean_text("organisation_name", co.organisation_name)
        if (co.local_government is None) == (not name):
            add("co_pledgers", ValidationError(
                _("Each co-pledging entity is either a local government from the list or "
                  "the name of an organisation, not both."), code="co_pledger_invalid"))
            break
        if co.local_government is not None:
            if co.local_government.pk == local_government.pk:
                add("co_pledgers", ValidationError(
                    _("Your own local government leads this pledge: it is not also a "
                      "co-pledging entity."), code="co_pledger_is_lead"))
                break
            if co.local_government.pk in seen:
                add("co_pledgers", ValidationError(
                    _("%(name)s is named twice as a co-pledging entity."),
                    code="co_pledger_twice", params={"name": co.local_government.label}))
                break
            seen.add(co.local_government.pk)
        elif (refusal := text_refusal(name, name=True)) or len(name) > 200:
            add("co_pledgers", refusal or too_long_error(200, len(name)))
            break
    if errors:
        raise ValidationError(errors)
    return texts


def _apply(pledge: Pledge, data: PledgeInput, texts: dict[str, Any]) -> None:
    for name, value in texts.items():
        setattr(pledge, name, value)
    for kind in PledgeKind.values:
        setattr(pledge, kind_field(kind), kind in data.kinds)
    for objective in GcrObjective.values:
        setattr(pledge, objective_field(objective), objective in data.objectives)
    pledge.scope = data.scope
    pledge.starts_on, pledge.ends_on = data.starts_on, data.ends_on
    # Quantised to the column's two decimals: "1000.000" JPY is 1000, not a refusal
    # (validation counted the decimals of the normalised amount).
    pledge.budget_amount = (data.budget_amount.quantize(Decimal("0.01"))
                            if data.budget_amount is not None else None)
    pledge.budget_currency = data.budget_currency if data.budget_amount is not None else ""
    pledge.forum = data.forum
    pledge.matches = data.matches


def _full_clean(pledge: Pledge) -> None:
    pledge.full_clean(exclude=["local_government", "matches", "copied_from", "created_by",
                               "gcr_email", "contact_email"])


def _parts(pledge: Pledge) -> dict[str, list]:
    """The related parts as JSON-safe lists (for the audit)."""
    if pledge.pk is None:
        return {"areas": [], "countries": [], "multistakeholder_pledges": [], "targets": [],
                "co_pledgers": []}
    return {
        # Ids, as the admin's history reads many-to-many values (core.admin._shown).
        "areas": sorted(pledge.areas.values_list("pk", flat=True)),
        "countries": sorted(pledge.countries.values_list("code", flat=True)),
        "multistakeholder_pledges": sorted(
            pledge.multistakeholder_pledges.values_list("pk", flat=True)),
        "targets": [[t.indicator, str(t.target_value), t.unit,
                     t.target_date.isoformat() if t.target_date else None]
                    for t in pledge.targets.order_by("position", "pk")],
        "co_pledgers": [[c.local_government_id, c.organisation_name]
                        for c in pledge.co_pledgers.order_by("position", "pk")],
    }


def _set_parts(pledge: Pledge, data: PledgeInput) -> None:
    pledge.areas.set(data.areas)
    pledge.countries.set(data.countries if data.scope == Scope.COUNTRIES else [])
    pledge.multistakeholder_pledges.set(data.multistakeholder_pledges)
    pledge.targets.all().delete()
    PledgeTarget.objects.bulk_create(
        PledgeTarget(pledge=pledge, indicator=_clean_text("indicator", t.indicator),
                     target_value=t.target_value, unit=_clean_text("unit", t.unit),
                     target_date=t.target_date, position=i)
        for i, t in enumerate(data.targets))
    pledge.co_pledgers.all().delete()
    CoPledger.objects.bulk_create(
        CoPledger(pledge=pledge, local_government=c.local_government,
                  organisation_name=("" if c.local_government is not None else
                                     _clean_text("organisation_name", c.organisation_name)),
                  position=i)
        for i, c in enumerate(data.co_pledgers))


def _lock(pledge: Pledge) -> Pledge:
    # of=self: PostgreSQL locks no row of the outer-joined, nullable ``matches``.
    return (Pledge.objects.select_for_update(of=("self",))
            .select_related("local_government").get(pk=pledge.pk))


@transaction.atomic
def pledge_create(*, local_government: LocalGovernment, actor: AbstractBaseUser,
                  data: PledgeInput) -> Pledge:
    """A draft pledge led by ``local_government`` from ``data`` (see ``PledgeInput``): a
    draft is saved incomplete (``checklist``), but with a title. Raises ``ValidationError``
    keyed by field (codes of ``_validate`` and ``validation``), ``PermissionDenied``
    without ``pledges.edit``. Writes ``pledge.create``."""
    _check(actor, local_government)
    texts = _validate(data, local_government=local_government, pledge=None)
    pledge = Pledge(local_government=local_government, status=PledgeStatus.DRAFT,
                    created_by=actor)
    _apply(pledge, data, texts)
    _full_clean(pledge)
    pledge.save()
    _set_parts(pledge, data)
    changes = {name: [None, value] for name, value in field_values(
        pledge, EDITED_FIELDS).items() if value not in (None, "", False)}
    changes.update({name: [[], value] for name, value in _parts(pledge).items() if value})
    audit_record(target=pledge, action="pledge.create", actor=actor, to_state=pledge.status,
                 changes=changes)
    return pledge


@transaction.atomic
def pledge_update(*, pledge: Pledge, actor: AbstractBaseUser, data: PledgeInput) -> Pledge:
    """Change ``pledge`` (a draft or sent back: else ``ValidationError`` code
    ``pledge_not_editable``) to ``data``; its targets, co-pledgers, areas, countries and
    multistakeholder pledges are replaced. Errors as ``pledge_create``. Writes
    ``pledge.update`` with ``{field: [old, new]}``; no change writes nothing. Returns the
    pledge (``pledge`` itself is refreshed too)."""
    _check(actor, pledge.local_government)
    locked = _lock(pledge)
    if locked.status not in EDITABLE_STATUSES:
        raise _not_editable(locked)
    texts = _validate(data, local_government=locked.local_government, pledge=locked)
    before = field_values(locked, EDITED_FIELDS)
    parts_before = _parts(locked)
    _apply(locked, data, texts)
    _full_clean(locked)
    changes = changed_fields(before, locked)
    _set_parts(locked, data)
    parts_after = _parts(locked)
    changes.update({name: [parts_before[name], value] for name, value in parts_after.items()
                    if value != parts_before[name]})
    if changes:
        locked.save()  # (also when only its parts changed: ``updated_at``)
        audit_record(target=locked, action="pledge.update", actor=actor, changes=changes)
    pledge.refresh_from_db()
    return locked


@transaction.atomic
def pledge_delete(*, pledge: Pledge, actor: AbstractBaseUser) -> None:
    """Delete ``pledge``, a draft or a pledge sent back (else ``ValidationError`` code
    ``pledge_not_deletable``), with its targets and co-pledgers. Writes ``pledge.delete``
    on the pledge (from its status to ``deleted``, its title in the changes) before the
    row goes."""
    _check(actor, pledge.local_government)
    locked = _lock(pledge)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("This pledge is %(status)s and cannot be deleted: only a draft or a pledge "
              "sent back can."), code="pledge_not_deletable",
            params={"status": locked.get_status_display()})
    audit_record(target=locked, action="pledge.delete", actor=actor,
                 from_state=locked.status, to_state="deleted",
                 changes={name: [value, None] for name, value in field_values(
                     locked, ("title_ja", "title_en", "local_government")).items()})
    Pledge.objects.filter(matches=locked).update(matches=None)
    locked.delete()


@transaction.atomic
def pledge_submit(*, pledge: Pledge, actor: AbstractBaseUser) -> Pledge:
    """Send a draft or sent-back ``pledge`` to UNHCR for review (``submitted``,
    ``submitted_at`` now). Refused while an item of the checklist is missing
    (``ValidationError`` code ``pledge_incomplete``, its message listing them, params
    ``missing``: their keys) or in another status (``pledge_not_submittable``). Writes
    ``pledge.submit`` (from → to) and promises UNHCR's campaign address a notice
    (``tasks.queue_review_notice``)."""
    _check(actor, pledge.local_government)
    locked = _lock(pledge)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("This pledge is %(status)s: only a draft or a pledge sent back can be "
              "submitted."), code="pledge_not_submittable",
            params={"status": locked.get_status_display()})
    gaps = missing(locked)
    if gaps:
        raise ValidationError(
            _("The pledge cannot be submitted yet. Still missing: %(items)s."),
            code="pledge_incomplete",
            params={"items": "; ".join(str(item.label) for item in gaps),
                    "missing": [item.key for item in gaps]})
    from_state = locked.status
    locked.status = PledgeStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(target=locked, action="pledge.submit", actor=actor, from_state=from_state,
                 to_state=locked.status)
    # UNHCR's campaign address learns that a pledge awaits review (the new-user trial:
    # nobody was told); sent after commit by the outbox.
    tasks.queue_review_notice(locked)
    pledge.refresh_from_db()
    return locked


@transaction.atomic
def pledge_withdraw(*, pledge: Pledge, actor: AbstractBaseUser) -> Pledge:
    """Take a submitted ``pledge`` back from review, as a draft its officers can change
    (else ``ValidationError`` code ``pledge_not_withdrawable``). Writes
    ``pledge.withdraw`` (from → to)."""
    _check(actor, pledge.local_government)
    locked = _lock(pledge)
    if locked.status != WITHDRAWABLE:
        raise ValidationError(
            _("This pledge is %(status)s: only a pledge awaiting review can be withdrawn."),
            code="pledge_not_withdrawable", params={"status": locked.get_status_display()})
    from_state = locked.status
    locked.status = PledgeStatus.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    audit_record(target=locked, action="pledge.withdraw", actor=actor,
                 from_state=from_state, to_state=locked.status)
    pledge.refresh_from_db()
    return locked


@transaction.atomic
def pledge_start_from(*, source: Pledge, local_government: LocalGovernment,
                      actor: AbstractBaseUser) -> Pledge:
    """A new draft of ``local_government`` copied from the public ``source`` (approved by
    UNHCR: else ``ValidationError`` code ``pledge_not_public``): its texts (title
    unchanged), kinds, objectives, areas, scope, countries, targets, forum and
    multistakeholder pledges; NOT its contact, co-pledgers, matching, timeframe and budget
    (the new pledge's own), review or GCR fields. ``copied_from`` is ``source``. Rule
    ``pledges.edit`` on ``local_government``. Writes ``pledge.start_from`` on the new draft."""
    _check(actor, local_government)
    source = (Pledge.objects.filter(pk=source.pk, status__in=PUBLIC_STATUSES)
              .prefetch_related("areas", "countries", "multistakeholder_pledges", "targets")
              .first())
    if source is None:
        raise ValidationError(_("Only a pledge approved by UNHCR can be started from."),
                              code="pledge_not_public")
    pledge = Pledge(local_government=local_government, status=PledgeStatus.DRAFT,
                    created_by=actor, copied_from=source)
    for name in COPIED_FIELDS:
        setattr(pledge, name, getattr(source, name))
    pledge.save()
    pledge.areas.set(source.areas.all())
    if source.scope == Scope.COUNTRIES:
        pledge.countries.set(source.countries.all())
    pledge.multistakeholder_pledges.set(source.multistakeholder_pledges.all())
    PledgeTarget.objects.bulk_create(
        PledgeTarget(pledge=pledge, indicator=t.indicator, target_value=t.target_value,
                     unit=t.unit, target_date=t.target_date, position=i)
        for i, t in enumerate(source.targets.all()))
    audit_record(target=pledge, action="pledge.start_from", actor=actor,
                 to_state=pledge.status,
                 changes={"copied_from": [None, source.pk]},
                 note=str(source)[:200])
    return pledge
