"""Formula text to a syntax tree.

Tokens come from openpyxl's kept Excel tokenizer (``openpyxl.formula.Tokenizer``); this module only
arranges them by Excel's operator precedence (precedence climbing):

    :  (range)  >  unary - +  >  %  >  ^  >  * /  >  + -  >  &  >  = <> < > <= >=

All binary operators are left-associative, as in Excel (``2^3^2`` is 64, ``-2^2`` is 4).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final

from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import Token


class FormulaSyntaxError(ValueError):
    """A formula this evaluator cannot read (reported as "unsupported syntax")."""


@dataclass(frozen=True, slots=True)
class Number:
    value: float | int


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Logical:
    value: bool


@dataclass(frozen=True, slots=True)
class ErrorLiteral:
    code: str


@dataclass(frozen=True, slots=True)
class Operand:
    """A reference-like operand: cell, range, defined name or structured reference, as written."""

    text: str


@dataclass(frozen=True, slots=True)
class Missing:
    """An omitted function argument (``IF(A1,,2)``)."""


@dataclass(frozen=True, slots=True)
class ArrayLiteral:
    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # upper-case, without the _xlfn./_xlws. prefixes
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-", "+" or "%"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


Node = Number | Text | Logical | ErrorLiteral | Operand | Missing | ArrayLiteral | Call | Unary | Binary

_PRECEDENCE: Final = {
    ":": 7,
    "^": 5,
    "*": 4,
    "/": 4,
    "+": 3,
    "-": 3,
    "&": 2,
    "=": 1,
    "<>": 1,
    "<": 1,
    ">": 1,
    "<=": 1,
    ">=": 1,
}

_PREFIXES: Final = ("_XLFN._XLWS.", "_XLFN.", "_XLWS.", "_XLUDF.")


def function_name(raw: str) -> str:
    """Upper-case function name without the ``_xlfn.``/``_xlws.`` storage prefixes."""
    name = raw.upper()
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def parse_formula(formula: str) -> Node:
    """The syntax tree of a formula (with or without its leading ``=``)."""
    text = formula if formula.startswith("=") else "=" + formula
    try:
        items = Tokenizer(text).items
    except Exception as exc:  # openpyxl raises TokenizerError and sometimes IndexError
        raise FormulaSyntaxError(f"cannot read formula: {exc}") from exc
    tokens = [t for t in items if t.type != Token.WSPACE]
    for before, after in itertools.pairwise(tokens):
        if before.type == Token.OPERAND and after.type == Token.OPERAND:
            raise FormulaSyntaxError("the intersection operator (a space) is not supported")
    parser = _Parser(tokens)
    node = parser.expression(0)
    if parser.pos != len(tokens):
        raise FormulaSyntaxError(f"unexpected {tokens[parser.pos].value!r}")
    return node


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise FormulaSyntaxError("formula ends too early")
        self.pos += 1
        return token

    def expression(self, min_precedence: int) -> Node:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token.type != Token.OP_IN:
                return left
            precedence = _PRECEDENCE.get(token.value)
            if precedence is None:
                raise FormulaSyntaxError(f"unknown operator {token.value!r}")
            if precedence < min_precedence:
                return left
            self.pos += 1
            right = self.expression(precedence + 1)
            left = Binary(token.value, left, right)

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.type == Token.OP_PRE:
            self.pos += 1
            return Unary(token.value, self.unary())
        node = self.primary()
        # INDEX(...):B5 and INDEX(...):INDEX(...): the tokenizer glues the ":" to what follows
        while (token := self.peek()) is not None and token.value.startswith(":") and (
            (token.type == Token.OPERAND and token.subtype == Token.RANGE)
            or (token.type == Token.FUNC and token.subtype == Token.OPEN)
        ):
            self.pos += 1
            if token.type == Token.OPERAND:
                node = Binary(":", node, Operand(token.value[1:]))
            else:
                node = Binary(":", node, Call(function_name(token.value[1:-1]), self.arguments(Token.FUNC)))
        while (token := self.peek()) is not None and token.type == Token.OP_POST:
            self.pos += 1
            node = Unary("%", node)
        return node

    def primary(self) -> Node:
        token = self.take()
        kind, sub, value = token.type, token.subtype, token.value
        if kind == Token.OPERAND:
            return _operand(sub, value)
        if kind == Token.FUNC and sub == Token.OPEN:
            name = value[:-1]
            if ":" in name:  # A1:INDEX(...) comes as one token "A1:INDEX("
                start, _, name = name.rpartition(":")
                if not start or "!" in name:
                    raise FormulaSyntaxError(f"unexpected {value!r}")
                return Binary(":", Operand(start), Call(function_name(name), self.arguments(Token.FUNC)))
            if "!" in name:
                raise FormulaSyntaxError(f"unexpected {value!r}")
            return Call(function_name(name), self.arguments(Token.FUNC))
        if kind == Token.PAREN and sub == Token.OPEN:
            node = self.expression(0)
            close = self.take()
            if close.type != Token.PAREN or close.subtype != Token.CLOSE:
                raise FormulaSyntaxError("missing )")
            return node
        if kind == Token.ARRAY and sub == Token.OPEN:
            return self.array()
        raise FormulaSyntaxError(f"unexpected {value!r}")

    def arguments(self, closer: str) -> tuple[Node, ...]:
        args: list[Node] = []
        token = self.peek()
        if token is not None and token.type == closer and token.subtype == Token.CLOSE:
            self.pos += 1
            return ()
        while True:
            token = self.peek()
            if token is not None and (
                (token.type == Token.SEP and token.subtype == Token.ARG)
                or (token.type == closer and token.subtype == Token.CLOSE)
            ):
                args.append(Missing())
            else:
                args.append(self.expression(0))
            token = self.take()
            if token.type == Token.SEP and token.subtype == Token.ARG:
                continue
            if token.type == closer and token.subtype == Token.CLOSE:
                return tuple(args)
            raise FormulaSyntaxError(f"unexpected {token.value!r} in the arguments")

    def array(self) -> Node:
        rows: list[tuple[Node, ...]] = []
        row: list[Node] = []
        while True:
            row.append(self.expression(0))
            token = self.take()
            if token.type == Token.SEP and token.subtype == Token.ARG:
                continue
            if token.type == Token.SEP and token.subtype == Token.ROW:
                rows.append(tuple(row))
                row = []
                continue
            if token.type == Token.ARRAY and token.subtype == Token.CLOSE:
                rows.append(tuple(row))
                if len({len(r) for r in rows}) != 1:
                    raise FormulaSyntaxError("array constant rows differ in length")
                return ArrayLiteral(tuple(rows))
            raise FormulaSyntaxError(f"unexpected {token.value!r} in an array constant")


def _operand(subtype: str, value: str) -> Node:
    if subtype == Token.NUMBER:
        number = float(value)
        return Number(int(number) if number.is_integer() and "." not in value and "e" not in value.lower()
                      else number)
    if subtype == Token.TEXT:
        return Text(value[1:-1].replace('""', '"'))
    if subtype == Token.LOGICAL:
        return Logical(value.upper() == "TRUE")
    if subtype == Token.ERROR:
        return ErrorLiteral(value.upper())
    return Operand(value)
