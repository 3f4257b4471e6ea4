"""Rules that say whether typed text names a local government (pure functions, no queries).

Every app that lets a person type a place name (the sign form, and later the workspace,
events, residents and the API) uses these through ``places.selectors``
(``local_government_resolve``, ``local_government_listed_match``); they are public so that
a caller holding a ``LocalGovernment`` can apply one rule on its own.

All comparisons are made on folded text (``places.folding.fold``: width, case, kana
variants, old kanji forms, variation selectors, accents and romaji long vowels do not
matter) against ``LocalGovernment.search_key`` (the folded official name, Japanese name,
katakana reading, English name and romaji names with kind suffix, separated by ``|``).
"""

import re

from django.utils import translation

from .folding import ROMAJI_SUFFIXES, fold
from .models import LocalGovernment

# What may follow a name typed without its suffix: 渋谷 → 渋谷区, しぶや → シブヤク,
# shibuya → "Shibuya City". Sources: the kinds of local government in the Local Autonomy Act
# (都道府県, 市区町村) with their katakana readings as in the JIS X 0402 list (ト, ドウ, フ,
# ケン, シ, ク, チョウ/マチ, ソン/ムラ), and the English suffixes of the names in that list
# ("… City", "… Town", "… Village", "… Prefecture", "Tokyo Metropolis") and of special wards
# in common use ("… Ward"), and their Hepburn romaji (``Shibuya-ku``, ``Yokohama-shi``,
# ``Kanagawa-ken``, ``Kumano-cho``/``-machi``, ``-son``/``-mura``, ``Tokyo-to``, ``Osaka-fu``,
# ``Hokkai-do``: ``folding.ROMAJI_SUFFIXES``). All folded (lower case, katakana; ``-chō``
# and ``-chou`` fold to ``cho``).
NAME_SUFFIXES = frozenset({
    "", "都", "道", "府", "県", "市", "区", "町", "村",
    "ト", "ドウ", "フ", "ケン", "シ", "ク", "チョウ", "マチ", "ソン", "ムラ",
    "city", "town", "village", "ward", "prefecture", "metropolis",
    *(suffix for suffixes in ROMAJI_SUFFIXES.values() for suffix in suffixes),
})

# Words around a place name that are not part of it: "Paris City", "City of Paris",
# "Commune de Paris", "Comune di Roma", "Stadt Wien". English and the commonest European
# forms of the words for a municipality; Japanese suffixes are handled by NAME_SUFFIXES.
# Written as folded (``fold("commune") == "conmune"``: romaji rules apply to all Latin text).
_PREFIX_WORDS = ["city", "town", "village", "municipality", "commune", "ville", "comune",
                 "gemeinde", "stadt"]
_SUFFIX_WORDS = ["city", "town", "village", "municipality", "prefecture"]
_AFFIXES = re.compile(rf"^({'|'.join(map(fold, _PREFIX_WORDS))})( of| de| di)? "
                      rf"| ({'|'.join(map(fold, _SUFFIX_WORDS))})$")


def core_name(name: str) -> str:
    """``name`` folded, without words such as "City of" / "City" around it.

    ``core_name("City of Paris") == core_name("Paris City") == core_name("PARIS") == "paris"``.
    Returns ``""`` for empty text.
    """
    return _AFFIXES.sub("", fold(name)).strip()


def is_exact_match(lg: LocalGovernment, query: str) -> bool:
    """True when ``query`` is one of ``lg``'s names, possibly without its kind suffix.

    ``渋谷区``, ``渋谷``, ``しぶや``, ``シブヤク``, ``shibuya``, ``Shibuya City``,
    ``Shibuya-ku`` and ``Shibuyaku`` all match 渋谷区; ``渋`` (a prefix that is not a
    whole name) and ``府中市（東京都）`` (a label) do not. The suffixes allowed are
    ``NAME_SUFFIXES``. An empty query matches nothing.
    """
    q = fold(query)
    if not q:
        return False
    for key in lg.search_key.split("|"):
        if key.startswith(q) and key[len(q):].strip() in NAME_SUFFIXES:
            return True
    return False


def still_names(lg: LocalGovernment, query: str) -> bool:
    """True when the typed ``query`` still stands for the chosen ``lg``.

    That is: ``lg``'s label in either language (``府中市（東京都）``, ``Fuchu City (Tokyo)``,
    as the autocomplete fills it in), one of its names, or a part of a name that was searched
    for before choosing from the list (``府中``). Any other text means the person changed
    their mind after choosing, and the text wins. An empty ``query`` returns False: whether
    an empty field keeps an earlier choice is the caller's rule (``local_government_resolve``
    keeps it). The label is read from ``lg.region`` and
    ``lg.country``: pass rows loaded with ``LocalGovernment.objects.with_places()``.
    """
    q = fold(query)
    if not q:
        return False
    labels = set()
    for language in ("ja", "en"):
        with translation.override(language):
            labels.add(fold(lg.label))
    return q in labels or any(key and q in key for key in lg.search_key.split("|"))
