"""The formula parser on its own: Excel's operator precedence and the shapes it builds.

Precedence as Excel documents it ("Calculation operators and precedence in Excel"): reference
operators (``:``), then negation, percent, exponentiation, multiplication and division, addition
and subtraction, concatenation, comparison; operators of one level go left to right.
"""

from __future__ import annotations

import pytest

from hipaa_xl.recalc.parser import (
    ArrayLiteral,
    Binary,
    Call,
    ErrorLiteral,
    FormulaSyntaxError,
    Logical,
    Missing,
    Number,
    Operand,
    Text,
    Unary,
    function_name,
    parse_formula,
)


def test_negation_binds_tighter_than_exponentiation() -> None:
    # Excel: =-2^2 is 4, (-2)^2
    assert parse_formula("=-2^2") == Binary("^", Unary("-", Number(2)), Number(2))


def test_exponentiation_is_left_associative() -> None:
    # Excel: =2^3^2 is 64, (2^3)^2
    assert parse_formula("=2^3^2") == Binary("^", Binary("^", Number(2), Number(3)), Number(2))


def test_multiplication_before_addition_and_addition_before_concatenation() -> None:
    assert parse_formula('=1+2*3&"x"') == Binary(
        "&", Binary("+", Number(1), Binary("*", Number(2), Number(3))), Text("x"))


def test_comparison_comes_last() -> None:
    assert parse_formula("=A1+1>=B1&C1") == Binary(
        ">=", Binary("+", Operand("A1"), Number(1)), Binary("&", Operand("B1"), Operand("C1")))


def test_percent_is_a_postfix_operator_before_exponentiation() -> None:
    assert parse_formula("=50%^2") == Binary("^", Unary("%", Number(50)), Number(2))


def test_parentheses_override_precedence() -> None:
    assert parse_formula("=(1+2)*3") == Binary("*", Binary("+", Number(1), Number(2)), Number(3))


def test_literals_of_every_kind() -> None:
    assert parse_formula('="say ""hi"""') == Text('say "hi"')
    assert parse_formula("=TRUE") == Logical(True)
    assert parse_formula("=#N/A") == ErrorLiteral("#N/A")
    assert parse_formula("=1.5") == Number(1.5)
    assert parse_formula("=2") == Number(2)


def test_function_names_lose_their_storage_prefixes_and_case() -> None:
    assert parse_formula("=_xlfn.XLOOKUP(1,A:A,B:B)") == Call(
        "XLOOKUP", (Number(1), Operand("A:A"), Operand("B:B")))
    assert function_name("_xlfn._xlws.sort") == "SORT"


def test_omitted_arguments_are_missing_nodes() -> None:
    assert parse_formula("=IF(A1,,2)") == Call("IF", (Operand("A1"), Missing(), Number(2)))
    assert parse_formula("=XLOOKUP(1,A:A,B:B,)") == Call(
        "XLOOKUP", (Number(1), Operand("A:A"), Operand("B:B"), Missing()))


def test_array_constants_keep_rows_and_columns() -> None:
    assert parse_formula("={1,2;3,-4}") == ArrayLiteral(
        ((Number(1), Number(2)), (Number(3), Unary("-", Number(4)))))


def test_a_range_ending_in_a_function_is_a_range_operator() -> None:
    # Excel: INDEX returns a reference, so A1:INDEX(...) and INDEX(...):INDEX(...) are ranges
    assert parse_formula("=SUM(A1:INDEX(B1:B5,3))") == Call("SUM", (Binary(
        ":", Operand("A1"), Call("INDEX", (Operand("B1:B5"), Number(3)))),))
    assert parse_formula("=INDEX(L,1,1):INDEX(L,1,2)") == Binary(
        ":", Call("INDEX", (Operand("L"), Number(1), Number(1))), Call("INDEX", (Operand("L"), Number(1), Number(2))))
    assert parse_formula("=INDEX(B1:B5,2):B5") == Binary(
        ":", Call("INDEX", (Operand("B1:B5"), Number(2))), Operand("B5"))


def test_a_long_flat_sum_parses_without_recursion() -> None:
    # 1,000 terms, as Excel accepts up to 8,192 characters: a left-leaning chain
    tree = parse_formula("=" + "+".join(["1"] * 1000))
    depth = 0
    while isinstance(tree, Binary):
        depth += 1
        tree = tree.left
    assert depth == 999


@pytest.mark.parametrize("formula", ["=1+", "=SUM(1", "=(1", "={1,2;3}", "=A1 B1"])
def test_malformed_or_unsupported_formulas_raise_a_syntax_error(formula: str) -> None:
    with pytest.raises(FormulaSyntaxError):
        parse_formula(formula)
