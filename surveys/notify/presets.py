"""Webhook bodies: Standard Webhooks JSON, or the message shapes Slack and Teams accept."""

import json

from surveys.models import WebhookPreset
from surveys.notify.texts import describe


def webhook_body(event: str, facts: dict, preset: str) -> bytes:
    """The exact bytes to POST and sign; the same facts always give the same bytes."""
    if preset == WebhookPreset.SLACK:
        body = _slack(*describe(event, facts))
    elif preset == WebhookPreset.TEAMS:
        body = _teams(*describe(event, facts))
    else:
        body = {"type": event, "timestamp": facts.get("at"), "data": facts}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _slack(headline: str, lines: list[str]) -> dict:
    """Slack's incoming-webhook message: text, with the headline in bold."""
    return {"text": "\n".join([f"*{headline}*", *lines])}


def _teams(headline: str, lines: list[str]) -> dict:
    """A Teams workflow message carrying one Adaptive Card."""
    blocks = [{"type": "TextBlock", "text": headline, "weight": "Bolder", "wrap": True}]
    blocks += [{"type": "TextBlock", "text": line, "wrap": True} for line in lines]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": blocks,
    }
    attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
    return {"type": "message", "attachments": [attachment]}
