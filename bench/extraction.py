"""Extraction benchmark: tidings vs trafilatura vs readability-lxml on the shared gold data.

One command scores every tool on every dataset in ``../shared/data/extraction`` with
that dataset's own published metric and prints a table (tool x dataset x field) with
pages per second, wall-clock and per CPU-second of the process (``time.process_time``:
what a page costs when other processes share the machine), one process, one core,
parsing and decoding included:

- ``scrapinghub``: mean per-page 4-gram shingle precision/recall/F1 of the body.
- ``trafilatura-eval``: whitespace-normalised substring match of the ``with`` segments
  (must be extracted) and ``without`` segments (must not), micro-averaged P/R/F1; plus
  title exact match, author F1 and date accuracy where the gold has them.
- ``fundus``: title exact match, author F1, publication day, body shingle F1.
- ``htmldate-eval``: publication day accuracy (all 1,000 pages).
- ``pagetype``: precision/recall of "article" on gold articles vs listing pages of the
  demo web and hand-written error / bot-challenge / cookie-wall / paywall pages.

    .venv/bin/python bench/extraction.py                     # held-back split (default)
    .venv/bin/python bench/extraction.py --split all --tools tidings,trafilatura

``--split test`` scores only the held-back half of each dataset (``split_of``: a hash
of the page key); the extraction selector in ``src/tidings/extract/models`` is trained
on ``--split train`` only (``scripts/train_extraction.py``). Exits cleanly with a
message when the shared data is absent.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import re
import sys
import tarfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extraction"
DATASETS = ("scrapinghub", "trafilatura-eval", "fundus", "htmldate-eval", "pagetype")
TOOLS = ("tidings", "trafilatura", "readability")

_TOKEN = re.compile(r"\w+", re.UNICODE)


# --- metrics ---------------------------------------------------------------------


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of word n-grams of ``text`` (lower-cased ``\\w+`` tokens)."""
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def shingle_scores(gold: str, predicted: str, n: int = 4) -> tuple[float, float, float]:
    """(precision, recall, F1) of ``predicted`` against ``gold`` over n-gram shingles."""
    gold_sh, pred_sh = shingles(gold, n), shingles(predicted, n)
    if not gold_sh and not pred_sh:
        return 1.0, 1.0, 1.0
    tp = sum((gold_sh & pred_sh).values())
    precision = tp / sum(pred_sh.values()) if pred_sh else 0.0
    recall = tp / sum(gold_sh.values()) if gold_sh else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def shingle_f1(gold: str, predicted: str, n: int = 4) -> float:
    return shingle_scores(gold, predicted, n)[2]


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def segment_counts(item: dict[str, Any], text: str | None) -> tuple[int, int, int, int]:
    """trafilatura-eval's (tp, fp, fn, tn): whitespace-normalised substring matching."""
    withs, withouts = item.get("with") or [], item.get("without") or []
    if text is None:
        return 0, 0, len(withs), len(withouts)
    norm = _ws(text)
    tp = sum(1 for w in withs if _ws(w) in norm)
    fp = sum(1 for w in withouts if _ws(w) in norm)
    return tp, fp, len(withs) - tp, len(withouts) - fp


_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "\u200b": "", "\xa0": " "}
)


def norm_title(title: str | None) -> str:
    text = unicodedata.normalize("NFKC", title or "").translate(_QUOTES)
    return " ".join(text.split()).casefold()


def _norm_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(ch for ch in decomposed if ch.isalnum() or ch.isspace()).split())


def author_f1(gold: list[str], predicted: list[str]) -> float:
    """Set F1 of normalised author names (1.0 when both are empty)."""
    gold_set = {_norm_name(name) for name in gold if _norm_name(name)}
    pred_set = {_norm_name(name) for name in predicted if _norm_name(name)}
    if not gold_set and not pred_set:
        return 1.0
    tp = len(gold_set & pred_set)
    if not tp:
        return 0.0
    precision, recall = tp / len(pred_set), tp / len(gold_set)
    return 2 * precision * recall / (precision + recall)


