"""Labelled sets for the language-processing benchmark, built at run time.

Nothing here is copied into the repository: real pages are read in place from
``../shared/data`` (skipped where absent), the rest is generated or hand-written.

**Real articles** (:func:`real_articles`): the gold article bodies of the
ScrapingHub set (181 English pages, 126 domains) and the fundus set (news pages of
~180 publishers in 41 countries, Chinese and Japanese included), with their titles.

**Near-duplicate set** (:func:`dedup_set`): every real article of 80+ words is an
*original*. Each original gets, deterministically (seeded by its index), four
copies that must be found:

- ``rewrapped``: the same text inside another site's boilerplate that survives
  extraction (a dateline, "Advertisement", share/newsletter lines, a "Read more"
  link to another article, a copyright line), with typographic quotes, dashes and
  spacing changed;
- ``edited``: lightly edited: about 1 word in 25 replaced or dropped, one
  sentence removed, a correction line appended;
- ``truncated``: the first 55–80% of the text (a teaser or a shortened
  syndicated copy);
- ``updated``: a later version of the same URL: a new paragraph at the top
  ("Update: ..."), the last paragraph rewritten.

Distinct articles must *not* be linked: every original against every other (the
pairs include same-publisher, same-country and same-topic articles: fundus carries
two pages of many publishers, ScrapingHub many pages on the same news days), plus
120 demo-web articles (the generator writes 20 per topic on six topics from shared
templates, so same-topic articles share whole sentence frames) and the hand-written
reports of :mod:`story_events` (several outlets' takes on one event: the same
story, but not the same text).

**Story set** (:func:`story_set`): the hand-written reports of
:mod:`story_events` (labelled by event; English and Chinese), mixed with
distractors that are each their own story: real articles (dated inside the
events' time span, so only their content keeps them apart) and demo-web articles
on the same topics as the events.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from story_events import BASE_TIME, REPORTS
from tidings.language import detect_language

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SCRAPINGHUB = SHARED / "extraction" / "scrapinghub" / "ground-truth.json"
FUNDUS = SHARED / "extraction" / "fundus-parser" / "pages"


@dataclass(frozen=True)
class Article:
    key: str
    title: str
    text: str
    language: str | None


def shared_available() -> bool:
    return SCRAPINGHUB.exists() or FUNDUS.exists()


def _fundus_body(body: dict[str, object]) -> str:
    parts: list[str] = []
    summary = body.get("summary")
    if isinstance(summary, list):
        parts.extend(str(s) for s in summary)
    sections = body.get("sections")
    if isinstance(sections, list):
        for section in sections:
            if isinstance(section, dict):
                parts.extend(str(h) for h in section.get("headline", []) or [])
                parts.extend(str(p) for p in section.get("paragraphs", []) or [])
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _first_line_title(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first[:120]


def real_articles() -> list[Article]:
    """ScrapingHub and fundus gold articles, read in place (empty where absent)."""
    found: list[Article] = []
    if SCRAPINGHUB.exists():
        gold = json.loads(SCRAPINGHUB.read_text(encoding="utf-8"))
        for key in sorted(gold):
            text = str(gold[key].get("articleBody") or "").strip()
            if text:
                found.append(Article(f"sh:{key[:12]}", _first_line_title(text), text, None))
    if FUNDUS.exists():
        for path in sorted(FUNDUS.glob("*/*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            for version in sorted(data):
                entry = data[version]
                if not isinstance(entry, dict) or not isinstance(entry.get("body"), dict):
                    continue
                text = _fundus_body(entry["body"])
                title = str(entry.get("title") or "").strip()
                if text:
                    key = f"fundus:{path.parent.name}/{path.stem}/{version}"
                    found.append(Article(key, title or _first_line_title(text), text, None))
    # fundus keeps some pages twice (two versions of one article, e.g. Taz V1/V2):
    # the same opening paragraph means the same article, kept once.
    seen: set[str] = set()
    unique: list[Article] = []
    for art in found:
        first = art.text.strip().split("\n", 1)[0]
        sig = " ".join((first if len(first) >= 80 else art.text).split())[:300]
        if sig in seen:
            continue
        seen.add(sig)
        unique.append(Article(art.key, art.title, art.text, detect_language(art.text)))
    return unique


def demo_articles(per_topic: int = 20, seed: int = 7) -> list[Article]:
    """Same-topic articles from the demo web's generator (English and Chinese)."""
    from tidings.demo.content import EN_TOPICS, ZH_TOPICS, chinese_story, english_story

    rng = random.Random(f"nlp-bench:{seed}")
    taken: set[str] = set()
    out: list[Article] = []
    for name in sorted(EN_TOPICS):
        for i in range(per_topic):
            story = english_story(rng, name, taken)
            out.append(Article(f"demo:en:{name}:{i}", story.title, story.text, "en"))
    for name in sorted(ZH_TOPICS):
        for i in range(per_topic // 4):
            story = chinese_story(rng, name, taken)
            out.append(Article(f"demo:zh:{name}:{i}", story.title, story.text, "zh"))
    return out


def event_articles() -> list[tuple[Article, str, str]]:
    """The hand-written reports: (article, event label, published_at)."""
    base = datetime.fromisoformat(BASE_TIME)
    out: list[tuple[Article, str, str]] = []
    for i, (event, lang, hours, title, lead) in enumerate(REPORTS):
        when = (base + timedelta(hours=hours)).astimezone(UTC).isoformat()
        out.append((Article(f"event:{i}:{event}", title, lead, lang), event, when))
    return out


# --- near duplicates --------------------------------------------------------------

BOILERPLATE_TOP = (
    "Advertisement",
    "Skip to main content",
    "Share this article: Facebook | X | Email",
    "By our staff and wire services",
    "Listen to this article · 4 min",
)
BOILERPLATE_BOTTOM = (
    "Sign up for our morning newsletter to get the day's top stories.",
    "© 2025 All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed.",
    "This story originally appeared on a partner site and is republished with permission.",
    "Comments are closed for this article.",
    "Follow us on social media for the latest updates.",
)
FILLERS = ("reportedly", "also", "now", "recently", "still", "indeed")


def _words(text: str, language: str | None) -> bool:
    return language not in {"zh", "ja", "ko"}


def _size(text: str, language: str | None) -> int:
    if _words(text, language):
        return len(text.split())
    return len(re.sub(r"\s", "", text)) // 2


def _rewrap(rng: random.Random, art: Article, others: list[Article]) -> str:
    text = art.text.replace('"', "\u201c").replace(" - ", " \u2014 ").replace("'", "\u2019")
    text = re.sub(r"\n\s*\n", "\n\n\n", text)
    top = rng.sample(BOILERPLATE_TOP, 2)
    other = rng.choice(others).title
    bottom = [f"Read more: {other}", *rng.sample(BOILERPLATE_BOTTOM, 2)]
    return "\n\n".join([*top, art.title, text, *bottom])


def _edit(rng: random.Random, art: Article) -> str:
    paragraphs = [p for p in art.text.split("\n") if p.strip()]
    if _words(art.text, art.language):
        edited: list[str] = []
        for para in paragraphs:
            words = para.split()
            out: list[str] = []
            for w in words:
                r = rng.random()
                if r < 0.015:
                    continue  # dropped word
                if r < 0.03:
                    out.append(rng.choice(FILLERS))  # inserted word
                    out.append(w)
                elif r < 0.04 and w.isalpha():
                    out.append(w.upper() if len(w) < 4 else w[:-1])  # typo / case change
                else:
                    out.append(w)
            edited.append(" ".join(out))
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", "\n".join(edited)) if s]
        if len(sentences) > 4:
            del sentences[rng.randrange(1, len(sentences) - 1)]
        body = " ".join(sentences)
        return body + "\n\nCorrection: an earlier version of this article misstated a date."
    # CJK: replace about 1 character in 30 by a near synonym, drop one sentence.
    chars = list("\n".join(paragraphs))
    for i in range(len(chars)):
        if rng.random() < 0.033 and chars[i] not in "\n。，":
            chars[i] = rng.choice("的了在是和也就都")
    sentences = [s for s in re.split(r"(?<=[。！？])", "".join(chars)) if s]
    if len(sentences) > 4:
        del sentences[rng.randrange(1, len(sentences) - 1)]
    return "".join(sentences) + "\n\n（更正：本文此前版本中的一处日期有误。）"


def _truncate(rng: random.Random, art: Article) -> str:
    keep = rng.uniform(0.55, 0.8)
    text = art.text
    cut = int(len(text) * keep)
    # End at a sentence or paragraph boundary near the cut, as a teaser does.
    window = text[:cut]
    ends = [m.end() for m in re.finditer(r"[.!?。！？]\s", window)]
    return window[: ends[-1]] if ends and ends[-1] > cut * 0.7 else window


def _update(rng: random.Random, art: Article) -> str:
    paragraphs = [p for p in art.text.split("\n") if p.strip()]
    if _words(art.text, art.language):
        lead = (
            "Update: this article has been updated with new information from officials, "
            "who confirmed the details on Tuesday evening."
        )
        last = "Officials said more details would be released in the coming days."
    else:
        lead = "更新：本文已根据官方最新通报更新，相关细节已于周二晚间得到确认。"
        last = "有关方面表示，更多细节将在未来几天公布。"
    if len(paragraphs) > 2:
        paragraphs[-1] = last
    return "\n\n".join([lead, *paragraphs])


@dataclass(frozen=True)
class DedupSet:
    #: Originals and distinct articles (index contents): key → (text, language).
    originals: dict[str, tuple[str, str | None]]
    #: Copies that must be linked: (copy key, original key, kind, text, language).
    copies: list[tuple[str, str, str, str, str | None]]
    #: Distinct articles that must not be linked to anything (besides the originals,
    #: which are checked against each other).
    distinct: dict[str, tuple[str, str | None]]


def dedup_set(min_words: int = 80) -> DedupSet:
    reals = [a for a in real_articles() if _size(a.text, a.language) >= min_words]
    originals = {a.key: (a.text, a.language) for a in reals}
    copies: list[tuple[str, str, str, str, str | None]] = []
    for i, art in enumerate(reals):
        rng = random.Random(f"dedup:{i}:{art.key}")
        variants = {
            "rewrapped": _rewrap(rng, art, reals),
            "edited": _edit(rng, art),
            "truncated": _truncate(rng, art),
            "updated": _update(rng, art),
        }
        for kind, text in variants.items():
            copies.append((f"{art.key}#{kind}", art.key, kind, text, art.language))
    distinct: dict[str, tuple[str, str | None]] = {}
    for demo in demo_articles():
        distinct[demo.key] = (demo.title + "\n\n" + demo.text, demo.language)
    for event_art, _, _ in event_articles():
        distinct[event_art.key] = (event_art.title + "\n\n" + event_art.text, event_art.language)
    return DedupSet(originals, copies, distinct)


# --- stories ----------------------------------------------------------------------


@dataclass(frozen=True)
class StoryItem:
    key: str
    label: str
    title: str
    text: str
    language: str | None
    published_at: str
    hand_written: bool


def story_set(real_distractors: int = 200, demo_distractors: int = 60) -> list[StoryItem]:
    """Hand-written events (labelled) plus distractors, each its own story, by time."""
    events = event_articles()
    items = [
        StoryItem(a.key, label, a.title, a.text, a.language, when, True)
        for a, label, when in events
    ]
    times = sorted(datetime.fromisoformat(when) for _, _, when in events)
    start, end = times[0], times[-1]
    span = min((end - start).total_seconds(), 240 * 3600.0)
    rng = random.Random("stories:distractors")
    reals = real_articles()
    rng.shuffle(reals)
    demos = demo_articles()
    rng.shuffle(demos)
    distractors = reals[:real_distractors] + demos[:demo_distractors]
    for art in distractors:
        when = start + timedelta(seconds=rng.uniform(0, span))
        items.append(
            StoryItem(art.key, art.key, art.title, art.text, art.language, when.isoformat(), False)
        )
    items.sort(key=lambda it: (it.published_at, it.key))
    return items


def read_gzip_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip()]
