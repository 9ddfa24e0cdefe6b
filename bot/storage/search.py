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
        ranked = await self._all(
            "WITH hits AS MATERIALIZED (SELECT problem_id, rank AS score FROM search_texts "
            "WHERE search_texts MATCH ?), "
            "best AS (SELECT problem_id, MIN(score) AS score FROM hits GROUP BY problem_id) "
            "SELECT p.id, COUNT(*) OVER () AS total FROM best b "
            "JOIN problems p ON p.id = b.problem_id "
            "LEFT JOIN localities l ON l.id = p.locality_id "
            "LEFT JOIN users u ON u.id = p.reporter_id "
            f"WHERE {where} ORDER BY b.score, p.id DESC LIMIT ?",
            (match, *params, limit),
        )
        if not ranked:
            return [], 0
        total = int(ranked[0]["total"])
        ids = [int(r["id"]) for r in ranked]
        texts = await self._all(
            "SELECT problem_id, kind, rank AS score, "
            f"snippet(search_texts, 0, ?, ?, '…', {EXCERPT_WORDS}) AS excerpt "
            f"FROM search_texts WHERE search_texts MATCH ? AND problem_id IN ({_marks(ids)})",
            (MARK_OPEN, MARK_CLOSE, match, *ids),
        )
        best: dict[int, tuple[float, str, str]] = {}
        for row in texts:
            found = (float(row["score"]), row["kind"], row["excerpt"])
            problem_id = int(row["problem_id"])
            if problem_id not in best or found[0] < best[problem_id][0]:
                best[problem_id] = found
        rows = await self._all(_PROBLEM_SELECT + f" WHERE p.id IN ({_marks(ids)})", ids)
        lines = {int(r["id"]): _line(r) for r in rows}
        hits = [
            SearchHit(lines[i], best[i][1], best[i][2]) for i in ids if i in lines and i in best
        ]
        return hits, total

    async def purge(self) -> None:
        """Merge the index so that words of rewritten texts are gone from it, not only
        marked deleted (run after a redaction or an anonymisation)."""
        await self._exec("INSERT INTO search_texts (search_texts) VALUES ('optimize')")