# --- data ------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    dataset: str
    key: str
    url: str
    html: bytes
    gold: dict[str, Any] = field(default_factory=dict)


def split_of(dataset: str, key: str) -> str:
    """``train`` or ``test`` (held back): a stable hash of the page key, about half each."""
    digest = hashlib.sha256(f"{dataset}\x00{key}".encode()).digest()
    return "test" if digest[0] % 2 == 0 else "train"


def load_scrapinghub(data: Path = DATA) -> list[Page]:
    folder = data / "scrapinghub"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        path = folder / "html" / f"{key}.html.gz"
        if path.exists():
            entry = truth[key]
            gold = {"body": entry.get("articleBody") or ""}
            url = entry.get("url") or ""
            pages.append(Page("scrapinghub", key, url, gzip.decompress(path.read_bytes()), gold))
    return pages


def _tar_members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as archive:
        return {
            member.name: archive.extractfile(member).read()  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.isfile()
        }


def _from_tar(path: Path, index_names: tuple[str, ...], dataset: str) -> list[Page]:
    files = _tar_members(path)
    pages = []
    for index_name in index_names:
        index = json.loads(files[index_name].decode("utf-8"))
        for url in sorted(index):
            item = index[url]
            for folder in ("cache", "eval", "test_set"):
                body = files.get(f"{folder}/{item['file']}")
                if body is not None:
                    pages.append(Page(dataset, url, url, body, item))
                    break
    return pages


def load_trafilatura_eval(data: Path = DATA) -> list[Page]:
    return _from_tar(
        data / "trafilatura-eval" / "pages.tar.gz", ("evaldata.json",), "trafilatura-eval"
    )


def load_htmldate_eval(data: Path = DATA) -> list[Page]:
    names = ("eval_default.json", "eval_mediacloud_2020.json")
    return _from_tar(data / "htmldate-eval" / "pages.tar.gz", names, "htmldate-eval")


def _fundus_body(entry: dict[str, Any]) -> str:
    body = entry.get("body") or {}
    parts: list[str] = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts.extend(section.get("headline") or [])
        parts.extend(section.get("paragraphs") or [])
    return "\n".join(parts)


def load_fundus(data: Path = DATA) -> list[Page]:
    """Each publisher's pages, in date order, map to its gold versions in file order."""
    pages = []
    for gold_file in sorted((data / "fundus-parser" / "pages").glob("*/*.json")):
        folder, publisher = gold_file.parent, gold_file.stem
        meta_path = folder / "meta.info"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        versions = list(json.loads(gold_file.read_text(encoding="utf-8")).values())
        files = sorted(folder.glob(f"{publisher}_*.html.gz"))
        for path, entry in zip(files, versions, strict=False):
            gold = {
                "title": entry.get("title"),
                "authors": entry.get("authors") or [],
                "date": (entry.get("publishing_date") or "")[:10] or None,
                "body": _fundus_body(entry),
            }
            url = meta.get(path.name, {}).get("url") or ""
            key = f"{folder.name}/{path.name}"
            pages.append(Page("fundus", key, url, gzip.decompress(path.read_bytes()), gold))
    return pages


# --- page-type set ---------------------------------------------------------------

_FILLER = (
    "Please enable JavaScript and cookies to continue. "
    "Checking your browser before accessing the website. This process is automatic. "
)


def _shell(title: str, body: str, lang: str = "en") -> bytes:
    nav = "".join(f'<li><a href="/section/{i}">Section number {i} news</a></li>' for i in range(12))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><header><nav><ul>{nav}</ul></nav></header><main>{body}</main>"
        "<footer><p>Copyright 2025 The Daily Example. All rights reserved.</p>"
        '<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>'
        "</body></html>"
    ).encode()


