"""Bots and crawlers by user agent: the BotDetector port on crawlerdetect, the Python
port of the JayBizzle/Crawler-Detect pattern list (about 1,500 bots, crawlers, headless
browsers and HTTP libraries, kept up to date upstream). A user agent is matched once per
process and remembered (the patterns cost about 0.2 ms per new user agent)."""

from __future__ import annotations

from functools import lru_cache

from crawlerdetect import CrawlerDetect


class CrawlerDetectBots:
    def __init__(self, remembered: int = 8192):
        detector = CrawlerDetect()
        # CrawlerDetect.is_crawler also sets an attribute (the last match); only its
        # answer is used, so one detector serves every thread.
        self._is_bot = lru_cache(maxsize=remembered)(lambda agent: detector.is_crawler(agent))

    def is_bot(self, user_agent: str) -> bool:
        return bool(self._is_bot(user_agent))
