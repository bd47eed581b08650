"""The demo outlets: who they are, which articles they carry, and how those are laid out.

:func:`build_catalogue` decides everything that does not depend on a port (names,
paths, texts, dates); :func:`build_routes` renders one site's pages, feeds, sitemaps
and images once its base URL is known, as plain functions returning strings.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from random import Random

from tidings.demo.content import (
    EN_COMMENTS,
    ZH_COMMENTS,
    Story,
    chinese_names,
    chinese_story,
    english_names,
    english_story,
)
from tidings.records import SourceKind, SourceSpec

#: Every date in the demo web is a fixed offset from this instant.
BASE_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CHINA_TZ = timezone(timedelta(hours=8))
WIRE_AGENCY = "Continental Wire"


@dataclass(frozen=True)
class SiteProfile:
    """A fictional outlet, independent of where it is served."""

    key: str
    name: str
    language: str
    html_lang: str
    #: ``rss``, ``atom``, ``json`` or None (the site is only listed through sitemaps).
    feed_format: str | None
    topics: tuple[str, ...]
    own_articles: int
    tagline: str
    theme: int
    tz: timezone = UTC
    crawl_delay: float | None = None
    #: Every demo site publishes a news sitemap index; a site without a feed is
    #: subscribed to through it.
    has_sitemap: bool = True


PROFILES: tuple[SiteProfile, ...] = (
    SiteProfile("ledger", "The Harbor Ledger", "en", "en-GB", "rss",
                ("world", "business", "culture", "health"), 7,
                "Independent news from the coast and the world", theme=0),
    SiteProfile("circuit", "Circuit Weekly", "en", "en-US", "atom",
                ("tech", "business", "tech", "science"), 8,
                "Technology news for people who build things", theme=1, crawl_delay=0.05),
    SiteProfile("courier", "Millbrook Courier", "en", "en-GB", "json",
                ("local", "sports", "health", "culture"), 8,
                "Your town, your news, since 1921", theme=2),
    SiteProfile("meridian", "Meridian Science Review", "en", "en-GB", None,
                ("science", "health", "science", "tech"), 6,
                "Research news, explained", theme=3),
    SiteProfile("dongan", "东岸日报", "zh", "zh-CN", "rss",
                ("business", "tech", "sports", "culture", "local"), 8,
                "东岸日报 — 权威、及时的城市新闻", theme=4, tz=CHINA_TZ),
)  # fmt: skip

#: Wire stories: (origin site, republishing site, topic). Same body text on both.
WIRES: tuple[tuple[str, str, str], ...] = (
    ("ledger", "courier", "world"),
    ("ledger", "circuit", "business"),
    ("meridian", "ledger", "science"),
)
#: The site whose feed links an article under ``/private/`` (disallowed by robots.txt).
PRIVATE_SITE = "courier"


@dataclass(frozen=True)
class DemoArticle:
    """A story placed on a site: its path, byline and dates."""

    site_key: str
    path: str
    image_path: str
    story: Story
    authors: tuple[str, ...]
    published: datetime
    #: (site key, path) of the first publication, for wire copies.
    duplicate_of: tuple[str, str] | None = None
    private: bool = False
    wire: bool = False

    @property
    def modified(self) -> datetime:
        return self.published + timedelta(minutes=25)


@dataclass(frozen=True)
class Catalogue:
    profiles: tuple[SiteProfile, ...]
    #: Articles per site key, newest first (private ones included).
    articles: dict[str, tuple[DemoArticle, ...]]


@dataclass(frozen=True)
class DemoSite:
    """A running demo site."""

    key: str
    name: str
    language: str
    base_url: str
    feed_url: str | None
    feed_format: str | None
    sitemap_url: str | None
    crawl_delay: float | None

    @property
    def home_url(self) -> str:
        return self.base_url + "/"

    @property
    def robots_url(self) -> str:
        return self.base_url + "/robots.txt"

    def source(self) -> SourceSpec:
        """What ``tidings demo`` subscribes to for this site."""
        if self.feed_url is not None:
            return SourceSpec(self.feed_url, SourceKind.FEED, self.name, self.home_url)
        assert self.sitemap_url is not None
        return SourceSpec(self.sitemap_url, SourceKind.SITEMAP, self.name, self.home_url)


@dataclass(frozen=True)
class ExpectedArticle:
    """What a correct crawl + extraction should find at ``url``."""

    url: str
    site: str
    title: str
    language: str
    #: Publication day as printed on the page, ``YYYY-MM-DD``.
    date: str
    authors: tuple[str, ...]
    #: The first characters of the article body.
    text_start: str
    #: The URL first publishing the same text (wire copy), else None.
    duplicate_of_url: str | None = None
    #: ISO 8601 publication time with the site's UTC offset.
    published: str = ""
    text: str = ""


FEED_PATHS = {"rss": "/feed.xml", "atom": "/atom.xml", "json": "/feed.json"}
SITEMAP_INDEX = "/sitemap_index.xml"


def _slug(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", title.lower()).split()
    return "-".join(words[:9])


def _image_path(site_key: str, path: str) -> str:
    digest = hashlib.sha1(f"{site_key}{path}".encode()).hexdigest()[:12]
    return f"/media/{digest}.png"


def _article_path(profile: SiteProfile, story: Story, when: datetime, rng: Random) -> str:
    slug = _slug(story.title)
    match profile.key:
        case "ledger":
            return f"/{story.topic}/{when:%Y/%m/%d}/{slug}"
        case "circuit":
            return f"/articles/{slug}-{rng.randint(10000, 99999)}"
        case "courier":
            return f"/news/{when:%Y%m%d}/{slug}.html"
        case "meridian":
            return f"/research/{when:%Y}/{slug}"
        case _:
            return f"/content/{when:%Y-%m}/{when:%d}/c_{rng.randint(1000000, 9999999)}.htm"


def _local(profile: SiteProfile, when: datetime) -> datetime:
    local = when.astimezone(profile.tz)
    # Keep the printed (local) day equal to the UTC day, so every date agrees.
    while local.date() != when.astimezone(UTC).date():
        when -= timedelta(hours=1)
        local = when.astimezone(profile.tz)
    return local


def _place(
    profile: SiteProfile, story: Story, authors: tuple[str, ...], when: datetime, rng: Random
) -> DemoArticle:
    local = _local(profile, when)
    path = _article_path(profile, story, local, rng)
    return DemoArticle(profile.key, path, _image_path(profile.key, path), story, authors, local)


def build_catalogue(seed: int) -> Catalogue:
    """Every article of every site, deterministically from ``seed``."""
    taken: set[str] = set()
    placed: dict[str, list[DemoArticle]] = {p.key: [] for p in PROFILES}
    by_key = {p.key: p for p in PROFILES}
    for profile in PROFILES:
        rng = Random(f"tidings-demo:{seed}:{profile.key}")
        zh = profile.language == "zh"
        staff = chinese_names(rng, 4) if zh else english_names(rng, 4)
        for i in range(profile.own_articles):
            topic = profile.topics[i % len(profile.topics)]
            story = chinese_story(rng, topic, taken) if zh else english_story(rng, topic, taken)
            authors = tuple(rng.sample(staff, 2 if rng.random() < 0.2 else 1))
            when = BASE_TIME - timedelta(hours=2 + 9 * i + rng.randint(0, 6))
            when -= timedelta(minutes=5 * rng.randint(0, 11))
            placed[profile.key].append(_place(profile, story, authors, when, rng))
        if profile.key == PRIVATE_SITE:
            story = english_story(rng, "local", taken)
            path = f"/private/drafts/{_slug(story.title)}.html"
            placed[profile.key].append(
                DemoArticle(
                    profile.key,
                    path,
                    _image_path(profile.key, path),
                    story,
                    (staff[0],),
                    BASE_TIME - timedelta(hours=1),
                    private=True,
                )
            )
    for w, (origin, copy, topic) in enumerate(WIRES):
        rng = Random(f"tidings-demo:{seed}:wire:{w}")
        story = english_story(rng, topic, taken)
        authors = tuple(english_names(rng, 1))
        when = BASE_TIME - timedelta(hours=5 + 19 * w, minutes=10 * rng.randint(0, 5))
        first = _place(by_key[origin], story, authors, when, rng)
        second = _place(by_key[copy], story, authors, when + timedelta(minutes=90), rng)
        placed[origin].append(_wire(first, None))
        placed[copy].append(_wire(second, (origin, first.path)))
    articles = {
        key: tuple(sorted(items, key=lambda a: a.published, reverse=True))
        for key, items in placed.items()
    }
    return Catalogue(PROFILES, articles)


def _wire(article: DemoArticle, duplicate_of: tuple[str, str] | None) -> DemoArticle:
    return DemoArticle(
        article.site_key,
        article.path,
        article.image_path,
        article.story,
        article.authors,
        article.published,
        duplicate_of=duplicate_of,
        wire=True,
    )


def make_site(profile: SiteProfile, base_url: str) -> DemoSite:
    feed = FEED_PATHS.get(profile.feed_format or "")
    return DemoSite(
        key=profile.key,
        name=profile.name,
        language=profile.language,
        base_url=base_url,
        feed_url=base_url + feed if feed else None,
        feed_format=profile.feed_format,
        sitemap_url=base_url + SITEMAP_INDEX if profile.has_sitemap else None,
        crawl_delay=profile.crawl_delay,
    )


def expected(article: DemoArticle, sites: dict[str, DemoSite]) -> ExpectedArticle:
    site = sites[article.site_key]
    dup = article.duplicate_of
    return ExpectedArticle(
        url=site.base_url + article.path,
        site=site.name,
        title=article.story.title,
        language=article.story.language,
        date=article.published.date().isoformat(),
        authors=article.authors,
        text_start=article.story.paragraphs[0][:60],
        duplicate_of_url=sites[dup[0]].base_url + dup[1] if dup else None,
        published=article.published.isoformat(),
        text="\n".join(article.story.paragraphs),
    )


def build_routes(
    profile: SiteProfile, articles: tuple[DemoArticle, ...], site: DemoSite
) -> dict[str, Resource]:
    """Every path the site answers, rendered once."""
    public = tuple(a for a in articles if not a.private)
    ctx = SiteContext(profile, site, public)
    routes: dict[str, Resource] = {
        "/": home_page(ctx),
        "/about": about_page(ctx),
        "/robots.txt": robots_txt(ctx),
        "/media/logo.png": png_resource(f"{profile.key}-logo", BASE_TIME, 96, 32),
    }
    for article in articles:
        routes[article.path] = article_page(ctx, article)
        routes[article.image_path] = png_resource(article.image_path, article.published, 160, 90)
    feed_items = articles
    if profile.feed_format == "rss":
        routes[FEED_PATHS["rss"]] = rss_feed(ctx, feed_items)
    elif profile.feed_format == "atom":
        routes[FEED_PATHS["atom"]] = atom_feed(ctx, feed_items)
    elif profile.feed_format == "json":
        routes[FEED_PATHS["json"]] = json_feed(ctx, feed_items)
    if profile.has_sitemap:
        routes[SITEMAP_INDEX] = sitemap_index(ctx)
        routes["/news-sitemap.xml"] = news_sitemap(ctx)
        routes["/sitemap-pages.xml"] = pages_sitemap(ctx)
    return routes


# --- rendering ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """One response body with the metadata a conditional GET needs."""

    body: bytes
    content_type: str
    last_modified: datetime
    etag: str


def resource(body: str | bytes, content_type: str, last_modified: datetime) -> Resource:
    data = body.encode("utf-8") if isinstance(body, str) else body
    etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
    return Resource(data, content_type, last_modified.astimezone(UTC), etag)


HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class Labels:
    nav: tuple[str, ...]
    cookie: str
    accept: str
    related: str
    newsletter_title: str
    newsletter_text: str
    subscribe: str
    comments: str
    footer: str
    footer_links: tuple[str, ...]
    latest: str
    about: str


EN_RELATED = ("Related articles", "More from Circuit Weekly", "Read next", "You may also like")
EN_LABELS = Labels(
    nav=("Home", "World", "Business", "Tech", "Science", "Sport", "Health", "Culture"),
    cookie="We use cookies to improve your experience and to measure how our site is used. "
    "You can change your choices at any time in the privacy settings.",
    accept="Accept all cookies",
    related="Related articles",
    newsletter_title="Get the morning briefing",
    newsletter_text="Sign up for our free newsletter and get the day's most important stories "
    "in your inbox before breakfast.",
    subscribe="Subscribe",
    comments="Comments",
    footer="All rights reserved. Reproduction without permission is prohibited.",
    footer_links=("About us", "Contact", "Privacy policy", "Terms of use", "Advertise"),
    latest="Latest news",
    about="is an independent, reader-funded newsroom. This page is part of the Tidings demo.",
)
ZH_LABELS = Labels(
    nav=("首页", "要闻", "财经", "科技", "体育", "文化", "城市"),
    cookie="本网站使用Cookie以改善您的浏览体验。继续浏览即表示您同意我们的Cookie政策。",
    accept="同意并继续",
    related="相关阅读",
    newsletter_title="订阅东岸早报",
    newsletter_text="留下您的邮箱，每天早上七点为您推送当天最重要的新闻。",
    subscribe="立即订阅",
    comments="网友评论",
    footer="版权所有 未经授权禁止转载",
    footer_links=("关于我们", "联系我们", "隐私政策", "广告服务"),
    latest="最新新闻",
    about="是一家虚构的城市新闻网站，本页面属于Tidings演示数据。",
)
ACCENTS = ("#0b3d91", "#8a1c7c", "#1d6b3a", "#b5451b", "#c0161b")


@dataclass(frozen=True)
class SiteContext:
    profile: SiteProfile
    site: DemoSite
    #: Public articles, newest first.
    articles: tuple[DemoArticle, ...]

    def url(self, path: str) -> str:
        return self.site.base_url + path

    @property
    def labels(self) -> Labels:
        if self.profile.language == "zh":
            return ZH_LABELS
        return EN_LABELS

    @property
    def updated(self) -> datetime:
        return max((a.modified for a in self.articles), default=BASE_TIME)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _display_time(ctx: SiteContext, when: datetime) -> str:
    if ctx.profile.language == "zh":
        return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"
    return f"{when.day} {when:%B %Y}, {when:%H:%M} GMT"


def _feed_link(ctx: SiteContext) -> str:
    fmt = ctx.profile.feed_format
    if fmt is None or ctx.site.feed_url is None:
        return ""
    mime = {"rss": "application/rss+xml", "atom": "application/atom+xml"}.get(
        fmt, "application/feed+json"
    )
    # Some sites advertise a relative href, others an absolute one.
    href = FEED_PATHS[fmt] if ctx.profile.theme % 2 == 0 else ctx.site.feed_url
    return f'<link rel="alternate" type="{mime}" title="{_esc(ctx.profile.name)}" href="{href}">'


def _head(ctx: SiteContext, title: str, extra: str) -> str:
    accent = ACCENTS[ctx.profile.theme % len(ACCENTS)]
    return f"""<!DOCTYPE html>
