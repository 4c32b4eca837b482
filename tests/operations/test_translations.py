"""`make lint` (manage.py translations --check) fails on a caregiver string without Spanish."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils import translation

from assessments.advice_text import advice_text
from clinics.management.commands.translations import po_entries
from tests.conftest import service_unavailable

ROOT = Path(settings.BASE_DIR)
SKIPPED = shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "*.pyc", "__pycache__")


def test_the_compiled_spanish_catalogue_is_used():
    with translation.override("es"):
        assert advice_text({"code": "sign.stops_breathing", "text": ""}) == "Deja de respirar"


def test_the_po_reader_sees_untranslated_and_fuzzy_entries_and_their_files():
    entries = po_entries(
        '#: assessments/advice_text.py\nmsgid "Done"\nmsgstr "Hecho"\n\n'
        '#: assessments/advice_text.py templates/x.html\nmsgid "New"\nmsgstr ""\n\n'
        '#: episodes/forms.py\n#, fuzzy\nmsgid "Old"\nmsgstr "Viejo"\n'
    )
    assert [(e.msgid, e.msgstr, sorted(e.flags)) for e in entries] == [
        ("Done", ["Hecho"], []),
        ("New", [""], []),
        ("Old", ["Viejo"], ["fuzzy"]),
    ]
    assert entries[1].references == ["assessments/advice_text.py", "templates/x.html"]


def _project_copy(tmp_path: Path) -> Path:
    if not (shutil.which("xgettext") and shutil.which("msgfmt")):
        service_unavailable("needs GNU gettext (apt-get install gettext)")
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=SKIPPED)
    return copy


def _check(copy: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "translations", "--check"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_lint_fails_when_a_caregiver_string_has_no_spanish(tmp_path):
    copy = _project_copy(tmp_path)
    advice = copy / "assessments" / "advice_text.py"
    advice.write_text(
        advice.read_text().replace(
            "ADVICE_TEXT: dict[str, Promise] = {",
            'ADVICE_TEXT: dict[str, Promise] = {\n    "new.line": _("Hold your baby close."),',
        )
    )
    run = _check(copy)
    assert run.returncode != 0
    # msgmerge may guess a translation from a similar string: a fuzzy one fails the same way.
    assert "caregiver string 'Hold your baby close.'" in run.stderr
    assert "is not up to date with the code" in run.stderr
    # The check changed nothing in the copy's catalogue.
    assert (copy / "locale/es/LC_MESSAGES/django.po").read_text() == (
        ROOT / "locale/es/LC_MESSAGES/django.po"
    ).read_text()


def test_lint_fails_on_a_portal_template_string_without_spanish(tmp_path):
    copy = _project_copy(tmp_path)
    (copy / "templates/episodes/portal_new_page.html").write_text(
        '{% load i18n %}<p>{% translate "Keep the phone steady while you film." %}</p>\n'
    )
    run = _check(copy)
    assert run.returncode != 0
    assert "caregiver string 'Keep the phone steady while you film.'" in run.stderr
    assert "templates/episodes/portal_new_page.html" in run.stderr
