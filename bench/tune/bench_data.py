"""The benchmark's data: one fixed split per data set, written once as
fastText lines that every tool reads, raw and normalized as rungs normalizes.

Every file is decoded as latin-1, which maps each byte to one character, so
the bytes of 20 Newsgroups' latin-1 messages and of the UTF-8 sentence data
sets pass through unchanged. A text is cut into words where fastText cuts
(space, \\t, \\n, \\v, \\f, \\r, \\0) and written as the words joined by one
space after its label, so no tool can see a line break or a separator the
others do not. Rows without any word, or with a label the data set's README
does not give, are dropped (counted in the manifest).
"""
import csv
import hashlib
import json
import os
import random
import re
import subprocess

SPLIT_SEED = 1            # the one seed of every split below; never a run's seed
VALID_FRACTION = 0.2      # of the training rows, per label
AG_TEST_FRACTION = 0.2    # of AG News' official test split, per label
LABEL_PREFIX = "__label__"
# Bumped whenever the files written below would change; a cached folder with
# another version is written again.
SPLIT_VERSION = 3
DATASETS = ("20newsgroups", "ag_news", "mr", "subj")
# The labels the READMEs give. mr's and subj's CSV files also hold a few
# fragments of sentences as rows of their own, with a word or nothing as the
# label (22 in mr, 20 in subj: the READMEs' totals are 10,662 and 10,000);
# rows with any other label are dropped and counted.
LABELS = {"mr": {"negative", "positive"}, "subj": {"objective", "subjective"}}
FILES = ("train", "valid", "test")

_WORD = re.compile(r"[^ \t\n\v\f\r\0]+")
# rungs' normalize (src/text/words.cc): each run of ASCII punctuation
# (! to /, : to @, [ to `, { to ~) and each run of anything else inside a
# word is a word of its own; A-Z become a-z; other bytes are left alone.
_PUNCTUATION_OR_NOT = re.compile(r"[!-/:-@\[-`{-~]+|[^!-/:-@\[-`{-~]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def words(text):
    return _WORD.findall(text)


def normalized(word_list):
    out = []
    for w in word_list:
        out.extend(_PUNCTUATION_OR_NOT.findall(w.translate(_ASCII_LOWER)))
    return out


def paths(folder, normalize=False):
    """{"train": path, "valid": ..., "test": ...} of the raw or normalized files."""
    suffix = ".norm.txt" if normalize else ".txt"
    return {name: os.path.join(folder, name + suffix) for name in FILES}


# ---------------------------------------------------------------- reading the sources

def _read_csv(path, header):
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="latin-1") as f:
        rows = list(csv.reader(f))
    return rows[1:] if header else rows


def read_source(data_dir, name):
    """(train rows, test rows, notes) of one data set; a row is (label, text)."""
    folder = os.path.join(data_dir, name)
    if name in ("20newsgroups", "mr", "subj"):
        # Header label,text; 20 Newsgroups keeps a message's line breaks inside its field.
        train, test = ([(r[0], r[1]) for r in _read_csv(os.path.join(folder, f), True)]
                       for f in ("train.csv", "test.csv"))
        return train, test, {}
    if name == "ag_news":
        # Only the official test split is here: class index, title, description;
        # `\` marks a line break inside a description. Text = title, a space, description.
        with open(os.path.join(folder, "classes.txt"), encoding="latin-1") as f:
            classes = [c.strip() for c in f if c.strip()]
        rows = [(classes[int(r[0]) - 1], (r[1] + " " + r[2]).replace("\\", " "))
                for r in _read_csv(os.path.join(folder, "test.csv"), False)]
        train, test, test_rows = _stratified_split(rows, AG_TEST_FRACTION)
        return train, test, {"official_test_rows_used_as_test": sorted(i + 1 for i in test_rows)}
    raise ValueError("unknown data set %r (known: %s)" % (name, ", ".join(DATASETS)))


def _stratified_split(rows, fraction):
    """(kept, held out, indices held out): per label (sorted), the label's rows
    shuffled with SPLIT_SEED and round(fraction * n) of them held out; both
    parts shuffled again, so no file is grouped by label."""
    rng = random.Random(SPLIT_SEED)
    by_label = {}
    for i, (label, _) in enumerate(rows):
        by_label.setdefault(label, []).append(i)
    held = []
    for label in sorted(by_label):
        idx = by_label[label]
        rng.shuffle(idx)
        held.extend(idx[:round(fraction * len(idx))])
    held_set = set(held)
    kept = [i for i in range(len(rows)) if i not in held_set]
    held = sorted(held)
    rng.shuffle(kept)
    rng.shuffle(held)
    return [rows[i] for i in kept], [rows[i] for i in held], held


# ---------------------------------------------------------------- writing the files

def _line(label, word_list):
    return LABEL_PREFIX + re.sub(r"\s", "_", label) + "".join(" " + w for w in word_list) + "\n"


