"""Compiling the ruleset's ``when`` conditions once, at import.

A condition is expanded to disjunctive normal form: a tuple of terms ``(required, forbidden)``,
both frozensets of fact names. It holds for a set of facts when some term has all its required
facts and none of its forbidden ones; that test is two C-level set operations per term.
"""

from collections.abc import Sequence
from itertools import product
from typing import Any, Generic, TypeVar

Term = tuple[frozenset[str], frozenset[str]]
Condition = tuple[Term, ...]
Label = TypeVar("Label")


def _expand(node: object) -> list[tuple[frozenset[str], frozenset[str]]]:
    if isinstance(node, str):
        if node.startswith("!"):
            return [(frozenset(), frozenset([node[1:]]))]
        return [(frozenset([node]), frozenset())]
    if isinstance(node, dict) and len(node) == 1:
        ((operator, children),) = node.items()
        expanded = [_expand(child) for child in children]
        if operator == "any":
            return [term for terms in expanded for term in terms]
        if operator == "all":
            terms = []
            for combination in product(*expanded):
                required = frozenset().union(*(term[0] for term in combination))
                forbidden = frozenset().union(*(term[1] for term in combination))
                if required.isdisjoint(forbidden):
                    terms.append((required, forbidden))
            return terms
    raise ValueError(f"malformed condition in the ruleset: {node!r}")


def compile_condition(node: object) -> Condition:
    """The DNF of a condition, without duplicate terms, in a stable order."""
    unique = dict.fromkeys(_expand(node))
    return tuple(unique)


def holds(condition: Condition, facts: set[str] | frozenset[str]) -> bool:
    for required, forbidden in condition:
        if required <= facts and facts.isdisjoint(forbidden):
            return True
    return False


def referenced_facts(condition: Condition) -> set[str]:
    return {fact for required, forbidden in condition for fact in required | forbidden}


class Index(Generic[Label]):
    """Many compiled conditions tested against one set of facts at once.

    Each term is filed under one of its required facts (the one fewest terms need), so a test
    looks only at the terms whose key fact is present: a C-level set intersection, then a few
    subset tests. ``matches(facts)`` returns the labels of the conditions that hold, one label
    per condition (its position, its place in the ruleset, the fact a pattern derives...).
    """

    __slots__ = ("_always", "_by_fact", "_keys")

    def __init__(self, conditions: Sequence[Condition], labels: Sequence[Label]) -> None:
        counts: dict[str, int] = {}
        for condition in conditions:
            for required, _ in condition:
                for fact in required:
                    counts[fact] = counts.get(fact, 0) + 1
        by_fact: dict[str, list[Any]] = {}
        always = []
        for label, condition in zip(labels, conditions, strict=True):
            for required, forbidden in condition:
                if not required:
                    always.append((label, forbidden))
                    continue
                key = min(required, key=lambda fact: (counts[fact], fact))
                # The key fact is known present; only the rest is tested (None: nothing to test).
                rest = required - {key} or None
                by_fact.setdefault(key, []).append((label, rest, forbidden or None))
        self._by_fact = {key: tuple(terms) for key, terms in by_fact.items()}
        self._keys = frozenset(by_fact)
        self._always = tuple(always)

    def matches(self, facts: set[str] | frozenset[str]) -> set[Label]:
        found: set[Label] = set()
        add = found.add
        by_fact = self._by_fact
        isdisjoint = facts.isdisjoint
        for key in self._keys.intersection(facts):
            for label, rest, forbidden in by_fact[key]:
                if (rest is None or rest <= facts) and (forbidden is None or isdisjoint(forbidden)):
                    add(label)
        for label, forbidden in self._always:
            if isdisjoint(forbidden):
                add(label)
        return found
