"""Regular-expression search in linear time, for server-name filters.

Nova hands the ``name`` filter to the database as a REGEXP, so no pattern
stalls the API.  Python's backtracking ``re`` takes exponential time on
patterns such as ``(a+)+$``; here a pattern is read with Python's own parser
and run as a lazily built DFA over a Thompson NFA, so each character of a
name costs one cached table lookup, or at worst one pass over the program.

Back-references, lookaround, atomic groups, possessive repeats and
conditionals have no such form and are refused, as are patterns whose
program would be very large and searches that build too many DFA states
(a hard bound on the work of one request instead of a wall-clock timeout).
"""

import re

# Python's own parser (3.11+): the syntax, and what counts as valid, stay exactly those of ``re``.
from re import _constants as sre
from re import _parser

MAX_PROGRAM = 2000        # NFA instructions, after expanding counted repeats
MAX_WORK = 1_000_000      # instructions visited while building DFA states, per compiled pattern
MAX_CACHE = 20_000        # cached DFA transitions before the cache starts over

_CHAR, _SPLIT, _JMP, _ASSERT, _MATCH = range(5)
_MATCHED = object()       # cached "a match ends here" instead of a next state

# Context of a position, as bits (only those a program needs are computed).
_AT_START, _PREV_NL, _PREV_WORD, _PREV_ASCII_WORD, _LAST_NL = 1, 2, 4, 8, 16

_REFUSED = {sre.GROUPREF: "back-references", sre.GROUPREF_EXISTS: "conditionals", sre.ASSERT: "lookaround",
            sre.ASSERT_NOT: "lookaround", sre.ATOMIC_GROUP: "atomic groups",
            sre.POSSESSIVE_REPEAT: "possessive repeats"}
_ASCII_SPACE = " \t\n\r\f\v"


class PatternError(ValueError):
    """Not a regex, or one this module cannot search in linear time."""


def _is_word(ch, ascii_only):
    return (ch.isalnum() or ch == "_") and (ch.isascii() or not ascii_only)


def _category(code, ascii_only):
    if code in (sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_DIGIT):
        test = (lambda ch: "0" <= ch <= "9") if ascii_only else str.isdecimal
    elif code in (sre.CATEGORY_SPACE, sre.CATEGORY_NOT_SPACE):
        test = (lambda ch: ch in _ASCII_SPACE) if ascii_only else str.isspace
    elif code in (sre.CATEGORY_WORD, sre.CATEGORY_NOT_WORD):
        def test(ch):
            return _is_word(ch, ascii_only)
    else:
        raise PatternError("character category %s is not supported" % code)
    if code in (sre.CATEGORY_NOT_DIGIT, sre.CATEGORY_NOT_SPACE, sre.CATEGORY_NOT_WORD):
        return lambda ch: not test(ch)
    return test


def _range_test(low, high):
    return lambda ch: low <= ch <= high


def _cases(ch, ascii_only):
    """The one-character case variants ``re.IGNORECASE`` treats as equal to ``ch`` (close to sre's)."""
    if ascii_only and not ch.isascii():
        return {ch}
    return {c for c in (ch, ch.lower(), ch.upper()) if len(c) == 1}


def _char_test(op, av, flags):
    """A predicate for one character of the text, or None if ``op`` does not consume one."""
    ignore_case = bool(flags & sre.SRE_FLAG_IGNORECASE)
    ascii_only = bool(flags & sre.SRE_FLAG_ASCII)
    if op is sre.ANY:
        return (lambda ch: True) if flags & sre.SRE_FLAG_DOTALL else (lambda ch: ch != "\n")
    if op in (sre.LITERAL, sre.NOT_LITERAL):
        wanted = _cases(chr(av), ascii_only) if ignore_case else {chr(av)}
        if ignore_case:
            def equal(ch):
                return not wanted.isdisjoint(_cases(ch, ascii_only))
        else:
            equal = wanted.__contains__
        return equal if op is sre.LITERAL else (lambda ch: not equal(ch))
    if op is not sre.IN:
        return None
    negate = bool(av) and av[0][0] is sre.NEGATE
    tests = []
    for item_op, item_av in av[1:] if negate else av:
        if item_op is sre.LITERAL:
            tests.append(chr(item_av).__eq__)
        elif item_op is sre.RANGE:
            tests.append(_range_test(chr(item_av[0]), chr(item_av[1])))
        elif item_op is sre.CATEGORY:
            tests.append(_category(item_av, ascii_only))
        else:
            raise PatternError("%s in a character set is not supported" % item_op)

    def member(ch):
        candidates = _cases(ch, ascii_only) if ignore_case else (ch,)
        return any(test(c) for c in candidates for test in tests)
    return (lambda ch: not member(ch)) if negate else member


