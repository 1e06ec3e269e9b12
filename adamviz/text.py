"""Which parts of a title, name or label are maths: the rule every drawn text follows.

Matplotlib reads any text with an even number of ``$`` as mathtext, so
"Cost $5 to $10" would come out in math italics and ``a $$ b`` would not
draw at all. adamviz's texts are plain text unless the writer asks for
maths, by Pandoc's rule for ``$…$`` (the one a writer of Markdown knows):

- an opening ``$`` has a character other than a space right after it,
- a closing ``$`` has a character other than a space right before it and
  no digit right after it,
- ``\\$`` is a dollar sign, never a delimiter.

So ``$\\hat m_t$`` is maths, while ``$5 to $10``, ``$ x $`` and ``a $$ b``
are plain text. :func:`for_matplotlib` escapes every other ``$``, so what
matplotlib draws is what this rule says. Standard library only: the
scenario checks the rule at load, the figure applies it when it draws.
"""

from __future__ import annotations

import re

# An unescaped "$" that may open a span (not followed by a space or another "$"),
# then the shortest run of characters up to a "$" that may close it.
_SPAN = re.compile(r"(?<!\\)\$(?=[^\s$])((?:\\.|[^\\$])*?)(?<=[^\s\\])\$(?!\d)", re.DOTALL)


def math_spans(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` ranges of ``text`` that are maths, each with its two ``$``."""
    spans: list[tuple[int, int]] = []
    position = 0
    while (match := _SPAN.search(text, position)) is not None:
        spans.append(match.span())
        position = match.end()
    return spans


def for_matplotlib(text: str) -> str:
    """``text`` as matplotlib must be given it: each ``$`` outside the maths escaped."""
    pieces: list[str] = []
    position = 0
    for start, end in math_spans(text):
        pieces += [_escape_dollars(text[position:start]), text[start:end]]
        position = end
    pieces.append(_escape_dollars(text[position:]))
    return "".join(pieces)


def _escape_dollars(plain: str) -> str:
    # An already escaped "\$" stays as it is; matplotlib shows both as "$".
    return re.sub(r"(?<!\\)\$", r"\\$", plain)
