"""Line features: pure functions over pages' lines returning ``(matrix, column names)``.

Every function works on a batch of pages at once (one page is a batch of one): the non-blank lines of
all pages, in order, one row each, plus their ``Layout`` (page, block and position of each row, from all
lines, blanks included). Work is done with numpy over the batch's code points and rows, never per
character in Python, and context never crosses a page's edges. The columns depend on no language or script
but for the cue phrases of a few languages (``TEASER_CUES``, ``COMMENT_CUES``); ``Features.cues`` flags the
cues and labels of more languages for the conventions held after scoring (conventions.py).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from linesift.codepoints import (
    CJK,
    DIGIT,
    LETTER,
    PUNCT,
    SPACE,
    SYMBOL,
    UNICODE_SIZE,
    UPPER,
    CodePoints,
    code_points,
    fold_table,
    folded_lines,
    mix64,
)
from linesift.settings import (
    CONTEXT_SHIFTS_DEFAULT,
    CONTEXT_WINDOWS_DEFAULT,
    ISLAND_GAP,
    ISLAND_SCORE,
    CUE_LINE_MAX_WORDS,
    PROMPT_MAX_WORDS,
    SIGN_IN_MAX_WORDS,
    TAIL_BUTTON_MAX_WORDS,
    TAIL_BYLINE_MAX_WORDS,
    WIDGET_LINE_MAX_CHARS,
)

TERMINAL = (".", "!", "?", "\u3002", "\uff01", "\uff1f", "\u2026", "\u061f", "\u0964", ";", "\u037e")
CLOSERS = "\"'\u201d\u2019\u00bb)]\u300d\u300f\uff09*_ "
SEPARATORS = "|\u00bb\u203a\u00b7\u2022/>\u2013\u2014:"
# the patterns below run over the batch's lines joined with a leading "\n" (the literal first character
# lets the regex engine jump from line start to line start); TEASER_CUE and URLISH read the lowercased text
BULLET_MARKS = r"\u2022*\u00b7\u25aa\u25cf\u25e6\u25ba\u2023+\-\u2013\u2014>#"  # a list item's start: a mark,
NUMBERED_ITEM = r"\d{1,3}[.)]|\[\d+\]"  # or a number ("3.", "3)", "[3]"); wrapping.py reads them too
BULLET_START = re.compile(r"\n(?:[" + BULLET_MARKS + "]|" + NUMBERED_ITEM + r")[ \t]")
URLISH = re.compile(r"https?://|www\.|\.(?:com|org|net|html?|php|jpe?g|png|gif|svg)\b|@\w")
# lines that open with a teaser, tag or share cue ("Also read", "Read more:", "Tags:", "Lire aussi", ...): the
# ``teaser_cue`` feature and the recipe's relabelling read these, so the shipped model was trained on them (a
# change means a refit); MORE_TEASER_CUES and TAG_SHARE_CUES add other languages' cues after scoring
TEASER_CUES = (
    "also read", "read more", "read also", "more from", "see also",
    "related(?: articles| posts| stories| news)?", "recommended(?: for you)?", "you (?:may|might) also like",
    "trending", "tags?", "share(?: on| this)?", "lire aussi", "voir aussi", "à lire aussi", "lee también",
    "leer más", "siehe auch", "mehr zum thema", "weiterlesen", "czytaj (?:też|także|więcej)", "читайте также",
    "читать далее", "смотрите также", "διαβάστε επίσης", "相关阅读", "相关新闻", "相关文章", "延伸阅读", "阅读更多",
)
# teaser cues in more languages, read with TEASER_CUES after scoring (``ANY_TEASER_CUE``, conventions.py)
MORE_TEASER_CUES = (
    "lesen sie (?:auch|mehr|hier)", "auch interessant", "das könnte (?:sie|dich|euch) (?:auch )?interessieren",
    "weitere (?:artikel|nachrichten|meldungen)", "ähnliche artikel", "meistgelesen", "lesetipp",
    "lea también", "ver también", "te puede interesar", "también te puede interesar", "le puede interesar",
    "noticias relacionadas",
    "artículos relacionados",
    "lire également", "à lire également", "à voir aussi", "sur le même sujet", "articles similaires",
    "vous aimerez aussi",
    "leggi anche", "vedi anche", "potrebbe interessarti", "ti potrebbe interessare", "articoli correlati",
    "leia também", "leia mais", "veja também", "notícias relacionadas", "você também pode gostar",
    "lees ook", "lees meer", "bekijk ook", "gerelateerde artikelen",
    "läs även", "läs också", "læs også", "les også", "čtěte také", "související články",
    "czytaj (?:też|także|również|więcej)", "zobacz (?:też|także|również)", "polecamy", "najczęściej czytane",
    "читайте (?:ещё|еще)", "по теме", "материалы по теме", "новости по теме", "другие новости", "похожие новости",
    "διαβάστε ακόμα", "σχετικά άρθρα", "διαβαστε (?:επισης|ακομα)", "σχετικα αρθρα",
    "相关报道", "推荐阅读", "猜你喜欢", "相關新聞", "相關文章", "延伸閱讀", "関連記事", "あわせて読みたい",
)
# headings of sidebar and teaser boxes ("Recent Posts", "Ähnliche Beiträge", "Lo más leído"), read after scoring
# as cues only where the line is the bare heading (but for punctuation and a count): then it is held, and a
# list of headline-like lines under it too (conventions.py); a sentence or a longer heading that opens with
# one ("Passend dazu: ein trockener Riesling.", "Most popular among tourists") is not a cue
SIDEBAR_HEADINGS = (
    "ähnliche beiträge", "verwandte (?:artikel|beiträge)", "weitere beiträge", "weitere themen",
    "neueste (?:artikel|beiträge)", "beliebte (?:artikel|beiträge)", "meistgelesene(?:n)?(?: artikel| beiträge)?",
    "lesetipps", "passend dazu", "dazu passend", "mehr aus (?:dem ressort|der rubrik)",
    "recent (?:posts|articles|stories)", "popular (?:posts|articles|stories)", "latest (?:posts|articles|stories)",
    "most (?:popular|read)", "more (?:stories|articles)",
    "entradas (?:recientes|relacionadas)", "lo más (?:leído|visto)", "más noticias",
    "articles (?:récents|populaires)", "derniers articles", "les plus lus", "dans la même rubrique",
    "articoli recenti", "i più letti",
)
# tag and share cues ("Tags:", "Share on", "Teilen", "Поделиться", ...): what follows them is not a teaser list
TAG_SHARE_CUES = (
    "tags?", "share(?: on| this)?", "teilen", "diese(?:n)? (?:artikel|beitrag|geschichte|seite) teilen",
    "artikel teilen", "beitrag teilen", "schlagworte", "schlagwörter", "compartir",
    "etiquetas", "partager", "mots-clés", "condividi", "compartilh(?:e|ar)", "udostępnij", "podziel się", "tagi",
    "поделиться", "теги", "κοινοποίηση", "ετικέτες", "κοινοποιηση", "ετικετες", "分享到", "标签", "標籤",
)
# short lines that head a reader-comment section ("3 Comments", "Leave a reply", "Kommentare", "评论", ...)
COMMENT_CUES = (
    "comments?", "leave a (?:comment|reply)", "post a comment", "add (?:a )?comment", "write a comment",
    "comments are (?:now )?closed", "submitted comments", "reader comments", "join the discussion", "kommentare?",
    "kommentar schreiben", "commentaires?", "laisser un commentaire", "comentarios?", "deja un comentario",
    "commenti", "komentarze?", "dodaj komentarz", r"комментари\w*", "оставить комментарий", "σχόλια", "评论", "評論",
    "发表评论", "网友评论", "網友評論",
)
# comment headings of more languages than COMMENT_CUES (the model's), and lines that only label an ad
# ("Advertisement", "Anzeige", "Реклама", "广告"), read after scoring (LABEL_LINE)
MORE_COMMENT_CUES = (
    "comentários", "deixe (?:um|seu) comentário", "lascia un commento", "kommentarer", "komentáře", "σχολια",
)
AD_LABELS = (
    "advertisements?", "advertising", "sponsored", "anzeigen?", "werbung", "publicidad", "publicité", "pubblicità",
    "publicidade", "advertentie", "reklama", "реклама", "διαφήμιση", "διαφημιση", "广告", "廣告", "広告",
)
# calls to action (LABELING.md: newsletter and subscribe prompts, cookie and consent notices, sign-in prompts,
# affiliate and paywall notices) opening a line, held when the model scores (conventions.py): an article's own
# sentences rarely open so. Newsletter prompts, affiliate notices and cookie notices (COOKIE_CUES) on lines of at
# most PROMPT_MAX_WORDS words; sign-in prompts, "forgot your password?" and paywall notices (SIGN_IN_CUES), which a
# how-to page's steps and titles open with too ("Log in to your router", "Forgot your password? Here is how"), only
# with the object of a prompt or as the bare line, on lines of at most SIGN_IN_MAX_WORDS words. Of the lines of the
# corpora's pages the rule holds, 659 are not in the gold and 12 are (data/EXPERIMENTS.md, "Twenty-ninth round")
_NEWSLETTER = r"(?:newsletter\w*|mailing list|e-?mail updates)"


def _each(heads: tuple[str, ...], rest: str) -> tuple[str, ...]:
    """One cue per opening: a cue must open with two literal characters (``_cue_starts``)."""
    return tuple(head + rest for head in heads)



_TO_OUR = r"(?: to (?:receive|get))? (?:to|for) (?:our|the)\b[^\n]{0,40}" + _NEWSLETTER
_BARE = r"[^\w\n]*(?=\n|\Z)"  # nothing but punctuation after the cue
CALL_CUES = (
    # newsletters
    r"subscribe(?: now| today| for free| free)?" + _TO_OUR, r"sign[- ]?up(?: now| today| for free| free)?" + _TO_OUR,
    r"sign[- ]?up to (?:receive|get) our\b[^\n]{0,30}" + _NEWSLETTER, "register" + _TO_OUR,
    r"get our\b[^\n]{0,20}" + _NEWSLETTER, r"join our\b[^\n]{0,20}" + _NEWSLETTER,
    r"subscribe to (?:continue|read)",
    r"abonnieren sie\b[^\n]{0,40}newsletter\w*", r"abonniere\b[^\n]{0,40}newsletter\w*",
    r"bestellen sie\b[^\n]{0,40}newsletter\w*", "newsletter (?:abonnieren|bestellen)",
    "jetzt newsletter (?:abonnieren|bestellen)", r"melden sie sich\b[^\n]{0,40}newsletter\w*",
    r"melde dich\b[^\n]{0,40}newsletter\w*", "jetzt (?:zum|für den) newsletter anmelden", "zum newsletter anmelden",
    "für den newsletter anmelden",
    r"abonnez-vous\b[^\n]{0,30}(?:newsletter\w*|lettre)", r"inscrivez-vous\b[^\n]{0,30}(?:newsletter\w*|lettre)",
    r"suscr[ií]b(?:ete|ase)\b[^\n]{0,30}(?:newsletter\w*|bolet[ií]n\w*|boletines)",
    r"iscriviti\b[^\n]{0,30}newsletter\w*", r"zapisz się\b[^\n]{0,30}newslett\w*",
    r"подпиш(?:итесь|ись)\b[^\n]{0,30}рассылк\w*", r"подписаться на\b[^\n]{0,20}рассылк\w*",
    # affiliate notices
    r"we may (?:earn|receive|get) (?:an? )?(?:small )?(?:affiliate )?(?:commission|money|compensation)",
    "as an amazon associate", "für links auf dieser seite",
    *_each(("this", "the"), r" (?:post|article|page|content|site|blog|website) (?:may )?(?:contains?|includes?) "
                            "affiliate links"),
    r"disclosure: (?:this|the|some)\b[^\n]{0,40}affiliate",
)
COOKIE_CUES = (
    *_each(("this", "our"), r" (?:web)?site (?:uses|stores) cookies?"),
    r"we (?:and our partners )?use cookies?", r"by (?:continuing|clicking|using|browsing)\b[^\n]{0,80}"
    r"(?:agree|accept|consent)\w*[^\n]{0,60}cookies?",
    r"wir (?:und unsere partner )?(?:verwenden|nutzen|setzen) cookies?",
    *_each(("diese", "unsere"), r" (?:web)?(?:seite|site|internetseite) (?:verwendet|nutzt|benutzt|setzt) cookies?"),
    *_each(("ce", "notre"), r" site(?: web| internet)? utilise des cookies?"),
    r"nous (?:et nos partenaires )?utilisons des cookies?",
    r"este sitio(?: web)? (?:utiliza|usa) cookies?", r"esta (?:web|página)(?: web)? (?:utiliza|usa) cookies?",
    "utilizamos cookies?", "usamos cookies?",
    r"questo sito (?:utilizza|usa) (?:i )?cookies?", r"utilizziamo (?:i )?cookies?",
    r"ta strona\b[^\n]{0,20}(?:używa|wykorzystuje)\b[^\n]{0,20}cookies?",
    r"serwis\b[^\n]{0,20}(?:używa|wykorzystuje)\b[^\n]{0,20}cookies?",
    r"мы используем\b[^\n]{0,20}cookies?", r"этот сайт использует\b[^\n]{0,20}cookies?",
    r"сайт использует\b[^\n]{0,20}cookies?",
)
_COMMENT_OBJECT = r"(?:post |add |leave |write |make )?(?:a |your )?(?:comments?|reply|replies)"
SIGN_IN_CUES = (
    *_each(("sign", "log", "please sign", "please log"), r"[- ]?in(?: or register)? ?to " + _COMMENT_OBJECT),
    *_each(("sign", "log", "please sign", "please log"), r"[- ]?in(?: or register)? ?to (?:continue|keep) reading"),
    *_each(("sign", "log", "please sign", "please log"),
           r"[- ]?in(?: or register)? ?to (?:view|read|see) (?:more|this|the full|all)\b"),
    *_each(("please sign", "please log"), r"[- ]?in(?: to continue)?" + _BARE),
    r"you must (?:be logged in|log in|sign in)", "already (?:a subscriber|have an account)",
    *_each(("forgot", "forgotten", "lost"), r" (?:your )?password" + _BARE), r"to continue reading\b[^\n]{0,60}"
    r"(?:subscri|sign|log ?in|regist|member|account)",
    *_each(("melden", "bitte melden"), r" sie sich an,? um (?:einen |zu )?(?:kommentar\w*|kommentieren|weiterzulesen)"),
    r"bitte melden sie sich an" + _BARE, r"bitte melde dich an,? um", r"du musst angemeldet sein",
    r"sie müssen angemeldet sein", r"anmelden,? um zu kommentieren", r"passwort vergessen" + _BARE,
    r"connectez-vous pour (?:commenter|réagir|poster|lire la suite)", r"vous devez être connecté",
    r"se connecter pour commenter", r"mot de passe oublié" + _BARE,
    r"inicia sesión para (?:comentar|publicar|seguir leyendo)", r"debes iniciar sesión",
    *_each(("olvidaste", "olvidó", "has olvidado"), r" (?:tu|su) contraseña" + _BARE),
    r"accedi per (?:commentare|continuare)", r"devi essere connesso", r"password dimenticata" + _BARE,
    r"hai dimenticato la password" + _BARE,
    r"zaloguj się,? (?:aby|by) (?:dodać komentarz|skomentować|komentować|czytać dalej)",
    r"nie pamiętasz hasła" + _BARE, r"zapomniałeś hasła" + _BARE,
    r"войдите,? чтобы (?:оставить комментарий|комментировать|прокомментировать|читать)",
    r"забыли пароль" + _BARE,
)
# interface widgets LABELING.md calls boilerplate ("Back to top", "Print", "5 min read", "Gefällt mir"), held
# at prediction where a line is nothing else (punctuation aside, several of them: "Print | E-mail"); a line of
# at most WIDGET_LINE_MAX_CHARS characters, flagged WIDGET (data/EXPERIMENTS.md, "Thirty-fourth round")
WIDGETS = (
    "tagged(?: with| as| in| under)?", "getaggt(?: mit)?", "verschlagwortet(?: mit)?", "markiert mit",
    "gefällt mir", "like this", "like", "j'aime(?: ceci)?", "me gusta(?: esto)?", "mi piace",
    r"\d+ ?min(?:ute)?s? read", r"lesezeit:? ?\d+ ?min(?:uten)?\.?", r"\d+ min(?:uten)? lesezeit",
    r"reading time:? ?\d+ ?min(?:ute)?s?", "zurück zur übersicht", "back to overview", "zurück", "back",
    "back to top", "nach oben", "zum seitenanfang", "top", "was sind cookies", "drucken", "print", "e-mail", "email",
)
_WIDGET = "(?:" + "|".join(WIDGETS) + ")"
# a whole line of the lowercased lines joined by "\n"
WIDGET_LINE = re.compile(r"^[^\w\n]*" + _WIDGET + r"(?:[^\w\n]*" + _WIDGET + r")*[^\w\n]*$", re.MULTILINE)
# the patterns read the lowercased lines joined with a leading "\n"; each is a head, one of its cues, a tail
_CUE_HEAD, _CUE_TAIL = r"\n[^\w\n]*", r"(?:\b|(?=\W)|$)"
_COUNTED_HEAD = r"\n[^\w\n]*(?:\d+[^\S\n]*)?"  # a count may come first: "3 Comments"
_COMMENT_TAIL = r"\b[^\n]{0,30}(?=\n|\Z)"
_LABEL_TAIL = r"[^\w\n]*(?:\d+[^\w\n]*)?(?=\n|\Z)"  # nothing else on the line: "Kommentare (12)"
ANY_TEASER_CUES = TEASER_CUES + MORE_TEASER_CUES + TAG_SHARE_CUES
TEASER_CUE = re.compile(_CUE_HEAD + "(?:" + "|".join(TEASER_CUES) + ")" + _CUE_TAIL)
COMMENT_CUE = re.compile(_COUNTED_HEAD + "(?:" + "|".join(COMMENT_CUES) + ")" + _COMMENT_TAIL)
ANY_TEASER_CUE = re.compile(_CUE_HEAD + "(?:" + "|".join(ANY_TEASER_CUES) + ")" + _CUE_TAIL)
# a line that is only an ad label or a comment heading or count ("Advertisement", "3 Comments", "Kommentare (12)")
LABEL_LINE = re.compile(_COUNTED_HEAD + "(?:" + "|".join(AD_LABELS + COMMENT_CUES + MORE_COMMENT_CUES) + ")"
                        + _LABEL_TAIL)


class CueStarts(NamedTuple):
    """A cue pattern split by the opening pair of its cues (their first two characters, as one key): a line
    whose first letter and the character after it are no key cannot match, and a line that starts like a
    cue is tried against the cues that start like it only. (One exception to "cannot match": a line opening
    with an unassigned code point of the Han planes, a letter to ``codepoints`` but not a word character to
    ``re``, is not tried; so it was in 0.6.1's columns too.)"""

    patterns: dict[int, re.Pattern]
    keys: np.ndarray  # the keys of ``patterns``, sorted


def _cue_starts(head: str, cues: tuple[str, ...], tail: str) -> CueStarts:
    groups: dict[int, list[str]] = {}
    for cue in cues:
        if not (cue[0].isalpha() and (cue[1].isalpha() or cue[1] == " ")):
            raise ValueError(f"a cue must open with two literal characters: {cue!r}")
        groups.setdefault(ord(cue[0]) * UNICODE_SIZE + ord(cue[1]), []).append(cue)
    patterns = {key: re.compile(head + "(?:" + "|".join(group) + ")" + tail) for key, group in groups.items()}
    return CueStarts(patterns, np.array(sorted(patterns), dtype=np.int64))


TEASER_CUE_STARTS = _cue_starts(_CUE_HEAD, TEASER_CUES, _CUE_TAIL)
COMMENT_CUE_STARTS = _cue_starts(_COUNTED_HEAD, COMMENT_CUES, _COMMENT_TAIL)
ANY_TEASER_CUE_STARTS = _cue_starts(_CUE_HEAD, ANY_TEASER_CUES, _CUE_TAIL)
LABEL_LINE_STARTS = _cue_starts(_COUNTED_HEAD, AD_LABELS + COMMENT_CUES + MORE_COMMENT_CUES, _LABEL_TAIL)
# A cue line is the bare cue, but for punctuation and a count ("Related Stories", "Teilen", "Tags:"), or the cue
# and a colon ("Read more: ...", "Lesen Sie auch: ..."); of "tags?" only "tags" counts, as "Tag" opens German
# dates and diary days ("Tag 3", "Tag: Samstag").
_HELD_CUES = tuple("tags" if cue == "tags?" else cue for cue in ANY_TEASER_CUES)
_BARE_TAIL = r"[^\w\n]*(?:\d+[^\w\n]*)?(?=\n|\Z)"  # nothing but punctuation and a count after the cue
BARE_CUE_STARTS = _cue_starts(_CUE_HEAD, _HELD_CUES, _BARE_TAIL)
SIDEBAR_HEADING_STARTS = _cue_starts(_CUE_HEAD, SIDEBAR_HEADINGS, _BARE_TAIL)
CUE_AND_COLON_STARTS = _cue_starts(_CUE_HEAD, _HELD_CUES, r"[^\S\n]*[:\uff1a]")
TAG_SHARE_CUE_STARTS = _cue_starts(_CUE_HEAD, TAG_SHARE_CUES, _CUE_TAIL)
CALL_CUE_STARTS = _cue_starts(_CUE_HEAD, CALL_CUES, _CUE_TAIL)
COOKIE_CUE_STARTS = _cue_starts(_CUE_HEAD, COOKIE_CUES, _CUE_TAIL)
SIGN_IN_CUE_STARTS = _cue_starts(_CUE_HEAD, SIGN_IN_CUES, _CUE_TAIL)
# A comment's byline or button (``Features.cues``' BYLINE, read by tails.py): a time of day, a numeric date,
# "3 days ago", "(Score:2)", a line ending in "X said:" or "writes:", or a lone "Reply". Each pattern opens with
# a digit or with a letter of a few words, so the engine skips ahead to where a match can start (one pattern
# of them all cannot: it scanned 2.5 times slower).
_SPACE = r"[^\S\n]"  # whitespace within a line
BYLINE_DIGITS = (re.compile(rf"\d(?<!\w\d)(?:\d?:\d{{2}}|\d{{0,3}}[./-]\d{{1,2}}[./-]\d{{1,4}}\b"
                            rf"|\d*{_SPACE}+(?:minutes?|hours?|days?|weeks?|months?|years?){_SPACE}+ago\b)"),
                 re.compile(rf"\(score:{_SPACE}*-?\d\)"))
BYLINE_SAID = re.compile(rf"(?:said|says|wrote|writes|schrieb|a écrit|escribió|napisał|написал){_SPACE}*:?{_SPACE}*$",
                         re.MULTILINE)
# a button, alone on its line (no word character before it)
BYLINE_BUTTON = re.compile(r"(?:reply|antworten|répondre|responder|rispondi|odpowiedz|ответить|回复|返信"
                           r"|report(?: abuse)?|like|permalink|quote)[^\w\n]*$", re.MULTILINE)
_WORD = re.compile(r"\w")
# the flags of ``Features.cues``: the cues read after scoring (conventions.py), and BYLINE (tails.py)
OPENS_WITH_CUE, ONLY_A_LABEL, CUE_LINE, TAG_OR_SHARE, BYLINE, PROMPT, COOKIE, WIDGET = 1, 2, 4, 8, 16, 32, 64, 128
# the cue and label lines' flags, as the tail and headline models read them (they were fitted before PROMPT was)
CUE_FLAGS = OPENS_WITH_CUE | ONLY_A_LABEL | CUE_LINE | TAG_OR_SHARE


def starts_with_teaser_cue(line: str) -> bool:
    """Whether a line opens with a teaser, tag or share cue (``TEASER_CUE``), in any case."""
    return TEASER_CUE.match("\n" + lowercase(line.strip())) is not None


def lowercase(text: str) -> str:
    """``text`` lowercased, one character for one (the one exception, "İ", lowercases to two)."""
    return text.replace("\u0130", "i").lower()


SEPARATOR_FLAG, COMMA_FLAG, STOP_FLAG, COPYRIGHT_FLAG, CLOSER_FLAG, OPENER_FLAG = 1, 2, 4, 8, 16, 32
_SPECIAL_CHARS = {SEPARATOR_FLAG: SEPARATORS, COMMA_FLAG: ",\uff0c\u3001", STOP_FLAG: ".!?\u3002\uff01\uff1f",
                  COPYRIGHT_FLAG: "\u00a9", CLOSER_FLAG: CLOSERS, OPENER_FLAG: "[(<{|"}
_LAST_CHAR_CLASS = {**{c: 1 for c in TERMINAL}, ":": 2, "\uff1a": 2, ",": 3, "\uff0c": 3, "\u3001": 3,
                    **{str(d): 4 for d in range(10)}}


@lru_cache(maxsize=1)
def _special_table() -> np.ndarray:
    table = np.zeros(UNICODE_SIZE, dtype=np.uint8)
    for flag, chars in _SPECIAL_CHARS.items():
        for ch in chars:
            table[ord(ch)] |= flag
    return table


_N_CLASSES, _CLASS_SPACE = 6, 3


@lru_cache(maxsize=1)
def _flag_class() -> np.ndarray:
    """Exclusive class of each flag byte: 0 other, 1 letter, 2 digit, 3 space, 4 punctuation, 5 symbol."""
    table = np.zeros(256, dtype=np.int32)
    for flags in range(256):
        for cls, flag in ((5, SYMBOL), (4, PUNCT), (3, SPACE), (2, DIGIT), (1, LETTER)):
            if flags & flag:
                table[flags] = cls
    return table


@lru_cache(maxsize=1)
def _last_char_table() -> np.ndarray:
    table = np.zeros(UNICODE_SIZE, dtype=np.int8)
    for ch, cls in _LAST_CHAR_CLASS.items():
        table[ord(ch)] = cls
    return table


@dataclass(frozen=True)
class Layout:
    """Where each row (non-blank line) of a batch of pages sits (computed once from all lines)."""

    offsets: np.ndarray  # rows of page p are offsets[p]:offsets[p + 1]
    n_lines: np.ndarray  # lines of each page, blanks included
    page: np.ndarray  # page of each row
    index: np.ndarray  # position of each row among its page's lines, 0-based
    block: np.ndarray  # block of each row: blocks are runs of lines between blank lines, never across pages
    blank_before: np.ndarray
    blank_after: np.ndarray

    def rows(self, p: int) -> slice:
        return slice(int(self.offsets[p]), int(self.offsets[p + 1]))

    @property
    def page_start(self) -> np.ndarray:
        """First row of each row's page."""
        return self.offsets[:-1][self.page]

    @property
    def page_end(self) -> np.ndarray:
        """One past the last row of each row's page."""
        return self.offsets[1:][self.page]


def page_layout(pages: list[list[str]]) -> tuple[list[str], Layout]:
    """The non-blank lines of all pages (in order) and their layout."""
    n_lines = np.fromiter(map(len, pages), dtype=np.int64, count=len(pages))
    lines = list(itertools.chain.from_iterable(pages))
    # blank: empty or whitespace only (``lines.is_blank``), with C-level maps over the lines
    blank = np.fromiter(map(str.isspace, lines), dtype=bool, count=len(lines))
    blank |= np.fromiter(map(len, lines), dtype=np.int64, count=len(lines)) == 0
    page_of_line = np.repeat(np.arange(len(pages)), n_lines)
    first_of_page = np.concatenate([[0], np.cumsum(n_lines)[:-1]]).astype(np.int64)
    is_first = np.zeros(len(lines), dtype=bool)
    is_first[first_of_page[n_lines > 0]] = True
    is_last = np.zeros(len(lines), dtype=bool)
    is_last[(first_of_page + n_lines - 1)[n_lines > 0]] = True
    rows = np.flatnonzero(~blank)
    prev_blank = np.concatenate([[True], blank[:-1]]) | is_first
    next_blank = np.concatenate([blank[1:], [True]]) | is_last
    block = np.cumsum(blank | is_first)
    page = page_of_line[rows]
    offsets = np.concatenate([[0], np.cumsum(np.bincount(page, minlength=len(pages)))]).astype(np.int64)
    layout = Layout(
        offsets=offsets,
        n_lines=n_lines,
        page=page,
        index=rows - first_of_page[page],
        block=block[rows],
        blank_before=prev_blank[rows],
        blank_after=next_blank[rows],
    )
    return list(map(lines.__getitem__, rows.tolist())), layout


def _opening_pairs(cp: CodePoints, is_letter: np.ndarray) -> np.ndarray:
    """Per line, its first letter and the character after it, lowercased, as one key (-1: no letter)."""
    letters = np.flatnonzero(is_letter)
    if not len(letters):
        return np.full(len(cp.starts), -1, dtype=np.int64)
    at = np.searchsorted(letters, cp.starts)
    first = letters[np.minimum(at, len(letters) - 1)]
    has = (at < len(letters)) & (first < cp.ends)
    lower = fold_table()
    a = lower[cp.cps[first]].astype(np.int64)
    b = lower[cp.cps[np.minimum(first + 1, len(cp.cps) - 1)]].astype(np.int64)
    a[a == 0x130] = ord("i")  # as lowercase does
    b[b == 0x130] = ord("i")
    return np.where(has, a * UNICODE_SIZE + b, -1)


def _cue_hits(cues: CueStarts, text: str, starts: np.ndarray, opening: np.ndarray,
              among: np.ndarray | None = None) -> np.ndarray:
    """``_line_hits`` for a cue pattern (``CueStarts``), tried only on lines whose opening pair starts a cue
    (and that are ``among`` the lines given, a mask), against the cues that start like it."""
    hit = np.zeros(len(starts), dtype=np.float32)
    tried = np.arange(len(starts)) if among is None else np.flatnonzero(among)
    tried = tried[np.isin(opening[tried], cues.keys)]
    patterns = cues.patterns
    hit[[line for line, key, at in zip(tried.tolist(), opening[tried].tolist(), starts[tried].tolist())
         if patterns[key].match(text, at)]] = 1.0
    return hit


def _line_hits(pattern: re.Pattern, text: str, starts: np.ndarray, n: int) -> np.ndarray:
    """1.0 for each line where ``pattern`` matches at its start (``text`` is the lines joined, "\\n" first)."""
    hit = np.zeros(n, dtype=np.float32)
    pos = [m.start() for m in pattern.finditer(text)]
    if pos:
        hit[np.searchsorted(starts, pos, side="right") - 1] = 1.0
    return hit


def _lines_matching(text: str, starts: np.ndarray, ends: np.ndarray, among: np.ndarray, patterns,
                    alone: re.Pattern | None = None) -> np.ndarray:
    """Whether each line of ``text`` (the lines joined; ``starts``, ``ends``: their spans) that is ``among`` the
    lines given (a mask) holds a match of one of ``patterns``, or of ``alone`` with no word character before
    it on the line. Only those lines are joined and searched: the long lines of prose are skipped."""
    found = np.zeros(len(starts), dtype=bool)
    rows = np.flatnonzero(among)
    if not len(rows):
        return found
    first, last = starts[rows], ends[rows]
    sub = "\n".join([text[a:b] for a, b in zip(first.tolist(), last.tolist())])
    sub_starts = np.concatenate([[0], np.cumsum(last - first + 1)[:-1]])
    hits = [m.start() for pattern in patterns for m in pattern.finditer(sub)]
    if alone is not None:
        hits += [m.start() for m in alone.finditer(sub)
                 if not _WORD.search(sub, sub.rfind("\n", 0, m.start()) + 1, m.start())]
    found[rows[np.searchsorted(sub_starts, np.asarray(hits, dtype=np.int64), side="right") - 1]] = True
    return found


def _byline_hits(text: str, cp: CodePoints, words: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """Whether each line (``text``: the lines lowercased and joined; ``words``, ``digits``: their counts) is a
    comment's byline of at most ``TAIL_BYLINE_MAX_WORDS`` words (``BYLINE_DIGITS``, on lines holding a digit;
    ``BYLINE_SAID``), or a button of at most ``TAIL_BUTTON_MAX_WORDS`` alone on its line (``BYLINE_BUTTON``)."""
    short = words <= TAIL_BYLINE_MAX_WORDS
    return (_lines_matching(text, cp.starts, cp.ends, short & (digits > 0), BYLINE_DIGITS)
            | _lines_matching(text, cp.starts, cp.ends, short, (BYLINE_SAID,))
            | _lines_matching(text, cp.starts, cp.ends, words <= TAIL_BUTTON_MAX_WORDS, (), BYLINE_BUTTON))


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float32), where=b > 0)


