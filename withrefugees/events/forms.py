"""Forms of step 3 for the officers' workspace: the event form (``EventForm`` with the
partners' rows, ``PartnerFormSet``), the report and photo forms after the event, and the
support request form (``SupportRequestForm`` with its items, ``SupportItemFormSet``).

The local government is never a field: it comes from the URL through the workspace gate,
and the choice lists (landmarks, events) are the local government's own, so a forged id is
a field error (``invalid_choice``). Every refusal has a code and a translated message
(``validation``); ``EventForm.warning`` is a warning that does not stop saving (a light-up
far from 20 June; a time that happens twice when the clocks go back: the first is taken),
several joined in one message (``EventForm.warnings``: each). Values are kept when the page
is shown again with errors; a chosen file is not (browsers do not allow it): the page says
so."""

import datetime
import re
import unicodedata
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from withrefugees.core.forms import AccessibleForm, AccessibleFormMixin
from withrefugees.core.images import ACCEPT, image_check
from withrefugees.core.validators import no_invisible_characters, no_invisible_characters_in_name

from . import selectors_officer
from .models import Event, EventKind, PartnerKind, SupportKind
from .services import EventInput, LandmarkInput, PartnerInput, SupportItemInput
from .validation import (
    EventWarning,
    aware_local_time,
    end_before_start_error,
    light_up_warning,
    time_zone_names,
    validate_date_in_range,
    validate_time_zone,
    validate_web_url,
)

#: Empty partner rows shown below those filled in; most partners.
PARTNER_EXTRA_ROWS = 3
MAX_PARTNERS = 20
#: Empty item rows of a support request; most items.
ITEM_EXTRA_ROWS = 3
MAX_ITEMS = 20

_INVALID_DATE = _("Enter a real date, e.g. 2027-06-20 (year-month-day).")
_INVALID_TIME = _("Enter a time as hours and minutes, e.g. 18:30.")