def synthetic_non_articles() -> list[tuple[str, str, bytes]]:
    """(kind, url, html) of pages that are served with 200 but are not articles."""
    lorem = (
        "Our reporters cover politics, business, science and culture from around the world, "
        "with analysis you can trust every day of the week. "
    )
    pages: list[tuple[str, str, bytes]] = []
    errors = [
        (
            "404 Not Found",
            "<h1>Page not found</h1><p>Sorry, the page you are looking for "
            "does not exist or has been moved. Error 404.</p><p>Try the search or go back to "
            "the <a href='/'>home page</a>.</p>",
        ),
        (
            "Seite nicht gefunden",
            "<h1>Fehler 404</h1><p>Die angeforderte Seite wurde leider "
            "nicht gefunden. Bitte überprüfen Sie die Adresse.</p>",
        ),
        (
            "Oops! That page can’t be found.",
            "<h1>Oops! That page can’t be found.</h1><p>It "
            "looks like nothing was found at this location. Maybe try one of the links below or "
            "a search?</p>" + "<p>" + lorem * 2 + "</p>",
        ),
        (
            "500 Internal Server Error",
            "<h1>Internal Server Error</h1><p>The server encountered "
            "an internal error and was unable to complete your request.</p>",
        ),
        (
            "Service unavailable",
            "<h1>503 Service Temporarily Unavailable</h1><p>We are down "
            "for maintenance and will be back shortly. Thank you for your patience.</p>",
        ),
        (
            "Page introuvable",
            "<h1>Erreur 404 : page introuvable</h1><p>La page que vous "
            "recherchez n'existe pas ou a été déplacée.</p>",
        ),
    ]
    for i, (title, body) in enumerate(errors):
        pages.append(("error", f"https://news.example.org/missing/{i}", _shell(title, body)))
    challenges = [
        (
            "Just a moment...",
            "<h1>Checking if the site connection is secure</h1><p>"
            + _FILLER
            + "</p><noscript>Enable JavaScript and cookies to continue</noscript>",
        ),
        (
            "Attention Required! | Cloudflare",
            "<h1>Sorry, you have been blocked</h1><p>This "
            "website is using a security service to protect itself from online attacks. The "
            "action you just performed triggered the security solution.</p><p>Cloudflare Ray ID: "
            "7a1b2c3d4e5f</p>",
        ),
        (
            "Are you a robot?",
            "<h1>Please verify you are a human</h1><p>Access to this page "
            "has been denied because we believe you are using automation tools to browse the "
            "website. Please complete the CAPTCHA below.</p><div class='g-recaptcha'></div>",
        ),
        (
            "Access Denied",
            "<h1>Access Denied</h1><p>You don't have permission to access this "
            "page on this server. Reference #18.abc123</p>",
        ),
    ]
    for i, (title, body) in enumerate(challenges):
        pages.append(("challenge", f"https://news.example.org/story/{i}", _shell(title, body)))
    cookies = [
        (
            "Before you continue",
            "<h1>We value your privacy</h1><p>We and our 842 partners "
            "store and access information on your device, such as cookies, and process personal "
            "data, such as unique identifiers, for personalised ads and content, ad and content "
            "measurement, audience insights and product development.</p><p>You can accept or "
            "manage your choices by clicking below, including your right to object where "
            "legitimate interest is used.</p><button>Accept all</button><button>Reject all"
            "</button><button>Manage preferences</button>",
        ),
        (
            "Zustimmung erforderlich",
            "<h1>Datenschutzeinstellungen</h1><p>Wir verwenden "
            "Cookies und ähnliche Technologien, um Inhalte und Anzeigen zu personalisieren, "
            "Funktionen für soziale Medien anbieten zu können und die Zugriffe auf unsere Website "
            "zu analysieren. Mit einem Klick auf „Alle akzeptieren“ stimmen Sie der Verarbeitung "
            "zu. Sie können Ihre Einwilligung jederzeit widerrufen.</p><button>Alle akzeptieren"
            "</button><button>Einstellungen</button>",
        ),
    ]
    for i, (title, body) in enumerate(cookies):
        pages.append(("cookie_wall", f"https://news.example.org/consent/{i}", _shell(title, body)))
    paywalls = [
        (
            "Budget talks stall as deadline nears | The Daily Example",
            "<article><h1>Budget talks stall as deadline nears</h1><p>Negotiators left the "
            "capital on Friday without a deal, raising the prospect of a shutdown.</p>"
            "<div class='paywall'><h2>Subscribe to continue reading</h2><p>This article is "
            "for subscribers only. Get unlimited access to all our journalism for just $1 a "
            "week. Already a subscriber? Log in.</p><a href='/subscribe'>Subscribe now</a>"
            "</div></article>",
        ),
        (
            "Neue Regeln für Mieter - Beispiel-Zeitung",
            "<article><h1>Neue Regeln für Mieter</h1><p>Ab Januar gelten neue Regeln.</p>"
            "<div class='paywall'><p>Dieser Artikel ist nur für Abonnenten verfügbar. Jetzt "
            "weiterlesen mit Plus: Testen Sie 4 Wochen für 0,99 €. Bereits Abonnent? Hier "
            "anmelden.</p></div></article>",
        ),
        (
            "The race to build the first fusion plant | Example Times",
            "<article><h1>The race to build the first fusion plant</h1><p>Start-ups promise "
            "power by the 2030s, but physicists are sceptical.</p><section class='premium'>"
            "<p>You have reached your limit of free articles this month. To continue reading, "
            "subscribe or sign in to your account. Subscriptions start at £5 a month and you "
            "can cancel at any time.</p><button>Subscribe</button></section></article>",
        ),
    ]
    for i, (title, body) in enumerate(paywalls):
        pages.append(
            ("paywall", f"https://news.example.org/2024/05/story-{i}", _shell(title, body))
        )
    return pages


