"""Load and validate the question bank: YAML files -> checked `Question` records, all or nothing.

A bank is a set of YAML files classified by their top-level key:
  questions: (question_bank/<module>.yaml)   rubrics: (rubrics/<module>.yaml)
  sets:      (rubrics/shared.yaml)            topics:  (question_bank/topics.yaml, a mapping module -> topics)
Every problem found is collected with its file, question id and line, and reported together;
a bank with any error is never returned half-loaded. Nothing here embeds or scores.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from . import config
from .records import MODULES, FollowUp, Question, RubricPoint, RubricSet

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MIN_POINTS, MAX_POINTS = 3, 8
MAX_FILE_BYTES = 5_000_000


@dataclass(frozen=True)
class BankIssue:
    file: str
    message: str
    question: str | None = None
    line: int | None = None  # 1-based

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        who = f" question '{self.question}':" if self.question else ""
        return f"{where}:{who} {self.message}"


class BankError(Exception):
    """The bank has problems; `issues` lists every one of them."""

    def __init__(self, issues: list[BankIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


@dataclass
class Bank:
    questions: dict[str, Question]
    sets: dict[str, RubricSet]
    topics: dict[str, list[str]]
    files: list[str] = field(default_factory=list)

    def get(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise KeyError(f"unknown question id {question_id!r}") from None

    def by_module(self, module: str | None = None, topic: str | None = None,
                  difficulty: int | None = None) -> list[Question]:
        return [q for q in self.questions.values()
                if (module is None or q.module == module)
                and (topic is None or q.topic == topic)
                and (difficulty is None or q.difficulty == difficulty)]

    def content_hash(self) -> str:
        """Hash of everything that is embedded (prompts and rubric points), for the index cache key."""
        h = hashlib.sha256()
        for q in sorted(self.questions.values(), key=lambda q: q.id):
            h.update(json.dumps([q.id, q.prompt, [(p.id, p.text) for p in q.points]]).encode())
        return h.hexdigest()


def rubric_hash(question: Question) -> str:
    payload = json.dumps([(p.id, p.text, p.weight) for p in question.points])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


# ---------------------------------------------------------------- reading files

def _yaml_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            files.append(path)
    return files


def _read_yaml(path: Path, issues: list[BankIssue]) -> tuple[object, yaml.Node | None]:
    """Parse one file; returns (data, node tree for line numbers) or (None, None) after recording an issue."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        issues.append(BankIssue(str(path), f"cannot read file: {e.strerror or e}"))
        return None, None
    if len(raw) > MAX_FILE_BYTES:
        issues.append(BankIssue(str(path), f"file is too large ({len(raw):,} bytes; limit {MAX_FILE_BYTES:,})"))
        return None, None
    if b"\x00" in raw:
        issues.append(BankIssue(str(path), "file is binary (contains NUL bytes), not YAML"))
        return None, None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        issues.append(BankIssue(str(path), f"file is not UTF-8 text (byte {e.start})"))
        return None, None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        issues.append(BankIssue(str(path), f"invalid YAML: {problem}", line=mark.line + 1 if mark else None))
        return None, None
    return data, node


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if getattr(k, "value", None) == key:
                return v
    return None


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _pydantic_message(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"])
        parts.append(f"{loc}: {e['msg']}" if loc else e["msg"])
    return "; ".join(parts)


# ---------------------------------------------------------------- loading

def default_paths() -> list[Path]:
    return [config.BANK_DIR, config.RUBRIC_DIR, *config.extra_bank_dirs()]


def load_bank(paths: list[Path] | None = None, *, with_shipped_shared: bool = True) -> Bank:
    """Load and validate every YAML file under `paths` (default: the shipped bank plus
    INTERVIEWER_BANK_DIRS). Shared rubric sets and topics come from the shipped bank unless the
    given paths define their own. Raises BankError listing every problem."""
    paths = [Path(p) for p in (paths or default_paths())]
    issues: list[BankIssue] = []
    parsed: list[tuple[Path, dict, yaml.Node | None]] = []
    for f in _yaml_files(paths):
        if not f.exists():
            issues.append(BankIssue(str(f), "no such file or folder"))
            continue
        data, node = _read_yaml(f, issues)
        if data is None and node is None:
            continue
        if not isinstance(data, dict):
            issues.append(BankIssue(str(f), "top level must be a mapping with 'questions:', 'rubrics:', 'sets:' or 'topics'"))
            continue
        parsed.append((f, data, node))
    for p in paths:
        if not p.exists():
            issues.append(BankIssue(str(p), "no such file or folder"))

    kinds = {"questions": [], "rubrics": [], "sets": [], "topics": []}
    for f, data, node in parsed:
        kind = next((k for k in ("questions", "rubrics", "sets") if k in data), None)
        if kind is None and f.stem == "topics":
            kind = "topics"
        if kind is None:
            issues.append(BankIssue(str(f), "unrecognised file: expected a 'questions:', 'rubrics:' or 'sets:' key"))
            continue
        kinds[kind].append((f, data, node))

    if with_shipped_shared:
        if not kinds["sets"]:
            kinds["sets"] = _shipped("sets", issues)
        if not kinds["topics"]:
            kinds["topics"] = _shipped("topics", issues)

    topics = _load_topics(kinds["topics"], issues)
    sets = _load_sets(kinds["sets"], issues)
    rubrics = _load_rubrics(kinds["rubrics"], issues)
    questions = _load_questions(kinds["questions"], rubrics, sets, topics, issues)
    for qid, (f, line, _) in rubrics.items():
        if qid not in questions and not any(i.question == qid for i in issues):
            issues.append(BankIssue(f, "rubric given for a question that does not exist", qid, line))
    if not questions and not issues:
        issues.append(BankIssue(", ".join(str(p) for p in paths), "no questions found"))
    if issues:
        raise BankError(issues)
    return Bank(questions=questions, sets=sets, topics=topics, files=[str(f) for f, _, _ in parsed])


def _shipped(kind: str, issues: list[BankIssue]) -> list:
    path = config.RUBRIC_DIR / "shared.yaml" if kind == "sets" else config.BANK_DIR / "topics.yaml"
    if not path.exists():
        return []
    data, node = _read_yaml(path, issues)
    return [(path, data, node)] if isinstance(data, dict) else []


def _load_topics(files: list, issues: list[BankIssue]) -> dict[str, list[str]]:
    topics: dict[str, list[str]] = {}
    for f, data, _ in files:
        for module, names in data.items():
            if module not in MODULES:
                issues.append(BankIssue(str(f), f"unknown module {module!r} in topics"))
            elif not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                issues.append(BankIssue(str(f), f"topics of {module!r} must be a list of names"))
            else:
                topics.setdefault(module, []).extend(names)
    return topics


def _load_sets(files: list, issues: list[BankIssue]) -> dict[str, RubricSet]:
    sets: dict[str, RubricSet] = {}
    for f, data, node in files:
        body, body_node = data.get("sets"), _child(node, "sets")
        if not isinstance(body, dict):
            issues.append(BankIssue(str(f), "'sets' must map a set id to {title, points}"))
            continue
        for set_id, raw in body.items():
            line = _line(_child(body_node, str(set_id)))
            if set_id in sets:
                issues.append(BankIssue(str(f), f"duplicate rubric set id {set_id!r}", line=line))
                continue
            try:
                if not isinstance(raw, dict):
                    raise ValueError("must be a mapping with 'title' and 'points'")
                points = [RubricPoint(**p, source=set_id) for p in raw.get("points") or []]
                sets[set_id] = RubricSet(id=set_id, title=raw.get("title", set_id), points=points)
            except (ValidationError, TypeError, ValueError) as e:
                msg = _pydantic_message(e) if isinstance(e, ValidationError) else str(e)
                issues.append(BankIssue(str(f), f"rubric set {set_id!r}: {msg}", line=line))
    return sets


def _load_rubrics(files: list, issues: list[BankIssue]) -> dict[str, tuple[str, int | None, list[RubricPoint]]]:
    rubrics: dict[str, tuple[str, int | None, list[RubricPoint]]] = {}
    for f, data, node in files:
        body, body_node = data.get("rubrics"), _child(node, "rubrics")
        if not isinstance(body, dict):
            issues.append(BankIssue(str(f), "'rubrics' must map a question id to a list of points"))
            continue
        for qid, raw in body.items():
            qid = str(qid)
            line = _line(_child(body_node, qid))
            if qid in rubrics:
                issues.append(BankIssue(str(f), "duplicate rubric for this question", qid, line))
                continue
            if not isinstance(raw, list):
                issues.append(BankIssue(str(f), "rubric must be a list of points", qid, line))
                continue
            points, ok = [], True
            for n, p in enumerate(raw, 1):
                try:
                    if not isinstance(p, dict):
                        raise TypeError("must be a mapping with 'id', 'text' and optional 'weight'")
                    points.append(RubricPoint(**p))
                except (ValidationError, TypeError) as e:
                    msg = _pydantic_message(e) if isinstance(e, ValidationError) else str(e)
                    issues.append(BankIssue(str(f), f"rubric point {n}: {msg}", qid, line))
                    ok = False
            ids = [p.id for p in points]
            if len(set(ids)) != len(ids):
                issues.append(BankIssue(str(f), "rubric point ids must be unique", qid, line))
                ok = False
            if ok:
                rubrics[qid] = (str(f), line, points)
    return rubrics


def _load_questions(files: list, rubrics: dict, sets: dict[str, RubricSet],
                    topics: dict[str, list[str]], issues: list[BankIssue]) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    for f, data, node in files:
        module = data.get("module")
        body, body_node = data.get("questions"), _child(node, "questions")
        if module not in MODULES:
            issues.append(BankIssue(str(f), f"unknown module {module!r}; expected one of {', '.join(MODULES)}",
                                    line=_line(_child(node, "module"))))
            continue
        if not isinstance(body, list):
            issues.append(BankIssue(str(f), "'questions' must be a list"))
            continue
        item_nodes = body_node.value if isinstance(body_node, yaml.SequenceNode) else []
        for n, raw in enumerate(body):
            line = _line(item_nodes[n]) if n < len(item_nodes) else None
            q = _build_question(str(f), line, module, raw, rubrics, sets, topics, issues)
            if q is None:
                continue
            if q.id in questions:
                issues.append(BankIssue(str(f), f"duplicate question id (also in {questions[q.id].source_file})", q.id, line))
                continue
            questions[q.id] = q
    return questions


def _build_question(f: str, line: int | None, module: str, raw: object, rubrics: dict,
                    sets: dict[str, RubricSet], topics: dict[str, list[str]],
                    issues: list[BankIssue]) -> Question | None:
    if not isinstance(raw, dict):
        issues.append(BankIssue(f, "each question must be a mapping", line=line))
        return None
    qid = str(raw.get("id") or "").strip() or None
    if raw.get("module", module) != module:
        issues.append(BankIssue(f, f"module {raw.get('module')!r} differs from the file's module {module!r}", qid, line))
        return None
    if qid not in rubrics:
        issues.append(BankIssue(f, "has no rubric (add it to rubrics/<module>.yaml)", qid, line))
        return None
    own = rubrics[qid][2]
    found = len(issues)
    if not MIN_POINTS <= len(own) <= MAX_POINTS:
        issues.append(BankIssue(f, f"rubric has {len(own)} points; it needs {MIN_POINTS}-{MAX_POINTS}", qid, line))
    points = list(own)
    for set_id in raw.get("rubric_sets") or []:
        if set_id not in sets:
            issues.append(BankIssue(f, f"unknown rubric set {set_id!r}", qid, line))
            continue
        points += [p.model_copy(update={"id": f"{set_id}:{p.id}"}) for p in sets[set_id].points]
    try:
        q = Question(**{**raw, "module": module}, points=points, source_file=f)
    except ValidationError as e:
        issues.append(BankIssue(f, _pydantic_message(e), qid, line))
        return None
    except TypeError as e:
        issues.append(BankIssue(f, str(e), qid, line))
        return None
    if topics.get(module) and q.topic not in topics[module]:
        issues.append(BankIssue(f, f"unknown topic {q.topic!r} for module {module}", qid, line))
    point_ids = {p.id for p in q.points}
    for fu in q.follow_ups:
        if fu.probes not in point_ids:
            issues.append(BankIssue(f, f"follow-up probes unknown rubric point {fu.probes!r}", qid, line))
    if module == "ml_coding" and q.coding is None:
        issues.append(BankIssue(f, "ml_coding questions need a 'coding:' block (signature, starter_code)", qid, line))
    return q if len(issues) == found else None


__all__ = ["Bank", "BankError", "BankIssue", "FollowUp", "load_bank", "rubric_hash"]
