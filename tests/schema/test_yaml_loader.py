"""Tests for the hardened YAML loader and positioned problems (crmsim.schema.yaml_loader, crmsim.schema.problems)."""

from __future__ import annotations

import pathlib

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crmsim.schema.problems import Problem, ProblemsError, snippet_at
from crmsim.schema.yaml_loader import MAX_BYTES, MAX_DEPTH, MAX_PROBLEMS, ParsedYaml, parse_yaml, read_yaml_file

DATA = pathlib.Path(__file__).parent / "data_yaml"
PACKAGE = pathlib.Path(__file__).parents[2] / "crmsim"

ALIASES = "anchors and aliases (&name / *name) are not allowed"

BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
)


def problems_of(source: str | bytes) -> tuple[Problem, ...]:
    """Parse ``source`` expecting failure and return its problems."""
    with pytest.raises(ProblemsError) as caught:
        parse_yaml(source, "s.yaml")
    return caught.value.problems


def only_problem(source: str | bytes) -> Problem:
    """Parse ``source`` expecting exactly one problem and return it."""
    problems = problems_of(source)
    assert len(problems) == 1, problems
    return problems[0]


# --- Problem and ProblemsError -------------------------------------------------------------------------------


def test_problem_format_shows_position_snippet_and_caret() -> None:
    """A positioned problem formats as PATH:LINE:COL: message, the source line, and a caret under the column."""
    problem = Problem("s.yaml", 3, 7, "duplicate key 'age'", snippet="  age: 41")
    assert problem.format() == "s.yaml:3:7: duplicate key 'age'\n      age: 41\n          ^"


def test_problem_format_without_line_is_path_and_message() -> None:
    """A problem with no known line formats as PATH: message, with no snippet or caret."""
    assert Problem("s.yaml", 0, 0, "file not found", snippet="ignored").format() == "s.yaml: file not found"


def test_problem_format_expands_tabs_in_snippet_and_caret_alike() -> None:
    """Tabs in the snippet are expanded, and the caret is placed with the same expansion."""
    problem = Problem("s.yaml", 1, 4, "bad", snippet="\tx\ty")
    assert problem.format() == "s.yaml:1:4: bad\n            x       y\n" + " " * 20 + "^"


def test_problems_error_keeps_and_prints_every_problem() -> None:
    """ProblemsError carries all problems and its text is every formatted problem, one after another."""
    first = Problem("s.yaml", 1, 1, "one")
    second = Problem("s.yaml", 0, 0, "two")
    error = ProblemsError([first, second])
    assert error.problems == (first, second)
    assert str(error) == "s.yaml:1:1: one\ns.yaml: two"


def test_snippet_at_returns_the_line_or_empty_when_out_of_range() -> None:
    """snippet_at returns the 1-based line without its break, and "" for lines that do not exist."""
    text = "a: 1\r\nb: 2\nc: 3"
    assert [snippet_at(text, n) for n in (0, 1, 2, 3, 4)] == ["", "a: 1", "b: 2", "c: 3", ""]


# --- Rule 1: bytes, encoding, binary --------------------------------------------------------------------------


def test_invalid_utf8_is_reported_at_the_bad_byte() -> None:
    """A non-UTF-8 byte is reported with its value and the line and column (in characters) where it sits."""
    problem = only_problem("id: x\ntitle: café ".encode() + b"\xe9t\xe9\n")
    assert (problem.line, problem.column) == (2, 13)
    assert "file is not UTF-8 text: invalid byte 0xe9 at line 2, column 13" in problem.message


def test_latin1_file_is_rejected_with_position() -> None:
    """A Latin-1 file read from disk is rejected as not UTF-8, pointing at its first non-UTF-8 byte."""
    with pytest.raises(ProblemsError) as caught:
        read_yaml_file(DATA / "latin1.yaml")
    (problem,) = caught.value.problems
    assert (problem.path, problem.line, problem.column) == (str(DATA / "latin1.yaml"), 2, 11)
    assert "invalid byte 0xe9" in problem.message


def test_nul_bytes_mean_binary() -> None:
    """Input containing NUL bytes (bytes or text) is rejected as binary."""
    assert "file looks binary (contains NUL bytes)" in only_problem(b"id: x\n\x00\x01\x02").message
    assert "file looks binary" in only_problem("id: x\x00").message


def test_utf16_is_named_as_such() -> None:
    """A UTF-16 file (byte-order mark FF FE) is rejected with advice to save it as UTF-8."""
    assert "UTF-16" in only_problem("id: x\n".encode("utf-16")).message


