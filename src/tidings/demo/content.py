"""Deterministic article text for the demo news web, in English and Chinese.

Every sentence is a template written for this project and filled with invented
names, places and numbers drawn from a seeded :class:`random.Random`, so the same
seed always gives the same articles and no third-party text is ever used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

CountFn = Callable[[str], int]

# --- shared vocabulary -----------------------------------------------------------------

FIRST_NAMES = (
    "Nora", "Elias", "Priya", "Tomas", "Amara", "Jonah", "Leila", "Mateo", "Ingrid", "Kofi",
    "Hana", "Felix", "Rosa", "Dmitri", "Alma", "Ravi", "Clara", "Obi", "Yuki", "Soren",
    "Maren", "Idris", "Lucia", "Callum", "Zara", "Anton", "Esther", "Milo", "Farah", "Gideon",
)  # fmt: skip
LAST_NAMES = (
    "Quinn", "Halvorsen", "Achebe", "Lindqvist", "Moreau", "Okafor", "Castellano", "Brandt",
    "Nakamura", "Whitlock", "Varga", "Osei", "Rahman", "Delacroix", "Sutherland", "Petrov",
    "Marsh", "Ferreira", "Kowalski", "Ashworth", "Bellamy", "Iverson", "Tanaka", "Mbeki",
)  # fmt: skip
TOWNS = (
    "Millbrook", "Port Aldous", "Kestrel Bay", "Ashford Vale", "Norwood", "Greyhaven",
    "Lanterne", "Copper Falls", "Westmere", "Harlow Cross", "Brindle Point", "Saltmarsh",
)  # fmt: skip
COUNTRIES = (
    "Valdoria", "Eastmarch", "Norland", "Carrow", "Selvania", "Meridia", "Tarsk", "Ostrava",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "September", "October")


@dataclass(frozen=True)
class Topic:
    """Templates for one news topic; ``stories`` pairs a headline with its lead sentence."""

    name: str
    orgs: tuple[str, ...]
    things: tuple[str, ...]
    roles: tuple[str, ...]
    stories: tuple[tuple[str, str], ...]
    sentences: tuple[str, ...]
    #: Extra placeholders, e.g. ``("body", ("a long-period comet", ...))``, so that a
    #: headline only combines with nouns that make sense in it.
    slots: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Story:
    """The words of one article, before it is placed on a site."""

    title: str
    summary: str
    paragraphs: tuple[str, ...]
    topic: str
    language: str
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


# --- English ---------------------------------------------------------------------------

EN_TOPICS: dict[str, Topic] = {
    "world": Topic(
        name="world",
        orgs=(
            "the Coastal Nations Forum",
            "the Union of Lake States",
            "the Harbour Commission",
            "the Northern Trade Council",
            "the Continental Relief Office",
        ),
        things=(
            "a cross-border rail agreement",
            "a fisheries treaty",
            "a water-sharing accord",
            "a joint customs pact",
            "a disaster-relief compact",
            "a river navigation deal",
        ),
        roles=("foreign minister", "senior negotiator", "deputy envoy", "trade commissioner"),
        stories=(
            (
                "{country} and {country2} sign {thing} after {n1} rounds of talks",
                "Negotiators from {country} and {country2} signed {thing} on {day}, closing {n1} "
                "rounds of talks that had stalled twice since the spring.",
            ),
            (
                "Delegates from {n2} nations gather in {town} to weigh {thing}",
                "Delegations from {n2} governments arrived in {town} on {day} for a summit that "
                "organisers say will be dominated by {thing}.",
            ),
            (
                "{country} recalls envoy as dispute over {thing} deepens",
                "{country} recalled its envoy from {country2} on {day}, the sharpest step yet in a "
                "months-long quarrel over {thing}.",
            ),
            (
                "{country} pledges {money} for flood recovery in {country2}",
                "The government of {country} pledged {money} on {day} to help {country2} rebuild "
                "bridges and clinics damaged by autumn floods.",
            ),
            (
                "Border crossing between {country} and {country2} reopens after {n3} weeks",
                "The main road crossing between {country} and {country2} reopened on {day} after "
                "{n3} weeks of closure that left hundreds of lorries queuing on both sides.",
            ),
        ),
        sentences=(
            "{p1}, the {r1} of {country}, called the outcome a practical step rather than a "
            "breakthrough.",
            "Officials said the text runs to {n4} pages and will need approval from both "
            "parliaments before it takes effect.",
            "Critics in {country2} argue that the deal leaves the hardest questions for a later "
            "round of negotiations.",
            "Trade between the two countries fell by {pct} last year, according to figures "
            "published by {org}.",
            "Diplomats privately expect the first measures to be in place by {month} {year}.",
            "{p2}, who advised an earlier delegation, said trust had improved since the last "
            "meeting in {town}.",
            "Observers from {org} will monitor how the commitments are carried out.",
            "Farmers and hauliers near the border have been among the loudest voices calling for "
            "a settlement.",
            '"We did not get everything we wanted, but we got something that works," {p1_last} '
            "told reporters outside the conference hall.",
            "The talks were briefly suspended on the second day after a disagreement over the "
            "wording of a single clause.",
        ),
    ),
    "business": Topic(
        name="business",
        orgs=(
            "Northgate Analytics",
            "Brightwater Foods",
            "Halden Shipping",
            "Corvid Retail Group",
            "Silverline Energy",
            "the Chamber of Commerce",
        ),
        things=(
            "its quarterly results",
            "a new distribution centre",
            "a merger proposal",
            "a cost-cutting plan",
            "a share buyback",
            "an expansion into electric vans",
        ),
        roles=("chief executive", "finance director", "market analyst", "union representative"),
        stories=(
            (
                "{org} shares jump {pct} after stronger than expected results",
                "Shares in {org} rose {pct} on {day} after the company reported sales of {money} "
                "for the quarter, well ahead of forecasts.",
            ),
            (
                "{org} to open distribution centre in {town}, creating {n2} jobs",
                "{org} said on {day} it will build a distribution centre on the edge of {town}, "
                "a project expected to create {n2} permanent jobs.",
            ),
            (
                "Investors cool on {org} merger plan as rival bid emerges",
                "A proposed merger involving {org} ran into trouble on {day} when a rival bidder "
                "tabled an offer worth {money}.",
            ),
            (
                "{org} unveils {money} plan to cut costs and close {n1} sites",
                "{org} announced a plan on {day} to save {money} over two years, including the "
                "closure of {n1} older sites.",
            ),
            (
                "Small firms in {town} report slowest growth in {n1} years",
                "Small businesses in {town} grew at the slowest pace in {n1} years during the "
                "autumn, according to a survey released on {day}.",
            ),
        ),
        sentences=(
            "{p1}, the company's {r1}, said demand had held up better than expected in the "
            "final weeks of the period.",
            "Analysts at {org} had pencilled in growth of around {pct2} before the announcement.",
            "The firm employs about {n4} people, most of them in warehouses and call centres.",
            "Profit margins narrowed slightly because of higher freight and energy costs.",
            "{p2}, a {r2} who follows the sector, described the figures as solid but not "
            "spectacular.",
            "The board said it would update investors on {thing} in {month}.",
            "Trading volumes were roughly {n3} times the daily average by the close.",
            '"Customers are still spending, but they are choosing more carefully," {p1_last} '
            "said on a call with analysts.",
            "Local officials in {town} welcomed the news and promised faster planning decisions.",
            "Some shareholders have pushed for a larger dividend instead of new investment.",
        ),
    ),
    "tech": Topic(
        name="tech",
        orgs=(
            "Lumen Systems",
            "Parallax Labs",
            "Quillfish Software",
            "Tessellate Networks",
            "Orbitwise",
            "Fernbank Robotics",
        ),
        things=(
            "an open-source database engine",
            "a battery management chip",
            "a privacy-focused mobile browser",
            "a home energy app",
            "a satellite modem",
            "a code review assistant",
        ),
        roles=(
            "chief technology officer",
            "product lead",
            "security researcher",
            "hardware engineer",
        ),
        stories=(
            (
                "{org} releases {thing} to developers after {n1}-month beta",
                "{org} made {thing} generally available on {day}, ending a beta programme that ran "
                "for {n1} months and drew about {n4} testers.",
            ),
            (
                "Security flaw in {org} routers patched after researcher's warning",
                "{org} shipped a firmware update on {day} that closes a flaw in its home routers, "
                "{n2} days after a researcher reported it privately.",
            ),
            (
                "{org} bets on {thing} as hardware sales slow",
                "{org} told investors on {day} that {thing} will be its main growth driver next "
                "year, as sales of its older devices flatten.",
            ),
            (
                "Start-up {org} raises {money} to build {thing}",
                "{org}, a start-up based in {town}, said on {day} it had raised {money} to develop "
                "{thing}.",
            ),
            (
                "Outage at {org} cloud region disrupts services for {n3} hours",
                "Customers of {org} lost access to several services for about {n3} hours on {day} "
                "after a configuration change went wrong in one data centre.",
            ),
        ),
        sentences=(
            "{p1}, the company's {r1}, said the team had rewritten most of the code since the "
            "first prototype.",
            "The software is released under a permissive licence and can run on a single laptop.",
            "Early users reported that tasks finished about {pct} faster than on the previous "
            "version.",
            "{p2}, an independent {r2}, said the design choices looked sensible but needed wider "
            "testing.",
            "The company has {n4} employees and opened a second office in {town} this year.",
            "Rivals are working on similar products, though none has shipped one yet.",
            '"We wanted something people could understand and repair themselves," {p1_last} '
            "said in an interview.",
            "A public roadmap lists support for more languages and devices by {month} {year}.",
            "Documentation, sample projects and a migration guide were published on the same day.",
            "Regulators have not commented on the launch.",
        ),
    ),
    "science": Topic(
        name="science",
        orgs=(
            "the Kestrel Bay Institute",
            "the Northern Marine Laboratory",
            "the University of Greyhaven",
            "the Alpine Climate Observatory",
            "the Saltmarsh Field Station",
        ),
        things=(
            "migrating shorebirds",
            "a colony of cave beetles",
            "seasonal algae blooms",
            "night-flying moths",
        ),
        slots=(
            ("organism", ("a deep-sea sponge", "a fast-growing seagrass", "a kelp forest")),
            ("body", ("a long-period comet", "a faint icy object", "a pair of small asteroids")),
            ("microbe", ("a soil bacterium", "a species of moss", "a colony of tiny worms")),
            ("basin", ("an ancient lake bed", "a peat bog", "a dried-up river delta")),
        ),
        roles=("lead author", "marine biologist", "astronomer", "geochemist"),
        stories=(
            (
                "Researchers map {organism} that stores carbon {n1} times faster than expected",
                "Scientists at {org} have found that {organism} locks away carbon about {n1} times "
                "faster than earlier models assumed, according to a study published on {day}.",
            ),
            (
                "Telescope survey spots {body} on a {n4}-year orbit",
                "An automated survey run by {org} has identified {body} that circles the Sun once "
                "every {n4} years, astronomers said on {day}.",
            ),
            (
                "Team at {org} revives {microbe} frozen for centuries",
                "Researchers at {org} said on {day} they had revived {microbe} recovered from ice "
                "cores thought to be several hundred years old.",
            ),
            (
                "Study of {basin} offers clues to past droughts",
                "Sediment cores taken from {basin} near {town} record at least {n1} severe "
                "droughts, a team from {org} reported on {day}.",
            ),
            (
                "Citizen scientists help track {thing} across {n2} sites",
                "Volunteers working with {org} logged observations of {thing} at {n2} sites along "
                "the coast, providing data that researchers called invaluable.",
            ),
        ),
        sentences=(
            "{p1}, the {r1} of the study, said the result surprised the team at first.",
            "The measurements were repeated over {n3} field seasons to rule out seasonal effects.",
            "The findings have been peer reviewed and the data will be shared in a public archive.",
            "{p2}, a {r2} who was not involved in the research, called the work careful and "
            "convincing.",
            "Funding came from a regional science council and a private foundation in {town}.",
            "The team now plans to test whether the pattern holds in colder waters.",
            '"Nature keeps finding ways to surprise us," {p1_last} said.',
            "Samples were analysed in {n2} laboratories to make sure the results were consistent.",
            "Uncertainty in the estimates remains at roughly {pct}, the authors acknowledged.",
            "Similar studies elsewhere had produced mixed results, partly because of smaller "
            "samples.",
        ),
    ),
    "sports": Topic(
        name="sports",
        orgs=(
            "Millbrook Rovers",
            "Port Aldous United",
            "the Greyhaven Hawks",
            "Westmere Athletic",
            "the Kestrel Bay Mariners",
            "Copper Falls City",
        ),
        things=("the regional cup final", "the county shield final", "the league decider"),
        slots=(
            ("race", ("the autumn marathon", "the harbour half-marathon", "the fell race")),
            ("post", ("head coach", "assistant manager", "director of football")),
        ),
        roles=("head coach", "team captain", "club chairman", "sports physiotherapist"),
        stories=(
            (
                "{org} win {thing} with late goal in front of {n4} fans",
                "{org} won {thing} on {day} thanks to a goal in the {n1}th minute, sending a crowd "
                "of {n4} into celebration.",
            ),
            (
                "{p1} breaks course record at {race}",
                "{p1} set a new course record at {race} on {day}, finishing {n2} seconds inside "
                "the previous best.",
            ),
            (
                "{org} appoint {p2} as {post} on {n3}-year contract",
                "{org} named {p2} as their new {post} on {day}, agreeing a {n3}-year contract "
                "after a search that lasted most of the autumn.",
            ),
            (
                "Injury crisis leaves {org} short ahead of {thing}",
                "{org} will go into {thing} without {n3} regular starters after a run of "
                "injuries, the club confirmed on {day}.",
            ),
        ),
        sentences=(
            "{p1} said the squad had trained for exactly this kind of pressure.",
            "The visitors had the better of the opening half but could not convert their chances.",
            "Attendance this season is up {pct} on last year, according to the club.",
            "{p2}, the {r2}, praised the young players who came off the bench.",
            '"It is a proud day for everyone in {town}," {p1_last} said afterwards.',
            "The next fixture is away at {org2} on {day2}.",
            "Ticket sales for the final opened within minutes of the whistle.",
            "Conditions were difficult, with a strong wind blowing across the ground all "
            "afternoon.",
            "The club's youth academy has produced {n3} first-team players in the past two years.",
            "Supporters stayed long after the end to applaud the team.",
        ),
    ),
    "health": Topic(
        name="health",
        orgs=(
            "the Millbrook General Hospital",
            "the Regional Health Board",
            "the Westmere Community Clinic",
            "the Public Nutrition Council",
            "the Harlow Cross Medical School",
        ),
        things=(
            "a walk-in vaccination service",
            "a new maternity ward",
            "a mobile dental van",
            "a programme for early dementia screening",
        ),
        roles=(
            "medical director",
            "nurse practitioner",
            "public health researcher",
            "patient advocate",
        ),
        stories=(
            (
                "{org} launches {thing} to cut waiting times",
                "{org} launched {thing} on {day}, aiming to cut average waiting times by about "
                "{pct} over the winter.",
            ),
            (
                "Study of {n4} adults links regular walking to better sleep",
                "Adults who walked at least {n1} minutes a day slept noticeably better, according "
                "to a study of {n4} people published by {org} on {day}.",
            ),
            (
                "Flu cases rise in {town} as clinics extend opening hours",
                "Clinics in {town} will open for longer from {day} after a rise in flu cases that "
                "health officials described as early but not unusual.",
            ),
            (
                "{org} recruits {n2} nurses to staff {thing}",
                "{org} said on {day} it had recruited {n2} nurses to staff {thing}, which opens to "
                "patients next month.",
            ),
        ),
        sentences=(
            "{p1}, a {r1} at {org}, said demand had grown steadily since the summer.",
            "Patients will be able to book appointments online or by telephone.",
            "Officials stressed that the measures are precautionary and that services remain open.",
            "{p2}, a {r2}, said the change would make the biggest difference to older residents.",
            "About {pct} of eligible adults in the area have taken up the offer so far.",
            '"Small changes in routine add up over time," {p1_last} said.',
            "The service will be reviewed after {n3} months to see whether it should be extended.",
            "Staff received extra training before the launch.",
            "Charities in {town} have offered volunteers to help with transport for patients.",
            "The budget for the project is {money}, spread over three years.",
        ),
    ),
    "culture": Topic(
        name="culture",
        orgs=(
            "the Lanterne Theatre",
            "the Harbour Museum of Art",
            "the Greyhaven Film Festival",
            "the Saltmarsh Folk Society",
            "the City Library Trust",
        ),
        things=(
            "a retrospective of textile art",
            "a new staging of a forgotten opera",
            "a festival of short films",
            "a photography exhibition about fishing villages",
            "a season of open-air concerts",
        ),
        roles=("artistic director", "curator", "festival programmer", "critic"),
        slots=(
            ("gallery", ("the Harbour Museum of Art", "the Old Customs House Gallery")),
            (
                "show",
                (
                    "a retrospective of textile art",
                    "an exhibition of maritime maps",
                    "a photography exhibition about fishing villages",
                ),
            ),
        ),
        stories=(
            (
                "{gallery} opens {show} with {n2} works on display",
                "{gallery} opened {show} on {day}, bringing together {n2} works from private "
                "collections and regional archives.",
            ),
            (
                "Record {n4} visitors attend {thing} in {town}",
                "A record {n4} people attended {thing} in {town} over the weekend, organisers said "
                "on {day}.",
            ),
            (
                "{p1} named {r1} of {org}",
                "{p1} has been appointed {r1} of {org}, the board announced on {day}, ending a "
                "search that lasted {n1} months.",
            ),
            (
                "{org} wins {money} grant to restore historic hall",
                "{org} has been awarded {money} to restore its nineteenth-century hall, it said on "
                "{day}.",
            ),
        ),
        sentences=(
            "{p1}, the {r1}, said the programme was designed to reach people who rarely visit.",
            "Tickets are priced from {n1} dollars, with free entry for children under twelve.",
            "Many of the pieces have not been shown in public for decades.",
            "{p2}, a local {r2}, described the opening night as warm and unpretentious.",
            "Volunteers spent {n3} weeks preparing the rooms and the lighting.",
            '"Art belongs in the middle of town, not at the edge of it," {p1_last} said.',
            "A series of talks and workshops will run alongside the main event until {month}.",
            "Local schools have booked guided visits for about {n4} pupils.",
            "The building itself reopened last year after a long restoration.",
            "Some works will travel to {town2} in the new year.",
        ),
    ),
    "local": Topic(
        name="local",
        orgs=(
            "Millbrook Town Council",
            "the County Roads Department",
            "the Millbrook Water Board",
            "the Riverside Residents' Association",
            "the Millbrook Fire Service",
        ),
        things=(
            "a new cycle lane on Mill Street",
            "the riverside footbridge",
            "a weekly farmers' market",
            "the old library building",
            "a pilot for late-night buses",
        ),
        roles=("council leader", "ward councillor", "project manager", "residents' spokesperson"),
        stories=(
            (
                "Council approves {thing} after {n1}-hour debate",
                "{town} Town Council approved {thing} late on {day} after a debate that lasted "
                "{n1} hours and drew a packed public gallery.",
            ),
            (
                "Work on {thing} to start in {month}, costing {money}",
                "Construction of {thing} will begin in {month} at a cost of {money}, officials "
                "confirmed on {day}.",
            ),
            (
                "Residents petition to save {thing}",
                "More than {n4} residents have signed a petition to save {thing}, which faces "
                "closure under budget plans discussed on {day}.",
            ),
            (
                "Water main burst closes roads in {town} for {n3} days",
                "Several roads in {town} will stay closed for up to {n3} days after a water main "
                "burst early on {day}, flooding cellars along two streets.",
            ),
        ),
        sentences=(
            "{p1}, the {r1}, said the decision reflected what residents had asked for.",
            "Opponents worry about the impact on parking and on small shops nearby.",
            "The project is funded partly by a regional grant of {money}.",
            "{p2}, a {r2}, said the consultation had been rushed.",
            "About {pct} of people who replied to the survey supported the plan.",
            '"We have listened, and we have changed the design," {p1_last} said.',
            "Work is expected to take {n3} months, with some evening closures.",
            "A public meeting will be held at the community centre on {day2}.",
            "Neighbouring {town2} introduced a similar scheme two years ago.",
            "Bus routes will be diverted while the work is under way.",
        ),
    ),
}

EN_GENERIC = (
    "The announcement came after weeks of speculation in {town}.",
    "A full report is due to be published before the end of {month}.",
    "Not everyone is convinced that the timetable is realistic.",
    "{p3}, who has followed the issue for years, said the details would matter more than the "
    "headlines.",
    "Figures released on {day2} suggest the picture is more complicated than it first appears.",
    "Questions remain about who will pay for the later stages.",
    "Several people contacted for this article declined to comment.",
    "The next update is expected in about {n3} weeks.",
    "Independent experts said the numbers were broadly in line with earlier estimates.",
    "Officials promised to publish the data behind the decision.",
    "The idea was first proposed in {year2} but was shelved for lack of money.",
    "{p3} said residents deserved clear answers and a firm date.",
    "The change affects roughly {n4} households, according to local estimates.",
    "Supporters say the move is overdue, while critics call it a gamble.",
)


def _pick_name(rng: Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _distinct(rng: Random, pool: tuple[str, ...], k: int) -> list[str]:
    return rng.sample(list(pool), k)


def english_names(rng: Random, count: int) -> list[str]:
    """``count`` distinct invented English names."""
    names: list[str] = []
    while len(names) < count:
        name = _pick_name(rng)
        if name.split()[1] not in {n.split()[1] for n in names}:
            names.append(name)
    return names


def _en_context(rng: Random, topic: Topic) -> dict[str, str]:
    people = english_names(rng, 3)
    towns = _distinct(rng, TOWNS, 2)
    countries = _distinct(rng, COUNTRIES, 2)
    orgs = _distinct(rng, topic.orgs, 2)
    roles = _distinct(rng, topic.roles, 2)
    days = _distinct(rng, WEEKDAYS, 2)
    money = f"${rng.randint(2, 95)}.{rng.randint(1, 9)} million"
    slots = {name: rng.choice(options) for name, options in topic.slots}
    return slots | {
        "p1": people[0],
        "p2": people[1],
        "p3": people[2],
        "p1_last": people[0].split()[1],
        "town": towns[0],
        "town2": towns[1],
        "country": countries[0],
        "country2": countries[1],
        "org": orgs[0],
        "org2": orgs[1],
        "r1": roles[0],
        "r2": roles[1],
        "thing": rng.choice(topic.things),
        "day": days[0],
        "day2": days[1],
        "month": rng.choice(MONTHS),
        "year": str(rng.randint(2027, 2030)),
        "year2": str(rng.randint(2009, 2021)),
        "money": money,
        "n1": str(rng.randint(3, 14)),
        "n2": str(rng.randint(15, 90)),
        "n3": str(rng.randint(2, 9)),
        "n4": str(rng.randint(120, 4800)),
        "pct": f"{rng.randint(3, 38)} percent",
        "pct2": f"{rng.randint(2, 12)} percent",
    }


def _pick_story(rng: Random, topic: Topic, taken: set[str]) -> tuple[str, str]:
    """A (headline, lead) template pair, preferring templates not used yet."""
    fresh = [pair for pair in topic.stories if pair[0] not in taken]
    return rng.choice(fresh or list(topic.stories))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _write_paragraphs(
    rng: Random, lead: str, pool: list[str], ctx: dict[str, str], *, enough: int, count: CountFn
) -> tuple[str, ...]:
    rng.shuffle(pool)
    # Introduce the main person before any sentence quotes them by surname.
    intro = next((i for i, s in enumerate(pool) if "{p1}" in s), 0)
    pool.insert(0, pool.pop(intro))
    n_paragraphs = rng.randint(5, 7)
    first_extra = rng.randint(1, 2)
    paragraphs = [" ".join([lead, *(_cap(s.format_map(ctx)) for s in pool[:first_extra])])]
    used = first_extra
    while used < len(pool) and (
        len(paragraphs) < n_paragraphs or count(" ".join(paragraphs)) < enough
    ):
        take = rng.randint(2, 4)
        chunk = pool[used : used + take]
        if len(paragraphs) >= 8 or len(chunk) < 2:
            break
        used += take
        paragraphs.append(" ".join(_cap(s.format_map(ctx)) for s in chunk))
    return tuple(paragraphs)


def english_story(rng: Random, topic_name: str, taken: set[str]) -> Story:
    """Write one English article about ``topic_name`` whose title is not in ``taken``."""
    topic = EN_TOPICS[topic_name]
    while True:
        ctx = _en_context(rng, topic)
        title_t, lead_t = _pick_story(rng, topic, taken)
        title = _cap(title_t.format_map(ctx))
        if title not in taken:
            break
    taken.update((title, title_t))
    lead = _cap(lead_t.format_map(ctx))
    pool = list(topic.sentences) + rng.sample(list(EN_GENERIC), 6)
    paragraphs = _write_paragraphs(rng, lead, pool, ctx, enough=180, count=word_count)
    tags = (topic.name, ctx["town"] if topic.name in {"local", "health", "culture"} else ctx["org"])
    return Story(
        title=title,
        summary=lead,
        paragraphs=paragraphs,
        topic=topic.name,
        language="en",
        tags=tuple(t.removeprefix("the ") for t in tags),
    )


def word_count(text: str) -> int:
    return len(text.split())


_CJK = re.compile(r"[\u4e00-\u9fff]")


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


# --- Chinese ---------------------------------------------------------------------------

ZH_SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "林", "郭")
ZH_GIVEN = ("明", "娜", "伟", "洋", "静", "帆", "磊", "蕾", "涛", "敏", "晨", "欣", "浩然", "思远",
            "雨桐", "建国", "晓东", "佳怡", "志强", "文博")  # fmt: skip
ZH_CITIES = ("杭州", "成都", "武汉", "西安", "南京", "青岛", "厦门", "长沙", "昆明", "苏州", "大连",
             "合肥")  # fmt: skip
ZH_WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

ZH_TOPICS: dict[str, Topic] = {
    "business": Topic(
        name="business",
        orgs=("江南新能源集团", "东湖电子公司", "海岸物流公司", "青禾食品公司", "北辰装备集团"),
        things=("物流园区", "智能仓储基地", "新能源电池工厂", "研发中心"),
        roles=("董事长", "财务总监", "行业分析师", "工厂负责人"),
        stories=(
            (
                "{org}第三季度营收增长{pct} 海外订单明显回升",
                "{org}{day}发布公告称，公司第三季度实现营业收入{money}，同比增长{pct}，海外订单明显回升。",
            ),
            (
                "{org}在{city}投资建设{thing} 预计带动{n2}个就业岗位",
                "{org}{day}与{city}市政府签约，计划投资{money}建设{thing}，预计带动{n2}个就业岗位。",
            ),
            (
                "{city}小微企业贷款余额突破{money} 融资成本持续下降",
                "记者{day}从{city}金融部门获悉，全市小微企业贷款余额已突破{money}，平均融资成本连续{n1}个月下降。",
            ),
        ),
        sentences=(
            "{p1}表示，公司将继续加大研发投入，提升产品竞争力。",
            "业内人士分析认为，市场需求回暖是业绩增长的主要原因。",
            "据介绍，项目一期工程计划于明年{n3}月建成投产。",
            "{p2}指出，原材料价格波动仍是企业面临的主要挑战之一。",
            "今年以来，{city}已累计引进重点项目{n2}个。",
            "公司现有员工约{n4}人，其中研发人员占比超过三成。",
            "多家机构上调了对该公司全年业绩的预期。",
            "当地有关部门表示，将在用地、审批等方面提供便利。",
            "“我们对下一阶段的发展充满信心。”{p1}说。",
            "与此同时，企业也在积极开拓东南亚和中东市场。",
        ),
    ),
    "tech": Topic(
        name="tech",
        orgs=("星河智能公司", "云帆软件公司", "青鸟机器人公司", "远望卫星公司", "极光芯片公司"),
        things=("新一代语音助手", "农业无人机", "开源数据库", "低功耗芯片"),
        roles=("首席技术官", "产品经理", "研究员", "工程师"),
        slots=(("device", ("新一代智能手表", "农业无人机", "家庭储能设备")),),
        stories=(
            (
                "{org}发布{device} 续航能力提升{pct}",
                "{org}{day}在{city}发布{device}，新产品续航能力较上一代提升{pct}，将于下月正式上市。",
            ),
            (
                "{city}高校团队研发{thing} 已在{n2}个村庄试用",
                "{city}一所高校的科研团队近日研发出{thing}，目前已在周边{n2}个村庄开展试用。",
            ),
            (
                "{org}完成{money}融资 加快{thing}研发",
                "{org}{day}宣布完成新一轮融资，金额达{money}，资金将主要用于{thing}的研发。",
            ),
        ),
        sentences=(
            "{p1}介绍，研发团队用了{n1}个月时间攻克了关键技术难题。",
            "测试数据显示，新产品在低温环境下依然运行稳定。",
            "{p2}认为，这一成果有望降低相关行业的使用成本。",
            "目前，已有{n2}家企业与该公司签订了合作协议。",
            "专家提醒，新技术的大规模应用仍需经过更长时间的验证。",
            "据了解，该产品的核心部件全部实现了自主设计。",
            "“我们希望让普通用户也能用得起、用得好。”{p1}说。",
            "公司计划明年在{city}设立第二个研发中心。",
            "发布会现场吸引了约{n4}名观众和开发者参加。",
            "业内人士表示，相关市场规模有望在三年内翻一番。",
        ),
    ),
    "sports": Topic(
        name="sports",
        orgs=("{city}队", "江城足球俱乐部", "海滨篮球队", "山城排球队"),
        things=("联赛总决赛", "杯赛四强", "季后赛半决赛"),
        roles=("主教练", "队长", "领队", "体育评论员"),
        slots=(("race", ("全国青年锦标赛", "冬季越野赛", "省运会田径比赛")),),
        stories=(
            (
                "{city}城市马拉松鸣枪开跑 {n4}名选手参赛",
                "{day}上午，{city}城市马拉松鸣枪开跑，来自国内外的{n4}名选手参加了比赛。",
            ),
            (
                "{org}主场险胜 晋级{thing}",
                "在{day}晚进行的比赛中，{org}凭借最后时刻的进球主场险胜对手，成功晋级{thing}。",
            ),
            (
                "{p1}打破{race}纪录 成绩提高{n2}秒",
                "在{day}结束的{race}中，{city}选手{p1}以优异成绩打破赛会纪录，比原纪录快了{n2}秒。",
            ),
        ),
        sentences=(
            "{p2}赛后表示，球队在防守端的表现值得肯定。",
            "比赛当天天气晴朗，现场观众热情高涨。",
            "据组委会介绍，本次赛事共设置补给站{n1}个，志愿者超过{n4}人。",
            "{p1}说，这是自己职业生涯中最难忘的一场比赛。",
            "下一轮比赛将于{day2}在{city}举行。",
            "近年来，当地群众参与体育运动的热情持续升温。",
            "“队员们拼尽了全力，我为他们感到骄傲。”{p2}说。",
            "赛事期间，周边酒店入住率明显上升。",
            "多名年轻队员在比赛中获得了宝贵的上场机会。",
            "医疗团队全程待命，确保比赛安全有序进行。",
        ),
    ),
    "culture": Topic(
        name="culture",
        orgs=("{city}博物馆", "{city}大剧院", "市图书馆", "民间艺术研究会", "青年交响乐团"),
        things=("传统戏曲演出季", "非遗手工艺市集", "城市摄影展", "新年音乐会"),
        roles=("馆长", "策展人", "艺术总监", "文化学者"),
        slots=(
            ("museum", ("{city}博物馆", "市美术馆", "省档案馆")),
            ("exhibit", ("古代丝绸文物展", "明清书画展", "城市老照片展")),
        ),
        stories=(
            (
                "{museum}推出{exhibit} 展出文物{n2}件",
                "{day}，{museum}正式推出{exhibit}，共展出文物和艺术作品{n2}件，其中不少是首次公开亮相。",
            ),
            (
                "{city}举办{thing} 吸引{n4}名市民参与",
                "为期{n3}天的{thing}{day}在{city}落下帷幕，活动共吸引{n4}名市民参与。",
            ),
            (
                "{thing}走进社区 让传统文化融入日常生活",
                "{day}起，{thing}陆续走进{city}的{n1}个社区，让居民在家门口感受传统文化的魅力。",
            ),
        ),
        sentences=(
            "{p1}介绍，筹备工作历时{n1}个月，得到了多家单位的支持。",
            "不少市民带着孩子前来参观，现场气氛热烈。",
            "{p2}认为，这类活动有助于提升城市的文化品位。",
            "展览期间还将举办讲座、工作坊等配套活动{n1}场。",
            "据了解，部分展品将在明年春天赴{city2}巡展。",
            "“希望更多年轻人走进博物馆，了解历史。”{p1}说。",
            "主办方特别设置了无障碍通道和免费讲解服务。",
            "活动采取线上预约方式，每日限流{n4}人。",
            "一些老手艺人也来到现场，向观众展示传统技艺。",
            "相关负责人表示，今后将定期举办类似活动。",
        ),
    ),
    "local": Topic(
        name="local",
        orgs=("市交通局", "市住建局", "市卫健委", "区政府", "市城管局"),
        things=("老旧小区改造工程", "滨江绿道建设工程", "雨污分流改造工程", "便民服务中心建设"),
        roles=("负责人", "工作人员", "社区主任", "居民代表"),
        stories=(
            (
                "{city}新开通{n1}条公交线路 市民出行更便捷",
                "记者{day}从{org}获悉，{city}新开通{n1}条公交线路，覆盖沿线{n2}个居民小区。",
            ),
            (
                "{city}启动{thing} 惠及{n4}户居民",
                "{city}{day}正式启动{thing}，预计将惠及{n4}户居民，年底前完成主体工程。",
            ),
            (
                "{city}首批社区食堂开业 老人用餐更方便",
                "{day}，{city}首批{n1}家社区食堂正式开业，为周边老年居民提供实惠可口的饭菜。",
            ),
        ),
        sentences=(
            "{org}{r1}{p1}表示，下一步将根据市民反馈不断优化服务。",
            "家住附近的{p2}说，以前出门办事要绕很远的路，现在方便多了。",
            "据介绍，工程总投资约{money}，分{n3}期实施。",
            "今年以来，{city}已完成类似项目{n2}个。",
            "相关部门提醒，施工期间部分路段将实行交通管制。",
            "社区工作人员还上门征求了居民的意见和建议。",
            "“这件事办到了我们心坎上。”{p2}说。",
            "项目建成后，周边环境将得到明显改善。",
            "不少居民在社交媒体上为这一举措点赞。",
            "下一阶段，相关部门将加强日常管理和维护。",
        ),
    ),
}

ZH_GENERIC = (
    "有关部门表示，将持续关注事态进展，及时发布最新信息。",
    "多位受访者对此表示欢迎，认为这一举措回应了群众关切。",
    "据统计，今年前十个月相关指标同比增长{pct}。",
    "专家建议，应进一步完善配套政策，形成长效机制。",
    "{p3}表示，接下来还有大量细致的工作要做。",
    "这一做法在全国多个城市已有成功经验可以借鉴。",
    "记者在现场看到，工作人员正在有序开展各项准备工作。",
    "业内人士指出，具体成效仍有待时间检验。",
    "不少网友在评论区留言，希望类似的好做法能够推广开来。",
    "下一步，当地将结合实际情况，分阶段推进各项工作。",
    "记者了解到，相关方案此前已多次征求专家和公众意见。",
    "{city2}的相关负责人也专程前来考察交流，学习有益经验。",
)


def chinese_names(rng: Random, count: int) -> list[str]:
    """``count`` distinct invented Chinese names."""
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(ZH_SURNAMES) + rng.choice(ZH_GIVEN)
        if name not in names:
            names.append(name)
    return names


def _zh_context(rng: Random, topic: Topic) -> dict[str, str]:
    people = chinese_names(rng, 3)
    cities = _distinct(rng, ZH_CITIES, 2)
    days = _distinct(rng, ZH_WEEKDAYS, 2)
    ctx = {
        "p1": people[0],
        "p2": people[1],
        "p3": people[2],
        "city": cities[0],
        "city2": cities[1],
        "r1": rng.choice(topic.roles),
        "thing": rng.choice(topic.things),
        "day": days[0],
        "day2": days[1],
        "money": f"{rng.randint(2, 90)}亿元",
        "n1": str(rng.randint(3, 12)),
        "n2": str(rng.randint(15, 90)),
        "n3": str(rng.randint(2, 6)),
        "n4": str(rng.randint(300, 30000)),
        "pct": f"{rng.randint(3, 35)}.{rng.randint(1, 9)}%",
    }
    ctx["org"] = rng.choice(topic.orgs).format_map(ctx)
    for name, options in topic.slots:
        ctx[name] = rng.choice(options).format_map(ctx)
    return ctx


def chinese_story(rng: Random, topic_name: str, taken: set[str]) -> Story:
    """Write one Chinese article about ``topic_name`` whose title is not in ``taken``."""
    topic = ZH_TOPICS[topic_name]
    while True:
        ctx = _zh_context(rng, topic)
        title_t, lead_t = _pick_story(rng, topic, taken)
        title = title_t.format_map(ctx)
        if title not in taken:
            break
    taken.update((title, title_t))
    lead = lead_t.format_map(ctx)
    pool = list(topic.sentences) + rng.sample(list(ZH_GENERIC), 7)
    paragraphs = _write_paragraphs(rng, lead, pool, ctx, enough=320, count=cjk_count)
    paragraphs = tuple(p.replace(" ", "") for p in paragraphs)
    return Story(
        title=title,
        summary=lead,
        paragraphs=paragraphs,
        topic=topic.name,
        language="zh",
        tags=(topic.name, ctx["city"]),
    )


# --- comments, for the boilerplate around articles --------------------------------------

EN_COMMENTS = (
    "Great reporting, thanks for staying on this story.",
    "I would like to see the full figures before making up my mind.",
    "This affects my street directly and nobody asked us.",
    "Finally some good news for a change.",
    "Does anyone know when the public meeting starts?",
    "Same thing happened ten years ago and nothing changed.",
)
ZH_COMMENTS = (
    "报道很及时，点赞！",
    "希望后续能继续跟进。",
    "这是好事，支持一下。",
    "请问具体什么时候开始实施？",
    "我家就在附近，确实方便多了。",
)
