"""MkDocs hook: LaTeX math becomes MathML when the site is built, so formulas show with no script and no CDN
(every current browser renders MathML).

Markdown pages mark math with pymdownx.arithmatex (``$...$`` inline, ``$$...$$`` on their own lines). The
notebooks' markdown cells keep their ``$...$`` as written; those are converted here too, outside code. A
formula that cannot be converted fails the build, naming the page and the formula.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

# pymdownx.arithmatex (generic mode) output
ARITHMATEX_INLINE = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.S)
ARITHMATEX_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.S)

# a notebook's rendered markdown: $$...$$ and $...$ (not \$), outside <code> and <pre>
NOTEBOOK_MARKDOWN = re.compile(r'(<div class="[^"]*jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S)
CODE = re.compile(r"(<pre.*?</pre>|<code.*?</code>)", re.S)
NOTEBOOK_BLOCK = re.compile(r"\$\$(.+?)\$\$", re.S)
NOTEBOOK_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$]+?)(?<![\s\\])\$(?!\$)")


# delimiters given by name after \big, \Big, ... : latex2mathml wants the character itself there
DELIMITERS = {
    "\\lVert": "\u2016",
    "\\rVert": "\u2016",
    "\\Vert": "\u2016",
    "\\|": "\u2016",
    "\\lvert": "|",
    "\\rvert": "|",
    "\\vert": "|",
    "\\langle": "\u27e8",
    "\\rangle": "\u27e9",
}
SIZED_DELIMITER = re.compile(r"(\\[Bb]igg?[lr]?)\s*(" + "|".join(map(re.escape, DELIMITERS)) + ")")


TEXT = re.compile(r"\\text\{[^{}]*\}")


# nbconvert's MathJax loader and configuration, which notebook pages carry
NBCONVERT_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)


class MathError(ValueError):
    """A formula latex2mathml cannot read, or reads only in part."""


def mathml(tex: str, display: bool, where: str) -> str:
    tex = html.unescape(tex).strip()
    source = SIZED_DELIMITER.sub(lambda m: m.group(1) + DELIMITERS[m.group(2)], tex)
    source = source.replace("{aligned}", "{align*}")  # latex2mathml lays out align*, not aligned
    source = TEXT.sub(lambda m: re.sub(r"\\([_%&#$])", r"\1", m.group(0)), source)  # \text{max\_norm}
    try:
        result = convert(source, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises several exception types
        raise MathError(f"{where}: cannot render the formula {tex!r} ({error})") from None
    if "\\" in re.sub(r"<[^>]*>", "", result) or re.search(r"<mi>&(amp;)?</mi>", result):  # passed through
        raise MathError(f"{where}: the formula {tex!r} has a command latex2mathml does not know")
    return result


def convert_notebook_markdown(text: str, where: str) -> str:
    def cell(match: re.Match[str]) -> str:
        start, body, end = match.groups()
        pieces = CODE.split(body)
        for i in range(0, len(pieces), 2):  # even pieces lie outside code
            piece = NOTEBOOK_BLOCK.sub(lambda m: mathml(m.group(1), True, where), pieces[i])
            pieces[i] = NOTEBOOK_INLINE.sub(lambda m: mathml(m.group(1), False, where), piece)
        return start + "".join(pieces) + end

    return NOTEBOOK_MARKDOWN.sub(cell, text)


def on_page_content(html_text: str, page, config, files) -> str:
    where = page.file.src_uri
    html_text = ARITHMATEX_BLOCK.sub(lambda m: mathml(m.group(1), True, where), html_text)
    html_text = ARITHMATEX_INLINE.sub(lambda m: mathml(m.group(1), False, where), html_text)
    if where.endswith(".ipynb"):
        html_text = convert_notebook_markdown(html_text, where)
        html_text = NBCONVERT_MATHJAX.sub("", html_text)  # nothing left for it to typeset
    return html_text
