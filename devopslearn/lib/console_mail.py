"""The development mail backend: Django's console backend, printing each message as a person reads
it. Django encodes a text part with a line longer than 78 characters as quoted-printable (a
confirmation link breaks at "=" and every "=" becomes "=3D") and non-ASCII text as well: copied from
the terminal, such a link does not work. Printed with a policy that allows 998-character lines
(RFC 5322's limit), 8-bit text and UTF-8 headers, the message stays as written. Sending by SMTP is unchanged."""

import email.policy

from django.core.mail.backends.console import EmailBackend as ConsoleBackend

READABLE = email.policy.default.clone(max_line_length=998, cte_type="8bit", utf8=True)


class EmailBackend(ConsoleBackend):
    def write_message(self, message):
        text = message.message(policy=READABLE).as_bytes().decode("utf-8", "replace")
        self.stream.write(f"{text}\n")
        self.stream.write("-" * 79)
        self.stream.write("\n")
