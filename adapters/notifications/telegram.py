"""The Telegram Bot API's sendMessage (CREATORFLIX_TELEGRAM_API_URL). The bot token is
part of the API's path: it is kept out of every error we record or log."""

from __future__ import annotations

import time

import requests

from domain.notifications.entities import EXCERPT_CHARS, SendOutcome

DEFAULT_API_URL = "https://api.telegram.org"


class BotApiTelegram:
    """The TelegramTransport port (ports.notifications)."""

    def __init__(self, api_url: str = DEFAULT_API_URL, timeout: float = 15.0):
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout

    def send_message(self, bot_token: str, chat_id: str, text: str) -> SendOutcome:
        started = time.monotonic()
        try:
            answer = requests.post(
                f"{self.api_url}/bot{bot_token}/sendMessage",
                json={"chat_id": chat_id, "text": text},
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as failure:
            error = f"{type(failure).__name__}: {failure}".replace(bot_token, "***")
            return SendOutcome(status_code=None, duration_ms=_ms(started), error=error[:500])
        retry_after = None
        if answer.status_code == 429:  # the Bot API says how long in its JSON answer
            try:
                retry_after = int(answer.json()["parameters"]["retry_after"])
            except (ValueError, KeyError, TypeError):
                retry_after = None
        excerpt = answer.text[:EXCERPT_CHARS].replace(bot_token, "***")
        ok = 200 <= answer.status_code < 300
        return SendOutcome(
            status_code=answer.status_code,
            duration_ms=_ms(started),
            excerpt=excerpt,
            retry_after=retry_after,
            error=None if ok else f"HTTP {answer.status_code}",
        )


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
