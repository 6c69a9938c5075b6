"""Serving the WSGI app with gunicorn, configured in code.

gthread workers: each worker process runs `threads` threads, so a slow client holds
one thread, not a whole process; `timeout` kills a worker stuck longer than that, and
`keepalive` bounds idle connections. Put a buffering reverse proxy (nginx) in front in
production so slow uploads and downloads never reach the workers at all.
"""
from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from entrypoints.http.app import get_app
        return get_app()


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        # Without it, gthread workers race for connections and one often takes most of
        # them: measured with wrk -c8, bare-route throughput swung 2.7k-9k req/s between
        # runs; with SO_REUSEPORT it stays within 6.8k-9k.
        "reuse_port": True,
        "limit_request_line": 8190,
        "accesslog": "-",
    }


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 2, threads: int = 4) -> None:
    _Gunicorn(gunicorn_options(host, port, workers, threads)).run()
