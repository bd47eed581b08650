"""Pipeline: the only place that wires stages to the store.

Stages (``sources``, ``crawl``, ``extract``, ...) take and return records and
never touch storage; the jobs here claim work from the store, run the stages and
write their results back, so a stage runs the same in-process or remotely.
"""

from tidings.pipeline.crawl import CrawlJob, CrawlStats
from tidings.pipeline.sources import AddedSource, add_source, export_opml, import_opml

__all__ = ["AddedSource", "CrawlJob", "CrawlStats", "add_source", "export_opml", "import_opml"]