def test_utf8_bom_is_accepted_and_stripped() -> None:
    """A UTF-8 byte-order mark is accepted and removed from the text, so line 1 columns are unaffected."""
    parsed = read_yaml_file(DATA / "valid_with_bom.yaml")
    assert not parsed.text.startswith("\ufeff")
    assert parsed.data["id"] == "anaphylaxis-demo"
    assert parse_yaml(b"\xef\xbb\xbfa: 1").data == {"a": 1}


def test_disallowed_control_character_is_positioned() -> None:
    """A control character YAML forbids is reported at its own line and column."""
    problem = only_problem("a: 1\nb: x\x07y\n")
    assert (problem.line, problem.column) == (2, 5)
    assert "U+0007 is not allowed" in problem.message


# --- Rule 2: size ---------------------------------------------------------------------------------------------


def test_oversize_input_is_rejected() -> None:
    """Input over MAX_BYTES is rejected with its size and the limit."""
    problem = only_problem(b"#" * (MAX_BYTES + 1))
    assert problem.message == f"file is too large ({MAX_BYTES + 1} bytes; the limit is 2 MiB)"


def test_oversize_file_is_rejected_from_its_size(tmp_path: pathlib.Path) -> None:
    """An oversize file is rejected from its size on disk (a sparse file: nothing needs reading)."""
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(50 * MAX_BYTES)
    with pytest.raises(ProblemsError, match="file is too large"):
        read_yaml_file(big)


def test_missing_file_and_folder_give_one_unpositioned_problem(tmp_path: pathlib.Path) -> None:
    """A missing file or a folder gives one problem without a line, naming the path as given."""
    for target, text in ((tmp_path / "nope.yaml", "file not found"), (tmp_path, "folder")):
        with pytest.raises(ProblemsError) as caught:
            read_yaml_file(str(target))
        (problem,) = caught.value.problems
        assert (problem.path, problem.line) == (str(target), 0)
        assert text in problem.message


# --- Rule 3: duplicate keys -----------------------------------------------------------------------------------


def test_every_duplicate_key_is_reported_at_its_second_occurrence() -> None:
    """Each duplicate key is reported where it repeats, naming where it was first defined; all are reported."""
    with pytest.raises(ProblemsError) as caught:
        read_yaml_file(DATA / "duplicates.yaml")
    found = [(p.line, p.column, p.message) for p in caught.value.problems]
    assert found == [
        (5, 3, "duplicate key 'age' (first defined at line 4, column 3)"),
        (6, 1, "duplicate key 'title' (first defined at line 2, column 1)"),
    ]


def test_quoted_and_plain_keys_with_the_same_text_are_duplicates() -> None:
    """A quoted key and a plain key with the same text are the same key."""
    assert only_problem('a: 1\n"a": 2\n').message.startswith("duplicate key 'a'")


# --- Rule 4: anchors, aliases, merge keys ---------------------------------------------------------------------


def test_anchor_and_alias_are_each_reported() -> None:
    """Both the anchor and each alias are reported at their own position."""
    problems = problems_of("base: &b {dose: 1}\nother: *b\n")
    assert [(p.line, p.column) for p in problems] == [(1, 7), (2, 8)]
    assert all(ALIASES in p.message for p in problems)


def test_billion_laughs_is_rejected() -> None:
    """A ~300-byte alias bomb is rejected at the nodes, before anything is built from it."""
    assert len(BILLION_LAUGHS) < 320
    problems = problems_of(BILLION_LAUGHS)
    assert all(ALIASES in p.message for p in problems)
    assert len(problems) <= MAX_PROBLEMS + 1


def test_merge_key_is_rejected() -> None:
    """A `<<` merge key is rejected at the key."""
    problems = problems_of("a:\n  x: 1\nb:\n  <<: {x: 2}\n  y: 3\n")
    assert [(p.line, p.column, p.message) for p in problems] == [
        (4, 3, "merge keys (<<) are not allowed; write the keys out")
    ]


def test_many_problems_are_capped_with_a_count() -> None:
    """Past MAX_PROBLEMS, problems are counted in a final unpositioned problem instead of listed."""
    problems = problems_of("".join(f"k{i}: *x\n" for i in range(MAX_PROBLEMS + 5)))
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].line == 0 and "5 more problems" in problems[-1].message


# --- Rule 5: YAML 1.2 core scalars ----------------------------------------------------------------------------


