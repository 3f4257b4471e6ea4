"""Folding of names and queries so that the way a person types a name finds the place.

``fold("ｼﾌﾞﾔ") == fold("しぶや") == fold("シブヤ")``, ``fold("澁谷") == fold("渋谷")``,
``fold("Bunkyō") == fold("Bunkyou") == fold("bunkyo")``, ``fold("ジュネーヴ") == fold("ジュネーブ")``,
``fold("Genève") == fold("geneve")`` and ``fold("葛\U000E0100飾区") == fold("葛飾区")``.

Rules, in order (each folds both the stored names and what is typed, so it works both ways):

1. Variation selectors are removed: U+180B–U+180D, U+180F, U+FE00–U+FE0F and
   U+E0100–U+E01EF (the ``Variation_Selector`` property of Unicode's PropList.txt). They
   only choose a glyph (e.g. an Ideographic Variation Sequence of the Adobe-Japan1
   collection for 葛), never another character (The Unicode Standard, §23.4).
2. Unicode NFKC: full-width Latin letters and digits become ASCII, half-width katakana
   become full-width (Unicode Standard Annex #15).
3. Case folding (``str.casefold``: Unicode default caseless matching, §3.13; ß → ss).
4. Accents on Latin letters are removed (``Genève`` → ``geneve``, ``Bunkyō``/``Bunkyô`` →
   ``bunkyo``): the canonical decomposition (NFD) without its combining marks, as at the
   primary strength of the Unicode Collation Algorithm (UTS #10), plus the Latin letters
   that have no decomposition (ø, ł, đ, æ, œ, ı, þ, ð, ħ, ə), transliterated as in
   ``scripts/build_reference_data.py``'s ASCII names.
5. Hiragana become katakana (jaconv.hira2kata).
6. Old (旧字体) and variant kanji become the forms in the Jōyō kanji list and in current
   official municipality names (``KANJI_VARIANTS``; e.g. 澤→沢, 邊/邉→辺, 﨑→崎).
7. Katakana spelling variants become one form:
   - ヴァ ヴィ ヴ ヴェ ヴォ (ヴュ) → バ ビ ブ ベ ボ (ビュ), and ヷ ヸ ヹ ヺ: the Cabinet notice on the
     writing of loanwords (外来語の表記, 内閣告示第2号, 1991) allows both spellings;
   - small vowels ァ ィ ゥ ェ ォ and ヮ, ヵ, ヶ become large (ウィーン = ウイーン, 霞ヶ浦 = 霞ケ浦),
     as the same notice allows either for many loanwords;
   - ヂ ヅ → ジ ズ and the historical ヰ ヱ → イ エ (Modern kana usage, 現代仮名遣い,
     内閣告示第1号, 1986, writes じ/ず, い/え in general, so people type those).
8. Romaji spelling variants become the simplified Hepburn form used by the reference data
   (``Bunkyo``, ``Osaka``). Applied to all Latin text, world names too (``Commune`` →
   ``conmune``): folded names are only compared with each other, never shown.
   - long vowels written ``ou``, ``oo``, ``uu`` or ``oh`` (before a consonant or at the end of
     a word: ``Ohta``, ``Satoh``) become one vowel; macrons and circumflexes are gone by
     rule 4 (Hepburn romanisation: ō/ū in revised Hepburn, ô/û in Kunrei-shiki, ``oh`` in
     the passport spelling of the Ministry of Foreign Affairs);
   - ``m`` before ``b``, ``m``, ``p`` becomes ``n`` (traditional Hepburn writes 群馬 Gumma,
     紋別 Mombetsu; revised Hepburn Gunma, Monbetsu);
   - the apostrophe after a syllabic n (Hepburn ``Shin'ya``) is removed.
9. Runs of white space, middle dots, hyphens and "|" become one space.

Changing any rule changes the stored search keys: raise ``FOLDING_VERSION`` so that
``load_reference_data`` (``manage.py release``) rebuilds them.
"""