def _date_field(label, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text,
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        error_messages={"invalid": _INVALID_DATE,
                        "required": _("Enter the date, e.g. 2027-06-20.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _time_field(label, help_text: str = "") -> forms.TimeField:
    return forms.TimeField(
        label=label, required=False, help_text=help_text, input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={"invalid": _INVALID_TIME},
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


def _text(label, max_length: int, *, help_text: str = "", name: bool = True,
          rows: int = 0, **attrs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(
        attrs=attrs)
    return forms.CharField(
        label=label, max_length=max_length, required=False, help_text=help_text,
        validators=[no_invisible_characters_in_name if name else no_invisible_characters],
        widget=widget)


class WebURLField(forms.URLField):
    """An http(s) address with ONE message when it is wrong: the scheme first
    (``validate_web_url``: ``javascript:`` …), then the address's form (``invalid``)."""

    def run_validators(self, value):
        if value in self.empty_values:
            return
        validate_web_url(value)
        super().run_validators(value)


def _url(label, help_text: str = "") -> forms.URLField:
    return WebURLField(
        label=label, required=False, max_length=500, help_text=help_text,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, e.g. https://www.example.jp/.")},
        widget=forms.URLInput(attrs={"inputmode": "url", "spellcheck": "false"}))


def _degrees(label, low: float, high: float, help_text: str = "") -> forms.FloatField:
    return forms.FloatField(
        label=label, required=False, help_text=help_text,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
        error_messages={"invalid": _("Enter a number of degrees, e.g. 35.6689.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false",
                                      "autocomplete": "off"}))


#: "35.67251, 139.48702" as copied from a map application (after NFKC: full-width digits
#: and "，" become ASCII): two numbers separated by a comma, "、" or spaces.
_POINT_PAIR = re.compile(
    r"^\s*([+-]?\d+(?:\.\d+)?)\s*(?:[,、]\s*|\s+)([+-]?\d+(?:\.\d+)?)\s*$")


def split_point_pair(value: str) -> tuple[str, str] | None:
    """``("35.67251", "139.48702")`` from a "latitude, longitude" pair pasted into one
    field ("35.67251, 139.48702", "35.67251、139.48702", "35.67251，139.48702",
    "35.67251 139.48702"), else None."""
    match = _POINT_PAIR.match(unicodedata.normalize("NFKC", value or ""))
    return (match.group(1), match.group(2)) if match else None


class LandmarkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        names = " / ".join(n for n in (obj.name_ja, obj.name_en) if n)
        return names


class EventForm(AccessibleFormMixin, forms.Form):
    """An event of ``local_government`` (new, or ``event`` to edit): see
    ``services.EventInput`` for what ``to_input`` gives the services."""

    kind = forms.ChoiceField(label=_("Type of event"), choices=[("", "—"), *EventKind.choices],
                             error_messages={"required": _("Choose the type of event."),
                                             "invalid_choice": _("Choose the type of event "
                                                                 "from the list.")})
    title_ja = _text(_("Title (Japanese)"), 200, help_text=_(
        "At least one title, in Japanese or English; give both if you can."))
    title_en = _text(_("Title (English)"), 200)
    description_ja = _text(_("Description (Japanese)"), 5000, name=False, rows=5)
    description_en = _text(_("Description (English)"), 5000, name=False, rows=5)
    all_day = forms.BooleanField(label=_("All day (no start and end times)"), required=False)
    start_date = _date_field(_("Start date"), required=True)
    start_time = _time_field(_("Start time"), help_text=_("Not needed for an all-day event."))
    end_date = _date_field(_("End date"), help_text=_("Leave empty if it ends on the start "
                                                     "date."))
    end_time = _time_field(_("End time"), help_text=_("Not needed for an all-day event."))
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=[],
        help_text=_("The times above are in this time zone (your local government's by "
                    "default)."),
        error_messages={"required": _("Choose the time zone of the times above."),
                        "invalid_choice": _("“%(value)s” is not a time zone. Choose one from "
                                            "the list, e.g. Asia/Tokyo.")})
    landmark = LandmarkChoiceField(
        label=_("Landmark"), required=False, queryset=None, empty_label="—",
        help_text=_("For a light-up: the building or place lit in blue. Choose it if it is "
                    "in the list (landmarks are kept from year to year), or give a new one "
                    "below."),
        error_messages={"invalid_choice": _("Choose a landmark from the list.")})
    new_landmark_name_ja = _text(_("New landmark: name (Japanese)"), 200)
    new_landmark_name_en = _text(_("New landmark: name (English)"), 200)
    new_landmark_latitude = _degrees(_("New landmark: latitude"), -90, 90, help_text=_(
        "In degrees (WGS 84): latitude e.g. 35.6689, longitude e.g. 139.4776. A "
        "“latitude, longitude” pair copied from a map application may be pasted here. The "
        "event takes this point if its own is left empty."))
    new_landmark_longitude = _degrees(_("New landmark: longitude"), -180, 180)
    venue = _text(_("Venue"), 200)
    address = _text(_("Address"), 300)
    latitude = _degrees(_("Latitude"), -90, 90)
    longitude = _degrees(_("Longitude"), -180, 180)
    online_url = _url(_("Online link"), help_text=_(
        "Where people can watch online, if they can."))
    registration_url = _url(_("Registration link"))
    accessibility = _text(_("Accessibility information"), 2000, name=False, rows=3,
                          help_text=_("E.g. step-free access, sign language, captions, "
                                      "seating, quiet room."))
    image = forms.FileField(
        label=_("Image"), required=False,
        help_text=_("A PNG, JPEG, WebP or GIF picture, at most 10 MB. It is re-encoded "
                    "without its metadata (no GPS position)."),
        error_messages={"empty": _("The file sent is empty. Choose the image again."),
                        "invalid": _("No file was sent. Choose the image again.")},
        widget=forms.FileInput(attrs={"accept": ACCEPT}))
    image_remove = forms.BooleanField(label=_("Remove the current image"), required=False)
    image_alt = _text(_("Image description (alt text)"), 300, help_text=_(
        "Required with an image: what it shows, for people who cannot see it."))
    image_credit = _text(_("Image credit"), 200, help_text=_(
        "Required with an image: who took or made it, e.g. “© Fuchu City”."))

    def __init__(self, *args, local_government, event: Event | None = None, **kwargs):
        self.local_government = local_government
        self.event = event
        if "initial" not in kwargs:
            kwargs["initial"] = (event_initial(event) if event is not None else {
                "time_zone": selectors_officer.default_time_zone(local_government)})
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self._split_pasted_points(self.data)
        self.fields["latitude"].help_text = " ".join([
            gettext("The place on the map, in degrees (WGS 84): latitude e.g. 35.6689, "
                    "longitude e.g. 139.4776. A “latitude, longitude” pair copied from a map "
                    "application may be pasted into the latitude field."),
            *([gettext("Or click on the map below.")] if settings.MAP_TILE_URL else [])])
        self.fields["time_zone"].choices = time_zone_choices(
            local_government, event.time_zone if event is not None else "")
        self.fields["landmark"].queryset = selectors_officer.landmark_choices(
            local_government)
        if event is None or not event.image:
            del self.fields["image_remove"]
        self.warning = None
        self.warnings: list[EventWarning] = []
        self.time_warnings: list[EventWarning] = []
        self._describe()

    @staticmethod
    def _split_pasted_points(data):
        """``data`` with a "latitude, longitude" pair pasted into a latitude field split
        into both fields (when the longitude field is empty or has the same value)."""
        pairs = (("latitude", "longitude"), ("new_landmark_latitude", "new_landmark_longitude"))
        found = {}
        for lat_name, lon_name in pairs:
            pair = split_point_pair(data.get(lat_name, ""))
            lon = (data.get(lon_name) or "").strip()
            if pair is not None and (not lon or lon == pair[1]):
                found[lat_name], found[lon_name] = pair
        if not found:
            return data
        data = data.copy()
        for name, value in found.items():
            data[name] = value
        return data

    def clean_start_date(self):
        value = self.cleaned_data.get("start_date")
        if value is not None:
            validate_date_in_range(value)
        return value

    def clean_end_date(self):
        value = self.cleaned_data.get("end_date")
        if value is not None:
            validate_date_in_range(value)
        return value

    def clean_time_zone(self):
        value = self.cleaned_data.get("time_zone", "")
        validate_time_zone(value)
        return value

    def clean_image(self):
        file = self.cleaned_data.get("image")
        if file:
            image_check(file)
        return file

    def clean(self):
        data = super().clean()
        errors = self.errors

        def add(name, error):
            if name not in errors:
                self.add_error(name, error)

        if not (data.get("title_ja") or data.get("title_en")) and not (
                {"title_ja", "title_en"} & errors.keys()):
            add("title_ja", ValidationError(
                _("Give the event a title in Japanese or English."), code="title_required"))
        self._clean_times(data, add)
        # The landmark.
        has_new = bool(data.get("new_landmark_name_ja") or data.get("new_landmark_name_en"))
        new_point = (data.get("new_landmark_latitude"), data.get("new_landmark_longitude"))
        if any(v is not None for v in new_point) and not has_new:
            add("new_landmark_name_ja", ValidationError(
                _("Give the new landmark's name (or empty its latitude and longitude)."),
                code="landmark_name_required"))
        if (new_point[0] is None) != (new_point[1] is None):
            missing = "new_landmark_latitude" if new_point[0] is None else (
                "new_landmark_longitude")
            add(missing, ValidationError(_("Enter both latitude and longitude, or neither."),
                                         code="point_incomplete"))
        if data.get("landmark") and has_new:
            add("landmark", ValidationError(
                _("Either choose a landmark from the list or give a new one, not both."),
                code="landmark_both"))
        if (data.get("kind") == EventKind.LIGHT_UP and not data.get("landmark")
                and not has_new and "landmark" not in errors):
            add("landmark", ValidationError(
                _("A light-up names the landmark lit in blue: choose one from the list or "
                  "give the name of a new one."), code="landmark_required"))
        point = (data.get("latitude"), data.get("longitude"))
        if (point[0] is None) != (point[1] is None):
            add("latitude" if point[0] is None else "longitude", ValidationError(
                _("Enter both latitude and longitude, or neither."), code="point_incomplete"))
        # The image.
        remove = data.get("image_remove")
        if data.get("image") and remove:
            add("image_remove", ValidationError(
                _("Either choose a new image or remove the current one, not both."),
                code="image_remove_and_upload"))
        has_image = bool(data.get("image")) or "image" in errors or (
            self.event is not None and bool(self.event.image) and not remove)
        if has_image and not data.get("image_alt"):
            add("image_alt", ValidationError(
                _("Describe the image in a few words: people who cannot see it hear this "
                  "text."), code="image_alt_required"))
        if has_image and not data.get("image_credit"):
            add("image_credit", ValidationError(
                _("Say who took or made the image (e.g. “© Fuchu City”)."),
                code="image_credit_required"))
        if not self.errors:
            warnings = [light_up_warning(data.get("kind", ""), data.get("start_date"),
                                         data.get("end_date") or data.get("start_date")),
                        *self.time_warnings]
            self.warnings = [w for w in warnings if w is not None]
            self.warning = (EventWarning(code=self.warnings[0].code, message=" ".join(
                w.message for w in self.warnings)) if self.warnings else None)
        return data

    def _clean_times(self, data, add) -> None:
        """The dates and times as aware ``starts_at``/``ends_at`` in the chosen zone
        (``validation.aware_local_time``): a time skipped by a clock change is refused on
        its field, a time that happens twice is the first one (a warning says so); an end
        before the start, or a timed event that ends the moment it starts ("19:00–19:00",
        a typo), is refused."""
        self.time_warnings = []
        start_date, end_date = data.get("start_date"), data.get("end_date")
        if start_date is None:
            return
        end_date = end_date or start_date
        if data.get("all_day"):
            if end_date < start_date and "end_date" not in self.errors:
                add("end_date", end_before_start_error())
            data["starts_at"] = data["ends_at"] = None
            data["end_date"] = end_date
            return
        start_time, end_time = data.get("start_time"), data.get("end_time")
        if start_time is None and "start_time" not in self.errors:
            add("start_time", ValidationError(
                _("Enter the start time, or tick “All day”."), code="start_time_required"))
        if end_time is None and "end_time" not in self.errors:
            add("end_time", ValidationError(
                _("Enter the end time, or tick “All day”."), code="end_time_required"))
        if start_time is None or end_time is None or "time_zone" in self.errors:
            return
        moments = {}
        for name, day, time in (("start_time", start_date, start_time),
                                ("end_time", end_date, end_time)):
            try:
                moments[name], warning = aware_local_time(day, time, data["time_zone"])
            except ValidationError as error:  # a time skipped when the clocks go forward
                add(name, error)
                continue
            if warning is not None:
                self.time_warnings.append(warning)
        if len(moments) < 2:
            return
        # Compared in UTC (aware datetimes of one zone compare by their wall-clock times).
        starts_at = moments["start_time"].astimezone(datetime.UTC)
        ends_at = moments["end_time"].astimezone(datetime.UTC)
        if ends_at < starts_at and "end_date" not in self.errors:
            add("end_time" if end_date == start_date else "end_date",
                end_before_start_error())
        elif ends_at == starts_at and "end_date" not in self.errors:
            add("end_time", ValidationError(
                _("The event ends the moment it starts (%(start)s–%(end)s). Enter the time it "
                  "ends, or tick “All day” if it has no times."),
                code="end_equals_start",
                params={"start": f"{start_time:%H:%M}", "end": f"{end_time:%H:%M}"}))
        data["starts_at"], data["ends_at"] = moments["start_time"], moments["end_time"]
        data["end_date"] = end_date

    def to_input(self, partners: list[PartnerInput]) -> EventInput:
        """The cleaned values as the services' ``EventInput``."""
        data = self.cleaned_data
        new_landmark = None
        if data.get("new_landmark_name_ja") or data.get("new_landmark_name_en"):
            new_landmark = LandmarkInput(
                name_ja=data["new_landmark_name_ja"], name_en=data["new_landmark_name_en"],
                latitude=data.get("new_landmark_latitude"),
                longitude=data.get("new_landmark_longitude"))
        names = ("kind", "title_ja", "title_en", "description_ja", "description_en",
                 "time_zone", "venue", "address", "online_url", "registration_url",
                 "accessibility", "image_alt", "image_credit")
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None and longitude is None and new_landmark is not None
                and new_landmark.latitude is not None):
            # A new landmark's point is where the light-up is seen.
            latitude, longitude = new_landmark.latitude, new_landmark.longitude
        return EventInput(
            **{name: data.get(name) or "" for name in names},
            all_day=bool(data.get("all_day")), starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"), start_date=data.get("start_date"),
            end_date=data.get("end_date"), landmark=data.get("landmark"),
            new_landmark=new_landmark, latitude=latitude, longitude=longitude,
            partners=tuple(partners))

    def add_service_errors(self, error: ValidationError) -> list[str]:
        return add_service_errors(self, error)


def add_service_errors(form: forms.Form, error: ValidationError) -> list[str]:
    """Put a service's refusals on the fields of ``form`` they name; return the messages
    that name no field of it (for the page's error summary)."""
    others: list[str] = []
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            if name in form.fields:
                form.add_error(name, errors)
            else:
                others.extend(m for e in errors for m in e.messages)
    else:
        others.extend(error.messages)
    form._describe()
    return others


def time_zone_choices(local_government, current: str = "") -> list:
    """The time zone choices: the local government's zones (and ``current``, the event's
    own) first in a group of their own, then all the others (``time_zone_names``)."""
    from withrefugees.campaign.services import local_government_time_zones

    names = time_zone_names()
    offered = set(names)
    first = [z.key for z in local_government_time_zones(local_government)]
    if not first:
        first = [selectors_officer.default_time_zone(local_government)]
    if current:
        first.append(current)
    first = [n for i, n in enumerate(first) if n in offered and n not in first[:i]]
    rest = [(n, n) for n in names if n not in first]
    if not first:
        return rest
    return [(gettext("Your local government's time zone"), [(n, n) for n in first]),
            (gettext("All time zones"), rest)]


def event_initial(event: Event) -> dict:
    """The form's initial values of ``event``: times in its own time zone."""
    initial = {name: getattr(event, name) for name in (
        "kind", "title_ja", "title_en", "description_ja", "description_en", "all_day",
        "time_zone", "venue", "address", "latitude", "longitude", "online_url",
        "registration_url", "accessibility", "image_alt", "image_credit", "start_date",
        "end_date")}
    initial["landmark"] = event.landmark_id
    if not event.all_day and event.starts_at and event.ends_at:
        try:
            zone = zoneinfo.ZoneInfo(event.time_zone)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            zone = timezone.get_default_timezone()
        starts, ends = timezone.localtime(event.starts_at, zone), timezone.localtime(
            event.ends_at, zone)
        initial.update(start_date=starts.date(), start_time=starts.time(),
                       end_date=ends.date(), end_time=ends.time())
    return initial


class PartnerForm(AccessibleForm):
    """One partner row; a row without a name is left out."""

    kind = forms.ChoiceField(label=_("Kind of partner"), required=False,
                             choices=[("", "—"), *PartnerKind.choices],
                             error_messages={"invalid_choice": _("Choose a kind from the "
                                                                 "list.")})
    name = _text(_("Name of the partner"), 200)

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("kind") and "kind" not in self.errors:
            self.add_error("kind", ValidationError(
                _("Choose the kind of this partner (or “other”)."),
                code="partner_kind_required"))
        return data


class BasePartnerFormSet(forms.BaseFormSet):
    def partners(self) -> list[PartnerInput]:
        return [PartnerInput(kind=f.cleaned_data["kind"], name=f.cleaned_data["name"])
                for f in self.forms if f.cleaned_data.get("name")]


PartnerFormSet = formset_factory(
    PartnerForm, formset=BasePartnerFormSet, extra=PARTNER_EXTRA_ROWS,
    max_num=MAX_PARTNERS, validate_max=True, absolute_max=MAX_PARTNERS + PARTNER_EXTRA_ROWS)


def partner_formset(event: Event | None, data=None) -> BasePartnerFormSet:
    initial = ([{"kind": p.kind, "name": p.name} for p in event.partners.all()]
               if event is not None else [])
    return PartnerFormSet(data, prefix="partners", initial=initial)


class ReportForm(AccessibleForm):
    report = _text(_("Report after the event"), 5000, name=False, rows=8, help_text=_(
        "A few lines: how it went, how many people came, what people said."))


class PhotoForm(AccessibleForm):
    image = forms.FileField(
        label=_("Photo"), help_text=_("A PNG, JPEG, WebP or GIF picture, at most 10 MB."),
        error_messages={"required": _("Choose the photo file."),
                        "empty": _("The file sent is empty. Choose the photo again."),
                        "invalid": _("No file was sent. Choose the photo again.")},
        widget=forms.FileInput(attrs={"accept": ACCEPT}))
    alt = forms.CharField(
        label=_("Description (alt text)"), max_length=300,
        validators=[no_invisible_characters_in_name],
        help_text=_("What the photo shows, for people who cannot see it."),
        error_messages={"required": _("Describe the photo in a few words: people who cannot "
                                      "see it hear this text.")})
    credit = forms.CharField(
        label=_("Credit"), max_length=200, validators=[no_invisible_characters_in_name],
        help_text=_("Who took the photo, e.g. “© Fuchu City”."),
        error_messages={"required": _("Say who took the photo.")})

    def clean_image(self):
        file = self.cleaned_data.get("image")
        if file:
            image_check(file)
        return file


# --- Support requests -----------------------------------------------------------------------
class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.start_date:%Y-%m-%d})"


class SupportRequestForm(AccessibleFormMixin, forms.Form):
    event = EventChoiceField(
        label=_("For this event"), required=False, queryset=None,
        empty_label=_("— not for a particular event —"),
        error_messages={"invalid_choice": _("Choose one of your events from the list.")})
    needed_from = _date_field(_("Needed from"))
    needed_by = _date_field(_("Needed until"), help_text=_(
        "E.g. the days of the exhibition or screening. Leave empty if it does not apply."))
    delivery_address = _text(_("Delivery address"), 500, name=False, rows=3, help_text=_(
        "Postal code and address, the name and department of the person who receives it, and "
        "their phone number (couriers in Japan need one)."))
    message = _text(_("Message to UNHCR"), 3000, name=False, rows=5)

    def __init__(self, *args, local_government, **kwargs):
        self.local_government = local_government
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = selectors_officer.supportable_events(local_government)
        self._describe()

    def clean_needed_from(self):
        value = self.cleaned_data.get("needed_from")
        if value is not None:
            validate_date_in_range(value)
        return value

    def clean_needed_by(self):
        value = self.cleaned_data.get("needed_by")
        if value is not None:
            validate_date_in_range(value)
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("needed_from"), data.get("needed_by")
        if start and end and end < start and "needed_by" not in self.errors:
            self.add_error("needed_by", ValidationError(
                _("“Needed until” is before “needed from”. Check the dates."),
                code="needed_dates_order"))
        return data

    def add_service_errors(self, error: ValidationError) -> list[str]:
        return add_service_errors(self, error)


class SupportItemForm(AccessibleForm):
    """One thing asked for; a row left empty is left out."""

    kind = forms.ChoiceField(label=_("What"), required=False,
                             choices=[("", "—"), *SupportKind.choices],
                             error_messages={"invalid_choice": _("Choose from the list.")})
    quantity = forms.IntegerField(
        label=_("How many"), required=False, min_value=1, max_value=1_000_000,
        error_messages={"invalid": _("Enter a whole number, e.g. 50.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    description = _text(_("Details"), 500, help_text=_(
        "E.g. poster size, the film's title, the topic for a speaker."))

    def clean(self):
        data = super().clean()
        filled = data.get("quantity") is not None or data.get("description")
        if filled and not data.get("kind") and "kind" not in self.errors:
            self.add_error("kind", ValidationError(_("Choose what you ask for."),
                                                   code="item_kind_required"))
        return data


class BaseSupportItemFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.items():
            raise ValidationError(_("Say what you ask for (at least one item)."),
                                  code="items_required")

    def items(self) -> list[SupportItemInput]:
        return [SupportItemInput(kind=f.cleaned_data["kind"],
                                 quantity=f.cleaned_data.get("quantity"),
                                 description=f.cleaned_data.get("description") or "")
                for f in self.forms if getattr(f, "cleaned_data", None)
                and f.cleaned_data.get("kind")]


SupportItemFormSet = formset_factory(
    SupportItemForm, formset=BaseSupportItemFormSet, extra=ITEM_EXTRA_ROWS,
    max_num=MAX_ITEMS, validate_max=True, absolute_max=MAX_ITEMS + ITEM_EXTRA_ROWS)


def support_item_formset(data=None) -> BaseSupportItemFormSet:
    return SupportItemFormSet(data, prefix="items")