def test_yaml11_surprises_stay_text() -> None:
    """yes/no/on/off/y/n, base-60 times, timestamps and underscored numbers stay text; only true/false are bools."""
    parsed = parse_yaml(
        "a: [yes, no, on, off, y, n, NO, Yes]\nb: [true, True, TRUE, false, False, FALSE]\n"
        "c: 12:30\nd: 2021-05-01\ne: 1_000\nf: =\n"
    )
    assert parsed.data == {
        "a": ["yes", "no", "on", "off", "y", "n", "NO", "Yes"],
        "b": [True, True, True, False, False, False],
        "c": "12:30",
        "d": "2021-05-01",
        "e": "1_000",
        "f": "=",
    }


def test_numbers_follow_yaml12_core() -> None:
    """017 is decimal 17 (not octal 15), 0o17 is 15, 0x1F is 31, 1.10 is 1.1, 1e3 is a float, ~ and empty are null."""
    parsed = parse_yaml("[017, 0o17, 0x1F, -5, 1.10, 1e3, .5, ~, null, ]")
    assert parsed.data == [17, 15, 31, -5, 1.1, 1000.0, 0.5, None, None]
    assert type(parsed.data[5]) is float


def test_infinite_and_nan_numbers_are_rejected_at_the_value() -> None:
    """.inf, -.Inf, .nan and numbers too large for a float are rejected where they are written."""
    problems = problems_of("a: .inf\nb: [1, -.Inf]\nc: .nan\nd: 1.0e999\n")
    assert [(p.line, p.column) for p in problems] == [(1, 4), (2, 8), (3, 4), (4, 4)]
    assert all("infinite or NaN numbers are not allowed" in p.message for p in problems)


def test_safe_loader_is_not_modified() -> None:
    """Building the hardened loader leaves PyYAML's own SafeLoader resolving YAML 1.1 as before."""
    assert yaml.safe_load("[yes, 12:30]") == [True, 750]


# --- Rule 6: tags ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tagged, shown",
    [
        ("!!python/object/apply:os.system [echo hi]", "!!python/object/apply:os.system"),
        ("!foo x", "!foo"),
        ("!!binary aGk=", "!!binary"),
        ("!!set {a: null}", "!!set"),
        ("!!omap [a: 1]", "!!omap"),
        ("!!timestamp 2021-05-01", "!!timestamp"),
    ],
)
def test_non_standard_tags_are_rejected_at_the_node(tagged: str, shown: str) -> None:
    """Any tag other than the standard str/int/float/bool/null/map/seq is rejected where it is written."""
    problem = only_problem(f"id: x\ncmd: {tagged}\n")
    assert (problem.line, problem.column, problem.message) == (2, 6, f"tag '{shown}' is not allowed")


def test_standard_tags_are_allowed_but_must_fit_their_value() -> None:
    """Standard tags work (!!str 1 is text) but a value that does not fit its tag is rejected."""
    parsed = parse_yaml("a: !!str 1\nb: !!int 2\nc: !!float 3\nd: !!map {}\n")
    assert parsed.data == {"a": "1", "b": 2, "c": 3.0, "d": {}}
    problems = problems_of("a: !!bool yes\nb: !!int 1.5\nc: !!seq x\n")
    assert [(p.line, p.column) for p in problems] == [(1, 4), (2, 4), (3, 4)]
    assert "'yes' is not a valid !!bool value" in problems[0].message


# --- Rule 7: nesting depth ------------------------------------------------------------------------------------