import re
import unicodedata

import jaconv

# Bump when fold(), search_key() or romaji_names() changes: stored keys are then rebuilt
# on the next load (places.services.reference_data_load).
FOLDING_VERSION = "4"

_VARIATION_SELECTORS = re.compile("[\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef]")

# Latin letters with no canonical decomposition (rule 4); lower case, as after casefold().
_LATIN_LETTERS = str.maketrans({
    "ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d",
    "ħ": "h", "ə": "a",
})

# Old or variant form -> form used in current municipality names (JIS X 0402 list).
KANJI_VARIANTS = {
    "澁": "渋", "澤": "沢", "邊": "辺", "邉": "辺", "齋": "斎", "齊": "斉", "嶋": "島", "嶌": "島", "廣": "広",
    "櫻": "桜", "龍": "竜", "國": "国", "縣": "県", "關": "関", "濱": "浜", "條": "条", "檜": "桧", "鄕": "郷",
    "髙": "高", "﨑": "崎", "寶": "宝", "德": "徳", "眞": "真", "圓": "円", "藏": "蔵", "驛": "駅", "淺": "浅",
    "萬": "万", "會": "会", "與": "与", "舊": "旧", "豐": "豊", "靜": "静", "榮": "栄", "營": "営", "惠": "恵",
    "兒": "児", "來": "来", "黑": "黒", "晝": "昼", "鹽": "塩", "實": "実", "亞": "亜", "惡": "悪", "壓": "圧",
    "圍": "囲", "醫": "医", "爲": "為", "壹": "壱", "隱": "隠", "衞": "衛", "驗": "験", "險": "険", "學": "学",
    "嶽": "岳", "樂": "楽", "氣": "気", "歸": "帰", "莊": "荘", "錢": "銭", "壽": "寿", "收": "収", "從": "従",
    "處": "処", "燒": "焼", "將": "将", "燈": "灯", "當": "当", "黨": "党", "嶹": "島", "冨": "富", "﨟": "臈",
    "𠮷": "吉", "晉": "晋", "瀨": "瀬", "曾": "曽", "莖": "茎", "螢": "蛍", "禮": "礼", "滿": "満", "彌": "弥",
    "埜": "野", "峯": "峰", "舩": "船", "邨": "村",
}
# Katakana variants (rule 7), applied after hira2kata.
KANA_VARIANTS = {
    "ヵ": "カ", "ヶ": "ケ", "ァ": "ア", "ィ": "イ", "ゥ": "ウ", "ェ": "エ", "ォ": "オ", "ヮ": "ワ",
    "ヂ": "ジ", "ヅ": "ズ", "ヰ": "イ", "ヱ": "エ",
    "ヷ": "バ", "ヸ": "ビ", "ヹ": "ベ", "ヺ": "ボ",
}
_TRANSLATE = str.maketrans({**KANJI_VARIANTS, **KANA_VARIANTS})
_VU = re.compile("ヴ([ァィゥェォャュョ]?)")
_VU_ROW = {"ァ": "バ", "ィ": "ビ", "ゥ": "ブ", "ェ": "ベ", "ォ": "ボ", "ャ": "ビャ", "ュ": "ビュ",
           "ョ": "ビョ", "": "ブ"}

_APOSTROPHES = re.compile("['’ʼ‘`]")
_LONG_O = re.compile(r"o(?:[ou]|h(?![aeiouy]))+")  # ou, oo, oh not before a vowel → o
_LONG_U = re.compile(r"uu+")
_M_BEFORE_LABIAL = re.compile(r"m(?=[bmp])")
_SPACES = re.compile(r"[\s・･\-‐－―|]+")  # "|" separates names in search keys


