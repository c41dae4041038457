"""Tests for summarizer.cli.export: the ``export`` command, through an argparse parser of its own.

Bad input must end as one ``InputError`` line naming the file (the main CLI prints it and exits
2), and an output file must be complete or untouched, never half-written.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.cli import export as cli_export
from summarizer.errors import ConfigError, InputError, SummarizerError
from summarizer.export import briefing_html, briefing_markdown, digest_markdown, load_briefing

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "export"
IT = DATA / "it_putin_pyongyang.json"
RU = DATA / "ru_lavrov_pyongyang.json"
EN = DATA / "en_kim_lavrov_wonsan.json"
IT_ARTICLE = ROOT / "seeds" / "000_ba58efed2f2f0b1f.txt"
RU_ARTICLE = DATA / "ru_article.txt"


def export(*argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="summarizer")
    commands = parser.add_subparsers(dest="command", required=True)
    cli_export.register(commands)
    args = parser.parse_args(["export", *map(str, argv)])
    return int(args.handler(args))


def test_one_briefing_to_stdout_as_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert export(IT) == 0
    out = capsys.readouterr().out
    assert out == briefing_markdown(load_briefing(IT))


def test_article_makes_markdown_check_positions(capsys: pytest.CaptureFixture[str]) -> None:
    assert export(IT, "--article", IT_ARTICLE) == 0
    assert "checked against the article text" in capsys.readouterr().out


def test_output_file_written_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "briefing.md"
    assert export(IT, "-o", target) == 0
    assert target.read_text(encoding="utf-8") == briefing_markdown(load_briefing(IT))
    assert capsys.readouterr().out == ""
    assert [p.name for p in target.parent.iterdir()] == ["briefing.md"]  # no temporary file left behind


def test_several_briefings_make_a_digest(tmp_path: Path) -> None:
    target = tmp_path / "digest.md"
    assert export(IT, RU, EN, "-o", target, "--title", "Korea week") == 0
    briefings = [(path.name, load_briefing(path)) for path in (IT, RU, EN)]
    assert target.read_text(encoding="utf-8") == digest_markdown(briefings, title="Korea week")


def test_same_file_names_in_a_digest_are_told_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in ("monday", "tuesday"):
        (tmp_path / folder).mkdir()
        shutil.copy(IT, tmp_path / folder / "briefing.json")
    assert export(tmp_path / "monday" / "briefing.json", tmp_path / "tuesday" / "briefing.json") == 0
    out = capsys.readouterr().out
    assert f"(#article-1) — {tmp_path / 'monday' / 'briefing.json'}" in out


@pytest.mark.parametrize("suffix", [".html", ".HTM"])
def test_html_format_from_the_output_suffix(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"brief{suffix}"
    assert export(RU, "--article", RU_ARTICLE, "-o", target) == 0
    assert target.read_text(encoding="utf-8") == briefing_html(load_briefing(RU), RU_ARTICLE.read_text(encoding="utf-8").strip())


def test_explicit_format_wins_over_the_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "brief.html"
    assert export(IT, "--format", "md", "-o", target) == 0
    assert target.read_text(encoding="utf-8").startswith("# Putin visits Pyongyang")
    assert export(IT, "--format", "html", "--article", IT_ARTICLE) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


def test_unknown_suffix_means_markdown(tmp_path: Path) -> None:
    target = tmp_path / "brief.txt"
    assert export(IT, "-o", target) == 0
    assert target.read_text(encoding="utf-8").startswith("# ")


# --- errors -----------------------------------------------------------------------------------


def one_line(error: SummarizerError) -> str:
    message = str(error)
    assert "\n" not in message and message.strip() == message and error.exit_code == 2
    return message


def test_html_requires_the_article(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        export(IT, "-o", tmp_path / "brief.html")
    assert "--article PATH" in one_line(caught.value)
    assert not (tmp_path / "brief.html").exists()


def test_html_takes_one_briefing() -> None:
    with pytest.raises(ConfigError) as caught:
        export(IT, RU, "--format", "html", "--article", IT_ARTICLE)
    assert "one briefing" in one_line(caught.value)


def test_article_with_a_digest_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        export(IT, RU, "--article", IT_ARTICLE)
    assert "--article" in one_line(caught.value)


def test_wrong_article_names_both_files(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        export(IT, "--article", RU_ARTICLE, "-o", tmp_path / "x.html")
    message = one_line(caught.value)
    assert message.startswith(f"{RU_ARTICLE}: the article text does not match the briefing") and str(IT) in message


def test_missing_article_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        export(IT, "--article", tmp_path / "nope.txt", "-o", tmp_path / "x.html")
    assert one_line(caught.value) == f"{tmp_path / 'nope.txt'}: no such file"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def briefing_with(**changes: object) -> str:
    data = json.loads(IT.read_text(encoding="utf-8"))
    data.update(changes)
    return json.dumps(data)


BAD_INPUTS = [
    ("missing", None, "no such file"),
    ("directory", None, "is a directory, not a briefing file"),
    ("empty.json", "", "empty file, not a briefing"),
    ("text.json", "Il presidente russo Vladimir Putin", "not JSON (Expecting value at line 1 column 1)"),
    ("truncated.json", '{"event": {', "not JSON (Expecting property name enclosed in double quotes at line 1 column 12)"),
    ("binary.json", b"\xff\xfe\x00garbage\x9c", "not a briefing: not JSON (the file is not UTF-8 text)"),
    ("array.json", "[1, 2]", "not a briefing (a JSON object is expected, the file holds a JSON array)"),
    ("other.json", '{"name": "not a briefing"}', "not a valid briefing: event: Field required (and 6 more problems)"),
    ("version.json", briefing_with(schema_version="2.0"),
     "unsupported briefing schema_version '2.0' (this summarizer reads 1.0, 1.1, 1.2, 1.3)"),
    ("date.json", briefing_with(event={"title": "t", "summary": "s", "date": "June 2024", "location": None}),
     "not a valid briefing: event.date: Value error, date must be YYYY-MM-DD or null, got 'June 2024'"),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_one_line_naming_the_file(tmp_path: Path, name: str, content: str | bytes | None, reason: str) -> None:
    if name == "directory":
        path = tmp_path / "a_directory.json"
        path.mkdir()
    elif content is None:
        path = tmp_path / "missing.json"
    else:
        path = write(tmp_path, name, content)
    target = write(tmp_path, "out.md", "previous export\n")
    with pytest.raises(InputError) as caught:
        export(IT, path, "-o", target)  # a bad file among good ones
    assert one_line(caught.value) == f"{path}: {reason}"
    assert target.read_text(encoding="utf-8") == "previous export\n"  # untouched: nothing half-written


def test_output_to_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        export(IT, "-o", tmp_path)
    assert "is a directory" in one_line(caught.value)


def test_main_cli_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    """Through the real entry point, once summarizer.cli dispatches to summarizer.cli.export."""
    from summarizer.cli import build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    if "export" not in commands.choices:
        pytest.skip("summarizer.cli does not register the export command yet (summarizer.cli.export.register)")
    bad = write(tmp_path, "bad.json", "[]")
    done = subprocess.run([sys.executable, "-m", "summarizer.cli", "export", str(bad)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"summarizer: error: {bad}: not a briefing (a JSON object is expected,"
                                                 " the file holds a JSON array)"]
