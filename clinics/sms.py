"""Text-message delivery. Real gateways plug in by subclassing SmsBackend and naming the class in
the SMS_BACKEND setting; the console backend prints, the memory backend keeps an outbox."""

import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class SmsBackend(ABC):
    @abstractmethod
    def send(self, message: SmsMessage) -> None:
        """Deliver one message or raise; delivery is retried by the notification task."""


class ConsoleSmsBackend(SmsBackend):
    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"SMS to {message.to}: {message.body}\n")


class MemorySmsBackend(SmsBackend):
    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        MemorySmsBackend.outbox.append(message)


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
