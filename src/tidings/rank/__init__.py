"""Ranking (stage 5): the personal feed, diversity, explanations, reader controls.

Not built yet (issue 6): feeds are chronological (``Store.list_articles``).
"""