def line_shape_features(cp: CodePoints, indent: np.ndarray):
    """Length, punctuation and character-class features of each line on its own, from the code points of
    the lines without surrounding whitespace and their leading whitespace (``indent``): ``(matrix, names,
    cues)``, ``cues`` the flags of ``Features.cues``."""
    n = len(cp.starts)
    cps, flags, line_of = cp.cps, cp.flags, cp.line_of
    text_char = cps != 10
    special = _special_table()[cps]
    is_letter = (flags & LETTER) > 0
    is_space = ((flags & SPACE) > 0) | ~text_char
    prev_letter = np.concatenate([[False], is_letter[:-1]])
    prev_space = np.concatenate([[True], is_space[:-1]])
    next_space = np.concatenate([is_space[1:], [True]])
    word_start = is_letter & ~prev_letter

    nonempty = cp.lengths > 0
    first_at = np.minimum(cp.starts, max(len(cps) - 1, 0))  # each line's first code point (clamped)

    def count(mask):  # per line, the code points where ``mask`` holds (masks never hold on a separating "\n")
        if not len(cps):
            return np.zeros(n, dtype=np.float32)
        out = np.add.reduceat(mask.view(np.uint8) if mask.dtype == bool else (mask > 0).view(np.uint8),
                              first_at, dtype=np.int32).astype(np.float32)
        return np.where(nonempty, out, 0.0).astype(np.float32)

    # one pass for the exclusive classes (a separating newline counts as a space of the line it ends)
    by_class = np.bincount(line_of * _N_CLASSES + _flag_class()[flags], minlength=n * _N_CLASSES)
    by_class = by_class.reshape(n, _N_CLASSES).astype(np.float32)
    by_class[:-1, _CLASS_SPACE] -= 1.0
    letters, digits, spaces, punct, symbols = (by_class[:, c] for c in range(1, _N_CLASSES))
    upper, cjk = count(flags & UPPER), count(flags & CJK)
    word_starts = count(word_start)
    n_words = count(~is_space & prev_space)
    eff_words = n_words + cjk / 2.0  # CJK has no spaces: count ~2 characters as a word
    n_chars = cp.lengths.astype(np.float32)
    # the last character that is not a closing quote/bracket (or the last character if all are)
    non_closer = np.flatnonzero(((special & CLOSER_FLAG) == 0) & text_char)
    last_pos = non_closer[np.maximum(np.searchsorted(non_closer, cp.ends) - 1, 0)] if len(non_closer) else cp.ends
    last_pos = np.where((last_pos >= cp.starts) & (last_pos < cp.ends), last_pos, np.maximum(cp.ends - 1, 0))
    last_cp = cps[np.minimum(last_pos, max(len(cps) - 1, 0))] if len(cps) else np.zeros(n, dtype=np.uint32)
    last = np.where(nonempty, _last_char_table()[last_cp], 0)
    lowered = lowercase(cp.joined)  # the same length: match positions are positions in ``joined``
    cue_text, opening = "\n" + lowered, _opening_pairs(cp, is_letter)
    cols = {
        "log_chars": np.log1p(n_chars),
        "log_words": np.log1p(eff_words),
        "mean_word_len": _ratio(letters, np.maximum(word_starts, 1.0)),
        "indent": np.minimum(indent, 40.0).astype(np.float32),
        "ends_terminal": (last == 1).astype(np.float32),
        "ends_colon": (last == 2).astype(np.float32),
        "ends_comma": (last == 3).astype(np.float32),
        "ends_digit": (last == 4).astype(np.float32),
        "bullet": _line_hits(BULLET_START, "\n" + cp.joined, cp.starts, n),
        "teaser_cue": _cue_hits(TEASER_CUE_STARTS, cue_text, cp.starts, opening),
        "comment_cue": _cue_hits(COMMENT_CUE_STARTS, cue_text, cp.starts, opening),
        "separators_per_word": _ratio(count(special & SEPARATOR_FLAG), np.maximum(eff_words, 1.0)),
        "sentence_breaks": np.minimum(count(((special & STOP_FLAG) > 0) & (next_space | (cps >= 0x3000))), 20.0),
        "commas_per_word": _ratio(count(special & COMMA_FLAG), np.maximum(eff_words, 1.0)),
        "copyright": np.minimum(count(special & COPYRIGHT_FLAG), 1.0),
        "urlish": _line_hits(URLISH, lowered, cp.starts, n),
        "bracket_start": (((special[first_at] & OPENER_FLAG) > 0) & nonempty).astype(np.float32)
        if len(cps) else np.zeros(n, dtype=np.float32),
        "first_upper": (((flags[first_at] & UPPER) > 0) & nonempty).astype(np.float32)
        if len(cps) else np.zeros(n, dtype=np.float32),
        "letter_ratio": _ratio(letters, n_chars),
        "digit_ratio": _ratio(digits, n_chars),
        "space_ratio": _ratio(spaces, n_chars),
        "punct_ratio": _ratio(punct, n_chars),
        "symbol_ratio": _ratio(symbols, n_chars),
        "cjk_ratio": _ratio(cjk, n_chars),
        "upper_ratio": _ratio(upper, letters),
        "title_word_ratio": _ratio(count(word_start & ((flags & UPPER) > 0)), word_starts),
    }
    # the flags are only read on short lines and, for cues, lines with a colon ("Read more: <headline>")
    short = n_words <= CUE_LINE_MAX_WORDS
    colon = count((cps == 0x3A) | (cps == 0xFF1A)) > 0
    sidebar = _cue_hits(SIDEBAR_HEADING_STARTS, cue_text, cp.starts, opening, short) > 0  # bare headings only
    opens = (_cue_hits(ANY_TEASER_CUE_STARTS, cue_text, cp.starts, opening, short | colon) > 0) | sidebar
    cue_line = ((_cue_hits(BARE_CUE_STARTS, cue_text, cp.starts, opening, opens) > 0)  # tried on ``opens`` only
                | (_cue_hits(CUE_AND_COLON_STARTS, cue_text, cp.starts, opening, opens) > 0) | sidebar)
    prompt_long = n_words <= PROMPT_MAX_WORDS
    cookies = _cue_hits(COOKIE_CUE_STARTS, cue_text, cp.starts, opening, prompt_long) > 0
    sign_in_short = n_words <= SIGN_IN_MAX_WORDS
    calls = ~cookies & ((_cue_hits(CALL_CUE_STARTS, cue_text, cp.starts, opening, prompt_long) > 0)
                        | (_cue_hits(SIGN_IN_CUE_STARTS, cue_text, cp.starts, opening, sign_in_short) > 0))
    cues = (opens * OPENS_WITH_CUE + cue_line * CUE_LINE
            + (_cue_hits(TAG_SHARE_CUE_STARTS, cue_text, cp.starts, opening, opens) > 0) * TAG_OR_SHARE
            + (_cue_hits(LABEL_LINE_STARTS, cue_text, cp.starts, opening, short) > 0) * ONLY_A_LABEL
            + _byline_hits(lowered, cp, eff_words, digits) * BYLINE
            + calls * PROMPT + cookies * (PROMPT | COOKIE)
            + _lines_matching(lowered, cp.starts, cp.ends, nonempty & (cp.lengths <= WIDGET_LINE_MAX_CHARS),
                              (WIDGET_LINE,)) * WIDGET)
    return np.column_stack(list(cols.values())).astype(np.float32), list(cols), cues.astype(np.int16)


