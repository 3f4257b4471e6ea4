"""Reference data: countries (ISO 3166-1), regions (ISO 3166-2, incl. the 47 prefectures),
local governments (Japan: JIS X 0402; world: GeoNames cities; or entered by a signer)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from withrefugees.core.models import BilingualMixin

from .folding import romaji_names, search_key


def _is_ja() -> bool:
    return (get_language() or "ja").startswith("ja")


class BilingualNameMixin(BilingualMixin):
    """``name``: the name in the active language (``name_ja``/``name_en``), else the other."""

    @property
    def name(self) -> str:
        return self.localised("name")

    def __str__(self) -> str:
        return self.name


class Country(BilingualNameMixin, models.Model):
    """A country by its ISO 3166-1 alpha-2 code, with names in ja and en."""

    code = models.CharField(_("ISO 3166-1 code"), max_length=2, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_en"]


class Region(BilingualNameMixin, models.Model):
    """A first-level subdivision (ISO 3166-2), e.g. ``JP-13`` 東京都."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="regions",
                                verbose_name=_("country"))
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_ja = models.CharField(_("name (Japanese)"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]


class LocalGovernmentQuerySet(models.QuerySet):
    def with_places(self) -> "LocalGovernmentQuerySet":
        return self.select_related("country", "region")


class LocalGovernment(BilingualMixin, models.Model):
    """A city, town, village, ward, prefecture or region that can sign the statement.

    Japanese entries carry their JIS X 0402 code (6 digits with check digit); world cities
    their GeoNames id; entries typed in by a signer have neither (``source=submitted``).
    """

    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("prefecture")
        DESIGNATED_CITY = "designated_city", _("designated city")
        CITY = "city", _("city")
        SPECIAL_WARD = "special_ward", _("special ward")
        TOWN = "town", _("town")
        VILLAGE = "village", _("village")
        WORLD_CITY = "world_city", _("city (outside Japan)")
        OTHER = "other", _("other local or regional government")

    class DataSource(models.TextChoices):
        JIS = "jis_x0402", _("JIS X 0402 code list")
        GEONAMES = "geonames", _("GeoNames")
        SUBMITTED = "submitted", _("entered by a signer")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=20, choices=DataSource.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("country"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("region / prefecture"))
    region_text = models.CharField(_("region (as entered)"), max_length=150, blank=True)
    jis_code = models.CharField(_("local government code (JIS X 0402)"), max_length=6,
                                unique=True, null=True, blank=True)
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), unique=True, null=True,
                                              blank=True)
    name = models.CharField(_("official name"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    reading = models.CharField(_("reading (katakana)"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # GeoNames alternate names in Latin letters or kana, "|"-separated ("Genève|Genf|…" for
    # Geneva): found by the search and by the "not in the list" duplicate check.
    alternate_names = models.TextField(
        _("alternate names"), blank=True, default="",
        help_text=_("Other names of the place (other languages, former names), separated "
                    "by “|”. Found by the search; not shown on public pages."))
    search_key = models.TextField(editable=False, default="")

    objects = LocalGovernmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("local government")
        verbose_name_plural = _("local governments")
        constraints = [
            models.CheckConstraint(
                condition=Q(jis_code__isnull=True) | Q(jis_code__regex=r"^[0-9]{6}$"),
                name="local_government_jis_code_6_digits",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["prefecture", "designated_city", "city", "special_ward",
                                      "town", "village", "world_city", "other"]),
                name="local_government_kind_valid",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90))
                & (Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180)),
                name="local_government_coordinates_valid",
            ),
            # A place typed in by signers exists once per country and folded name
            # (``places.services.local_government_submit`` relies on it under concurrency).
            models.UniqueConstraint(
                fields=["country", "search_key"], condition=Q(source="submitted"),
                name="one_submitted_place_per_country_and_name",
            ),
        ]
        indexes = [models.Index(fields=["country", "kind"])]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        self.search_key = self.build_search_key()
        super().save(*args, **kwargs)

    def build_search_key(self) -> str:
        """The folded names a search matches, separated by ``|`` (see ``places.folding``):
        official name, Japanese name, katakana reading, English name, for the JIS X 0402
        list the romaji name with its kind suffix (``shibuya ku|shibuyaku``:
        ``folding.romaji_names``), then the alternate names (``genf|ginevra|…``). Stored in
        ``search_key``; rebuilt on save and by ``load_reference_data`` when the data or
        ``folding.FOLDING_VERSION`` changes."""
        romaji = romaji_names(self.name, self.name_en) if self.source == self.DataSource.JIS \
            else []
        return search_key(self.name, self.name_ja, self.reading, self.name_en, *romaji,
                          *(self.alternate_names or "").split("|"))

    @property
    def display_name(self) -> str:
        """Name in the active language (Japanese name in ja, English name in en), else the
        official name as entered."""
        return self.localised("name", fallback=False, default=self.name)

    @property
    def area_name(self) -> str:
        """What tells same-name places apart: the prefecture in Japan, else the country."""
        if self.country_id == "JP":
            if self.kind == self.Kind.PREFECTURE:
                return ""
            return self.region.name if self.region else ""
        parts = [self.region.name if self.region else self.region_text, self.country.name]
        return ", ".join(p for p in parts if p)

    @property
    def label(self) -> str:
        """``府中市（東京都）`` in ja, ``Fuchu City (Tokyo)`` in en; never ambiguous."""
        area = self.area_name
        if not area:
            return self.display_name
        return f"{self.display_name}（{area}）" if _is_ja() else f"{self.display_name} ({area})"


class ReferenceDataset(models.Model):
    """Which version (SHA-256 of its source file) of a dataset is loaded, so a re-run of
    ``load_reference_data`` with unchanged files does nothing."""

    name = models.CharField(_("dataset"), max_length=50, unique=True)
    checksum = models.CharField(_("SHA-256 of the source"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("reference dataset")
        verbose_name_plural = _("reference datasets")

    def __str__(self) -> str:
        return self.name
