"""The search language's parser: one line of text -> a tree of typed filters (nodes.py).

``parse(text)`` checks everything it can (keys, numbers, dates, parentheses) so that a query
that parses always evaluates; the only exception it raises is ``QueryError`` with the position
of the problem. Key values are parsed in keys.py. The language is documented in
docs/search.md; keep the two in step.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from phototerm.library.query.keys import HANDLERS
from phototerm.library.query.nodes import (
    KEYS,
    MAX_DEPTH,
    MAX_LENGTH,
    And,
    Everything,
    Node,
    Not,
    Or,
    Query,
    QueryError,
    Text,
)
from phototerm.library.values import fold

# ---------------------------------------------------------------------------------------------
# Tokens

_LPAREN, _RPAREN, _OR, _AND, _NOT, _TERM = "(", ")", "OR", "AND", "NOT", "term"
_KEY = re.compile(r"([A-Za-z]+):")


@dataclass(slots=True)
class _Token:
    kind: str
    pos: int
    key: str | None = None
    value: str = ""
    value_pos: int = 0
    quoted: bool = False


def _quoted(text: str, i: int) -> tuple[str, int]:
    """The phrase starting at the quote at ``i``; returns (phrase, index after it)."""
    out: list[str] = []
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text) and text[j + 1] in '"\\':
            out.append(text[j + 1])
            j += 2
            continue
        if c == '"':
            return "".join(out), j + 1
        out.append(c)
        j += 1
    raise QueryError("unclosed quote", i)


def _bare(text: str, i: int, depth: int) -> int:
    """End of the bare word starting at ``i``. Parentheses inside a word belong to it
    (``IMG_1 (2).jpg``); a ')' that closes nothing in the word ends it inside a group."""
    inner = 0
    j = i
    while j < len(text):
        c = text[j]
        if c.isspace():
            break
        if c == "(":
            inner += 1
        elif c == ")":
            if inner:
                inner -= 1
            elif depth:
                break
        j += 1
    return j


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    depth = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "(":
            out.append(_Token(_LPAREN, i))
            depth += 1
            i += 1
        elif c == ")":
            out.append(_Token(_RPAREN, i))
            depth = max(0, depth - 1)
            i += 1
        elif c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != ")":
            out.append(_Token(_NOT, i))
            i += 1
        elif c == '"':
            phrase, j = _quoted(text, i)
            out.append(_Token(_TERM, i, None, phrase, i + 1, True))
            i = j
        else:
            m = _KEY.match(text, i)
            if m:
                j = m.end()
                if j < n and text[j] == '"':
                    value, end = _quoted(text, j)
                    out.append(_Token(_TERM, i, m.group(1).lower(), value, j + 1, True))
                else:
                    end = _bare(text, j, depth)
                    out.append(_Token(_TERM, i, m.group(1).lower(), text[j:end], j))
                i = end
                continue
            end = _bare(text, i, depth)
            word = text[i:end]
            kind = word if word in (_OR, _AND, _NOT) else _TERM
            out.append(_Token(kind, i, None, word, i))
            i = end
    return out


# ---------------------------------------------------------------------------------------------
# Parser: or := and (OR and)* ; and := unary ([AND] unary)* ; unary := (NOT|-)* primary ;
# primary := '(' or ')' | term


class _Parser:
    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def end_pos(self) -> int:
        return len(self.text)

    def parse(self) -> Node:
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:  # only a stray ')' can stop parse_or early
            raise QueryError("unmatched ')'", tok.pos)
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while (tok := self.peek()) is not None and tok.kind == _OR:
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in (_OR, _RPAREN):
                raise QueryError("OR needs a search term after it", tok.pos)
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        items: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in (_OR, _RPAREN):
            if tok.kind == _AND:
                self.i += 1
                nxt = self.peek()
                if not items or nxt is None or nxt.kind in (_OR, _AND, _RPAREN):
                    raise QueryError("AND needs a search term on both sides", tok.pos)
                continue
            items.append(self.parse_unary())
        if not items:
            tok = self.peek()
            if tok is None:
                raise QueryError("expected a search term", self.end_pos())
            if tok.kind == _RPAREN:
                raise QueryError("unmatched ')'", tok.pos)
            raise QueryError("expected a search term before OR", tok.pos)
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self) -> Node:
        negations = 0
        while (tok := self.peek()) is not None and tok.kind == _NOT:
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in (_OR, _AND, _RPAREN):
                raise QueryError("NOT needs a search term after it", tok.pos)
            negations += 1
            if negations > MAX_DEPTH:
                raise QueryError("too many NOTs", tok.pos)
        node = self.parse_primary()
        return Not(node) if negations % 2 else node

    def parse_primary(self) -> Node:
        tok = self.peek()
        assert tok is not None  # callers check
        if tok.kind == _LPAREN:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError("parentheses nested too deeply", tok.pos)
            self.i += 1
            nxt = self.peek()
            if nxt is not None and nxt.kind == _RPAREN:
                raise QueryError("empty parentheses", tok.pos)
            if nxt is None:
                raise QueryError("unclosed '('", tok.pos)
            node = self.parse_or()
            close = self.peek()
            if close is None or close.kind != _RPAREN:
                raise QueryError("unclosed '('", tok.pos)
            self.i += 1
            self.depth -= 1
            return node
        if tok.kind == _RPAREN:
            raise QueryError("unmatched ')'", tok.pos)
        self.i += 1
        return _term(tok)


# ---------------------------------------------------------------------------------------------
# Terms


def _term(tok: _Token) -> Node:
    if tok.key is None:
        if tok.quoted and not tok.value.strip():
            raise QueryError("empty phrase", tok.pos)
        return Text(fold(tok.value))
    handler = HANDLERS.get(tok.key)
    if handler is None:
        raise QueryError(f"unknown key '{tok.key}:' (known: {', '.join(KEYS)})", tok.pos)
    if not tok.value.strip():
        raise QueryError(f"'{tok.key}:' needs a value", tok.value_pos)
    if tok.quoted:
        return handler(tok.key, tok.value.strip(), tok.value_pos)
    # Unquoted values may list alternatives: type:photo|video, camera:canon|nikon.
    items: list[Node] = []
    offset = tok.value_pos
    for part in tok.value.split("|"):
        if not part:
            raise QueryError(f"empty alternative in '{tok.key}:'", offset)
        items.append(handler(tok.key, part, offset))
        offset += len(part) + 1
    return items[0] if len(items) == 1 else Or(tuple(items))


def parse(text: str | None) -> Query:
    """Parse a query; '' or None is everything. Raises only QueryError."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise QueryError("a query is text", 0)
    return _parse(text)


