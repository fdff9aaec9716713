"""Matching names the way people type them."""

from __future__ import annotations

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})


def straight_quotes(text: str) -> str:
    return text.translate(_QUOTES)


def one_line(text: str) -> str:
    """Spacing tidied: line breaks and runs of spaces become one space."""
    return " ".join(text.split())


def name_key(text: str) -> str:
    """A key under which two spellings of the same name are equal: case,
    apostrophe style and spacing are ignored."""
    return " ".join(straight_quotes(text).split()).casefold()


def split_names(text: str | None) -> list[str]:
    """Names in one cell separated by ';' or line breaks, blanks dropped."""
    if not text:
        return []
    parts = text.replace("\r", "\n").replace(";", "\n").split("\n")
    return [p.strip() for p in parts if p.strip()]


_ROLE_WORDS = {
    "director", "head", "heads", "lead", "leader", "team", "officer", "worker", "academy",
    "executive", "manager", "service", "services", "board", "slt", "dtm", "group", "panel",
    "partnership", "council",
}


def guess_lead_kind(name: str) -> str:
    """"Role" for a job title or a body ("Director of Children's Services",
    "SLT"), "Person" for a named individual ("Maria Price")."""
    words = {w.strip(".,()'’").casefold() for w in name.split()}
    return "Role" if words & _ROLE_WORDS else "Person"
