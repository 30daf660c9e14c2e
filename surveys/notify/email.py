"""E-mail through SMTP_URL: smtp:// (a local relay), smtp+starttls://, or smtps://."""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import unquote, urlsplit

from surveys.notify.outcome import DELIVERED, Outcome, failed

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None
    timeout: float


def parse_smtp_url(url: str, timeout: float) -> SmtpSettings:
    """Read smtp[s]://[user:pass@]host[:port]; raise ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://host:port, smtp+starttls:// or smtps://")
    return SmtpSettings(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
    )


def build_email(
    *,
    message_id: str,
    sender: str,
    to: str,
    subject: str,
    body: str,
    language: str,
    reply_to: str | None = None,
    html: str | None = None,
) -> EmailMessage:
    """A plain-text message (with an HTML alternative when given) whose Message-ID stays the
    same on every attempt.

    A message with a person to reply to was written by someone; the others are marked
    auto-generated, so that mail servers send no out-of-office replies to them.
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{message_id}@counterpulse>"
    if reply_to:
        message["Reply-To"] = reply_to
    else:
        message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    message["Content-Language"] = language  # after set_content, which clears Content-*
    return message


def send_email(settings: SmtpSettings, message: EmailMessage) -> Outcome:
    """Hand the message to the SMTP server once; 5xx refusals are final, the rest retried."""
    try:
        with _connect(settings) as smtp:
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as refused:
        codes = [code for code, _text in refused.recipients.values()]
        return failed(f"recipient refused: {refused.recipients}", permanent=min(codes) >= 500)
    except smtplib.SMTPDataError as error:
        final = error.smtp_code >= 500
        return failed(f"SMTP {error.smtp_code}: {error.smtp_error!r}", permanent=final)
    except (OSError, smtplib.SMTPException) as error:
        return failed(f"{type(error).__name__}: {error}")
    return DELIVERED


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.scheme == "smtps":
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.scheme == "smtp+starttls":
        try:
            smtp.starttls(context=ssl.create_default_context())
        except (OSError, smtplib.SMTPException):
            smtp.close()
            raise
    return smtp
