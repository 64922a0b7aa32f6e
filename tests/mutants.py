"""Prove the tests can fail: plant realistic one-line bugs in the engine (and templates), one
at a time, in a copy of the repository, and run the tests that must catch each.

    python -m tests.mutants            # every mutant
    python -m tests.mutants NAME…      # only these
    python -m tests.mutants --list     # names, files and tests
    python -m tests.mutants --why …    # also the failure that caught each

The tests are first run once on an unchanged copy: a mutant counts as caught only when tests
that pass without it fail with it. Prints one line per mutant, `caught` or `MISSED`, with the
time it took; exits with 1 if any is missed.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = Path("tests/node/node_modules")  # untracked; linked into each copy


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    old: str  # must occur exactly once in the file
    new: str
    tests: tuple  # pytest arguments: node ids, or "-k", "expression"


G = "tests/test_guarantees.py::"
V = "tests/test_validation.py::"
S = "tests/test_content_safety.py::"
M = "tests/test_maintainers.py::"
R = "tests/test_serve.py::test_the_dev_server_rebuilds_exactly_what_an_edit_touches"

C = "tests/test_choosing.py::"

MUTANTS = (
    # Comparisons and the guide (issue 12).
    Mutant("compared-code-not-required-in-requests", "httpref/kinds/compare.py",
           'if "requests" in values and not set(compared) <= statuses:',
           'if "requests" in values and not statuses:',
           (C + "test_comparison_mistakes_name_file_line_and_field",)),
    Mutant("comparison-codes-any-order", "httpref/kinds/compare.py",
           "if list(compared) != sorted(set(compared)):", "if len(compared) != len(set(compared)):",
           (C + "test_comparison_file_names",)),
    Mutant("guide-cycles-unchecked", "httpref/kinds/guide.py",
           'if state.get(answer.next) == "open":', "if False:",
           (C + "test_guide_mistakes_name_file_line_and_field",)),
    Mutant("guide-unreachable-unchecked", "httpref/kinds/guide.py",
           "        if qid not in state:", "        if qid not in state and False:",
           (C + "test_guide_mistakes_name_file_line_and_field",)),
    Mutant("facts-table-retyped", "templates/_macros.html",
           '{%- elif term == "Safe to retry" %}{{ entry.retry | md_inline }}',
           '{%- elif term == "Safe to retry" %}Yes',
           (C + "test_a_fact_corrected_in_an_entry_is_corrected_on_its_comparisons",)),
    Mutant("comparison-not-shown-on-code-pages", "httpref/kinds/codes.py",
           "tuple(item.name for item in site.comparisons_with(entry.code)),", "",
           (R,)),
    Mutant("browser-rule-303-keeps-method", "httpref/facts.py",
           '303: "every method but HEAD becomes a GET without a body",',
           '303: "the method and body are repeated unchanged",',
           ("tests/test_browser_facts.py",)),
    Mutant("pending-page-served-stale", "httpref/serve.py",
           "                self.ready(output_path(raw_path))", "                pass",
           ("tests/test_serve.py::test_open_pages_are_written_first_and_the_rest_before_anyone_sees_them",)),

    # Validation: the upper bounds of the body's lists.
    Mutant("visitor-max-unchecked", "httpref/kinds/body.py",
           "<= len(items) <= section.max_items:", "<= len(items):",
           (V + "test_rule[too many visitor bullets]", V + "test_rule[too many developer steps]")),
    Mutant("list-max-off-by-one", "httpref/kinds/body.py",
           "<= len(items) <= section.max_items:", "<= len(items) < section.max_items:",
           (V + "test_the_most_bullets_and_steps_allowed_pass",)),
    Mutant("developer-max-eight", "httpref/schema.py", 'fixing steps for this code.",\n            "1.", 3, 7)',
           'fixing steps for this code.",\n            "1.", 3, 8)',
           (V + "test_rule[too many developer steps]",)),
    Mutant("min-items-off-by-one", "httpref/reader.py",
           "if count < field.min_items and", "if count < field.min_items - 1 and",
           (V + "test_rule[too few related codes]",)),
    # URLs as the browser reads them.
    Mutant("scheme-case-sensitive", "httpref/text.py",
           "scheme[1].lower() not in SAFE_SCHEMES", "scheme[1] not in SAFE_SCHEMES",
           (S + "test_safe_schemes_pass_in_any_case",)),
    Mutant("scheme-lower-case-only", "httpref/text.py",
           'r"([A-Za-z][A-Za-z0-9+.-]*):"', 'r"([a-z][a-z0-9+.-]*):"',
           (S + "test_script_url_is_refused_with_file_line_and_field[upper case]",)),
    Mutant("img-src-unchecked", "httpref/markup.py",
           'frozenset({"href", "src", "srcset",', 'frozenset({"href", "srcset",',
           (S + "test_script_url_is_refused_with_file_line_and_field[image]",)),
    Mutant("raw-html-blocks-kept", "httpref/markup.py",
           'md.preprocessors.deregister("html_block")', 'pass',
           (S + "test_script_in_content_is_refused_with_file_line_and_field",)),
    Mutant("raw-html-inline-kept", "httpref/markup.py",
           'md.inlinePatterns.register(RawHtmlProcessor(self.found), "html", 90)', 'pass',
           (S + "test_script_in_content_is_refused_with_file_line_and_field",)),
    # Escaping: what the golden fixture alone used to catch.
    Mutant("autoescape-off", "httpref/render.py",
           'autoescape=select_autoescape(["html", "xml"]),', "autoescape=False,",
           (G + "test_text_with_quotes_ampersands_and_angle_brackets_reads_back_exactly",)),
    Mutant("json-ld-lt-unescaped", "httpref/render.py",
           'text.replace("<", "\\\\u003c").', "text.",
           (G + "test_text_with_quotes_ampersands_and_angle_brackets_reads_back_exactly",)),
    # Protocol facts, checked against the RFCs' own lists.
    Mutant("heuristic-without-414", "httpref/facts.py", "410, 414, 501)", "410, 501)",
           (G + "test_cacheable_by_default_is_rfc_9110s_list",)),
    Mutant("heuristic-without-451", "httpref/facts.py", ' | {451: "RFC 7725 §3"}', "",
           (G + "test_cacheable_by_default_is_rfc_9110s_list",)),
    Mutant("heuristic-with-302", "httpref/facts.py", "(200, 203, 204, 206,",
           "(200, 203, 204, 206, 302,", (G + "test_cacheable_by_default_is_rfc_9110s_list",)),
    Mutant("never-stored-without-431", "httpref/facts.py", '431: "RFC 6585 §5", ', "",
           (G + "test_rfc_6585_codes_are_never_stored_and_1xx_are_not_stored",)),
    Mutant("interim-responses-cacheable", "httpref/facts.py",
           'if code < 200:\n        return Rule("never"', 'if code < 100:\n        return Rule("never"',
           (G + "test_rfc_6585_codes_are_never_stored_and_1xx_are_not_stored",)),
    Mutant("304-may-carry-content", "httpref/facts.py", ', 304: "RFC 9110 §15.4.5"}', "}",
           (G + "test_responses_that_never_carry_content",)),
    Mutant("content-allowed-misread", "httpref/model.py",
           'return self.content_rule.key == "allowed"', 'return self.content_rule.key != "forbidden"',
           (G + "test_responses_that_never_carry_content",)),
    Mutant("redirect-307-permanent", "httpref/facts.py",
           '307: ("No", "Yes, with the body")', '307: ("Yes", "Yes, with the body")',
           (G + "test_redirect_table_states_rfc_9110_for_every_cell",)),
    Mutant("redirect-302-keeps-method", "httpref/facts.py",
           '302: ("No", "Yes, but a POST may become GET")', '302: ("No", "Yes, with the body")',
           (G + "test_redirect_table_states_rfc_9110_for_every_cell",)),
    # The writer.
    Mutant("rebuild-writes-straight-into-out", "httpref/pipeline.py",  # an earlier build stays ours
           "count = write_site(outputs, out, root)",
           'count = write_changed(outputs, out, {}) if (out / ".httpref-build").is_file() '
           "else write_site(outputs, out, root)",
           (G + "test_a_write_that_fails_midway_leaves_the_previous_site",)),
    Mutant("swap-copies-over-the-old-tree", "httpref/write.py",
           "elif exchange(staging, out):", "elif shutil.copytree(staging, out, dirs_exist_ok=True):",
           (G + "test_a_rebuild_drops_pages_whose_entry_was_deleted",)),
    Mutant("swap-by-two-renames-where-exchange-works", "httpref/write.py",
           "elif exchange(staging, out):", "elif False:",
           ("tests/test_output_safety.py::"
            "test_a_signal_during_the_swap_waits_until_the_new_site_is_in",)),
    Mutant("write-changed-in-place", "httpref/write.py",
           'temporary = target.with_name(f".{target.name}.tmp")', "temporary = target",
           ("tests/test_serve.py::test_readers_never_see_a_partly_written_page",)),
    Mutant("no-marker-check", "httpref/write.py", "if names and MARKER not in names:",
           "if False:", ("tests/test_output_safety.py::test_a_dangerous_output_is_refused_in_one"
                         "_line_and_nothing_is_touched[a folder of someone else's files]",)),
    # The dev server's incremental rebuilds.
    Mutant("stale-pages-kept", "httpref/pipeline.py", "count += remove_stale(",
           "count += 0 and remove_stale(",
           (G + "test_the_dev_server_removes_the_page_of_a_deleted_entry",)),
    Mutant("class-page-not-rerendered", "httpref/kinds/classes.py",
           "(cls, tuple(entry.listing for entry in codes), out.linked(SOURCE)),",
           "(cls, out.linked(SOURCE)),",
           (G + "test_a_phrase_edit_reaches_every_page_that_shows_it",)),
    Mutant("api-not-rerendered", "httpref/render.py",
           '"\\n").encode(), (tuple(site.codes), site.comparisons))',
           '"\\n").encode())',
           (G + "test_a_phrase_edit_reaches_every_page_that_shows_it",)),
    Mutant("previous-neighbour-missed", "httpref/kinds/codes.py",
           "for item in (previous, following) if item)", "for item in (following,) if item)",
           (G + "test_a_phrase_edit_reaches_every_page_that_shows_it",)),
    Mutant("next-neighbour-missed", "httpref/kinds/codes.py",
           "for item in (previous, following) if item)", "for item in (previous,) if item)",
           (G + "test_a_phrase_edit_reaches_every_page_that_shows_it",)),
    Mutant("phrase-not-in-listing", "httpref/model.py",
           "return (self.code, self.phrase, self.summary,", "return (self.code, self.summary,",
           (G + "test_a_phrase_edit_reaches_every_page_that_shows_it",)),
    Mutant("links-not-in-what-a-page-shows", "httpref/kinds/codes.py",
           "shows = (entry, site.classes[entry.class_key][\"name\"], out.linked(entry.source),",
           "shows = (entry, site.classes[entry.class_key][\"name\"],",
           (R + "[a linked phrase]", R + "[an origin that code lists select by]")),
    Mutant("redirect-table-not-in-what-it-shows", "httpref/kinds/codes.py",
           "entry.code in facts.REDIRECTS and out.linked(*facts.REDIRECTS),", "",
           ("tests/test_serve.py::test_a_redirect_name_edit_reaches_every_redirect_table",)),
    Mutant("assets-not-in-what-pages-show", "httpref/render.py",
           "tuple(url for url, _ in assets.values()), site.config)", "site.config)",
           (R + "[the stylesheet]",)),
    Mutant("templates-not-in-what-pages-show", "httpref/render.py",
           "common = (templates_digest(templates),", "common = (0,",
           (R + "[a template]",)),
    # Parallel rendering.
    Mutant("one-render-worker", "httpref/pipeline.py",
           "return min(os.cpu_count() or 1, 4)", "return 1",
           ("tests/test_site.py::test_parallel_rendering_gives_the_same_files_as_serial",)),
    Mutant("forks-beside-threads", "httpref/pipeline.py",
           "if threading.active_count() > 1 or", "if",
           ("tests/test_site.py::"
            "test_render_workers_follow_the_cores_and_never_fork_beside_a_thread",)),
    Mutant("parent-share-dropped", "httpref/pipeline.py",
           "gather(lambda: render_share(shares[0]))", "gather(lambda: [])",
           ("tests/test_site.py::test_parallel_rendering_gives_the_same_files_as_serial",)),
    # What reviewers check on the built pages.
    Mutant("muted-text-low-contrast", "static/style.css",
           "--muted: light-dark(#57606a,", "--muted: light-dark(#a8aeb4,",
           ("tests/test_quality.py::test_no_accessibility_violations[390-light]",)),
    # A maintainer's mistakes, reported where they are.
    Mutant("yaml-error-hides-the-rest", "httpref/reader.py",
           "lines[start:end] = [\"\"] * (end - start)", "return False",
           (V + "test_rule[unquoted colon is invalid YAML, and the other mistakes are still "
                "listed]",)),
    Mutant("yaml-error-without-hint", "httpref/reader.py",
           "index, message = yaml_problem(error, lines)",
           "index, message = error.problem_mark.line, error.problem",
           (V + "test_rule[value starting with a backtick]",)),
    Mutant("folded-value-lines-ignored", "httpref/reader.py",
           "breaks.append((found, number))", "pass",
           (V + "test_rule[a line of a folded value is named exactly]",
            V + "test_rule[a line of a plain multi-line value is named exactly]")),
    Mutant("invisible-characters-kept", "httpref/reader.py",
           "if match := INVISIBLE.search(line):", "if False:",
           (V + "test_rule[invisible line separator keeps later lines right]",)),
    Mutant("record-key-twice-accepted", "httpref/reader.py", "if key in record:", "if False:",
           (V + "test_rule[key given twice in a record]",)),
    Mutant("markdown-in-plain-text", "httpref/reader.py",
           "if text and (markup := MARKUP_IN_PLAIN.search(text)):", "if False:",
           (M + "test_markdown_in_a_plain_text_field_is_reported",)),
    Mutant("future-source-date", "httpref/reader.py", "elif day > datetime.date.today():",
           "elif False:", (M + "test_source_dates_are_days_quoted_or_not",)),
    Mutant("editor-files-published", "httpref/render.py",
           "if p.is_file() and not is_editor_file(p.relative_to(static)))", "if p.is_file())",
           (M + "test_editor_and_system_files_are_neither_content_nor_published",)),
    Mutant("registry-rows-unchecked", "httpref/registry.py",
           "problem = registry_row_problem(row, registry)", "problem = None",
           (M + "test_a_bad_registry_row_names_its_line",)),
    Mutant("page-takes-a-code-url", "httpref/kinds/pages.py", "    if taken:\n", "    if False:\n",
           (M + "test_a_prose_page_cannot_take_a_url_the_site_uses",)),
    # The dev server while content is broken.
    Mutant("lost-files-not-restored", "httpref/pipeline.py", "count = self.restore()",
           "count = 0", ("tests/test_serve.py::"
                         "test_built_files_deleted_or_changed_behind_its_back_come_back",)),
    Mutant("no-drafts", "httpref/serve.py", "app.drafts = builder.drafts(error.problems)",
           "app.drafts = {}", ("tests/test_serve.py::"
                               "test_a_new_entry_is_a_marked_draft_in_the_dev_server_and_never_built",)),
    Mutant("draft-renders-wrong-markdown", "httpref/render.py",
           "return html if len(markdown.problems) == count else", "return html if True else",
           ("tests/test_serve.py::test_a_draft_shows_wrong_markdown_as_typed",)),
    # The dev server's file serving.
    Mutant("serves-outside-the-output", "httpref/serve.py",
           "return candidate if candidate.is_relative_to(root) else None", "return candidate",
           ("tests/test_serve.py::test_nothing_outside_the_output_folder_is_served",)),
    Mutant("apostrophes-not-folded", "httpref/kinds/messages.py",
           '"NFKC", text).translate(QUOTES)', '"NFKC", text)',
           ("tests/test_messages.py::test_a_broken_message_is_reported_at_its_line",)),
    Mutant("message-of-a-missing-code-accepted", "httpref/kinds/messages.py",
           "if isinstance(means, int) and means not in have:", "if False:",
           ("tests/test_messages.py::test_a_broken_message_is_reported_at_its_line",)),
    Mutant("lookup-placeholders-literal", "static/lookup.js",
           'if (at) pieces.push(".+");', "",
           ("tests/test_messages.py::test_every_message_pasted_into_the_lookup_suggests_its_page_first",)),
    Mutant("glance-left-out", "templates/code.html",
           "{% if entry.visitor_side %}{{ ui.glance(entry) }}{% endif %}", "",
           ("tests/test_messages.py::test_every_page_a_visitor_lands_on_answers_them_in_its_header",)),
    Mutant("client-departures-unmarked", "httpref/kinds/clients.py",
           "return any(seen.get(item.key) is not None and seen[item.key] != item.value",
           "return False and any(seen.get(item.key) is not None and seen[item.key] != item.value",
           ("tests/test_clients.py",)),
    Mutant("observations-not-a-code-page-fact", "httpref/kinds/codes.py",
           "clients.observed_for(site, (entry.code,)), repr(sent))", "repr(sent))",
           (R + "[what a client was observed doing]",)),
    Mutant("proxy-answers-not-a-code-page-fact", "httpref/kinds/codes.py",
           "clients.observed_for(site, (entry.code,)), repr(sent))",
           "clients.observed_for(site, (entry.code,)))",
           (R + "[what a proxy was observed sending]",)),
    Mutant("platform-status-not-from-its-message", "httpref/kinds/platforms.py",
           "        return meanings[message]", "        return None",
           ("tests/test_proxies.py",)),
    Mutant("logged-status-not-a-sender", "httpref/kinds/proxies.py",
           "answer.client_status, answer.logged_status, answer.page", "answer.client_status, answer.page",
           ("tests/test_proxies.py",)),
    Mutant("proxy-timings-not-compared", "tests/observe_proxies.py",
           "        return abs(seen - kept) <= SLACK", "        return True",
           ("tests/test_proxies_observed.py",)),
    Mutant("proxy-error-log-read-from-the-start", "tests/observe_proxies.py",
           "    errors = running.logs()[1][before[1]:]", "    errors = running.logs()[1]",
           ("tests/test_proxies_observed.py",)),
    Mutant("test-server-content-after-204", "httpref/testserver.py",
           "if code in NO_CONTENT or code < 200:", "if code < 200:",
           ("tests/test_testserver.py",)),
    Mutant("redirect-follow-up-read-from-the-first-request", "tests/observe.py",
           'later = [entry for entry in log[1:] if entry["path"].endswith("/200")]',
           'later = [entry for entry in log if entry["path"].endswith("/200")]',
           ("tests/test_clients_observed.py",)),
)


def tracked_files() -> list:
    """The repository's files as git sees them (committed or not, ignored ones left out)."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=REPO, capture_output=True, check=True).stdout.decode()
    return [Path(name) for name in listing.split("\0")
            if name and not Path(name).is_relative_to(NODE_MODULES) and (REPO / name).is_file()]


