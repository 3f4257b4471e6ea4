"""Folding of names and queries so that a Japanese officer's way of typing finds a place.

``fold("ｼﾌﾞﾔ") == fold("しぶや") == fold("シブヤ")`` and ``fold("澁谷") == fold("渋谷")``.

Rules, in order:
1. Unicode NFKC: full-width Latin letters and digits become ASCII, half-width katakana
   become full-width (Unicode Standard Annex #15).
2. Lower case.
3. Hiragana become katakana (jaconv.hira2kata); small ヶ/ヵ become ケ/カ (霞ヶ浦 = 霞ケ浦).
4. Old (旧字体) and variant kanji become the forms in the Jōyō kanji list and in
   current official municipality names (the table below; e.g. 澤→沢, 邊/邉→辺, 﨑→崎).
5. Runs of white space, middle dots, hyphens and "|" become one space.
"""

import re
import unicodedata

import jaconv

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
    "埜": "野", "峯": "峰", "舩": "船", "邨": "村", "ヶ": "ケ", "ヵ": "カ",
}
_TRANSLATE = str.maketrans(KANJI_VARIANTS)
_SPACES = re.compile(r"[\s・･\-‐－―|]+")  # "|" separates names in search keys


def fold(text: str | None) -> str:
    """Return ``text`` folded for matching (see the module docstring); ``""`` for None."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    text = jaconv.hira2kata(text)
    text = text.translate(_TRANSLATE)
    return _SPACES.sub(" ", text).strip()


def search_key(*parts: str | None) -> str:
    """Folded ``parts`` joined by ``|`` (a character no folded query contains)."""
    return "|".join(p for p in (fold(x) for x in parts) if p)