class LinearRegex:
    """``search(text)`` answers ``re.search(pattern, text) is not None`` in time linear in ``len(text)``."""

    def __init__(self, pattern):
        try:
            re.compile(pattern)                 # the same validity rule as Nova's "regex" format check
            parsed = _parser.parse(pattern)
        except (re.error, RecursionError, OverflowError, TypeError) as exc:
            raise PatternError("%r is not a 'regex'" % (pattern,)) from exc
        self._program = []
        self._needs = 0
        try:
            self._emit(parsed, parsed.state.flags)
        except RecursionError as exc:
            raise PatternError("the pattern is nested too deeply") from exc
        self._add((_MATCH,))
        self._work = 0
        self._steps = {}
        self._interned = {}
        self._start = self._intern(frozenset((0,)))

    # compilation ----------------------------------------------------------------
    def _add(self, instruction):
        if len(self._program) >= MAX_PROGRAM:
            raise PatternError("the pattern is too large (over %d steps once repeats are expanded)" % MAX_PROGRAM)
        self._program.append(instruction)
        return len(self._program) - 1

    def _emit(self, subpattern, flags):
        for op, av in subpattern:
            if op in _REFUSED:
                raise PatternError("%s cannot be searched in linear time" % _REFUSED[op])
            test = _char_test(op, av, flags)
            if test is not None:
                self._add((_CHAR, test))
            elif op is sre.AT:
                self._emit_assert(av, flags)
            elif op is sre.BRANCH:
                self._emit_branch(av[1], flags)
            elif op is sre.SUBPATTERN:
                _group, add_flags, del_flags, inner = av
                if (add_flags | del_flags) & sre.SRE_FLAG_ASCII:
                    # CPython applies a scoped (?a:...) to literals but not to \w, \W, \d ... inside it, so no
                    # simple rule reproduces it; a database's regex has no such flag anyway.
                    raise PatternError("an ASCII flag scoped to a group ((?a:...)) is not supported")
                self._emit(inner, (flags | add_flags) & ~del_flags)
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):   # greedy or lazy: the same for a yes/no answer
                self._emit_repeat(*av, flags)
            else:
                raise PatternError("%s is not supported" % op)

    def _emit_assert(self, code, flags):
        multiline = bool(flags & sre.SRE_FLAG_MULTILINE)
        ascii_only = bool(flags & sre.SRE_FLAG_ASCII)
        if code in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING):
            self._needs |= _AT_START | (_PREV_NL if multiline and code is sre.AT_BEGINNING else 0)
        elif code is sre.AT_END:
            self._needs |= 0 if multiline else _LAST_NL
        elif code in (sre.AT_BOUNDARY, sre.AT_NON_BOUNDARY):
            self._needs |= _AT_START | (_PREV_ASCII_WORD if ascii_only else _PREV_WORD)
        elif code is not sre.AT_END_STRING:
            raise PatternError("%s is not supported" % code)
        self._add((_ASSERT, code, multiline, ascii_only))

    def _emit_branch(self, alternatives, flags):
        jumps = []
        for alternative in alternatives[:-1]:
            split = self._add(None)
            self._emit(alternative, flags)
            jumps.append(self._add(None))
            self._program[split] = (_SPLIT, split + 1, len(self._program))
        self._emit(alternatives[-1], flags)
        for jump in jumps:
            self._program[jump] = (_JMP, len(self._program))

    def _emit_repeat(self, low, high, item, flags):
        if low > MAX_PROGRAM or (high is not sre.MAXREPEAT and high > MAX_PROGRAM):
            raise PatternError("the pattern is too large (a repeat count over %d)" % MAX_PROGRAM)
        for _ignored in range(low):
            self._emit(item, flags)
        if high is sre.MAXREPEAT:
            loop = self._add(None)
            self._emit(item, flags)
            self._add((_JMP, loop))
            self._program[loop] = (_SPLIT, loop + 1, len(self._program))
            return
        holes = []
        for _ignored in range(high - low):
            holes.append(self._add(None))
            self._emit(item, flags)
        for hole in holes:
            self._program[hole] = (_SPLIT, hole + 1, len(self._program))

    # search -----------------------------------------------------------------------
    def _intern(self, threads):
        return self._interned.setdefault(threads, threads)

    def _context(self, prev, ch, at_start, at_last):
        needs, bits = self._needs, 0
        if at_start:
            bits |= _AT_START
        elif prev is not None:
            if needs & _PREV_NL and prev == "\n":
                bits |= _PREV_NL
            if needs & _PREV_WORD and _is_word(prev, False):
                bits |= _PREV_WORD
            if needs & _PREV_ASCII_WORD and _is_word(prev, True):
                bits |= _PREV_ASCII_WORD
        if needs & _LAST_NL and at_last and ch == "\n":
            bits |= _LAST_NL
        return bits & needs

    @staticmethod
    def _holds(instruction, ctx, ch):
        """Whether a zero-width assertion holds before ``ch`` (None: the end of the text)."""
        _kind, code, multiline, ascii_only = instruction
        if code is sre.AT_BEGINNING_STRING or (code is sre.AT_BEGINNING and not multiline):
            return bool(ctx & _AT_START)
        if code is sre.AT_BEGINNING:
            return bool(ctx & (_AT_START | _PREV_NL))
        if code is sre.AT_END_STRING:
            return ch is None
        if code is sre.AT_END:
            return ch is None or (ch == "\n" and (multiline or bool(ctx & _LAST_NL)))
        if ctx & _AT_START and ch is None:     # sre: no word boundary, nor a non-boundary, in ""
            return False
        before = bool(ctx & (_PREV_ASCII_WORD if ascii_only else _PREV_WORD))
        after = ch is not None and _is_word(ch, ascii_only)
        return (before != after) == (code is sre.AT_BOUNDARY)

    def _advance(self, threads, ctx, ch):
        """Follow the threads through jumps and assertions, then over ``ch``: the next state, ``_MATCHED``,
        or False at the end of the text (``ch`` None) without a match."""
        if len(self._steps) >= MAX_CACHE:
            self._steps.clear()
            self._interned.clear()
        program, seen, stack, consumers = self._program, set(), list(threads), []
        result = None
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            instruction = program[pc]
            kind = instruction[0]
            if kind == _CHAR:
                consumers.append(pc)
            elif kind == _MATCH:
                result = _MATCHED
                break
            elif kind == _JMP:
                stack.append(instruction[1])
            elif kind == _SPLIT:
                stack.extend((instruction[2], instruction[1]))
            elif self._holds(instruction, ctx, ch):
                stack.append(pc + 1)
        self._work += len(seen) + len(consumers)
        if self._work > MAX_WORK:
            raise PatternError("the pattern is too costly to search (more than %d steps)" % MAX_WORK)
        if result is None and ch is None:
            result = False
        elif result is None:
            moved = [pc + 1 for pc in consumers if program[pc][1](ch)]
            result = self._intern(frozenset((0, *moved)))    # 0: a match may also start at the next position
        self._steps[(threads, ctx, ch)] = result
        return result

    @property
    def work(self):
        """Instructions visited so far while building DFA states (bounded by ``MAX_WORK``)."""
        return self._work

    def search(self, text):
        steps, needs = self._steps, self._needs
        state, prev, last = self._start, None, len(text) - 1
        for index, ch in enumerate(text):
            ctx = self._context(prev, ch, index == 0, index == last) if needs else 0
            following = steps.get((state, ctx, ch))
            if following is None:
                following = self._advance(state, ctx, ch)
            if following is _MATCHED:
                return True
            state, prev = following, ch
        ctx = self._context(prev, None, not text, False) if needs else 0
        following = steps.get((state, ctx, None))
        if following is None:
            following = self._advance(state, ctx, None)
        return following is _MATCHED
