"""The renderers used to import and measure (``training/renderers.py``); each test runs where its renderer is installed."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess

import pytest

from linesift.render import html_to_text
from linesift.training import renderers
from linesift.training.renderers import (available_renderers, render, render_checked, renderer_versions,
                                         stable_lynx_dump)

needs = {name: pytest.mark.skipif(name not in available_renderers(), reason=f"{name} is not installed")
         for name in ("html-text", "chromium", "lynx")}


def test_inscriptis_is_always_available():
    assert "inscriptis" in available_renderers()


@needs["chromium"]
def test_chromium_reads_the_text_of_the_page_in_its_declared_charset():
    html = '<html><head><meta charset="windows-1252"></head><body><p>Käse und 日本語</p></body></html>'
    assert render(html, "chromium") == "Käse und 日本語"


@needs["chromium"]
def test_chromium_gives_no_text_for_a_page_that_redirects_elsewhere():
    html = '<html><head><meta http-equiv="refresh" content="0;url=/"></head><body>x</body></html>'
    assert render(html, "chromium") == ""


@needs["html-text"]
def test_html_text_copes_with_a_lone_surrogate():
    assert render("<p>bad \ud800 escape</p>", "html-text") == "bad ? escape"


def test_lynx_temporary_file_gets_one_name():
    dump = "REFRESH(600 sec): file://localhost/tmp/lynxXXXXEato8O/L13398-6264TMP.html\nText\n"
    assert stable_lynx_dump(dump) == "REFRESH(600 sec): file://localhost/stdin.html\nText\n"


@needs["lynx"]
def test_lynx_renders_a_page_that_reloads_itself_the_same_every_time():
    html = '<html><head><meta http-equiv="refresh" content="600"></head><body><p>Text</p></body></html>'
    first = render(html, "lynx")
    assert "file://localhost/stdin.html" in first
    assert render(html, "lynx") == first


def test_renderer_versions_name_the_package_and_its_version():
    assert renderer_versions(["inscriptis"]) == {"inscriptis": f"inscriptis {importlib.metadata.version('inscriptis')}"}


def test_renderer_versions_say_unknown_for_a_binary_not_installed(monkeypatch):
    monkeypatch.setitem(renderers._VERSION_COMMANDS, "w3m", ["no-such-binary-here"])
    assert renderer_versions(["w3m"]) == {"w3m": "unknown"}


@needs["lynx"]
def test_renderer_versions_read_lynx_from_its_version_line():
    assert renderer_versions(["lynx"])["lynx"].startswith("Lynx Version ")


def test_a_renderer_that_times_out_gives_no_text_and_says_so(monkeypatch):
    def slow(html):
        raise subprocess.TimeoutExpired(["w3m"], renderers.RENDER_TIMEOUT_SECONDS)

    monkeypatch.setitem(renderers.RENDERERS, "w3m", slow)
    assert render_checked("<p>x</p>", "w3m") == ("", "w3m took over 60 s")
    assert render("<p>x</p>", "w3m") == ""


def test_inscriptis_keeps_the_text_of_hidden_elements_scripts_would_show():
    html = "<html><body><p>Shown</p><div hidden>Accordion</div><template><p>Streamed</p></template></body></html>"
    lines = [line.strip() for line in html_to_text(html).splitlines() if line.strip()]
    assert lines == ["Shown", "Accordion", "Streamed"]


@pytest.mark.parametrize("html, shown", [
    ("<html><body><p>The post.</p></body></html>\n<p>The article, after the end tag.</p>",
     ["The post.", "The article, after the end tag."]),
    ("<html><body><p>One</p></html> two</p><p>three</p>", ["One", "two", "three"]),  # a stray end tag mid-page
    ("<html><body><p>Only this.</p></body></html>\n\n", ["Only this."]),
])
def test_inscriptis_renders_what_follows_the_html_end_tag_as_browsers_show_it(html, shown):
    assert [line.strip() for line in html_to_text(html).splitlines() if line.strip()] == shown


def test_inscriptis_as_the_shipped_models_pages_were_made_stops_at_the_html_end_tag():
    html = "<html><body><p>The post.</p></body></html><p>After the end tag.</p>"
    assert render_checked(html, "inscriptis", as_shipped=True) == ("The post.\n", None)


@needs["lynx"]
@pytest.mark.parametrize("charset", ["gb2312", "iso-8859-1", "windows-1251"])
def test_lynx_reads_the_decoded_page_as_utf8_whatever_charset_it_declares(charset):
    html = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>'
            "<body><p>图书馆 Привет café</p></body></html>")
    assert render(html, "lynx").strip() == "图书馆 Привет café"


@needs["lynx"]
def test_lynx_as_the_shipped_models_pages_were_made_reads_the_declared_charset():
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>café</p></body></html>'
    assert render_checked(html, "lynx", as_shipped=True)[0].strip() == "cafÃ©"


@pytest.mark.parametrize("name, script, said", [
    ("w3m", "echo 'Half a page'\nkill -SEGV $$\n", "w3m failed (killed by signal 11)"),
    ("lynx", "echo 'Half a page'\necho 'lynx: out of memory' >&2\nexit 3\n",
     "lynx failed (exit status 3: lynx: out of memory)"),
])
def test_a_text_browser_that_dies_or_exits_with_an_error_gives_no_text_and_says_so(tmp_path, monkeypatch, name,
                                                                                  script, said):
    fake = tmp_path / name
    fake.write_text("#!/bin/sh\n" + script)
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert render_checked("<p>x</p>", name) == ("", said)
