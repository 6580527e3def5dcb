"""The linear-time search behind server-name filters answers like ``re.search``, and refuses what it cannot bound."""

import os
import re
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from mock_compute.models.linear_regex import MAX_PROGRAM, MAX_WORK, LinearRegex, PatternError

if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "mock-compute-hypothesis"))

ATOMS = ["a", "b", "A", "-", "1", "é", " ", ".", "[ab]", "[^a]", "[a-c]", "[^\\W\\d]", "[\\s\\S]", "\\d", "\\D", "\\w",
         "\\W", "\\s", "\\S", "\\b", "\\B", "^", "$", "\\A", "\\Z", "\\n", "(?:)"]
QUANTIFIERS = ["", "", "*", "+", "?", "*?", "+?", "{2}", "{0,2}", "{1,}", "{1,3}?"]
FLAGS = ["", "", "(?i)", "(?m)", "(?s)", "(?a)", "(?im)", "(?ai)"]


def _patterns():
    atoms = st.sampled_from(ATOMS)

    def extend(inner):
        quantified = st.builds(lambda p, q: "(?:%s)%s" % (p, q), inner, st.sampled_from(QUANTIFIERS))
        return st.one_of(
            st.builds("".join, st.lists(inner, min_size=2, max_size=3)),
            st.builds("|".join, st.lists(inner, min_size=2, max_size=3)),
            st.builds(lambda p: "(%s)" % p, inner),
            st.builds(lambda p, f: "(?%s:%s)" % (f, p), inner, st.sampled_from(["i", "s", "m", "-i"])),
            quantified)
    body = st.recursive(atoms, extend, max_leaves=8)
    return st.builds(lambda flags, p: flags + p, st.sampled_from(FLAGS), body)


def _valid(pattern):
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


@settings(max_examples=1500, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(pattern=_patterns().filter(_valid), texts=st.lists(st.text(alphabet="abAB-1é \n_K", max_size=8), max_size=6))
def test_answers_like_re_search(pattern, texts):
    regex = LinearRegex(pattern)
    for text in texts:
        assert regex.search(text) == (re.search(pattern, text) is not None), (pattern, text)


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|a)*$", "(a*)*b", "(\\w+\\s?)+$", "a*a*a*a*a*a*a*c", "(a|aa)+$"])
def test_backtracking_patterns_run_in_linear_time(pattern):
    regex = LinearRegex(pattern)
    regex.search("a" * 40 + "!")
    warmed_up = regex.work
    for length in (255, 5000):
        assert regex.search("a" * length + "!") is (re.search(pattern, "aaaa!") is not None)
    # once the few DFA states exist, a longer name is table lookups only: no new work at all
    assert regex.work == warmed_up < 1000


@pytest.mark.parametrize(("pattern", "words"), [
    ("(a)\\1", "back-references"), ("(?=a)", "lookaround"), ("(?<!a)b", "lookaround"), ("(?>a+)", "atomic groups"),
    ("a*+", "possessive"), ("(a)?(?(1)b|c)", "conditionals"), ("(a{100}){100}", "too large"), ("x{3000}", "too large"),
    ("(a", "is not a 'regex'"), ("[z-a]", "is not a 'regex'"), ("*", "is not a 'regex'"),
    ("(?a:\\W)", "ASCII flag scoped to a group")])
def test_refused_patterns(pattern, words):
    with pytest.raises(PatternError, match=re.escape(words)):
        LinearRegex(pattern)


def test_work_is_bounded():
    # Each name leads the DFA into new states (the 21st character from the end decides): the
    # search gives up with an error after a bounded amount of work instead of taking seconds.
    regex = LinearRegex("a[ab]{20}$")
    searched = 0
    with pytest.raises(PatternError, match="too costly"):
        for number in range(100_000):
            regex.search(format(number * 2654435761 % 2 ** 32, "032b").replace("0", "a").replace("1", "b"))
            searched += 1
    # the bound is on work, not on the clock: it stops within one DFA state of MAX_WORK, long before the last name
    assert MAX_WORK < regex.work <= MAX_WORK + 2 * MAX_PROGRAM
    assert searched < 100_000
