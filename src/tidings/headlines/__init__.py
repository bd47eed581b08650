"""AI headlines (stage 4): candidates, faithfulness and clickbait gates, bandits.

Not built yet (issue 5): the reader shows each outlet's original title.
"""