def demo_listing_pages() -> list[tuple[str, str, bytes]]:
    """(kind, url, html) from the demo web (seed 7): front pages, about pages, its 404 page.

    Each front page is also presented under a section-like URL, so that the URL path alone
    does not give it away; the 404 page is presented as if it had been served with 200.
    """
    import urllib.error
    import urllib.request

    from tidings.demo import DemoWeb

    def fetch(url: str) -> bytes:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as err:
            return bytes(err.read())

    pages: list[tuple[str, str, bytes]] = []
    with DemoWeb(seed=7) as web:
        for site in web.sites:
            home = site.home_url.rstrip("/")
            front = fetch(home + "/")
            pages.append(("listing", home + "/", front))
            pages.append(("listing", home + "/news/latest-stories", front))
            pages.append(("about", home + "/about", fetch(home + "/about")))
            pages.append(("error", home + "/2024/05/missing-story", fetch(home + "/nope")))
    return pages


def load_pagetype(data: Path = DATA) -> list[Page]:
    """Articles (gold article pages) vs non-articles (demo listings, hand-written pages)."""
    pages = [
        Page("pagetype", f"article:{p.key}", p.url, p.html, {"kind": "article"})
        for p in load_scrapinghub(data)[::3] + load_fundus(data)[::3]
    ]
    for kind, url, html in demo_listing_pages() + synthetic_non_articles():
        pages.append(Page("pagetype", f"{kind}:{url}", url, html, {"kind": kind}))
    return pages


LOADERS: dict[str, Callable[[Path], list[Page]]] = {
    "scrapinghub": load_scrapinghub,
    "trafilatura-eval": load_trafilatura_eval,
    "fundus": load_fundus,
    "htmldate-eval": load_htmldate_eval,
    "pagetype": load_pagetype,
}


# --- tools -----------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    text: str = ""
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    is_article: bool = True


