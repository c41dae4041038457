"""How many tokens each question may use, and the bounds that keep one article's cost in check.

Output budgets are generous for a one-line JSON reply, small enough that a model stuck in a loop
is stopped early. Every bound here exists only to stop runaway cost.
"""

PARTICIPANTS_TOKENS = 400
ATTRIBUTION_TOKENS = 160
CHOICE_TOKENS = 400
DENIALS_TOKENS = 350
RESOLVE_TOKENS = 40
NEWCOMER_TOKENS = 60
EVENT_TOKENS = 500
QUESTION_TOKENS = 600  # the question after the article, at most (passages, names)
PASSAGE_BEFORE = 200  # characters of article shown before a quote when asking who said it
PASSAGE_AFTER = 120
CONTINUATION_GAP = 80  # most characters between two quotes of one speaker ("," she said. ")
MAX_QUOTES_PER_PART = 40  # each quote is one question: bounds the time one part can take
LATER_POINTS_CHARS = 1500  # statements from later parts shown with the first when asking for the event
REACTION_SENTENCES = 3  # one speaker's denials this many sentences apart are one denial, reported then quoted
MAX_DENIAL_CANDIDATES_PER_PART = 30  # each is two or more questions, likewise
MAX_NEWCOMERS_PER_PART = 12  # quoted speakers no participant is: one question each
