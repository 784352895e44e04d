"""`paychase.dask`: shards of clients, planned on a Dask cluster, give the single-process plan.

The cluster test starts a real `distributed.LocalCluster` of two worker processes (a few
seconds); it runs wherever the ``dask`` extra is installed, as in CI (``paychase[dev]``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.test_stream import REPO, bench

from paychase import InvalidCaseError, PolicyError, parse_case, plan
from paychase.dask import main, plan_partitions, plan_shard_lines, write_shards

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmark's portfolio of 400 invoices (its invoices listed client by client)."""
    text, _ = bench().portfolio(400, seed=4)
    path = tmp_path_factory.mktemp("portfolio") / "case.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_shard_line_is_the_case_file_of_one_client(portfolio: Path, tmp_path: Path) -> None:
    paths = write_shards(portfolio, tmp_path / "shards", shards=3)
    assert [path.name for path in paths] == [f"part-0000{n}.jsonl" for n in range(3)]
    case = parse_case(portfolio.read_text(encoding="utf-8"))
    lines = [line for path in paths for line in path.read_text("utf-8").splitlines()]
    parts = [parse_case(line) for line in lines]
    assert [part.clients for part in parts] == [(client,) for client in case.clients]
    assert [i for part in parts for i in part.invoices] == list(case.invoices)
    assert sum(len(part.history) for part in parts) == len(case.history)
    assert all(part.now == case.now and part.policy == case.policy for part in parts)


def test_the_plan_of_shards_on_a_local_cluster_is_the_plan_of_the_case(
    portfolio: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_shards(portfolio, tmp_path, shards=4)
    single = plan(parse_case(portfolio.read_text(encoding="utf-8")), now=None).to_json()
    pattern = str(tmp_path / "*.jsonl")
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster):
            result = plan_partitions(pattern, now=None)
        assert main(["plan", pattern, "--scheduler", cluster.scheduler_address]) == 0
    assert result.to_json() == single
    assert capsys.readouterr().out == single + "\n"


def test_the_command_line_writes_shards_and_plans_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dask  # noqa: PLC0415 - the extra under test

    example = REPO / "examples" / "simulation" / "project.json"  # a chase, no invoices
    assert main(["write-shards", str(example), str(tmp_path), "--shards", "2"]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'part-00000.jsonl'}\n"
    with dask.config.set(scheduler="synchronous"):
        assert main(["plan", str(tmp_path / "part-00000.jsonl")]) == 0
    assert (
        capsys.readouterr().out
        == plan(json.loads(example.read_text("utf-8")), now=None).to_json() + "\n"
    )


def test_a_bad_line_is_named_and_no_client_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidCaseError, match=r"line 2: clients\[0\]"):
        plan_shard_lines(
            ['{"version": 1, "now": "2026-03-02T09:00:00+01:00"}', '{"clients": [{"id": 1}]}'],
            now=None,
        )
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    import dask  # noqa: PLC0415

    with dask.config.set(scheduler="synchronous"):
        assert main(["plan", str(tmp_path / "empty.jsonl")]) == 2
    assert main(["plan", str(tmp_path / "empty.jsonl"), "--now", "2026-03-02T09:00:00"]) == 2
    with pytest.raises(PolicyError, match=r"line 1: policy"):
        plan_shard_lines(['{"policy": "no such policy"}'], now=None)
    with pytest.raises(InvalidCaseError, match="at least one shard"):
        write_shards(REPO / "examples" / "portfolio.json", tmp_path, shards=0)