def repetition_features(stripped: list[str], folded: list[str], layout: Layout):
    """How often the same line, or the same line up to case, digits and spacing (``folded``, from
    ``codepoints.folded_lines``), occurs on its page."""
    salt = mix64(layout.page.astype(np.uint64) + np.uint64(1))  # equal lines of different pages differ
    out = []
    for lines in (stripped, folded):
        # equal lines have equal hashes; hashes are only compared within one batch, in one process
        keys = np.fromiter(map(hash, lines), dtype=np.int64, count=len(lines)).view(np.uint64)
        _, first, inverse, total = np.unique(keys ^ salt, return_index=True, return_inverse=True,
                                             return_counts=True)
        seen_before = (first[inverse] != np.arange(len(keys))).astype(np.float32)
        out += [np.log1p(total[inverse] - 1).astype(np.float32), seen_before]
    return np.column_stack(out).astype(np.float32), ["log_repeats", "seen_before", "log_repeats_loose",
                                                     "seen_before_loose"]


def position_features(log_chars: np.ndarray, comment_cue: np.ndarray, layout: Layout) -> tuple[np.ndarray, list[str]]:
    """Where the line is: relative position, distance from both ends, share of the page's text before it,
    whether a comment cue came before it on its page."""
    n = np.maximum(layout.n_lines[layout.page], 1)
    chars = np.expm1(log_chars.astype(np.float64))
    csum = np.concatenate([[0.0], np.cumsum(chars)])
    before = csum[:-1] - csum[layout.page_start]
    total = np.maximum(csum[layout.page_end] - csum[layout.page_start], 1.0)
    cols = {
        "rel_position": layout.index / n,
        "log_from_start": np.log1p(layout.index),
        "log_from_end": np.log1p(n - 1 - layout.index),
        "text_before": before / total,
        "log_page_lines": np.log1p(n),
        "blank_before": layout.blank_before,
        "blank_after": layout.blank_after,
        "after_comment_cue": _after(comment_cue, layout),
    }
    return np.column_stack(list(cols.values())).astype(np.float32), list(cols)


