"""`python manage.py score_case FILE.json` (`-` for standard input): JSON out, or exit status 2
with a message naming the field."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.assessments.engine.cases import complete_case

REPO_ROOT = Path(__file__).resolve().parents[3]


def run_command(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "score_case", *args],
        cwd=REPO_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        check=False,
    )


def test_standard_input_case_prints_the_result_as_indented_json():
    completed = run_command("-", stdin=json.dumps(complete_case()))
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["triage"] == "reassure_monitor"
    assert completed.stdout.startswith('{\n  "ruleset"')


def test_bad_vocabulary_on_standard_input_exits_2_naming_the_field():
    completed = run_command("-", stdin='{"episodes": [{"state": "sleeping"}]}')
    assert completed.returncode == 2
    assert "episodes[0].state" in completed.stderr
    assert "asleep" in completed.stderr
    assert completed.stdout == ""


def test_case_file_prints_the_result(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(complete_case(age_days=1)))
    call_command("score_case", str(path))
    assert json.loads(capsys.readouterr().out)["triage"] == "same_day"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"results": [{"test": "glucose", "value": 2, "unit": "mmol"}]}', "results[0].unit"),
        ('{"infant": {"feeding": "goat"}}', "infant.feeding"),
        ('{"episodes": [', "not valid JSON"),
    ],
)
def test_invalid_case_file_is_a_command_error_with_status_2(tmp_path, content, message):
    path = tmp_path / "case.json"
    path.write_text(content)
    with pytest.raises(CommandError) as caught:
        call_command("score_case", str(path))
    assert caught.value.returncode == 2
    assert message in str(caught.value)


def test_missing_file_exits_2(tmp_path):
    completed = run_command(str(tmp_path / "absent.json"))
    assert completed.returncode == 2
    assert "absent.json" in completed.stderr
