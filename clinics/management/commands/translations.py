"""`manage.py translations` brings locale/ up to date with the code (makemessages, then
compilemessages); `--check` (in `make lint`) changes nothing and fails when:

- a string a caregiver can see (any string used in a file under CAREGIVER_SOURCES) has no
  translation, or a fuzzy one, in a language of LANGUAGES;
- locale/ is not what makemessages makes of the code (a string was added, changed or removed and
  `make messages` was not run);
- a compiled catalogue (.mo) does not hold what its .po says.

Staff pages may stay English for now: their strings are extracted too, and a missing Spanish
translation of one is not an error.
"""

import ast
import gettext
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# What a caregiver reads: the portal, the invitation pages, sign-in, the error pages, the
# navigation and language switch, caregiver emails and text messages (and the services that
# write them), the engine's advice and questions, and the forms, choices and errors of those
# pages. Only strings marked for translation are extracted, so a staff string in one of these
# files stays out of the check until it is marked.
CAREGIVER_SOURCES = (
    "templates/base.html",
    "templates/includes/",
    "templates/403.html",
    "templates/404.html",
    "templates/429.html",
    "templates/500.html",
    "templates/episodes/portal",
    "templates/episodes/includes/",
    "templates/workups/portal",
    "templates/patients/invitation",
    "templates/clinics/login.html",
    "templates/clinics/locked_out.html",
    "templates/clinics/notifications.html",
    "templates/clinics/account_security.html",
    "dashboard/portal",
    "clinics/context_processors.py",
    "clinics/forms.py",
    "clinics/models.py",
    "clinics/views.py",
    "clinics/services/",
    "patients/services",
    "patients/views.py",
    "episodes/forms.py",
    "episodes/models.py",
    "episodes/services",
    "episodes/views.py",
    "episodes/intake.py",
    "workups/models/",
    "workups/services/",
    "assessments/advice.py",
    "assessments/advice_text.py",
    "assessments/services.py",
)
IGNORED = [".venv/*", "var/*", "bench/*", "tests/*", "docs/*", "static/*", "node_modules/*"]


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def po_entries(text: str) -> list[Entry]:
    """The entries of a .po file (obsolete ones skipped); enough of the format for Django's."""
    entries, entry, target = [], Entry(), None
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry.msgid or entry.msgstr:
                entries.append(entry)
            entry, target = Entry(), None
        elif line.startswith("#~"):
            continue
        elif line.startswith("#:"):
            entry.references += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            entry.msgctxt, target = _unquote(line[8:]), "msgctxt"
        elif line.startswith("msgid_plural "):
            target = "plural"
        elif line.startswith("msgid "):
            entry.msgid, target = _unquote(line[6:]), "msgid"
        elif line.startswith("msgstr"):
            entry.msgstr.append(_unquote(line.split(" ", 1)[1]))
            target = "msgstr"
        elif line.startswith('"'):
            if target == "msgid":
                entry.msgid += _unquote(line)
            elif target == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + _unquote(line)
            elif target == "msgstr":
                entry.msgstr[-1] += _unquote(line)
    return [e for e in entries if e.msgid]


def _body(text: str) -> str:
    """A .po file without its header's dates, which change on every run."""
    return "\n".join(
        line
        for line in text.splitlines()
        if not line.startswith(('"POT-Creation-Date:', '"PO-Revision-Date:'))
    )


class Command(BaseCommand):
    help = "Update locale/ from the code, or with --check verify it is complete and current."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="change nothing; fail on gaps")

    def _languages(self) -> list[str]:
        return [code for code, _ in settings.LANGUAGES if code != "en"]

    def _extract(self) -> None:
        call_command(
            "makemessages",
            locale=self._languages(),
            ignore_patterns=IGNORED,
            no_obsolete=True,
            add_location="file",
            verbosity=0,
        )

    def handle(self, *args, check=False, **options):
        locale = Path(settings.LOCALE_PATHS[0])
        if not check:
            self._extract()
            call_command(
                "compilemessages", locale=self._languages(), ignore_patterns=IGNORED, verbosity=0
            )
            self.stdout.write(f"Updated {locale}")
            return
        problems = []
        with tempfile.TemporaryDirectory() as scratch:
            committed = Path(scratch) / "committed"
            shutil.copytree(locale, committed)
            try:
                self._extract()
                fresh = {
                    code: (locale / code / "LC_MESSAGES" / "django.po").read_text()
                    for code in self._languages()
                }
            finally:
                shutil.rmtree(locale)
                shutil.copytree(committed, locale)
        for code, text in fresh.items():
            po = locale / code / "LC_MESSAGES" / "django.po"
            if _body(text) != _body(po.read_text() if po.exists() else ""):
                problems.append(f"{po} is not up to date with the code: run `make messages`")
            entries = po_entries(text)
            for entry in entries:
                caregiver = any(ref.startswith(CAREGIVER_SOURCES) for ref in entry.references)
                missing = not all(entry.msgstr) or "fuzzy" in entry.flags
                if caregiver and missing:
                    where = ", ".join(sorted(set(entry.references)))
                    state = "fuzzy" if "fuzzy" in entry.flags else "untranslated"
                    problems.append(f"{code}: {state} caregiver string {entry.msgid!r} ({where})")
            problems += self._compiled_problems(code, po)
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("Translations complete for every caregiver string.")

    def _compiled_problems(self, code: str, po: Path) -> list[str]:
        mo = po.with_suffix(".mo")
        if not mo.exists():
            return [f"{mo} is missing: run `make messages`"]
        with open(mo, "rb") as fh:
            # The parsed catalogue; the stubs leave out this long-standing attribute.
            catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        expected = {}
        for entry in po_entries(po.read_text()):
            if "fuzzy" in entry.flags or not all(entry.msgstr) or len(entry.msgstr) != 1:
                continue
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            expected[key] = entry.msgstr[0]
        compiled = {k: v for k, v in catalog.items() if isinstance(k, str) and k}
        if expected != compiled:
            return [f"{mo} does not match {po.name}: run `make messages`"]
        return []
