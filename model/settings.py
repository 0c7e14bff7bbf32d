"""Named defaults of linesift, in one place (reused by signatures and CLI help)."""

from __future__ import annotations

HASH_FEATURES_DEFAULT = 2**18
CONTEXT_SHIFTS_DEFAULT = (1, 2, 3)
CONTEXT_WINDOWS_DEFAULT = (5, 11, 25)
# Stage 2 also reads the page's islands: runs of lines scoring ISLAND_SCORE+ in stage 1, at most ISLAND_GAP non-blank lines
# apart (a page of several posts, or an article with teasers and comments around it; data/EXPERIMENTS.md)
ISLAND_SCORE = 0.5
ISLAND_GAP = 3
N_ESTIMATORS_DEFAULT = 40
LEARNING_RATE_DEFAULT = 0.25
MAX_LEAF_NODES_DEFAULT = 63  # few, large trees: tree walking is a third of prediction time
STAGE2_ESTIMATORS_DEFAULT = 20  # the context stage reads few, strong features: a small model suffices
STAGE2_LEAF_NODES_DEFAULT = 31
CV_FOLDS_DEFAULT = 3
RANDOM_STATE_DEFAULT = 0
MIN_SAMPLES_LEAF_DEFAULT = 20  # rows a leaf of both boosted stages: scikit-learn's default
# Members: the lexical step and the boosted stage(s) fitted MEMBERS times, with seeds random_state, random_state + 1,
# ... (the lexical step's order of rows; on 200,000+ rows also the sample the trees' bins come from), their scores
# averaged. The recipe fits MEMBERS_RECIPE with MIN_SAMPLES_LEAF_RECIPE rows a leaf: one refit's seed moved a
# corpus's held-out score by up to 0.015 (data/EXPERIMENTS.md, "Eighteenth round"); a model fitted on a few pages keeps
# the defaults.
MEMBERS_DEFAULT = 1
MEMBERS_RECIPE = 3
MEMBERS_MAX = 32  # `train --members` above it is a usage error (each member is a whole fit)
TREES_MAX = 10_000  # `train --trees` above it is a usage error (a fit of more ran for hours)
MIN_SAMPLES_LEAF_RECIPE = 500
WEIGHTING_DEFAULT = "words"  # each page weighs the same; within a page, lines by their words (as word F1 counts)
AUTO_JOBS_MAX = 8  # --jobs 0 uses one worker per core, up to this many (each holds a batch's arrays)
JOBS_MAX = 256  # --jobs above it is a usage error: each worker is a process (a huge N forked until memory ran out)
BATCH_PAGES_DEFAULT = 32  # pages scored per model call when streaming (larger batches: no faster, more memory)
# a live producer on stdin (a pipe) that sends nothing for this long has paused: the pages read so far are
# scored and written then, not when a batch fills (the wait ends at once when a byte comes)
STDIN_PAUSE_SECONDS = 0.1
# `linesift train` fits on one OpenMP thread below this many lines: faster there on 2 cores (14 pages 8.6 s
# against 13.7 s on 2 threads, 300 pages of 130,015 lines 40 s against 48 s), and far faster on a busy
# machine (OpenMP threads spin waiting for each other); above it, threads pay (581,300 lines: 112 s on one
# thread, 74 s on 2; README)
TRAIN_ONE_THREAD_LINES = 200_000
# scoring runs the trees on this many OpenMP threads, from Python as in the CLI (None: as the process has it; read
# at each call, so `linesift.settings.SCORING_THREADS = None` gives a lone process its cores' threads back). Where
# processes share the cores (Dask, Spark, --jobs, a busy machine) OpenMP's threads spin waiting for each other:
# two processes at once on 2 cores scored 1.3-3x faster on one thread; a lone process on an idle machine scores
# about 1.3x faster on 2 (data/EXPERIMENTS.md, "Thirty-first round")
SCORING_THREADS = 1
# a process (each worker too) walks the boosted trees in numpy (trees.py: no scikit-learn import, about 1 s) until
# it has walked this many rows times trees, then loads the fitted estimators, whose compiled walk is faster: the
# budget is about what the import costs in numpy's extra time (0.09-0.13 us a row and tree; a batch of 32 scrapes,
# 7,400 rows, is 1.3M over the 3 members' 60 trees each), so a few pages never import scikit-learn and a long
# run pays at most about twice the import; where corpus mode's first pass counts more lines than the budgets of
# its processes hold, `predict` loads the estimators at once, before its workers fork (they share them)
TREES_NUMPY_BUDGET = 8_000_000
# rows of a batch walked at a time in numpy (trees.py): its walkers take some 64 bytes a row and tree, so a block
# of 8,192 rows over 40 trees some 20 MB (a page of 150,000 lines walked whole took 824 MB at the peak, against
# 543 MB in blocks: review R)
TREES_WALK_ROWS = 8_192
PARQUET_BATCH_ROWS = 256  # rows of a Parquet file decoded at a time (a page's text each: a batch's memory)
# a JSONL record nested deeper is refused in its place: pickling it for a worker process recursed past Python's
# limit from about 500 levels (a traceback); records of pages nest a few levels
JSON_MAX_DEPTH = 100
# A model whose cross-validation could score no fold (each fold's training pages of one label only) has no tuned
# threshold: it labels at this one, the middle of the scores, unless `train --threshold` fixes one
UNTUNED_THRESHOLD = 0.5
FEW_PAGES = 30  # `linesift train` on fewer pages says its model will depend on which pages (README's learning curve)
ORACLE_WARNING_BELOW = 0.5  # `linesift import` names the pages whose gold it mostly did not find (oracle word F1 below)
# A page whose words the model mostly never saw (a language absent from training) keeps too much at the tuned
# threshold, since its lexical scores say little. Its threshold is raised by UNSEEN_SHIFT_DEFAULT per unit by
# which the share of its words in the training vocabulary falls below KNOWN_SHARE_DEFAULT, up to
# UNSEEN_THRESHOLD_MAX (measured on Polish and Russian left out of training: data/EXPERIMENTS.md).
# Off by default (models trained with `linesift train`, whose small vocabularies would raise it everywhere);
# the recipe of the shipped model sets UNSEEN_SHIFT_RECIPE.
KNOWN_SHARE_DEFAULT = 0.85
UNSEEN_SHIFT_DEFAULT = 0.0
UNSEEN_SHIFT_RECIPE = 0.3
UNSEEN_THRESHOLD_MAX = 0.55
KNOWN_SHARE_MIN_WORDS = 20  # pages with fewer words (outside scripts without spaces) keep the tuned threshold
VOCABULARY_BITS = 24  # the training vocabulary is a bit set of 2**24 bits (2 MB in the model file)
# A line of OVERLONG_LINE_CHARS+ letters, marks and digits holding OVERLONG_LINE_SHARE of its page's, on a
# page of at most OVERLONG_PAGE_LINES non-blank lines (a converter that drops line breaks), is kept whole
# whatever its score, with a warning (data/EXPERIMENTS.md)
OVERLONG_LINE_CHARS = 1000
OVERLONG_LINE_SHARE = 0.8
OVERLONG_PAGE_LINES = 5
# warnings of a page's text (one line holding most of it, HTML rendering to no text) printed per run; then one
# line says how many more there were
PAGE_WARNINGS_MAX = 10
# Pages without a url (a directory of scrapes) are grouped into inferred sites for the cross-page features: a
# page joins an earlier page's group when they share TEMPLATE_MIN_SHARED lines among the first and last
# TEMPLATE_EDGE_LINES non-blank lines of each (measured on held-out pages: data/EXPERIMENTS.md). Memory is bounded
# by keeping the MAX_TEMPLATE_GROUPS groups used last, and the first pages of the MAX_SINGLE_PAGE_SITES
# sites seen once last.
TEMPLATE_MIN_SHARED = 5
TEMPLATE_EDGE_LINES = 30
TEMPLATE_GROUPS_PER_LINE = 16  # a line names the groups that took it last, up to this many ("Home", "Contact")
MAX_TEMPLATE_GROUPS = 10_000
MAX_SINGLE_PAGE_SITES = 20_000
# Keys of lines counted across all sites with 2+ pages, and their pages' fingerprints (40-70 bytes each): past
# this, the lines seen on one page only are dropped from every site (a line not found counts as on one page, so
# the table's features so far do not change; such a line seen again later counts from 1 again, and a copy of a
# page from before counts again), and if that leaves more than half of it, whole sites updated longest ago are
# forgotten (their pages are scored without the cross-page features, as a site seen once). A crawl's article
# lines are new on every page, so without a bound the table grew with the crawl: 1.2 GB after 100,000 pages of
# 20,000 sites in 0.12.3 (data/EXPERIMENTS.md, "Twenty-sixth round"). Training tables stay far below it (the
# shipped model's 5,857 training renders hold 1.85 million lines).
MAX_SITE_KEYS = 4_000_000
# A page with this share of its characters on lines already seen for its site is a near copy of a page
# there (another snapshot, a new date or ad) and is not counted again: counted, it would make the article's
# own lines look like template lines (data/EXPERIMENTS.md). Fitting counts every page, as the shipped model was fitted.
NEAR_COPY_SHARE = 0.9
NEAR_COPY_LONGEST = 3  # ... and its 3 longest lines too (a page of a heavy template with a short article is new)
# ../shared/LABELING.md: teasers of other pages are boilerplate "even when they look like headlines". Up to
# TEASER_LIST_LINES non-blank lines right after a bare teaser cue ("Also read", "Related", "Read more": at
# most TEASER_CUE_MAX_WORDS words) that look like headlines (TEASER_LIST_WORDS words, not ending a sentence)
# are a teaser list: their scores are held to at most TEASER_LIST_SCORE (data/EXPERIMENTS.md). After the first,
# a line followed by prose (a sentence of TEASER_LIST_PROSE_WORDS+ words) is the article's next heading.
TEASER_LIST_LINES = 3
TEASER_CUE_MAX_WORDS = 4
TEASER_LIST_WORDS = (2, 25)
TEASER_LIST_PROSE_WORDS = 12
TEASER_LIST_SCORE = 0.1
# Held to TEASER_LIST_SCORE too (since 0.6.2): cue lines, the bare cue or the cue and a colon ("Read more: ...",
# "Tags:", "Lesen Sie auch"), and lines that are only an ad label or a comment heading or count ("Anzeige",
# "3 Comments"); without a colon, such a line has at most CUE_LINE_MAX_WORDS words ("Comments are now closed")
CUE_LINE_MAX_WORDS = 6
# A line opening with a call to action of LABELING.md's boilerplate is held when the model scores where it has
# at most this many words: a newsletter prompt, an affiliate or cookie notice (features.CALL_CUES, COOKIE_CUES;
# a consent banner runs to some 50, a privacy policy's paragraph further) ...
PROMPT_MAX_WORDS = 60
# ... and a sign-in prompt, "forgot your password?" or a paywall notice (features.SIGN_IN_CUES) at most this many:
# longer, such a line is a how-to page's step ("Log in to view the dashboard, then click Add data source.")
SIGN_IN_MAX_WORDS = 12
# the longest line ``features.WIDGET_LINE`` is tried on ("Back to top | Print | E-mail" and the like)
WIDGET_LINE_MAX_CHARS = 40
# On a page where this many lines or more open with a cookie notice, none is held: it is a cookie policy
COOKIE_POLICY_LINES = 3
# A threshold per page (model/page_thresholds.py): from the profile of a page's scores a small boosted model
# predicts its word F1 gain at each candidate threshold, from the tuned threshold up to PAGE_THRESHOLD_MAX in
# steps of PAGE_THRESHOLD_STEP (data/EXPERIMENTS.md). Learned only from PAGE_MODEL_MIN_PAGES+ training pages:
# fewer are too few to learn how pages differ, and their pages keep the tuned threshold.
PAGE_THRESHOLD_MAX = 0.7
PAGE_THRESHOLD_STEP = 0.025
PAGE_MODEL_MIN_PAGES = 500
PAGE_MODEL_ITERATIONS = 100
PAGE_MODEL_LEAF_NODES = 7
PAGE_MODEL_LEARNING_RATE = 0.1
PAGE_MODEL_MIN_SAMPLES_LEAF = 4000  # rows: pages x candidate thresholds (0.6.2; 2000 before, data/EXPERIMENTS.md)
# The page model raises a page's threshold and never lowers it, so the threshold it starts from is the lowest whose
# out-of-fold word F1 is within THRESHOLD_TOLERANCE of the best (the curve is flat around its top: 0.35-0.425 within
# 0.0001 in 0.8.2's recipe), not the best by a 4th decimal (data/EXPERIMENTS.md, fourteenth round)
THRESHOLD_TOLERANCE = 0.001
# Where a page's main content ends (model/tails.py): a small boosted model predicts a page's word F1 gain when
# a candidate kept line and everything after it are dropped; candidates come after at least
# TAIL_MIN_SHARE_BEFORE of the page's kept words. Learned only from TAIL_MODEL_MIN_PAGES+ training pages
# (data/EXPERIMENTS.md, eleventh round). A comment's byline has at most TAIL_BYLINE_MAX_WORDS words, a button alone on
# its line ("Reply", "Report abuse |") at most TAIL_BUTTON_MAX_WORDS.
TAIL_MIN_SHARE_BEFORE = 0.5
TAIL_BYLINE_MAX_WORDS = 15
TAIL_BUTTON_MAX_WORDS = 4
TAIL_MODEL_MIN_PAGES = 500
TAIL_MODEL_ITERATIONS = 100
TAIL_MODEL_LEAF_NODES = 15
TAIL_MODEL_LEARNING_RATE = 0.1
TAIL_MODEL_MIN_SAMPLES_LEAF = 1000  # candidate rows
# The headline kept (model/heads.py): a small boosted classifier reads the lines within HEAD_MAX_ROWS_ABOVE
# non-blank lines above a page's first kept line and keeps those it gives a probability of content of at
# least HEAD_MIN_PROBABILITY. Learned only from HEAD_MODEL_MIN_PAGES+ training pages whose labels mark the
# headline (data/EXPERIMENTS.md, twelfth round: 12 rows chosen over 4 and 8 by the training pages' out-of-fold F1).
HEAD_MAX_ROWS_ABOVE = 12
HEAD_MIN_PROBABILITY = 0.5
HEAD_MODEL_MIN_PAGES = 500
HEAD_MODEL_ITERATIONS = 100
HEAD_MODEL_LEAF_NODES = 15
HEAD_MODEL_LEARNING_RATE = 0.1
HEAD_MODEL_MIN_SAMPLES_LEAF = 50  # candidate rows
HEAD_OVERLAP_ROWS = 6  # a candidate's words are looked for in its page's first HEAD_OVERLAP_ROWS kept lines
