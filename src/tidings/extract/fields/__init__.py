"""Metadata fields of an article page: title, authors, publication day, lead image."""
