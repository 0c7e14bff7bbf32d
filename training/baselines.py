"""Reference systems that work on the same scrape: keep everything, and C4's line rules."""

from __future__ import annotations

from linesift.lines import is_blank

C4_TERMINAL = (".", "!", "?", '"', "\u3002", "\uff01", "\uff1f")
C4_MIN_WORDS = 3
C4_BAD_WORDS = ("javascript", "lorem ipsum", "cookie", "terms of use", "privacy policy")


def keep_everything(lines: list[str]) -> list[str]:
    return ["blank" if is_blank(line) else "content" for line in lines]


def c4_rules(lines: list[str]) -> list[str]:
    """C4's line filters (Raffel et al. 2020): terminal punctuation, at least 3 words, no JavaScript/policy lines, no braces."""
    out = []
    for line in lines:
        s = line.strip()
        low = s.lower()
        if not s:
            out.append("blank")
        elif (s.endswith(C4_TERMINAL) and len(s.split()) >= C4_MIN_WORDS and "{" not in s
              and not any(w in low for w in C4_BAD_WORDS)):
            out.append("content")
        else:
            out.append("boilerplate")
    return out
