"""The decision guide, content/guide.yaml: "Which status code should I return?" as questions
whose answers lead to another question or to a code; one page at /choose/."""
import re

import yaml

from .. import routes, schema
from ..cards import Card
from ..model import Answer, Guide, Question
from ..reader import FileReader, suggest
from . import codes
from .base import Job, load_once, yaml_file

NAME = "guide"
SOURCE = "content/guide.yaml"
QUESTION_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
APPLICATION_STATUSES = ("registered", "temporary")  # registry statuses an application may send
LINK = re.compile(r"\[\[|\]\(|<a\b")  # a short link, a Markdown link, an HTML link


def load(job: Job) -> Guide | None:
    path = job.root / SOURCE
    if not path.exists():
        return None
    have = codes.with_files(job)
    return load_once(job, path, lambda path, alone: load_guide(path, alone, have), have)


def load_guide(path, job: Job, have: frozenset) -> Guide | None:
    count = len(job.problems)
    reader, node = yaml_file(path, job)
    if node is False:
        return None
    if not isinstance(node, yaml.MappingNode):
        reader.error(1, "guide", "expected 'start:', 'questions:' and 'outside:'")
        return None
    apart, rest = reader.apart(node, ("questions",))
    questions_node = apart.get("questions", (None, None))[1]
    if questions_node is not None:
        reader.field_lines["questions"] = reader.line_of(questions_node)
    values = reader.fields(rest, schema.GUIDE_FIELDS, 1)
    questions = read_questions(reader, questions_node) if questions_node is not None else {}
    check_graph(reader, values.get("start"), questions, have)
    if len(job.problems) != count:
        return None
    return Guide(reader.rel, values["start"], tuple(item[0] for item in questions.values()),
                 values.get("outside", ()))


def read_questions(reader: FileReader, node) -> dict:
    """id -> (Question, file line of each answer, file line of its id); the Question is None
    when the question has problems (reported)."""
    if not isinstance(node, yaml.MappingNode):
        reader.error(reader.line_of(node), "questions", "expected a mapping of question ids")
        return {}
    questions = {}
    for key_node, value_node in node.value:
        qid, line = str(key_node.value), reader.line_of(key_node)
        if qid in questions:
            reader.error(line, qid, "question id given twice")
            continue
        if not QUESTION_ID.fullmatch(qid):
            reader.error(line, qid, "a question id is lower-case words joined by -, e.g. 'auth'")
        answers_node = None
        if isinstance(value_node, yaml.MappingNode):
            answers_node = next((v for k, v in value_node.value if k.value == "answers"), None)
            value_node = yaml.MappingNode(value_node.tag, [
                (k, v) for k, v in value_node.value if k.value != "answers"])
        record = reader.item(value_node, schema.GUIDE_QUESTION, qid)
        questions[qid] = (None, [], line)  # known, so that no answer leading here is reported
        if answers_node is None:
            reader.error(line, f"{qid}.answers", "required key is missing")
            continue
        answers = reader.value(answers_node, schema.GUIDE_ANSWER, f"{qid}.answers") or ()
        low, high = schema.GUIDE_ANSWERS
        lines = [reader.line_of(item) for item in getattr(answers_node, "value", ())]
        if not low <= len(lines) <= high:
            reader.error(line, f"{qid}.answers", f"needs {low}–{high} answers, found {len(lines)}")
        if record and len(answers) == len(lines):
            items = tuple(Answer(item["say"], item["next"], item["code"] or 0, item["why"])
                          for item in answers)
            questions[qid] = (Question(qid, record["ask"], record["help"], items), lines, line)
    return questions


def check_graph(reader: FileReader, start, questions: dict, have: set):
    """Every answer leads to a question or to a code with a page; every question is reachable
    from the start; no way through the guide comes back to a question."""
    if start and questions and start not in questions:  # none read: their problem is reported
        reader.error(reader.field_lines.get("start", 1), "start",
                     f"no question '{start}'" + suggest(start, questions))
        return
    for qid, (question, lines, _) in questions.items():
        for index, (answer, line) in enumerate(zip(question.answers if question else (), lines), 1):
            label = f"{qid}.answers[{index}]"
            if LINK.search(answer.say):
                reader.error(line, f"{label}.say", "an answer is itself a link on the page, so it "
                                                   "cannot hold one; name the code in 'why'")
            elif bool(answer.next) == bool(answer.code):
                reader.error(line, label, "an answer has either 'next' (a question) or 'code' "
                                          "and 'why'")
            elif answer.next and answer.next not in questions:
                reader.error(line, f"{label}.next", f"no question '{answer.next}'"
                             + suggest(answer.next, questions))
            elif answer.code and not answer.why:
                reader.error(line, f"{label}.why", f"say in one sentence why {answer.code} fits")
            elif answer.code and answer.code not in have:
                reader.error(line, f"{label}.code", f"{answer.code} has no page to lead to")
            elif answer.next and answer.why:
                reader.error(line, f"{label}.why", "'why' goes with 'code', not with 'next'")
    if not start or any(problem.path == reader.rel for problem in reader.problems):
        return  # a broken answer would make the walk below report nonsense
    state = {}  # id -> "open" while on the current path, "done" after

    def visit(qid, path):
        state[qid] = "open"
        for answer in questions[qid][0].answers:
            if state.get(answer.next) == "open":
                loop = path[path.index(answer.next):] + [answer.next]
                reader.error(questions[qid][2], qid, "the guide goes round in a circle: "
                                                        + " → ".join(loop))
            elif answer.next and answer.next not in state:
                visit(answer.next, path + [answer.next])
        state[qid] = "done"
    visit(start, [start])
    for qid, (_, _, line) in questions.items():
        if qid not in state:
            reader.error(line, qid,
                         f"no answer leads to this question from '{start}'")


def outputs(site, out):
    guide = site.guide
    if guide is None:
        return
    trail = [("HTTP status codes", routes.HOME), ("Which code should I return?", routes.GUIDE)]
    shows = (guide, out.linked(guide.source), tuple(item.name for item in site.comparisons))
    out.page(routes.GUIDE, "guide.html", shows, guide=guide,
             card=Card("Decision guide", trail[-1][0], "A few plain questions"),
             json_ld=out.json_ld({"@context": "https://schema.org", **out.breadcrumbs(trail)}))


def notes(site) -> list:
    """What `check` tells a maintainer: the registered codes the guide never reaches."""
    if site.guide is None:
        return []
    outside = {item["code"] for item in site.guide.outside}
    missed = sorted(code for code, row in site.registry.items()
                    if row.status in APPLICATION_STATUSES and code not in site.guide.paths
                    and code not in outside)
    if not missed:
        return []
    return [f"The guide ({SOURCE}) never reaches {len(missed)} registered codes an application "
            f"may send: {' '.join(map(str, missed))} (lead to them, or list them under "
            "'outside' with why)"]