def run_tidings(page: Page) -> Output:
    from tidings.extract import extract_article
    from tidings.records import ExtractedArticle

    result = extract_article(page.html, url=page.url or None)
    is_article = isinstance(result, ExtractedArticle)
    article = result if isinstance(result, ExtractedArticle) else result.partial
    if article is None:
        return Output(is_article=False)
    return Output(article.text, article.title, article.authors, article.date, is_article)


def run_trafilatura(page: Page) -> Output:
    import trafilatura

    doc = trafilatura.bare_extraction(
        page.html, url=page.url or None, with_metadata=True, include_comments=False
    )
    if doc is None:
        return Output(is_article=False)
    meta = doc if isinstance(doc, dict) else doc.as_dict()
    authors = tuple(a.strip() for a in (meta.get("author") or "").split(";") if a.strip())
    date = meta.get("date")
    return Output(meta.get("text") or "", meta.get("title"), authors, date[:10] if date else None)


_BLOCK_END = re.compile(r"(</(?:p|div|li|h[1-6]|tr|pre|blockquote|table|ul|ol)>|<br\s*/?>)", re.I)


def run_readability(page: Page) -> Output:
    import lxml.html
    from readability import Document

    from tidings.extract import decode_html

    html = decode_html(page.html).text
    try:
        doc = Document(html)
        summary = doc.summary(html_partial=True)
        title = doc.short_title()
    except Exception:  # readability raises bare Exceptions on odd pages
        return Output(is_article=False)
    fragment = lxml.html.fromstring(_BLOCK_END.sub(r"\1\n", summary) or "<div></div>")
    text = "\n".join(line.strip() for line in fragment.text_content().splitlines())
    return Output(re.sub(r"\n{2,}", "\n", text).strip(), title)


RUNNERS: dict[str, Callable[[Page], Output]] = {
    "tidings": run_tidings,
    "trafilatura": run_trafilatura,
    "readability": run_readability,
}


# --- scoring ---------------------------------------------------------------------


@dataclass
class Row:
    tool: str
    dataset: str
    pages: int
    seconds: float
    scores: dict[str, float]
    #: CPU time of this process over the same pages
    cpu_seconds: float = float("nan")


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def score(dataset: str, pages: list[Page], outputs: list[Output]) -> dict[str, float]:
    pairs = list(zip(pages, outputs, strict=True))
    scores: dict[str, float] = {}
    if dataset in ("scrapinghub", "fundus"):
        triples = [shingle_scores(p.gold["body"], o.text) for p, o in pairs]
        scores["body P"] = _mean([t[0] for t in triples])
        scores["body R"] = _mean([t[1] for t in triples])
        scores["body F1"] = _mean([t[2] for t in triples])
    if dataset == "trafilatura-eval":
        tp = fp = fn = 0
        for p, o in pairs:
            a, b, c, _ = segment_counts(p.gold, o.text)
            tp, fp, fn = tp + a, fp + b, fn + c
        scores["body P"] = tp / (tp + fp) if tp + fp else 0.0
        scores["body R"] = tp / (tp + fn) if tp + fn else 0.0
        scores["body F1"] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    if dataset in ("trafilatura-eval", "fundus"):
        with_title = [(p, o) for p, o in pairs if p.gold.get("title")]
        scores["title EM"] = _mean(
            [float(norm_title(o.title) == norm_title(p.gold["title"])) for p, o in with_title]
        )
        with_author = [(p, o) for p, o in pairs if p.gold.get("author") or p.gold.get("authors")]
        scores["author F1"] = _mean(
            [author_f1(_gold_authors(p.gold), list(o.authors)) for p, o in with_author]
        )
    if dataset in ("trafilatura-eval", "fundus", "htmldate-eval"):
        with_date = [(p, o) for p, o in pairs if isinstance(p.gold.get("date"), str)]
        with_date = [(p, o) for p, o in with_date if p.gold["date"].strip()]
        scores["date acc"] = _mean(
            [float((o.date or "")[:10] == p.gold["date"][:10]) for p, o in with_date]
        )
    if dataset == "pagetype":
        predicted = [(p.gold["kind"] == "article", o.is_article) for p, o in pairs]
        tp_ = sum(1 for gold, pred in predicted if gold and pred)
        said = sum(1 for _, pred in predicted if pred)
        real = sum(1 for gold, _ in predicted if gold)
        scores["article P"] = tp_ / said if said else 0.0
        scores["article R"] = tp_ / real if real else 0.0
    return scores


