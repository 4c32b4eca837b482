"""The engine's advice and questions are translated by code, never stored as prose."""

import pytest
from django.utils import translation

from assessments.advice_text import ADVICE_TEXT, QUESTION_TEXT, advice_text, question_text

rulesets = pytest.importorskip("assessments.engine.rulesets")


def _ruleset_2():
    return rulesets.load_ruleset("2.0.0")


def test_every_advice_line_and_question_of_the_ruleset_is_in_the_catalogue_with_its_text():
    ruleset = _ruleset_2()
    with translation.override("en"):
        assert {line.code: line.text for line in ruleset.advice} == {
            code: str(text) for code, text in ADVICE_TEXT.items()
        }
        assert {q.code: q.text for q in ruleset.questions} == {
            code: str(text) for code, text in QUESTION_TEXT.items()
        }


def test_a_spanish_reader_gets_every_advice_line_and_question_in_spanish():
    ruleset = _ruleset_2()
    with translation.override("es"):
        untranslated = [
            line.code
            for line in ruleset.advice
            if advice_text({"code": line.code, "text": line.text}) == line.text
        ] + [
            q.code
            for q in ruleset.questions
            if question_text({"code": q.code, "text": q.text}) == q.text
        ]
    assert untranslated == []


def test_advice_is_looked_up_by_code_and_a_new_code_shows_the_engines_english():
    with translation.override("es"):
        assert (
            advice_text({"code": "emergency.headline", "text": "ignored"})
            == "Llame ahora al número de emergencias."
        )
        assert advice_text({"code": "not.yet.known", "text": "New line."}) == "New line."
        assert question_text("An old 1.0.0 question stored as text.") == (
            "An old 1.0.0 question stored as text."
        )