def test_nesting_at_the_limit_is_fine_and_one_deeper_is_not() -> None:
    """MAX_DEPTH nested lists load; one more is rejected at the bracket that goes too deep."""
    assert parse_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH).data is not None
    problem = only_problem("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert (problem.line, problem.column) == (1, MAX_DEPTH + 1)
    assert problem.message == "nesting is deeper than 64 levels"


@pytest.mark.parametrize("source", ["[" * 100_000, "[" * 100_000 + "]" * 100_000, "- " * 100_000, "{a: " * 100_000])
def test_huge_nesting_is_a_problem_not_a_recursion_error(source: str) -> None:
    """100,000 levels of nesting raise ProblemsError about nesting, never RecursionError."""
    assert "nesting is deeper than 64 levels" in only_problem(source).message


# --- Rule 8: syntax errors ------------------------------------------------------------------------------------


def test_syntax_error_is_positioned_at_pyyaml_problem_mark() -> None:
    """A YAML syntax error is reported alone, at the problem mark, with PyYAML's problem in plain words."""
    problem = only_problem("id: x\nname: a: b\n")
    assert (problem.line, problem.column) == (2, 8)
    assert problem.message.startswith("YAML syntax error: mapping values are not allowed here")


def test_tab_indentation_is_explained() -> None:
    """Indenting with a tab is reported at the tab with advice to use spaces."""
    problem = only_problem("patient:\n\tage: 40\n")
    assert (problem.line, problem.column) == (2, 1)
    assert "tab characters are not allowed for indentation" in problem.message


def test_unclosed_quote_is_a_syntax_error() -> None:
    """An unclosed quote is a syntax error that also says where the quoted text started."""
    problem = only_problem('id: x\ntitle: "Chest pain\n')
    assert problem.message.startswith("YAML syntax error")
    assert "line 2, column 8" in problem.message


# --- Rule 9: one document -------------------------------------------------------------------------------------


def test_second_document_is_rejected_at_its_marker() -> None:
    """A second document is rejected at its `---` marker."""
    problem = only_problem("---\na: 1\n---\nb: 2\n")
    assert (problem.line, problem.column, problem.message) == (3, 1, "only one YAML document per file is allowed")


def test_empty_document_has_no_data_and_no_root() -> None:
    """An empty (or comment-only) file parses to None with no node tree."""
    assert parse_yaml("# nothing yet\n") == ParsedYaml(data=None, root=None, text="# nothing yet\n", path="<string>")


# --- Rule 10: keys must be text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("1: a", "keys must be text; write '1' in quotes"),
        ("true: x", "keys must be text; write 'true' in quotes"),
        ("null: y", "keys must be text; write 'null' in quotes"),
        ("[a]: b", "keys must be text, not a list or a mapping"),
    ],
)
def test_non_text_keys_are_rejected_at_the_key(line: str, expected: str) -> None:
    """Mapping keys must be text: numbers, booleans, nulls and collections as keys are rejected at the key."""
    problem = only_problem(f"id: x\n{line}\n")
    assert (problem.line, problem.column, problem.message) == (2, 1, expected)


def test_quoted_number_key_is_text() -> None:
    """A quoted number is a text key and is accepted."""
    assert parse_yaml("'1': a").data == {"1": "a"}


# --- All together ---------------------------------------------------------------------------------------------


def test_different_problems_are_collected_in_one_pass_in_source_order() -> None:
    """Problems of different kinds in one file are all reported together, sorted by position."""
    problems = problems_of("a: 1\nb: !!python/name:os.system x\nc:\n  d: *x\na: 2\n")
    assert [(p.line, p.message.split(" ")[0]) for p in problems] == [(2, "tag"), (4, "anchors"), (5, "duplicate")]


def test_valid_file_gives_data_nodes_text_and_path() -> None:
    """A valid file gives plain data, a positioned node tree, the text without BOM and the path as given."""
    parsed = read_yaml_file(str(DATA / "valid_with_bom.yaml"))
    assert parsed.data["patient"] == {"age": 54, "weight_kg": 82.5, "allergies": ["penicillin"], "smoker": "no"}
    assert parsed.data["phases"] == [{"name": "onset", "duration": "12:30"}]
    assert isinstance(parsed.root, yaml.MappingNode) and parsed.root.start_mark.line == 1
    assert parsed.path == str(DATA / "valid_with_bom.yaml")


def test_package_never_uses_unsafe_yaml_loading() -> None:
    """No module in crmsim calls yaml.load or names an unsafe loader."""
    forbidden = ("yaml.load(", "yaml.unsafe_load", "FullLoader", "UnsafeLoader", "yaml.Loader")
    offenders = [
        f"{path}: {word}"
        for path in PACKAGE.rglob("*.py")
        for word in forbidden
        if word in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


# --- Nothing but ProblemsError ----------------------------------------------------------------------------------

_YAMLISH = st.lists(
    st.sampled_from(
        ["a", "b", "1", ":", ": ", " ", "  ", "\n", "- ", "[", "]", "{", "}", ",", "&x ", "*x", "!!str ", "!t ",
         "'", '"', "\t", "<<", "#", "?", "|", ">", "---\n", "...\n", ".inf", "yes", "\\", "%YAML 1.2\n", "\ufeff"]
    ),
    max_size=60,
).map("".join)


def _parses_or_reports(source: str | bytes) -> None:
    try:
        result = parse_yaml(source)
    except ProblemsError as error:
        assert error.problems
    else:
        assert isinstance(result, ParsedYaml)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_parse_or_raise_problems_error(source: bytes) -> None:
    """For any bytes, parse_yaml returns ParsedYaml or raises ProblemsError, never anything else."""
    _parses_or_reports(source)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=2000), _YAMLISH))
def test_any_text_parse_or_raise_problems_error(source: str) -> None:
    """For any text (random, or random YAML-like tokens), parse_yaml returns ParsedYaml or raises ProblemsError."""
    _parses_or_reports(source)
