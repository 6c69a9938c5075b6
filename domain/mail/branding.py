"""The brand in every mail, applied when it is sent (so the next mail after a brand
change carries it, whenever it was written): the From display name, and the site name
in the subject, header, body and footer, plus the support address in the footer. The
templates write the default brand's name; this is the one place that swaps it."""

from __future__ import annotations

import html

import attrs

from domain.catalog.branding import DEFAULT, Brand
from domain.mail.messages import OutboxMessage

_HTML_END = "</div></body></html>"


def branded(message: OutboxMessage, brand: Brand) -> OutboxMessage:
    if brand == DEFAULT:
        return message
    name = brand.site_name
    text = message.text_body.replace(DEFAULT.site_name, name)
    body = message.html_body.replace(DEFAULT.site_name, html.escape(name))
    if brand.support_email:
        text += f"\nDúvidas? Escreva para {brand.support_email}\n"
        line = (
            f'<p style="color:#6b6b76;font-size:12px">Dúvidas? Escreva para '
            f"{html.escape(brand.support_email)}</p>"
        )
        body = body.replace(_HTML_END, line + _HTML_END) if _HTML_END in body else body + line
    body = body.replace("#e50914", brand.primary_color)
    return attrs.evolve(
        message,
        subject=message.subject.replace(DEFAULT.site_name, name),
        text_body=text,
        html_body=body,
    )