def terms(text: str) -> list[str]:
    """The source text of each top-level AND term of a query, in order: ``'a -b (c OR d)
    rating:>=3'`` gives ``['a', '-b', '(c OR d)', 'rating:>=3']``. A query whose top level is
    an OR is one term; an empty one has none. Raises QueryError as ``parse`` does.

    Each term parses on its own, and joining the terms with spaces means the same query
    (an explicit AND between terms is dropped): a form can take some apart and keep the rest.
    """
    parse(text)
    tokens = _tokens(text)
    depth = 0
    for tok in tokens:
        depth += tok.kind == _LPAREN
        depth -= tok.kind == _RPAREN
        if tok.kind == _OR and depth == 0:
            return [text.strip()]
    starts: list[int] = []  # index of each term's first token
    i = 0
    while i < len(tokens):
        if tokens[i].kind == _AND:
            i += 1
            continue
        starts.append(i)
        while tokens[i].kind == _NOT:
            i += 1
        if tokens[i].kind == _LPAREN:
            depth = 0
            while True:
                depth += tokens[i].kind == _LPAREN
                depth -= tokens[i].kind == _RPAREN
                i += 1
                if depth == 0:
                    break
        else:
            i += 1
    out = []
    for n, start in enumerate(starts):
        # A term runs to the next token that is not part of it (the next term or an AND).
        end_token = starts[n + 1] if n + 1 < len(starts) else len(tokens)
        while end_token > start + 1 and tokens[end_token - 1].kind == _AND:
            end_token -= 1
        end = tokens[end_token].pos if end_token < len(tokens) else len(text)
        out.append(text[tokens[start].pos : end].strip())
    return out


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> Query:
    if len(text) > MAX_LENGTH:
        raise QueryError(f"query longer than {MAX_LENGTH} characters", MAX_LENGTH)
    tokens = _tokens(text)
    if not tokens:
        return Query(text, Everything())
    return Query(text, _Parser(text, tokens).parse())
