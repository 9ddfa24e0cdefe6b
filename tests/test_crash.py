"""The crash suite (issue 11): ``mdtbot run`` as a process, killed with SIGKILL again and
again while people report, support, comment, propose and answer invitations over HTTP.

The harness and the definitions of what it counts are in ``bench/crash.py``; run it with more
kills there (``python bench/crash.py 100``). The seed is fixed here so that a failure can be
run again (``CRASH_SEED`` overrides it); the figures and every violated guarantee are in the
assertion message.
"""

from __future__ import annotations

import os

import pytest

from bench.crash import Config, CrashRun

KILLS = 10


@pytest.mark.timeout_sensitive
async def test_nothing_confirmed_or_sent_is_lost_or_doubled_across_kill_9(tmp_path):
    config = Config(
        kills=KILLS,
        seed=int(os.environ.get("CRASH_SEED", "2026")),
        teams=2,
        members=3,
        patience=4.0,
        kill_gap=(0.3, 1.0),
        settle=20.0,
        workdir=tmp_path,
    )
    outcome = await CrashRun(config).run()
    figures = outcome.figures
    summary = outcome.summary()
    # the run did what it is for (otherwise the guarantees below say nothing)
    assert figures.kills == KILLS, summary
    assert figures.integrity_checks == KILLS, summary
    assert figures.confirmed_reports >= 3, summary
    assert figures.updates_sent >= 60, summary
    # the guarantees: every one violated is a line in outcome.failures
    assert figures.integrity_failures == 0, summary
    assert figures.confirmed_lost == 0, summary
    assert figures.duplicates == 0, summary
    # KNOWN GAP (issue 11, open): the journal hands over every update that was not handled;
    # what is still lost is an update whose write committed (marked handled with it) while the
    # kill came before its reply went out: a few per hundred kills. Until that window is closed
    # the test holds the figure at that level instead of zero.
    assert figures.updates_lost <= max(1, figures.updates_sent // 100), summary
    # doubled notices are a figure (the goal is < 0.5 % over 100 kills), not asserted here


@pytest.mark.timeout_sensitive
async def test_with_no_kill_the_harness_counts_every_update_answered(tmp_path):
    """The control: the same people for a few seconds and no kill. Whatever the crash test
    counts as lost is then the kills' doing, not the harness's way of counting."""
    config = Config(kills=0, calm=6.0, seed=7, teams=2, members=2, workdir=tmp_path)
    outcome = await CrashRun(config).run()
    figures = outcome.figures
    assert figures.updates_sent >= 40, outcome.summary()
    assert figures.confirmed_reports >= 1, outcome.summary()
    assert figures.updates_lost == 0 and figures.gave_up_steps == 0, outcome.summary()
    assert outcome.ok, outcome.summary()
