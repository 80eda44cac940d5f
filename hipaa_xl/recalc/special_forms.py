"""The functions that evaluate only the arguments they need: IF, IFERROR, IFNA, IFS, SWITCH, CHOOSE.

Excel evaluates the branch taken only (``=IF(TRUE,1,1/0)`` is 1 and never asks for the cells of the
other branch), so these are compiled here as special forms rather than registered with
:func:`~hipaa_xl.recalc.functions.excel_function`. Over arrays (a condition that is an array inside
an array context) they work element by element, as Excel does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from hipaa_xl.recalc import parser as ast
from hipaa_xl.recalc.compile_state import CompileProblem, NodeCompiler, State, Thunk
from hipaa_xl.recalc.model import Ref
from hipaa_xl.recalc.operators import SCALAR_BINARY, broadcast, operand, scalar_operand
from hipaa_xl.recalc.values import NA, VALUE, ExcelError, to_bool, to_number

LIMITS: Final = {"IF": (1, 3), "IFERROR": (2, 2), "IFNA": (2, 2), "IFS": (2, 254), "SWITCH": (3, 254),
                 "CHOOSE": (2, 255)}
LAZY_FORMS: Final = frozenset(LIMITS)


def compile_special_form(compiler: NodeCompiler, name: str, nodes: tuple[ast.Node, ...], state: State,
                         mode: str = "value") -> Thunk:
    """One of :data:`LAZY_FORMS` with its argument trees.

    Where a reference is wanted (``mode`` "ref": an end of a range, an argument of SUM), CHOOSE
    gives the reference it chooses, as in Excel (``=SUM(B3:CHOOSE(2,B1,B4))`` is the sum of B3:B4).
    """
    book = compiler.book
    choose_ref = name == "CHOOSE" and mode == "ref"
    args = [compiler.node(a, state, "ref" if choose_ref and i else "value") for i, a in enumerate(nodes)]
    missing = [isinstance(a, ast.Missing) for a in nodes]
    count = len(args)
    low, high = LIMITS[name]
    if not low <= count <= high or (name == "IFS" and count % 2):
        raise CompileProblem("unsupported syntax", f"{name} with {count} arguments")
    in_array = state.array

    def value_of(v: Any, r: int, c: int) -> Any:
        """A range as an array (array context) or its implicit intersection (a plain formula)."""
        if type(v) is Ref:
            return operand(book, v) if in_array else scalar_operand(book, v, r, c)
        return v

    def arg(i: int, r: int, c: int) -> Any:
        if missing[i]:
            return 0
        return args[i](r, c)

    if name == "IF":
        return _if(count, arg, value_of)
    if name in ("IFERROR", "IFNA"):
        return _iferror(name == "IFNA", arg, value_of)
    if name == "IFS":
        return _ifs(count, arg, value_of)
    if name == "SWITCH":
        return _switch(count, arg, value_of)
    return _choose(count, arg, value_of)


Arg = Callable[[int, int, int], Any]
ValueOf = Callable[[Any, int, int], Any]


def _if(count: int, arg: Arg, value_of: ValueOf) -> Thunk:
    def if_(r: int, c: int) -> Any:
        v = value_of(arg(0, r, c), r, c)
        if type(v) is list:
            yes = value_of(arg(1, r, c), r, c) if count > 1 else True
            no = value_of(arg(2, r, c), r, c) if count > 2 else False
            return broadcast([v, yes, no], _pick)
        b = to_bool(v)
        if type(b) is ExcelError:
            return b
        if b:
            return arg(1, r, c) if count > 1 else True
        return arg(2, r, c) if count > 2 else False

    return if_


def _iferror(only_na: bool, arg: Arg, value_of: ValueOf) -> Thunk:
    def caught(v: Any) -> bool:
        return type(v) is ExcelError and (not only_na or v.code == "#N/A")

    def iferror(r: int, c: int) -> Any:
        v = value_of(arg(0, r, c), r, c)
        if type(v) is list:
            if any(caught(x) for row in v for x in row):
                fallback = value_of(arg(1, r, c), r, c)
                return broadcast([v, fallback], lambda x, f: f if caught(x) else x)
            return v
        if caught(v):
            return arg(1, r, c)
        return v

    return iferror


def _ifs(count: int, arg: Arg, value_of: ValueOf) -> Thunk:
    def ifs(r: int, c: int) -> Any:
        for i in range(0, count, 2):
            v = value_of(arg(i, r, c), r, c)
            if type(v) is list:  # conditions over arrays: every argument, element by element
                values = [value_of(arg(k, r, c), r, c) for k in range(count)]
                return broadcast(values, _first_true)
            b = to_bool(v)
            if type(b) is ExcelError:
                return b
            if b:
                return arg(i + 1, r, c)
        return NA

    return ifs


def _switch(count: int, arg: Arg, value_of: ValueOf) -> Thunk:
    def switch(r: int, c: int) -> Any:
        subject = value_of(arg(0, r, c), r, c)
        if type(subject) is list:  # an array to switch on: every argument, element by element
            values = [value_of(arg(k, r, c), r, c) for k in range(count)]
            return broadcast(values, _switch_one)
        if type(subject) is ExcelError:
            return subject
        pairs_end = count if count % 2 == 1 else count - 1
        for i in range(1, pairs_end, 2):
            candidate = value_of(arg(i, r, c), r, c)
            if type(candidate) is ExcelError:
                return candidate  # a value to compare with that is an error is the result
            if _same(subject, candidate):
                return arg(i + 1, r, c)
        return arg(count - 1, r, c) if count % 2 == 0 else NA

    return switch


def _choose(count: int, arg: Arg, value_of: ValueOf) -> Thunk:
    def choose(r: int, c: int) -> Any:
        index = value_of(arg(0, r, c), r, c)
        if type(index) is list:  # an array of indexes: every option, element by element
            options = [value_of(arg(k, r, c), r, c) for k in range(1, count)]
            return broadcast([index, *options], _choose_one)
        index = to_number(index)
        if type(index) is ExcelError:
            return index
        i = int(index)
        if not 1 <= i < count:
            return VALUE
        return arg(i, r, c)

    return choose


def _pick(condition: Any, yes: Any, no: Any) -> Any:
    if type(condition) is ExcelError:
        return condition
    b = to_bool(condition)
    if type(b) is ExcelError:
        return b
    return yes if b else no


def _choose_one(index: Any, *options: Any) -> Any:
    n = to_number(index)
    if type(n) is ExcelError:
        return n
    i = int(n)
    return options[i - 1] if 1 <= i <= len(options) else VALUE


def _first_true(*items: Any) -> Any:
    for i in range(0, len(items), 2):
        b = to_bool(items[i])
        if type(b) is ExcelError:
            return b
        if b:
            return items[i + 1]
    return NA


def _switch_one(subject: Any, *rest: Any) -> Any:
    if type(subject) is ExcelError:
        return subject
    pairs_end = len(rest) - (len(rest) % 2)
    for i in range(0, pairs_end, 2):
        if type(rest[i]) is ExcelError:
            return rest[i]
        if _same(subject, rest[i]):
            return rest[i + 1]
    return rest[-1] if len(rest) % 2 else NA


def _same(subject: Any, candidate: Any) -> bool:
    """SWITCH's match: a blank is the number 0 on either side (it matches neither "" nor FALSE)."""
    return SCALAR_BINARY["="](0 if subject is None else subject, 0 if candidate is None else candidate) is True
