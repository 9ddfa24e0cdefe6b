"""Full-text search over problem descriptions, comments and proposals (``search_texts``, an
FTS5 table that triggers keep in step with the texts: see migration 20).

Ranked with bm25; a problem counts once, with its best-matching text. Every query goes through
the same filter and visibility clause as ``/problems`` (:func:`bot.storage.problems.filter_sql`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.problems import MARK_CLOSE, MARK_OPEN, ProblemFilter, ProblemLine
from bot.storage.base import Repo
from bot.storage.problems import _PROBLEM_SELECT, Visibility, _line, _marks, filter_sql

#: words of context in an excerpt
EXCERPT_WORDS = 14


@dataclass(frozen=True)
class SearchHit:
    line: ProblemLine
    kind: str  # where the best match is: "d" description, "c" comment, "p" proposal
    excerpt: str  # plain text with MARK_OPEN / MARK_CLOSE around the matches


def match_expression(terms: list[str]) -> str:
    """An FTS5 query: every term must occur, as the start of a word (``"strikack"*``)."""
    return " ".join('"' + term.replace('"', '""') + '"*' for term in terms)


#: the columns of ``search_texts``, in order, and the kind each one's match is shown as
_COLUMNS = ("d", "c", "p")


class SearchRepo(Repo):
    async def find(
        self,
        team_ids: list[int],
        flt: ProblemFilter,
        visible: Visibility,
        now: datetime,
        terms: list[str],
        *,
        limit: int,
    ) -> tuple[list[SearchHit], int]:
        """The best ``limit`` problems whose texts contain every term, and how many match."""
        if not team_ids or not terms:
            return [], 0
        match = match_expression(terms)
        where, params = filter_sql(team_ids, flt, visible, now)
        # the matches first (a materialised CTE: the planner must not run the MATCH once per
        # problem of the team), then the list's filter and visibility on them
        ranked = await self._all(
            "WITH m AS MATERIALIZED (SELECT rowid AS id, rank AS score FROM search_texts "
            "WHERE search_texts MATCH ?) "
            "SELECT p.id, COUNT(*) OVER () AS total FROM m JOIN problems p ON p.id = m.id "
            "LEFT JOIN localities l ON l.id = p.locality_id "
            "LEFT JOIN users u ON u.id = p.reporter_id "
            f"WHERE {where} ORDER BY m.score, p.id DESC LIMIT ?",
            (match, *params, limit),
        )
        if not ranked:
            return [], 0
        total = int(ranked[0]["total"])
        ids = [int(r["id"]) for r in ranked]
        found = await self._all(_PROBLEM_SELECT + f" WHERE p.id IN ({_marks(ids)})", ids)
        by_id = {int(r["id"]): r for r in found}
        rows = [by_id[i] for i in ids if i in by_id]
        excerpts = await self._all(
            "SELECT rowid, "
            + ", ".join(
                f"snippet(search_texts, {i}, ?, ?, '…', {EXCERPT_WORDS}) AS c{i}"
                for i in range(len(_COLUMNS))
            )
            + f" FROM search_texts WHERE search_texts MATCH ? AND rowid IN ({_marks(ids)})",
            (*[MARK_OPEN, MARK_CLOSE] * len(_COLUMNS), match, *ids),
        )
        best: dict[int, tuple[str, str]] = {}
        for row in excerpts:
            texts = [row[f"c{i}"] or "" for i in range(len(_COLUMNS))]
            # the first column with a match: the description, else a comment, else a proposal
            column = next((i for i, text in enumerate(texts) if MARK_OPEN in text), 0)
            best[int(row["rowid"])] = (_COLUMNS[column], texts[column])
        hits = [SearchHit(_line(r), *best.get(int(r["id"]), ("d", ""))) for r in rows]
        return hits, total

    async def purge(self) -> None:
        """Merge the index so that words of rewritten texts are gone from it, not only
        marked deleted (run after a redaction or an anonymisation)."""
        await self._exec("INSERT INTO search_texts (search_texts) VALUES ('optimize')")
