"""Small committed parameters and weights, produced by scripts/train_extraction.py."""
