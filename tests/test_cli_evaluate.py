"""``anomaly-viz evaluate``: a report of maps against ground truth, checked by plain counts."""

import csv
import json

import imageio.v3 as iio
import numpy as np
import pytest


def counts(prediction, truth):
    tp = int(np.sum(prediction & truth))
    fp = int(np.sum(prediction & ~truth))
    fn = int(np.sum(~prediction & truth))
    return tp, fp, fn


@pytest.fixture
def data(tmp_path):
    """Two maps with ground truths (PNG masks named STEM_mask.png) and one normal map."""
    maps, truths = tmp_path / "maps", tmp_path / "gt"
    maps.mkdir()
    truths.mkdir()
    a = np.zeros((8, 10))
    a[1:4, 1:4] = 0.9  # found
    a[6:8, 7:10] = 0.8  # a false alarm
    truth_a = np.zeros((8, 10), bool)
    truth_a[1:4, 2:5] = True
    truth_a[6:8, 0:2] = True  # missed
    b = np.zeros((8, 10))
    b[2:6, 2:6] = 0.7
    truth_b = np.zeros((8, 10), bool)
    truth_b[2:6, 2:6] = True
    normal = np.full((8, 10), 0.1)
    for name, scores in (("a", a), ("b", b), ("c", normal)):
        np.save(maps / f"{name}.npy", scores)
    for name, truth in (("a", truth_a), ("b", truth_b)):
        iio.imwrite(truths / f"{name}_mask.png", truth.astype(np.uint8) * 255)
    return tmp_path, {"a": (a, truth_a), "b": (b, truth_b), "c": (normal, np.zeros((8, 10), bool))}


def run_evaluate(main, folder, *options):
    return main(
        "evaluate", folder / "maps", folder / "gt", "-o", folder / "report.json",
        "--truth-suffix", "_mask", "--missing-truth-is-normal", "--kernel-size", "0", *options,
    )  # fmt: skip


def test_report_at_a_fixed_threshold(data, main):
    folder, pairs = data
    result = run_evaluate(main, folder, "--threshold", "0.5")
    assert result.returncode == 0, result.stderr
    report = json.loads((folder / "report.json").read_text())
    assert report["threshold"] == 0.5
    assert [entry["name"] for entry in report["images"]] == ["a", "b", "c"]
    total_tp = total_fp = total_fn = 0
    for entry in report["images"]:
        scores, truth = pairs[entry["name"]]
        tp, fp, fn = counts(scores > 0.5, truth)
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
        if tp + fp:
            assert entry["pixel"]["precision"] == pytest.approx(tp / (tp + fp))
        if tp + fn:
            assert entry["pixel"]["recall"] == pytest.approx(tp / (tp + fn))
    a = report["images"][0]
    assert a["pixel"]["iou"] == pytest.approx(6 / (6 + 9 + 7))  # tp 6, fp 3 + 6, fn 3 + 4
    assert a["regions"] == {"true_positive": 1, "false_positive": 1, "missed": 1}
    assert a["pro"] == pytest.approx((6 / 9 + 0 / 4) / 2)
    assert report["images"][1]["pixel"]["f1"] == 1.0
    assert report["images"][2]["pro"] is None  # no ground-truth region: PRO undefined
    total = report["total"]["pixel"]
    assert total["f1"] == pytest.approx(2 * total_tp / (2 * total_tp + total_fp + total_fn))
    assert report["total"]["regions"] == {"true_positive": 2, "false_positive": 1, "missed": 1}
    assert report["provenance"]["command"] == "evaluate"
    assert "total" in result.stdout and "threshold 0.5" in result.stdout


def test_best_threshold_is_reported_and_reproduces_the_best_pooled_f1(data, main):
    folder, pairs = data
    result = run_evaluate(main, folder, "--threshold", "best")
    assert result.returncode == 0, result.stderr
    report = json.loads((folder / "report.json").read_text())
    t = report["threshold"]
    scores = np.concatenate([s.ravel() for s, _ in pairs.values()])
    truth = np.concatenate([g.ravel() for _, g in pairs.values()])

    def f1(threshold):
        tp, fp, fn = counts(scores > threshold, truth)
        return 2 * tp / (2 * tp + fp + fn)

    best = max(f1(candidate) for candidate in np.unique(np.append(scores, -1.0)))
    assert f1(t) == best
    assert report["total"]["pixel"]["f1"] == pytest.approx(best)


def test_csv_beside_the_report(data, main):
    folder, _ = data
    assert run_evaluate(main, folder, "--threshold", "0.5", "--csv").returncode == 0
    rows = list(csv.DictReader((folder / "report.csv").read_text().splitlines()))
    assert [row["name"] for row in rows] == ["a", "b", "c", "total"]
    assert rows[2]["pro"] == ""


def test_a_missing_ground_truth_is_an_error_unless_normal(data, main):
    folder, _ = data
    argv = ("evaluate", folder / "maps", folder / "gt", "-o", folder / "r.json")
    result = main(*argv, "--threshold", "0.5", "--truth-suffix", "_mask")
    assert result.returncode == 2
    assert "has no ground truth named c_mask.*" in result.stderr
    assert not (folder / "r.json").exists()


def test_one_file_pair(data, main):
    folder, _ = data
    argv = ("evaluate", folder / "maps" / "b.npy", folder / "gt" / "b_mask.png")
    result = main(*argv, "--threshold", "0.5", "--kernel-size", "0", "-o", folder / "b.json")
    assert result.returncode == 0, result.stderr
    report = json.loads((folder / "b.json").read_text())
    assert report["images"][0]["pixel"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "iou": 1.0}


def test_files_and_folders_do_not_mix(data, main):
    folder, _ = data
    argv = ("evaluate", folder / "maps", folder / "gt" / "a_mask.png", "-o", folder / "r.json")
    result = main(*argv, "--threshold", "0.5")
    assert result.returncode == 2
    assert "MAPS and GT must both be files or both be folders" in result.stderr


def test_bad_threshold_is_a_usage_error(data, main):
    folder, _ = data
    result = run_evaluate(main, folder, "--threshold", "high")
    assert result.returncode == 2
    assert "expected a number, 'best' or 'otsu', got 'high'" in result.stderr


def test_otsu_records_each_images_threshold(data, main):
    folder, _ = data
    assert run_evaluate(main, folder, "--threshold", "otsu").returncode == 0
    report = json.loads((folder / "report.json").read_text())
    assert report["threshold"] == "otsu"
    a = report["images"][0]
    assert 0.0 <= a["threshold"] < 0.8  # between the background and the hottest defect
