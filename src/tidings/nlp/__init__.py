"""Language understanding (stage 3): language, tokens, embeddings, near-duplicates,
stories, entities, topics, summaries.

Not built yet (issue 4). Today exact duplicates are folded at store time by the
normalised text hash from ``tidings.extract.content_hash``.
"""
