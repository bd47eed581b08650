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

Abbreviations made of the starts of the article's capitalised words count too ("OKC"
for Oklahoma City, "Man City" for Manchester City), as do a few political aliases
(Tories, GOP).

Names come from the entity recogniser (spaCy, LAC) and, in a sentence-case headline
(any Latin-script language), from capitalised words that do not open a sentence or
clause; a rubric label ("HS Roundup:") is not a name. Title-case headlines ("Phelps
Seeks More Gold") give the recogniser spans that swallow verbs; matching on any
distinctive word keeps those from rejecting true headlines. German capitalises every
noun: there a capitalised word after an article, a determiner or an inflected
adjective ("ein Drittel", "offene Fragen"), or with a common-noun ending (-ung,
-heit, -schaft, ...), is not a name, and a compound matches by its head or first part
(Geisterschiff: Schiff).

A number the article states may still count something else: "7-hour debate" where
the article's debate lasted three hours. When the word after a small whole number of
the headline follows exactly one other number in the article, and never this one
(nor is this one near it), that is a rejection too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from tidings.headlines.numbers import NumberMention, find_numbers, number_supported
from tidings.nlp.entities import extract_entities

__all__ = ["ArticleFacts", "missing_facts", "names_in", "normalize_text"]

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
        #: Words the article writes in lower case (common words, not names).
        self.lower_words = set(re.findall(r"(?<![\w'-])[a-z][a-z'-]*[a-z]", text))
        self.numbers = find_numbers(text)
        #: Initials of runs of capitalised words and of their parts ("United Nations
        #: and Indian" -> "un", "uni", "ni", ...), for acronyms.
        self.initials: set[str] = set()
        #: Runs of capitalised words, normalised, for abbreviations ("OKC", "Man City").
        self.runs: list[list[str]] = []
        for run in re.findall(
            r"(?:[A-Z][\w'-]+\s+(?:(?:of|the|and|for)\s+)?){1,6}[A-Z][\w'-]+", text
        ):
            self.runs.append([normalize_text(w) for w in run.split() if w.lower() not in _STOP])
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
        if self._is_german and any(self._has_compound_part(w) for w in words):
            return True
        if self._abbreviates(key):
            return True
        return len(key) <= 6 and key.isalpha() and key in self.initials

    @property
    def _is_german(self) -> bool:
        return str(self.language or "").lower().startswith("de")

    def _has_compound_part(self, word: str) -> bool:
        """German compounds: the word's head (its last 5+ letters: Geister*schiff*) or its
        first part (all but 3 letters, 5 at least) inside an article word."""
        if len(word) < 6 or not word.isalpha():
            return False
        head = min(len(word) - 1, max(5, len(word) - 3))
        if word[:head] in self.norm:
            return True
        return any(word[i:] in self.norm for i in range(3, len(word) - 4))

    def _abbreviates(self, key: str) -> bool:
        """An all-letters abbreviation made of the starts of consecutive capitalised words
        of the article ("okc" for Oklahoma City, "man city" for Manchester City)."""
        words = key.split()
        if len(words) == 1 and 2 <= len(key) <= 4 and key.isalpha():
            return any(_splits_into(key, run) for run in self.runs)
        if len(words) > 1 and len(words[0]) >= 3 and all(w.isalpha() for w in words):
            return any(
                len(run) - i >= len(words)
                and all(r.startswith(w) for w, r in zip(words, run[i:], strict=False))
                for run in self.runs
                for i in range(len(run))
            )
        return False

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


def _splits_into(key: str, run: list[str]) -> bool:
    """Whether ``key`` is the starts (1+ letters each) of consecutive words of ``run``,
    covering 2+ words and the first word's start."""
    return any(_prefix_split(key, run[start:], 0) for start in range(len(run)))


def _prefix_split(key: str, words: list[str], used: int) -> bool:
    if not key:
        return used >= 2
    if not words:
        return False
    word = words[0]
    return any(
        word.startswith(key[:n]) and _prefix_split(key[n:], words[1:], used + 1)
        for n in range(1, min(len(key), len(word)) + 1)
    )


def names_in(headline: str, language: str | None) -> list[str]:
    """The names the gate looks up for ``headline`` (see :func:`_names`)."""
    return _names(headline, language)


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
    # A short label before a colon ("Wine Guy:", "HS Roundup:") is a rubric.
    label = re.match(r"^(?:[^\s:]+\s){0,2}[^\s:]+:\s", headline)
    body = headline[label.end() :] if label else headline
    if label and _RUBRIC_WORDS & set(label.group().lower().rstrip(": ").split()):
        names = [n for n in names if n not in label.group()]
    tokens = re.findall(r"(?<![\w])[^\W\d_](?:[\w'’-]|\.(?=\w))*|[^\w\s]", body)
    words = [t for t in tokens if t[0].isalpha()]
    capitalised = [w for w in words if w[0].isupper()]
    german = str(language or "").lower().startswith("de")
    if words and (german or len(capitalised) <= len(words) / 2):
        previous = "."
        for token in tokens:
            starts = previous in _CLAUSE_STARTS
            # German capitalises every noun: one after an article, a determiner or an
            # inflected adjective ("ein Drittel", "offene Fragen") is a noun, not a name.
            noun = german and (
                previous.lower() in _DE_DETERMINERS
                or (previous.islower() and len(previous) > 3 and previous.endswith(_DE_ENDINGS))
                or token.lower().endswith(_DE_NOUN_ENDINGS)
            )
            previous = token
            if not token[0].isupper() or starts or noun or token.lower() in _NOT_NAMES:
                continue
            name = re.sub(r"['’]s$", "", token)
            if len(name) > 1:
                names.append(name)
    return names


#: Words of a rubric label ("HS Roundup:", "Business Focus:"), not of a name.
_RUBRIC_WORDS = frozenset(
    """roundup brief briefing focus update updates podcast column analysis opinion live
    watch breaking news review recap explainer newsletter""".split()  # noqa: SIM905
)
_DE_DETERMINERS = frozenset(
    """der die das den dem des ein eine einen einem einer eines kein keine keinen keinem
    keiner im am zum zur vom beim ins ans diese dieser diesen dieses jede jeder jedes
    alle viele mehr mein meine dein deine sein seine seinen seiner ihr ihre ihren ihrer
    unser unsere euer eure welche welcher""".split()  # noqa: SIM905
)
_DE_ENDINGS = ("e", "en", "er", "es", "em")
#: Endings of German common nouns (and nominalised superlatives), not of names.
_DE_NOUN_ENDINGS = tuple(
    """ung ungen heit heiten keit keiten schaft schaften tion tionen ismus ität itäten nis
    nisse tum tümer sten""".split()  # noqa: SIM905
)
_CLAUSE_STARTS = frozenset(".:?!;\"'“‘—–-|([")
_NOT_NAMES = frozenset(
    """what how why who when where which whose now here this that these those there it i
    we you they he she his her its our their is are was were will can a an the in on at so
    for of and or but not no new more most watch live update breaking exclusive opinion
    analysis review video photos explainer co""".split()  # noqa: SIM905
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
    "tories": ("conservative", "conservatives", "tory"),
    "tory": ("conservative", "conservatives", "tories"),
    "gop": ("republican", "republicans"),
    "dems": ("democrats", "democratic", "democrat"),
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
            continue
        conflict = _counted_otherwise(headline, mention, article)
        if conflict:
            reasons.append(f"number {mention.text} {conflict[0]}: the article says {conflict[1]}")
    norm = normalize_text(headline)
    for date in [*_DATE_WORD.findall(norm), *_ZH_WEEKDAY.findall(norm)]:
        if date.rstrip(".") not in seen and not _date_in(date.rstrip("."), article):
            seen.add(date.rstrip("."))
            reasons.append(f"date {date} not in the article")
    words = re.findall(r"[^\W\d_][\w'-]*", headline)
    title_case = bool(words) and sum(w[0].isupper() for w in words) > len(words) / 2
    for name in _names(headline, article.language):
        key = normalize_text(name)
        if key in seen or not key.strip():
            continue
        seen.add(key)
        if not article.has_name(name) and not (title_case and _common_words(name, article)):
            reasons.append(f"name {name!r} not in the article")
    return reasons


def _common_words(name: str, article: ArticleFacts) -> bool:
    """Whether every word of ``name`` is one the article writes in lower case: in a
    title-case headline ("Chelsea Activate Release Clause") such a span is capitalised
    by the headline's style, not because it names anything."""
    words = re.findall(r"[^\W\d_][\w'-]*", name)
    return bool(words) and all(w.lower() in article.lower_words for w in words)


_UNIT = re.compile(r"[\s-]*([^\W\d_]{3,})")
_NUMBER_BEFORE = re.compile(r"(\d[\d,.]*|[^\W\d_]+)[\s-]+$")


def _counted_otherwise(
    headline: str, mention: NumberMention, article: ArticleFacts
) -> tuple[str, str] | None:
    """A number the article states somewhere, but counting something else: the word
    after it in the headline ("8-year-old", "3 cops") follows other numbers in the
    article and never this one. Returns (word, the article's numbers) or None."""
    # Counts only: small whole numbers written plainly ("3 cops", "8-year-old"), not
    # amounts ("$9 billion order") or percentages.
    if _CJK.search(mention.text) or mention.percent or not mention.text.isdigit():
        return None
    if mention.value >= 1000:
        return None
    at = headline.find(mention.text)
    unit = _UNIT.match(headline, at + len(mention.text)) if at >= 0 else None
    if unit is None or unit.group(1).lower() in _UNIT_STOP:
        return None
    word = normalize_text(unit.group(1))
    values: dict[float, str] = {}
    for found in re.finditer(rf"(?<![\w]){re.escape(word)}(?![\w])", article.norm):
        window = article.norm[max(0, found.start() - 60) : found.start()]
        if number_supported(mention, find_numbers(window)):
            return None
        before = _NUMBER_BEFORE.search(window)
        numbers = find_numbers(before.group(1)) if before else []
        if numbers:
            values.setdefault(numbers[0].value, numbers[0].text)
    # One count of that thing, clearly not this one (3 cops, not 1; "more than 100"
    # for 106 is a rounding).
    if len(values) != 1:
        return None
    value, text = next(iter(values.items()))
    if abs(value - mention.value) <= 0.1 * max(abs(value), abs(mention.value)):
        return None
    return word, text


#: Words after a number that do not say what it counts.
_UNIT_STOP = frozenset(
    """and the for with from than per cent percent but not are was were has have had
    will was who that this said says million billion trillion thousand hundred millionen
    milliarden tausend prozent euro dollar""".split()  # noqa: SIM905
)


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
