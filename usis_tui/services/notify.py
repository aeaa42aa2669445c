"""The Course Portal's message centre and e-mail, in one place.

A message and its e-mail are written in the transaction of what they tell (``tell``), so they
exist exactly when it happened. The e-mail is a row of ``outgoing_mail``; ``MailService.flush``
sends the unsent rows afterwards — by SMTP to the configured server (stdlib ``smtplib``), and
always as an ``.eml`` file in the outbox folder (``mail_outbox``; the trainer opens it in the
demo). A mail that cannot be sent stays queued and is tried again by the next flush; a sender
claims a row first (``claimed_at``), so two senders never send one mail twice.

    usis.mail.flush()        # after a service call that told somebody something
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime as mail_date
from email.utils import make_msgid, parseaddr
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ..models import OutgoingMail, PortalAccount, PortalMessage
from .base import Context, rows_changed

log = logging.getLogger(__name__)
#: a claimed mail that was not marked sent (the sender died) is free again after this
CLAIM_FOR = timedelta(minutes=5)
SMTP_TIMEOUT = 15


class MailInfo(BaseModel):
    """One e-mail as the outbox shows it."""

    model_config = ConfigDict(frozen=True)

    id: int
    to: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None


def queue_mail(session: Session, now: datetime, to: str, subject: str, body: str) -> OutgoingMail:
    """An e-mail to send once the caller's transaction commits (flush)."""
    mail = OutgoingMail(to_address=to, subject=subject[:200], body=body, created_at=now,
                        attempts=0)
    session.add(mail)
    return mail


def tell(session: Session, now: datetime, account: PortalAccount, category: str, subject: str,
         body: str, *, mail: bool = True) -> PortalMessage:
    """A message in the account's message centre, and (``mail``) the same by e-mail."""
    message = PortalMessage(account_id=account.id, category=category, subject=subject[:200],
                            body=body, created_at=now)
    session.add(message)
    if mail:
        queue_mail(session, now, account.email, subject, body)
    return message


def outbox_folder() -> Path:
    """The folder every mail sent is kept in: ``mail_outbox``, else ``<data folder>/outbox``."""
    from .. import config

    configured = config.settings().mail_outbox
    if configured is not None:
        return Path(configured).expanduser()
    from platformdirs import user_data_path

    return user_data_path(config.APP_NAME) / "outbox"


def _message(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = mail_date(mail.created_at.astimezone())
    # the sender's domain, not socket.getfqdn() (a DNS lookup that can take seconds)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(idstring=f"usis-{mail.id}", domain=domain)
    message.set_content(mail.body)
    return message


#: refusals of one mail (its sender, a recipient, its data): the next mail may still go
_MAIL_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                 smtplib.SMTPDataError)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


class _Sender:
    """The SMTP connection of one flush, opened at the first mail (none when ``smtp_host`` is
    not set: the mail is then only kept in the outbox folder)."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> _Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def send(self, message: EmailMessage) -> None:
        settings = self.settings
        if not settings.smtp_host:
            return
        if self.smtp is None:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
            try:
                if settings.smtp_starttls:
                    smtp.starttls()
                if settings.smtp_user and settings.smtp_password is not None:
                    smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        try:
            self.smtp.send_message(message)  # a refused mail is reset by smtplib itself
        except _MAIL_REFUSED:
            raise
        except BaseException:
            self.smtp.close()
            self.smtp = None
            raise


def _wall() -> datetime:
    from ..clock import wall_clock

    return wall_clock()


class MailService:
    """Sends what the services queued (``usis.mail``)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def flush(self, limit: int = 200) -> int:
        """Send unsent mail (oldest first, at most ``limit``): the number sent. Never raises
        for a mail server that is down: the mail stays queued with its error, and the rest
        is left for the next flush (one wait for a server that does not answer, not one per
        mail). One connection to the server for the whole flush."""
        from .. import config

        settings = config.settings()
        with self.ctx.db.read() as session:
            ids = list(session.scalars(select(OutgoingMail.id)
                                       .where(OutgoingMail.sent_at.is_(None))
                                       .order_by(OutgoingMail.id).limit(limit)))
        sent = 0
        with _Sender(settings) as sender:
            for mail_id in ids:
                mail = self._claim(mail_id)
                if mail is None:
                    continue  # sent or being sent by another process
                message = _message(mail, settings.mail_from)
                error = None
                server_down = False
                try:
                    self._keep(mail, message)
                    sender.send(message)
                except _MAIL_REFUSED as exc:  # this mail only (an address refused...)
                    error = _error_text(exc)
                except (OSError, smtplib.SMTPException) as exc:  # the server: try later
                    error = _error_text(exc)
                    server_down = True
                if error is not None:
                    log.warning("mail %s to %s not sent: %s", mail.id, mail.to_address, error)
                with self.ctx.db.write() as session:
                    row = session.get(OutgoingMail, mail_id)
                    if row is not None:
                        row.claimed_at = None
                        row.last_error = error
                        if error is None:
                            row.sent_at = self.ctx.now()
                            sent += 1
                if server_down:
                    break
        return sent

    def outbox(self, limit: int = 100) -> list[MailInfo]:
        """The newest mails, sent or not (the trainer's outbox)."""
        with self.ctx.db.read() as session:
            rows = session.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc())
                                   .limit(limit))
            return [MailInfo(id=m.id, to=m.to_address, subject=m.subject, body=m.body,
                             created_at=m.created_at, sent_at=m.sent_at, attempts=m.attempts,
                             last_error=m.last_error) for m in rows]

    # ------------------------------------------------------------------ sending
    def _claim(self, mail_id: int) -> OutgoingMail | None:
        wall = _wall()
        with self.ctx.db.write() as session:
            claimed = rows_changed(session, update(OutgoingMail)
                .where(OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None),
                       or_(OutgoingMail.claimed_at.is_(None),
                           OutgoingMail.claimed_at < wall - CLAIM_FOR))
                .values(claimed_at=wall, attempts=OutgoingMail.attempts + 1))
            if not claimed:
                return None
            mail = session.get(OutgoingMail, mail_id)
            if mail is not None:
                session.expunge(mail)
            return mail

    @staticmethod
    def _keep(mail: OutgoingMail, message: EmailMessage) -> None:
        folder = outbox_folder()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = mail.created_at.strftime("%Y%m%d-%H%M%S")
        (folder / f"{stamp}-{mail.id:06d}.eml").write_bytes(bytes(message))

__all__ = ["MailInfo", "MailService", "outbox_folder", "queue_mail", "tell"]