def _strip_latin_marks(text: str) -> str:
    """Rule 4: drop the combining marks that follow a Latin letter (kana keep theirs)."""
    if text.isascii():
        return text
    out: list[str] = []
    latin = False
    for ch in unicodedata.normalize("NFD", text.translate(_LATIN_LETTERS)):
        if unicodedata.combining(ch):
            if not latin:
                out.append(ch)
            continue
        latin = "a" <= ch <= "z"
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _fold_romaji(text: str) -> str:
    """Rule 8 (only ASCII letters are affected)."""
    text = _APOSTROPHES.sub("", text)
    text = _LONG_O.sub("o", text)
    text = _LONG_U.sub("u", text)
    return _M_BEFORE_LABIAL.sub("n", text)


def normalise(text: str | None) -> str:
    """``text`` as typed, with only rules 1, 2 and 9 applied (no case, kana, kanji or
    romaji folding): what "the exact official name" means when ranking (鹿嶋市 ≠ 鹿島市).
    ``""`` for None."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", _VARIATION_SELECTORS.sub("", text))
    return _SPACES.sub(" ", text).strip()


def fold(text: str | None) -> str:
    """Return ``text`` folded for matching (see the module docstring); ``""`` for None."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", _VARIATION_SELECTORS.sub("", text)).casefold()
    text = text.replace("\u200c", "").replace("\u200d", "")  # joiners: shaping, not identity
    text = _strip_latin_marks(text)
    text = jaconv.hira2kata(text)
    text = _VU.sub(lambda m: _VU_ROW[m[1]], text).translate(_TRANSLATE)
    text = _fold_romaji(text)
    return _SPACES.sub(" ", text).strip()


def search_key(*parts: str | None) -> str:
    """Folded ``parts`` joined by ``|`` (a character no folded query contains), each once."""
    return "|".join(dict.fromkeys(p for p in (fold(x) for x in parts) if p))


# Romaji of the kind suffix of a Japanese local government, by the last character of its
# official name (the kinds of the Local Autonomy Act, 地方自治法: 都道府県 and 市町村 and the
# special wards 特別区), in Hepburn. 町 and 村 are read チョウ/マチ and ソン/ムラ depending on
# the place; both readings are accepted.
ROMAJI_SUFFIXES = {
    "都": ("to",), "道": ("do",), "府": ("fu",), "県": ("ken",), "市": ("shi",), "区": ("ku",),
    "町": ("cho", "machi"), "村": ("son", "mura"),
}
# English kind words of the reference data's English names ("Shibuya City", "Kumano Town").
_ENGLISH_KIND = re.compile(r" (city|town|village|ward|prefecture|metropolis)$")


def romaji_names(name: str, name_en: str) -> list[str]:
    """The romaji names of a Japanese local government with its kind suffix, as people
    write them: ``romaji_names("渋谷区", "Shibuya City") == ["shibuya ku", "shibuyaku"]``
    (``Shibuya-ku`` folds to the first), ``("北海道", "Hokkaido") → ["hokkai do",
    "hokkaido", "hokkaido do", "hokkaidodo"]``, ``("新宿区", "Shinjuku City") → ["shinju ku",
    "shinjuku", "shinjuku ku", "shinjukuku"]``, ``("熊野町", "Kumano Town") → ["kumano cho", "kumanocho", "kumano machi",
    "kumanomachi"]``. Folded. ``[]`` when the name has no kind suffix or no English name."""
    suffixes = ROMAJI_SUFFIXES.get((name or "")[-1:], ())
    base = _ENGLISH_KIND.sub("", fold(name_en))
    if not base:
        return []
    names: list[str] = []
    for suffix in suffixes:
        if base.endswith(suffix) and len(base) > len(suffix):  # Hokkaido = Hokkai-do
            names += [f"{base[:-len(suffix)].strip()} {suffix}", base]
        # and always the name with the suffix added: Shinjuku → Shinjuku-ku (the English
        # name ends in "ku" by chance), Akashi → Akashi-shi, Maebashi → Maebashi-shi
        names += [f"{base} {suffix}", f"{base}{suffix}"]
    return list(dict.fromkeys(names))