def copy_repo(target: Path) -> Path:
    for rel in tracked_files():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target / rel)
    if (REPO / NODE_MODULES).exists():
        (target / NODE_MODULES).symlink_to((REPO / NODE_MODULES).resolve())
    return target


def apply(mutant: Mutant, root: Path):
    """Plant the bug; fail loudly unless the old text is there exactly once."""
    path = root / mutant.file
    text = path.read_text(encoding="utf-8")
    count = text.count(mutant.old)
    if count != 1:
        raise SystemExit(f"{mutant.name}: {mutant.old!r} occurs {count} times in {mutant.file}, "
                         "not once; update the mutant")
    path.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")


def run_tests(root: Path, tests: tuple) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                           *tests], cwd=root, env=env, capture_output=True, text=True,
                          timeout=900)


def main(argv: list) -> int:
    if "--list" in argv:
        for mutant in MUTANTS:
            print(f"{mutant.name:42} {mutant.file:24} {' '.join(mutant.tests)}")
        return 0
    why = "--why" in argv
    argv = [arg for arg in argv if arg != "--why"]
    names = {mutant.name for mutant in MUTANTS}
    unknown = [name for name in argv if name not in names]
    if unknown:
        raise SystemExit(f"unknown mutant(s): {', '.join(unknown)}; see --list")
    chosen = [mutant for mutant in MUTANTS if not argv or mutant.name in argv]
    with tempfile.TemporaryDirectory(prefix="httpref-mutants-") as temporary:
        pristine = copy_repo(Path(temporary) / "pristine")
        for mutant in chosen:  # every anchor first, so a stale one fails before any test runs
            text = (pristine / mutant.file).read_text(encoding="utf-8")
            if text.count(mutant.old) != 1:
                apply(mutant, pristine)  # raises with the message
        baseline = run_tests(pristine, tuple(dict.fromkeys(
            test for mutant in chosen for test in baseline_tests(mutant.tests))))
        if baseline.returncode != 0:
            print(baseline.stdout[-3000:] + baseline.stderr[-2000:])
            print("the tests fail without any mutant, so no mutant can be said to be caught")
            return 1
        missed = 0
        for mutant in chosen:
            started = time.perf_counter()
            root = Path(temporary) / mutant.name
            shutil.copytree(pristine, root, symlinks=True)
            apply(mutant, root)
            result = run_tests(root, mutant.tests)
            seconds = time.perf_counter() - started
            if result.returncode == 1:
                verdict = "caught"
            else:
                missed += 1
                verdict = "MISSED" if result.returncode == 0 else f"MISSED (pytest exit {result.returncode})"
            print(f"{verdict:8} {mutant.name:42} {mutant.file:24} {seconds:5.1f} s", flush=True)
            if why and result.returncode == 1:
                print("         " + first_failure(result.stdout), flush=True)
            shutil.rmtree(root, ignore_errors=True)
    print(f"{len(chosen) - missed} of {len(chosen)} mutants caught")
    return 1 if missed else 0


def first_failure(output: str) -> str:
    """The first `E   ` line of a pytest report, shortened."""
    line = next((line for line in output.splitlines() if line.startswith("E  ")), "(no E line)")
    return line[1:].strip()[:150]


def baseline_tests(tests: tuple) -> list:
    """A mutant's pytest arguments as selections that can be run together with others': a
    `-k EXPRESSION PATH…` becomes its paths, which run a superset of what it selects."""
    if "-k" in tests:
        expression = tests.index("-k") + 1
        return [test for index, test in enumerate(tests) if index not in (expression - 1, expression)]
    return list(tests)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