<html lang="{ctx.profile.html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)}</title>
{_feed_link(ctx)}
<link rel="icon" href="/media/logo.png">
{extra}
<style>
body{{font-family:Georgia,serif;margin:0;color:#222}}
.site-header{{background:{accent};color:#fff;padding:12px 24px}}
.site-header a{{color:#fff;margin-right:14px;text-decoration:none}}
main{{max-width:760px;margin:24px auto;padding:0 16px}}
.cookie-banner{{position:fixed;bottom:0;left:0;right:0;background:#333;color:#eee;padding:12px}}
.newsletter{{border:1px solid {accent};padding:16px;margin:24px 0}}
.site-footer{{background:#f2f2f2;padding:24px;font-size:14px}}
</style>
</head>"""


def _header(ctx: SiteContext) -> str:
    links = "".join(
        f'<li><a href="/{"" if i == 0 else "section/" + str(i)}">{_esc(label)}</a></li>'
        for i, label in enumerate(ctx.labels.nav)
    )
    return f"""<div class="cookie-banner" id="cookie-consent" role="dialog">
<p>{_esc(ctx.labels.cookie)}</p><button type="button">{_esc(ctx.labels.accept)}</button>
</div>
<header class="site-header">
<a class="logo" href="/"><img src="/media/logo.png" alt="" width="96" height="32">
{_esc(ctx.profile.name)}</a>
<nav class="main-nav" aria-label="Sections"><ul>{links}</ul></nav>
</header>"""


def _footer(ctx: SiteContext) -> str:
    links = "".join(
        f'<li><a href="/about">{_esc(label)}</a></li>' for label in ctx.labels.footer_links
    )
    return f"""<footer class="site-footer">
<ul class="footer-links">{links}</ul>
<p>© 2026 {_esc(ctx.profile.name)}. {_esc(ctx.labels.footer)}</p>
</footer>
</body>
</html>
"""


def _byline(ctx: SiteContext, article: DemoArticle) -> str:
    people = [
        f'<a rel="author" href="/authors/{_slug(name) or "staff"}">{_esc(name)}</a>'
        for name in article.authors
    ]
    if ctx.profile.language == "zh":
        return "记者 " + "、".join(people)
    names = " and ".join(people)
    return f"By {names}, {WIRE_AGENCY}" if article.wire else f"By {names}"


def _json_ld(ctx: SiteContext, article: DemoArticle) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.story.title,
        "description": article.story.summary,
        "datePublished": article.published.isoformat(),
        "dateModified": article.modified.isoformat(),
        "author": [{"@type": "Person", "name": name} for name in article.authors],
        "image": [ctx.url(article.image_path)],
        "inLanguage": ctx.profile.html_lang,
        "articleSection": article.story.topic,
        "mainEntityOfPage": {"@type": "WebPage", "@id": ctx.url(article.path)},
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": ctx.profile.name,
            "logo": {"@type": "ImageObject", "url": ctx.url("/media/logo.png")},
        },
    }
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _related(ctx: SiteContext, article: DemoArticle) -> str:
    others = [a for a in ctx.articles if a.path != article.path]
    start = int(hashlib.sha1(article.path.encode()).hexdigest(), 16) % max(len(others), 1)
    picks = (others[start:] + others[:start])[:4]
    items = "".join(f'<li><a href="{a.path}">{_esc(a.story.title)}</a></li>' for a in picks)
    label = ctx.labels.related
    if ctx.profile.language == "en":
        label = EN_RELATED[ctx.profile.theme % len(EN_RELATED)].replace(
            "Circuit Weekly", ctx.profile.name
        )
    return f'<aside class="related-articles"><h2>{_esc(label)}</h2><ul>{items}</ul></aside>'


def _newsletter(ctx: SiteContext) -> str:
    lab = ctx.labels
    return f"""<section class="newsletter-signup" id="newsletter">
<h2>{_esc(lab.newsletter_title)}</h2>
<p>{_esc(lab.newsletter_text)}</p>
<form action="/newsletter" method="post">
<input type="email" name="email" placeholder="you@example.org">
<button type="submit">{_esc(lab.subscribe)}</button></form>
</section>"""


def _comments(ctx: SiteContext, article: DemoArticle) -> str:
    zh = ctx.profile.language == "zh"
    pool = ZH_COMMENTS if zh else EN_COMMENTS
    rng = Random(article.path)
    chosen = rng.sample(list(pool), 3)
    names = chinese_names(rng, 3) if zh else english_names(rng, 3)
    items = "".join(
        f'<li class="comment"><p class="comment-author">{_esc(name)}</p>'
        f'<p class="comment-body">{_esc(text)}</p></li>'
        for name, text in zip(names, chosen, strict=True)
    )
    return f"""<section class="comments" id="comments">
<h2>{_esc(ctx.labels.comments)} (3)</h2>
<ol class="comment-list">{items}</ol>
</section>"""


def article_page(ctx: SiteContext, article: DemoArticle) -> Resource:
    story = article.story
    url = ctx.url(article.path)
    image = ctx.url(article.image_path)
    name = ctx.profile.name
    meta = f"""<link rel="canonical" href="{url}">
<meta name="description" content="{_esc(story.summary)}">
<meta name="author" content="{_esc(", ".join(article.authors))}">
<meta property="og:type" content="article">
<meta property="og:title" content="{_esc(story.title)}">
<meta property="og:description" content="{_esc(story.summary)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{image}">
<meta property="og:site_name" content="{_esc(name)}">
<meta property="article:published_time" content="{article.published.isoformat()}">
<meta property="article:modified_time" content="{article.modified.isoformat()}">
<meta property="article:section" content="{_esc(story.topic)}">
<meta name="twitter:card" content="summary_large_image">
{_json_ld(ctx, article)}"""
    paragraphs = "\n".join(f"<p>{_esc(p)}</p>" for p in story.paragraphs)
    tags = "".join(
        f'<li><a href="/tag/{_slug(t) or "topic"}">{_esc(t)}</a></li>' for t in story.tags
    )
    page = f"""{_head(ctx, f"{story.title} | {name}", meta)}
<body class="article-page">
{_header(ctx)}
<main id="content">
<header class="story-header">
<p class="kicker"><a href="/section/{story.topic}">{_esc(story.topic.title())}</a></p>
<h1 class="headline">{_esc(story.title)}</h1>
<div class="byline">{_byline(ctx, article)}
<time datetime="{article.published.isoformat()}">{_display_time(ctx, article.published)}</time>
</div>
</header>
<article class="story">
<figure class="lead-image"><img src="{article.image_path}" alt="{_esc(story.title)}" width="160"
height="90"></figure>
<div class="story-body">
{paragraphs}
</div>
<ul class="story-tags">{tags}</ul>
</article>
{_related(ctx, article)}
{_newsletter(ctx)}
{_comments(ctx, article)}
</main>
{_footer(ctx)}"""
    return resource(page, HTML, article.modified)


def home_page(ctx: SiteContext) -> Resource:
    cards = "\n".join(
        f"""<li class="story-card"><h2><a href="{a.path}">{_esc(a.story.title)}</a></h2>
<p class="teaser">{_esc(a.story.summary)}</p>
<time datetime="{a.published.isoformat()}">{_display_time(ctx, a.published)}</time></li>"""
        for a in ctx.articles
    )
    desc = f'<meta name="description" content="{_esc(ctx.profile.tagline)}">'
    page = f"""{_head(ctx, f"{ctx.profile.name} — {ctx.profile.tagline}", desc)}
<body class="home">
{_header(ctx)}
<main id="content">
<h1>{_esc(ctx.labels.latest)}</h1>
<ul class="story-list">
{cards}
</ul>
{_newsletter(ctx)}
</main>
{_footer(ctx)}"""
    return resource(page, HTML, ctx.updated)


def about_page(ctx: SiteContext) -> Resource:
    page = f"""{_head(ctx, ctx.profile.name, "")}
<body class="about">
{_header(ctx)}
<main id="content"><h1>{_esc(ctx.labels.footer_links[0])}</h1>
<p>{_esc(ctx.profile.name)} {_esc(ctx.labels.about)}</p></main>
{_footer(ctx)}"""
    return resource(page, HTML, BASE_TIME)


def robots_txt(ctx: SiteContext) -> Resource:
    lines = [f"# robots.txt for {ctx.profile.name}", "User-agent: *", "Disallow: /private/"]
    if ctx.profile.crawl_delay is not None:
        lines.append(f"Crawl-delay: {ctx.profile.crawl_delay}")
    lines += ["", "User-agent: GreedyScraperBot", "Disallow: /", ""]
    if ctx.site.sitemap_url:
        lines += [f"Sitemap: {ctx.site.sitemap_url}", ""]
    return resource("\n".join(lines), "text/plain; charset=utf-8", BASE_TIME)


def _x(text: str) -> str:
    return html.escape(text, quote=False)


def rss_feed(ctx: SiteContext, articles: tuple[DemoArticle, ...]) -> Resource:
    items = "".join(
        f"""
<item>
<title>{_x(a.story.title)}</title>
<link>{ctx.url(a.path)}</link>
<guid isPermaLink="true">{ctx.url(a.path)}</guid>
<pubDate>{format_datetime(a.published)}</pubDate>
{"".join(f"<dc:creator>{_x(n)}</dc:creator>" for n in a.authors)}
<category>{_x(a.story.topic)}</category>
<description>{_x(a.story.summary)}</description>
<media:content url="{ctx.url(a.image_path)}" medium="image" type="image/png"/>
</item>"""
        for a in articles
    )
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>{_x(ctx.profile.name)}</title>
<link>{ctx.site.home_url}</link>
<description>{_x(ctx.profile.tagline)}</description>
<language>{ctx.profile.html_lang.lower()}</language>
<lastBuildDate>{format_datetime(_newest(articles))}</lastBuildDate>
<atom:link href="{ctx.site.feed_url}" rel="self" type="application/rss+xml"/>{items}
</channel>
</rss>
"""
    return resource(body, "application/rss+xml; charset=utf-8", _newest(articles))


def _newest(articles: tuple[DemoArticle, ...]) -> datetime:
    return max((a.modified for a in articles), default=BASE_TIME)


def atom_feed(ctx: SiteContext, articles: tuple[DemoArticle, ...]) -> Resource:
    entries = "".join(
        f"""
<entry>
<title>{_x(a.story.title)}</title>
<link rel="alternate" type="text/html" href="{ctx.url(a.path)}"/>
<id>{ctx.url(a.path)}</id>
<published>{a.published.isoformat()}</published>
<updated>{a.modified.isoformat()}</updated>
{"".join(f"<author><name>{_x(n)}</name></author>" for n in a.authors)}
<category term="{_esc(a.story.topic)}"/>
<summary type="text">{_x(a.story.summary)}</summary>
</entry>"""
        for a in articles
    )
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{ctx.profile.html_lang}">
<title>{_x(ctx.profile.name)}</title>
<subtitle>{_x(ctx.profile.tagline)}</subtitle>
<id>{ctx.site.home_url}</id>
<link rel="self" type="application/atom+xml" href="{ctx.site.feed_url}"/>
<link rel="alternate" type="text/html" href="{ctx.site.home_url}"/>
<updated>{_newest(articles).isoformat()}</updated>{entries}
</feed>
"""
    return resource(body, "application/atom+xml; charset=utf-8", _newest(articles))


def json_feed(ctx: SiteContext, articles: tuple[DemoArticle, ...]) -> Resource:
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": ctx.profile.name,
        "home_page_url": ctx.site.home_url,
        "feed_url": ctx.site.feed_url,
        "description": ctx.profile.tagline,
        "language": ctx.profile.html_lang,
        "items": [
            {
                "id": ctx.url(a.path),
                "url": ctx.url(a.path),
                "title": a.story.title,
                "summary": a.story.summary,
                "image": ctx.url(a.image_path),
                "date_published": a.published.isoformat(),
                "date_modified": a.modified.isoformat(),
                "authors": [{"name": n} for n in a.authors],
                "tags": list(a.story.tags),
            }
            for a in articles
        ],
    }
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return resource(body, "application/feed+json; charset=utf-8", _newest(articles))


def sitemap_index(ctx: SiteContext) -> Resource:
    stamp = ctx.updated.isoformat()
    maps = "".join(
        f"\n<sitemap><loc>{ctx.url(path)}</loc><lastmod>{stamp}</lastmod></sitemap>"
        for path in ("/news-sitemap.xml", "/sitemap-pages.xml")
    )
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}
</sitemapindex>
"""
    return resource(body, XML, ctx.updated)


def news_sitemap(ctx: SiteContext) -> Resource:
    urls = "".join(
        f"""
<url>
<loc>{ctx.url(a.path)}</loc>
<lastmod>{a.modified.isoformat()}</lastmod>
<news:news>
<news:publication><news:name>{_x(ctx.profile.name)}</news:name>\
<news:language>{ctx.profile.language}</news:language></news:publication>
<news:publication_date>{a.published.isoformat()}</news:publication_date>
<news:title>{_x(a.story.title)}</news:title>
</news:news>
<image:image><image:loc>{ctx.url(a.image_path)}</image:loc></image:image>
</url>"""
        for a in ctx.articles
    )
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
 xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">{urls}
</urlset>
"""
    return resource(body, XML, ctx.updated)


def pages_sitemap(ctx: SiteContext) -> Resource:
    pages = [("/", ctx.updated, "hourly"), ("/about", BASE_TIME, "yearly")]
    pages += [(a.path, a.modified, "monthly") for a in ctx.articles]
    urls = "".join(
        f"\n<url><loc>{ctx.url(path)}</loc><lastmod>{when.isoformat()}</lastmod>"
        f"<changefreq>{freq}</changefreq></url>"
        for path, when, freq in pages
    )
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}
</urlset>
"""
    return resource(body, XML, ctx.updated)


def png_bytes(seed: str, width: int, height: int) -> bytes:
    """A tiny two-band PNG whose colours derive from ``seed``."""
    digest = hashlib.sha1(seed.encode()).digest()
    top, bottom = digest[0:3], digest[3:6]
    rows = b"".join(
        b"\x00" + (top if y < height * 2 // 3 else bottom) * width for y in range(height)
    )

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def png_resource(seed: str, when: datetime, width: int, height: int) -> Resource:
    return resource(png_bytes(seed, width, height), "image/png", when)