def _gold_authors(gold: dict[str, Any]) -> list[str]:
    if gold.get("authors"):
        return list(gold["authors"])
    raw = gold.get("author") or ""
    names = raw if isinstance(raw, list) else re.split(r";|,", raw)
    return [a.strip() for a in names if isinstance(a, str) and a.strip()]


def run(tool: str, dataset: str, pages: list[Page]) -> tuple[Row, list[Output]]:
    runner = RUNNERS[tool]
    if pages:
        runner(pages[0])  # warm-up: imports, model loading
    outputs = []
    start, cpu_start = time.perf_counter(), time.process_time()
    for page in pages:
        try:
            outputs.append(runner(page))
        except Exception as err:  # a crash counts as a miss, as in the published evaluations
            logging.getLogger("bench").warning("%s crashed on %s: %r", tool, page.key, err)
            outputs.append(Output(is_article=False))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return Row(tool, dataset, len(pages), seconds, score(dataset, pages, outputs), cpu), outputs


def table(rows: list[Row]) -> Iterator[str]:
    fields = list(dict.fromkeys(name for row in rows for name in row.scores))
    yield "| tool | dataset | pages | pages/s | pages/CPU-s | " + " | ".join(fields) + " |"
    yield "| --- | --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in fields) + " |"
    for row in rows:
        rate = row.pages / row.seconds if row.seconds else float("nan")
        cpu_rate = row.pages / row.cpu_seconds if row.cpu_seconds else float("nan")
        cells = [f"{row.scores[name]:.3f}" if name in row.scores else "" for name in fields]
        yield (
            f"| {row.tool} | {row.dataset} | {row.pages} | {rate:.1f} | {cpu_rate:.1f} | "
            + " | ".join(cells)
            + " |"
        )


def select(pages: list[Page], split: str) -> list[Page]:
    if split == "all":
        return pages
    return [p for p in pages if split_of(p.dataset, p.key) == split]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--split", choices=("test", "train", "all"), default="test")
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--limit", type=int, default=None, help="first N pages per dataset")
    parser.add_argument("--dump", type=Path, default=None, help="write outputs as JSON lines here")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"extraction gold data not found at {DATA}; nothing to measure.")
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    logging.disable(logging.WARNING)  # the extractors warn about every discarded page
    rows: list[Row] = []
    for dataset in args.datasets.split(","):
        try:
            pages = LOADERS[dataset](DATA)
        except FileNotFoundError as err:
            print(f"{dataset}: data missing ({err}); skipped")
            continue
        pages = pages if dataset == "pagetype" else select(pages, args.split)
        pages = pages[: args.limit] if args.limit else pages
        for tool in args.tools.split(","):
            row, outputs = run(tool, dataset, pages)
            rows.append(row)
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                with (args.dump / f"{tool}.{dataset}.jsonl").open("w", encoding="utf-8") as out:
                    for page, output in zip(pages, outputs, strict=True):
                        record = {"key": page.key, "gold": page.gold, **output.__dict__}
                        out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            print(
                f"{tool:<12} {dataset:<17} {row.pages:>5} pages in {row.seconds:6.1f} s "
                f"({row.cpu_seconds:6.1f} s CPU)",
                file=sys.stderr,
            )
    print(f"split: {args.split}")
    for line in table(rows):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
