"""Ranking (stage 5): the personal feed, diversity, explanations, reader controls.

Built so far (issue 6 in progress): :mod:`tidings.rank.online`, the online model
that learns from every event (FTRL-Proximal over hashed features). Feeds are still
chronological (``Store.list_articles``).
"""
