"""Checkable facts of a headline — numbers, dates, names — looked up in its article.

Everything is compared on a normalised form (:func:`normalize_text`): NFKC (Chinese
full-width letters and digits), case folded, accents stripped, curly quotes straight,
dotted acronyms closed up ("U.S." = "US"). Latin-script names match on word
boundaries, Chinese ones as substrings (no spaces to match on). A name may be a
shorter or longer form of the article's: any distinctive word of it ("Obama" for
"Barack Obama" and the reverse; not "New" or "United"), a demonym or alias ("Indian"
for "India", "US" for "United States"), initials ("UN" for "United Nations"), 北大
for 北京大学 (a Chinese abbreviation keeps its characters in order), a few common
Chinese short forms (:data:`ZH_ALIASES`), or, for a Chinese span of 4+ characters
(the recogniser's 阿里利润), half of its characters in pairs the article has.

Names come from the entity recogniser (spaCy, LAC) and, in a sentence-case English
headline, from capitalised words that do not open a sentence or clause. Title-case
headlines ("Phelps Seeks More Gold") give the recogniser spans that swallow verbs;
matching on any distinctive word keeps those from rejecting true headlines.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from tidings.headlines.numbers import find_numbers, number_supported
from tidings.nlp.entities import extract_entities

__all__ = ["ArticleFacts", "missing_facts", "normalize_text"]

_ACRONYM = re.compile(r"\b[A-Za-z](?:\.[A-Za-z])+\.?")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9'&.]*[a-z0-9]|[a-z0-9]")
#: Chinese short forms a headline uses for a name the article writes out.
ZH_ALIASES: dict[str, tuple[str, ...]] = {
    "央行": ("中国人民银行", "人民银行", "中央银行"),
    "人大": ("人民代表大会",),
    "全国人大": ("全国人民代表大会",),
    "政协": ("政治协商会议",),
    "联合国": ("联合国",),
    "欧盟": ("欧洲联盟",),
    "美": ("美国",),
    "中": ("中国",),
    "英": ("英国",),
    "日": ("日本",),
    "俄": ("俄罗斯",),
    "沪": ("上海",),
    "京": ("北京",),
    "港": ("香港",),
    "深": ("深圳",),
    "台": ("台湾",),
    "发改委": ("发展和改革委员会", "发展改革委"),
    "证监会": ("证券监督管理委员会",),
    "银监会": ("银行业监督管理委员会",),
    "国资委": ("国有资产监督管理委员会",),
    "工信部": ("工业和信息化部",),
}
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DATE_WORD = re.compile(
    r"\b(?:" + "|".join(_MONTHS[:4] + _MONTHS[5:] + _WEEKDAYS) + r"|sept?|oct|nov|dec|jan|feb"
    r"|aug)\b\.?"
)
_ZH_WEEKDAY = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天]")
_STOP = frozenset(["of", "the", "and", "for", "de", "la", "le", "du", "von", "van", "der", "al"])
_TITLE_WORDS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "president",
        "minister",
        "king",
        "queen",
        "prince",
        "pope",
        "sen",
        "gov",
        "rep",
        "ceo",
        "chief",
    ]
)


def normalize_text(text: str) -> str:
    """The form every comparison is made on (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = _ACRONYM.sub(lambda m: m.group().replace(".", ""), text)
    text = unicodedata.normalize("NFD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return unicodedata.normalize("NFC", text)


def _is_chinese(language: str | None) -> bool:
    return bool(language) and str(language).lower().startswith("zh")


class ArticleFacts:
    """An article's normalised text and numbers, computed once for many headlines."""

    def __init__(self, text: str, language: str | None) -> None:
        self.language = language
        self.norm = normalize_text(text)
        self.numbers = find_numbers(text)
        #: Initials of runs of capitalised words and of their parts ("United Nations
        #: and Indian" -> "un", "uni", "ni", ...), for acronyms.
        self.initials: set[str] = set()
        for run in re.findall(
            r"(?:[A-Z][\w'-]+\s+(?:(?:of|the|and|for)\s+)?){1,6}[A-Z][\w'-]+", text
        ):
            letters = [w[0].casefold() for w in run.split() if w.lower() not in _STOP]
            for i in range(len(letters)):
                for j in range(i + 2, len(letters) + 1):
                    self.initials.add("".join(letters[i:j]))

    def has_word(self, word: str) -> bool:
        """``word`` (normalised) in the article, on word boundaries where it is Latin."""
        if not word:
            return True
        if _CJK.search(word):
            return word in self.norm
        return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", self.norm) is not None

    def has_name(self, name: str) -> bool:
        """Whether the article names ``name`` in some form (see the module docstring)."""
        key = normalize_text(name).strip(" .,;:'\"-")
        if key.startswith("the "):
            key = key[4:]
        key = re.sub(r"'s$", "", key)
        if not key or self.has_word(key):
            return True
        if _CJK.search(key):
            return self._has_chinese_name(key)
        words = [w for w in _LATIN_WORD.findall(key) if w not in _STOP]
        if not words:
            return True
        # Any distinctive word of the name: a surname ("Obama" for "Barack Obama"), the
        # name without a title, a recogniser's span that swallowed a verb ("Phelps Seeks").
        if any(
            self._has_token(w) for w in words if w not in _GENERIC and (len(w) > 2 or w in _ALIASES)
        ):
            return True
        initials = "".join(w[0] for w in words)
        if len(words) > 1 and len(initials) >= 2 and self.has_word(initials):
            return True
        return len(key) <= 6 and key.isalpha() and key in self.initials

    def _has_token(self, word: str) -> bool:
        """One word of a name, or a form of it: demonyms (Indian, Chinese), aliases (US)."""
        if self.has_word(word):
            return True
        if any(self.has_word(alias) for alias in _ALIASES.get(word, ())):
            return True
        # "Indian" / "India", "Israeli" / "Israel", "Iraqi" / "Iraq": a shared stem.
        if len(word) >= 5 and word.isalpha():
            stem = word[: max(4, len(word) - 2)]
            return re.search(rf"(?<![\w]){re.escape(stem)}", self.norm) is not None
        return False

    def _has_chinese_name(self, key: str) -> bool:
        for alias in ZH_ALIASES.get(key, ()):
            if alias in self.norm:
                return True
        for suffix in ("省", "市", "县", "区", "公司", "集团", "政府"):
            stem = key[: -len(suffix)]
            if key.endswith(suffix) and len(stem) >= 2 and stem in self.norm:
                return True
        # An abbreviation keeps its characters in order within a short span (北大, 北京大学).
        pattern = "".join(re.escape(ch) + ".{0,2}" for ch in key[:-1]) + re.escape(key[-1])
        if re.search(pattern, self.norm):
            return True
        # A longer span than the name (the recogniser's 阿里利润, 南京地铁3号线): half of
        # its characters in two-character pieces the article has.
        if len(key) >= 4:
            pieces = [key[i : i + 2] for i in range(0, len(key) - 1, 2)]
            return sum(2 for p in pieces if p in self.norm) >= len(key) / 2
        return False


def _names(headline: str, language: str | None) -> list[str]:
    """Names in a headline: the entity recogniser's people, organisations and places,
    plus, in a sentence-case English headline, capitalised words that do not start
    a sentence or clause."""
    names = [e.text for e in extract_entities(headline, language or "en")]
    if _is_chinese(language):
        return names
    # A recogniser's span across a colon ("Apple Arcade: So") is two spans.
    names = [
        part for name in names for part in re.split(r"\s*[:;|]\s*", name)
        if part and part.lower() not in _NOT_NAMES
    ]  # fmt: skip
    # A short label before a colon ("Wine Guy:", "Business Brief:") is a rubric.
    label = re.match(r"^(?:[^\s:]+\s){0,2}[^\s:]+:\s", headline)
    body = headline[label.end() :] if label else headline
    tokens = re.findall(r"(?<![\w])[^\W\d_](?:[\w'’-]|\.(?=\w))*|[^\w\s]", body)
    words = [t for t in tokens if t[0].isalpha()]
    capitalised = [w for w in words if w[0].isupper()]
    if words and len(capitalised) <= len(words) / 2:
        previous = "."
        for token in tokens:
            starts = previous in _CLAUSE_STARTS
            previous = token
            if not token[0].isupper() or starts or token.lower() in _NOT_NAMES:
                continue
            name = re.sub(r"['’]s$", "", token)
            if len(name) > 1:
                names.append(name)
    return names


_CLAUSE_STARTS = frozenset(".:?!;\"'“‘—–-|([")
_NOT_NAMES = frozenset(
    """what how why who when where which whose now here this that these those there it i
    we you they he she his her its our their is are was were will can a an the in on at so
    for of and or but not no new more most watch live update breaking exclusive opinion
    analysis review video photos explainer""".split()  # noqa: SIM905
)
#: Words too common in names to tell one name from another on their own.
_GENERIC = frozenset(
    """new united north south east west central national international state states city
    university college school bank group company corp inc ltd party house court club
    league team news times post world first great saint san los las fort port mount lake
    river county republic kingdom royal federal council ministry department government
    association union national pacific atlantic""".split()  # noqa: SIM905
)
_ALIASES: dict[str, tuple[str, ...]] = {
    "us": ("united states", "america", "american", "americans"),
    "usa": ("united states", "america", "us"),
    "america": ("us", "united states", "american"),
    "american": ("us", "america", "united states"),
    "americans": ("us", "america", "american"),
    "uk": ("britain", "british", "united kingdom", "england"),
    "britain": ("uk", "british", "united kingdom"),
    "british": ("uk", "britain", "united kingdom"),
    "un": ("united nations",),
    "eu": ("european union", "europe", "european"),
    "european": ("eu", "europe"),
    "chinese": ("china",),
    "french": ("france",),
    "dutch": ("netherlands", "holland"),
    "swiss": ("switzerland",),
    "greek": ("greece",),
    "spanish": ("spain",),
    "turkish": ("turkey",),
    "polish": ("poland",),
    "irish": ("ireland",),
    "welsh": ("wales",),
    "scottish": ("scotland",),
    "english": ("england",),
    "danish": ("denmark",),
    "swedish": ("sweden",),
    "finnish": ("finland",),
    "norwegian": ("norway",),
    "japanese": ("japan",),
    "vietnamese": ("vietnam",),
    "lebanese": ("lebanon",),
    "sudanese": ("sudan",),
    "portuguese": ("portugal",),
    "filipino": ("philippines",),
    "thai": ("thailand",),
    "fed": ("federal reserve",),
}
_DATE_NAMES = frozenset(_MONTHS + _WEEKDAYS)


def missing_facts(headline: str, article: ArticleFacts) -> list[str]:
    """Reasons, one per number, date or name of ``headline`` the article lacks."""
    reasons: list[str] = []
    seen: set[str] = set()
    for mention in find_numbers(headline):
        if mention.text in seen:
            continue
        seen.add(mention.text)
        surface = normalize_text(mention.text)
        if not number_supported(mention, article.numbers) and surface not in article.norm:
            reasons.append(f"number {mention.text} not in the article")
    norm = normalize_text(headline)
    for date in [*_DATE_WORD.findall(norm), *_ZH_WEEKDAY.findall(norm)]:
        if date.rstrip(".") not in seen and not _date_in(date.rstrip("."), article):
            seen.add(date.rstrip("."))
            reasons.append(f"date {date} not in the article")
    for name in _names(headline, article.language):
        key = normalize_text(name)
        if key in seen or not key.strip():
            continue
        seen.add(key)
        if not article.has_name(name):
            reasons.append(f"name {name!r} not in the article")
    return reasons


def _date_in(date: str, article: ArticleFacts) -> bool:
    if _CJK.search(date):
        day = date[-1]
        forms: Sequence[str] = [p + d for p in ("周", "星期", "礼拜") for d in (day, *"日天")]
        return (
            any(form in article.norm for form in forms)
            if day in "日天"
            else any(p + day in article.norm for p in ("周", "星期", "礼拜"))
        )
    return (
        article.has_word(date)
        or any(full.startswith(date) and article.has_word(full) for full in _MONTHS + _WEEKDAYS)
        or any(date.startswith(full[:3]) and article.has_word(full[:3]) for full in _MONTHS)
    )
