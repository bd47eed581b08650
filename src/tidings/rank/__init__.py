"""Ranking (stage 5): the personal feed, diversity, explanations, reader controls.

Built so far (issue 6 in progress), pure over records: the online model that learns
from every event (:mod:`~tidings.rank.online`, FTRL-Proximal over hashed features),
the features of a reader and a story (:mod:`~tidings.rank.features`), the scorer
with its reasons in words (:mod:`~tidings.rank.ranker`), and the page builder
(:mod:`~tidings.rank.rerank`: mutes and boosts, freshness, MMR diversity, a
perspective and an exploration slot; top stories and latest feeds). Not wired to the
store, the event log or the reader yet: feeds are still chronological.
"""