def _after(hits: np.ndarray, layout: Layout) -> np.ndarray:
    """1.0 for rows at or after a hit on their page."""
    csum = np.concatenate([[0.0], np.cumsum(hits, dtype=np.float64)])
    return (csum[1:] - csum[layout.page_start] > 0).astype(np.float32)


def window_mean(values: np.ndarray, width: int, layout: Layout) -> np.ndarray:
    """Centred moving average over rows (axis 0 of a 1-D or 2-D array) within each page, shrinking at
    the page's edges."""
    n = len(values)
    if n == 0:
        return values.astype(np.float32)
    csum = np.concatenate([np.zeros((1,) + values.shape[1:]), np.cumsum(values, axis=0, dtype=np.float64)])
    idx = np.arange(n)
    lo = np.maximum(idx - width // 2, layout.page_start)
    hi = np.minimum(idx + width // 2 + 1, layout.page_end)
    size = (hi - lo).reshape((n,) + (1,) * (values.ndim - 1))
    return ((csum[hi] - csum[lo]) / size).astype(np.float32)


def context_features(values: np.ndarray, names: list[str], layout: Layout, shifts=(1, 2), windows=(5, 11)):
    """Neighbours' values (shifted up and down), centred window means and block means of some columns.

    Computed for all columns at once; rows past the page's edges read as -1.
    """
    n, c = values.shape
    values = values.astype(np.float64)
    cols, out_names = [], []
    idx = np.arange(n)
    for k in shifts:
        prev = np.full((n, c), -1.0)
        nxt = np.full((n, c), -1.0)
        if k < n:
            ok_prev = idx[k:] - k >= layout.page_start[k:]
            prev[k:][ok_prev] = values[:-k][ok_prev]
            ok_next = idx[:-k] + k < layout.page_end[:-k]
            nxt[:-k][ok_next] = values[k:][ok_next]
        cols += [prev, nxt]
        out_names += [f"{m}_prev{k}" for m in names] + [f"{m}_next{k}" for m in names]
    for w in windows:
        cols.append(window_mean(values, w, layout))
        out_names += [f"{m}_win{w}" for m in names]
    means, sizes = block_means(values, layout)
    cols += [means, np.log1p(sizes)[:, None]]
    out_names += [f"{m}_block_mean" for m in names] + ["log_block_lines"]
    return np.hstack(cols).astype(np.float32), out_names


def block_means(values: np.ndarray, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Each column's mean over the row's block (lines between blank lines), and the block's size in rows."""
    n = len(values)
    if n == 0:
        return np.zeros((0,) + values.shape[1:]), np.zeros(0)
    starts = np.flatnonzero(np.concatenate([[True], layout.block[1:] != layout.block[:-1]]))
    sizes = np.diff(np.concatenate([starts, [n]]))
    block_of = np.repeat(np.arange(len(starts)), sizes)
    sums = np.add.reduceat(values.astype(np.float64), starts, axis=0)
    return (sums / sizes.reshape((-1,) + (1,) * (values.ndim - 1)))[block_of], sizes[block_of].astype(np.float64)


CONTEXT_COLUMNS = ("log_chars", "ends_terminal", "letter_ratio", "bullet", "log_repeats_loose", "separators_per_word")


CHUNK_LINES = 16384  # lines whose code points are held at once (a batch of 32 pages is one chunk)


@dataclass
class Features:
    """The hand-made features of a batch of pages."""

    X: np.ndarray  # one float32 row per non-blank line
    names: list[str]
    layout: Layout
    lines: list[str]  # the non-blank lines, stripped
    folded: list[str]  # the same, folded (``codepoints.folded_lines``): the key of near-duplicates
    chunks: list[CodePoints]  # code points of ``lines``, ``CHUNK_LINES`` lines at a time
    # per row, flags read after scoring (conventions.py), not by the model: OPENS_WITH_CUE, the line opens with
    # a teaser, tag or share cue of any language (ANY_TEASER_CUE) and has at most CUE_LINE_MAX_WORDS words or
    # a colon, or it is a bare sidebar heading (SIDEBAR_HEADING_STARTS); of those, CUE_LINE, it is the bare cue
    # or the cue and a colon (BARE_CUE_STARTS, CUE_AND_COLON_STARTS) or the bare heading, and TAG_OR_SHARE, it
    # opens with a tag or share cue; ONLY_A_LABEL, it is only an ad label or a comment heading or count
    # (LABEL_LINE) of at most CUE_LINE_MAX_WORDS words; PROMPT, it opens with a call to action (CALL_CUES,
    # COOKIE_CUES on at most PROMPT_MAX_WORDS words, SIGN_IN_CUES on at most SIGN_IN_MAX_WORDS), and COOKIE too
    # for a cookie notice; and, read by the tail model (tails.py), BYLINE, a comment's byline
    # or button (BYLINE_DIGITS, BYLINE_SAID, BYLINE_BUTTON)
    cues: np.ndarray


def batch_features(pages: list[list[str]]) -> Features:
    """All hand-made features of the non-blank lines of ``pages`` (rows in page and line order)."""
    text_lines, layout = page_layout(pages)
    stripped = list(map(str.strip, text_lines))
    n = len(text_lines)  # leading whitespace: the line's length less its length without it
    indent = (np.fromiter(map(len, text_lines), dtype=np.float32, count=n)
              - np.fromiter(map(len, map(str.lstrip, text_lines)), dtype=np.float32, count=n))
    chunks, shapes, cues, folded = [], [], [], []
    for first in range(0, max(len(stripped), 1), CHUNK_LINES):  # per-line work, a chunk of lines at a time
        cp = code_points(stripped[first:first + CHUNK_LINES])
        shape, shape_names, chunk_cues = line_shape_features(cp, indent[first:first + CHUNK_LINES])
        chunks.append(cp)
        shapes.append(shape)
        cues.append(chunk_cues)
        folded += folded_lines(cp)
    shape = np.vstack(shapes)
    rep, rep_names = repetition_features(stripped, folded, layout)
    pos, pos_names = position_features(shape[:, shape_names.index("log_chars")],
                                       shape[:, shape_names.index("comment_cue")], layout)
    base = np.hstack([shape, rep])
    base_names = shape_names + rep_names
    picked = [base_names.index(c) for c in CONTEXT_COLUMNS]
    ctx, ctx_names = context_features(base[:, picked], list(CONTEXT_COLUMNS), layout)
    X = np.hstack([base, pos, ctx]).astype(np.float32)
    return Features(X, base_names + pos_names + ctx_names, layout, stripped, folded, chunks, np.concatenate(cues))


def page_features(lines: list[str]) -> tuple[np.ndarray, list[str], Layout]:
    """All hand-made features of one page's non-blank lines: ``(matrix, names, layout)``."""
    f = batch_features([lines])
    return f.X, f.names, f.layout


ISLAND_NAMES = ["islands_log_count", "island_size_share", "islands_log_peers", "island_mean_score",
                "island_distance", "island_is_largest"]


def island_features(scores: np.ndarray, layout: Layout, strong: float = ISLAND_SCORE, gap: int = ISLAND_GAP):
    """Where a line stands among its page's islands: runs of rows scoring ``strong``+ at most ``gap`` rows
    apart. Per row: the page's number of islands (log), the size (rows) of the island nearest the row as a
    share of the page's largest, how many of the page's islands are at least half the largest (log), the
    nearest island's mean score, the row's distance to it (a share of the page's rows; 1 on a page without
    islands) and whether it is the largest (the earliest of equal ones). A Q&A page's answers, a thread's
    posts, an article's teasers and its comments are islands of different sizes and numbers."""
    n = len(scores)
    out = np.zeros((n, len(ISLAND_NAMES)), dtype=np.float32)
    strong_rows = np.flatnonzero(scores >= strong)
    out[:, 4] = 1.0
    if n == 0 or len(strong_rows) == 0:
        return out, list(ISLAND_NAMES)
    page, n_pages = layout.page, len(layout.n_lines)
    new = np.ones(len(strong_rows), dtype=bool)
    new[1:] = (np.diff(strong_rows) > gap) | (page[strong_rows[1:]] != page[strong_rows[:-1]])
    island = np.cumsum(new) - 1
    n_islands = int(island[-1]) + 1
    size = np.bincount(island, minlength=n_islands).astype(np.float64)
    total = np.bincount(island, weights=scores[strong_rows], minlength=n_islands)
    island_page = page[strong_rows[new]]
    page_largest = np.zeros(n_pages)
    np.maximum.at(page_largest, island_page, size)
    page_islands = np.bincount(island_page, minlength=n_pages).astype(np.float64)
    peers = np.bincount(island_page, weights=(size >= 0.5 * page_largest[island_page]).astype(np.float64),
                        minlength=n_pages)
    largest = np.full(n_pages, -1)
    by_size = np.lexsort((-np.arange(n_islands), size))  # ascending: the last written is the largest, earliest
    largest[island_page[by_size]] = by_size
    # the nearest strong row of each row on its page (the one before on a tie), by its index in strong_rows
    rows = np.arange(n)
    at = np.searchsorted(strong_rows, rows)
    i_before, i_after = np.maximum(at - 1, 0), np.minimum(at, len(strong_rows) - 1)
    before, after = strong_rows[i_before], strong_rows[i_after]
    has_before = (at > 0) & (page[before] == page)
    has_after = (at < len(strong_rows)) & (page[after] == page)
    to_before = np.where(has_before, rows - before, np.iinfo(np.int64).max)
    to_after = np.where(has_after, after - rows, np.iinfo(np.int64).max)
    found = has_before | has_after
    nearest = island[np.where(to_before <= to_after, i_before, i_after)]
    page_rows = (layout.page_end - layout.page_start).astype(np.float64)
    out[:, 0] = np.log1p(page_islands[page])
    out[:, 1] = np.where(found, size[nearest] / np.maximum(page_largest[page], 1), 0)
    out[:, 2] = np.log1p(peers[page])
    out[:, 3] = np.where(found, total[nearest] / size[nearest], 0)
    out[:, 4] = np.where(found, np.minimum(to_before, to_after) / page_rows, 1.0)
    out[:, 5] = np.where(found, nearest == largest[page], 0)
    return out, list(ISLAND_NAMES)


def score_context_features(scores: np.ndarray, layout: Layout, shifts=CONTEXT_SHIFTS_DEFAULT,
                           windows=CONTEXT_WINDOWS_DEFAULT, islands: bool = False):
    """Second-stage features over first-stage scores: neighbours, windows, block, each page's densest region
    and, with ``islands``, the page's islands of high scores (``island_features``)."""
    scores = scores.astype(np.float64)
    ctx, names = context_features(scores[:, None], ["score"], layout, shifts, windows)
    names = ["score"] + names + ["from_densest", "abs_from_densest", "score_before", "page_max_dense", "page_mean"]
    n = len(scores)
    if n == 0:
        names += list(ISLAND_NAMES) if islands else []
        return np.zeros((0, len(names)), dtype=np.float32), names
    dense = window_mean(scores, max(windows), layout).astype(np.float64)
    start, end, page = layout.page_start, layout.page_end, layout.page
    nonempty = np.flatnonzero(np.diff(layout.offsets) > 0)
    first_rows = layout.offsets[nonempty]
    page_max = np.full(len(layout.n_lines), -np.inf)
    page_max[nonempty] = np.maximum.reduceat(dense, first_rows)
    # the densest region's centre: the first row of the page reaching the page's maximum
    at_max = np.flatnonzero(dense >= page_max[page])
    centre = np.zeros(len(layout.n_lines), dtype=np.int64)
    pages_at_max, first_hit = np.unique(page[at_max], return_index=True)
    centre[pages_at_max] = at_max[first_hit]
    idx = np.arange(n)
    size = (end - start).astype(np.float64)
    csum = np.concatenate([[0.0], np.cumsum(scores)])
    page_sum = csum[end] - csum[start]
    extra = np.column_stack(
        [
            scores,
            (idx - centre[page]) / size,
            np.abs(idx - centre[page]) / size,
            (csum[:-1] - csum[start]) / np.maximum(page_sum, 1e-6),
            page_max[page],
            page_sum / size,
        ]
    ).astype(np.float32)
    matrix = np.hstack([extra[:, :1], ctx, extra[:, 1:]])
    if islands:
        isl, isl_names = island_features(scores, layout)
        return np.hstack([matrix, isl]), names + isl_names
    return matrix, names