def _write(path, lines):
    with open(path, "w", newline="", encoding="latin-1") as out:
        out.writelines(lines)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _clean(rows, labels, where):
    """(label, words) of each row with a known label (any, if labels is None) and
    at least one word; and the numbers dropped for either reason."""
    out, dropped = [], {"label": 0, "no_words": 0}
    for n, (label, text) in enumerate(rows, 1):
        w = words(text)
        if labels is not None and label not in labels:
            dropped["label"] += 1
            continue
        if not w:
            dropped["no_words"] += 1
            continue
        for word in w:
            # fastText would read such a word as a second label.
            if word.startswith(LABEL_PREFIX):
                raise ValueError("%s row %d: the word %r starts with %s" % (where, n, word, LABEL_PREFIX))
        out.append((label, w))
    return out, dropped


def prepare(data_dir, name, folder):
    """Writes train/valid/test (.txt raw, .norm.txt normalized) and manifest.json
    into folder unless a manifest of this SPLIT_VERSION is there; returns the manifest."""
    manifest_path = os.path.join(folder, "manifest.json")
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
        if manifest.get("split_version") == SPLIT_VERSION:
            return manifest
    os.makedirs(folder, exist_ok=True)
    train_rows, test_rows, notes = read_source(data_dir, name)
    labels = LABELS.get(name)
    train, dropped_train = _clean(train_rows, labels, name + " train")
    test, dropped_test = _clean(test_rows, labels, name + " test")
    train, valid, _ = _stratified_split(train, VALID_FRACTION)
    # 20 Newsgroups' test file is grouped by label. Order does not change a
    # score, but the smoke run samples the head of each file.
    random.Random(SPLIT_SEED).shuffle(test)
    parts = {"train": train, "valid": valid, "test": test}
    for normalize in (False, True):
        for part, target in paths(folder, normalize).items():
            _write(target, (_line(label, normalized(w) if normalize else w) for label, w in parts[part]))
    manifest = {
        "dataset": name, "split_version": SPLIT_VERSION, "split_seed": SPLIT_SEED,
        "valid_fraction": VALID_FRACTION, "source": os.path.abspath(os.path.join(data_dir, name)),
        "rows": {part: len(rows) for part, rows in parts.items()},
        "labels": {part: _label_counts(rows) for part, rows in parts.items()},
        "dropped": {"train": dropped_train, "test": dropped_test},
        "sha256": {os.path.basename(p): sha256(p)
                   for normalize in (False, True) for p in paths(folder, normalize).values()},
        "normalize_check": None,
    }
    if name == "ag_news":
        manifest["ag_test_fraction"] = AG_TEST_FRACTION
        rows_path = os.path.join(folder, "ag_news_test_rows.txt")
        with open(rows_path, "w") as f:
            f.writelines("%d\n" % i for i in notes["official_test_rows_used_as_test"])
        manifest["test_rows_file"] = rows_path
    _save(manifest_path, manifest)
    return manifest


def _label_counts(rows):
    counts = {}
    for label, _ in rows:
        counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items()))


def _save(path, manifest):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1)
    os.replace(tmp, path)


def subset(full_folder, folder, sizes):
    """The first sizes[part] lines of each file of a prepared folder (the files
    are shuffled, so the head is a sample), for the smoke run."""
    os.makedirs(folder, exist_ok=True)
    for normalize in (False, True):
        src, dst = paths(full_folder, normalize), paths(folder, normalize)
        for part in FILES:
            with open(src[part], newline="", encoding="latin-1") as f:
                lines = [line for _, line in zip(range(sizes[part]), f)]
            _write(dst[part], lines)
    manifest = {"dataset": os.path.basename(full_folder), "split_version": SPLIT_VERSION,
                "subset_of": full_folder, "rows": dict(sizes), "normalize_check": None,
                "sha256": {os.path.basename(p): sha256(p)
                           for normalize in (False, True) for p in paths(folder, normalize).values()}}
    _save(os.path.join(folder, "manifest.json"), manifest)
    return manifest


# ---------------------------------------------------------------- the check against rungs

def check_normalize(rungs, folder):
    """Compares the .norm.txt files with `rungs normalize` of the raw files, once
    per folder; records and returns the outcome. A difference is an error."""
    manifest_path = os.path.join(folder, "manifest.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    if (manifest.get("normalize_check") or "").startswith("identical"):
        return manifest["normalize_check"]
    # `rungs normalize --help` succeeds even where there is no such command; the list tells.
    commands = subprocess.run([rungs, "--help"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    if not re.search(rb"^\s+normalize\s", commands, re.M):
        return "not checked: %s has no `normalize` command" % rungs
    raw, norm = paths(folder, False), paths(folder, True)
    for part in FILES:
        theirs = subprocess.run([rungs, "normalize", "--format", "fasttext", raw[part]],
                                stdout=subprocess.PIPE, check=True).stdout
        with open(norm[part], "rb") as f:
            ours = f.read()
        if ours != theirs:
            a, b = ours.splitlines(), theirs.splitlines()
            at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            raise RuntimeError("%s differs from `rungs normalize %s`, first at line %d"
                               % (norm[part], raw[part], at + 1))
    manifest["normalize_check"] = "identical to `rungs normalize` (%s)" % rungs
    _save(manifest_path, manifest)
    return manifest["normalize_check"]
