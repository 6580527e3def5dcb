"""The AWX survey of the evacuate_host job template against the playbook and the role's argument spec.

docs/awx/survey-evacuate-host.json asks for the extra vars that playbooks/evacuate_host.yml reads (``host``,
``targets`` ...). The play checks them first (a pre_task passes them through the ``checked_inputs`` filter into a
fact), then turns each checked value into a ``host_evacuation_*`` variable that
roles/host_evacuation/meta/argument_specs.yml validates.  These tests keep the three files in step:
a renamed extra var, a renamed role option, a changed type or default fails here with the names involved.

The play's input check and variable expressions are run by Ansible's own templating in a child process (so the
plugin loader it needs does not touch this test process), exactly as they are run when AWX passes the answers as
extra vars.
"""

import json
import subprocess
import sys
from pathlib import Path

import jinja2
import jinja2.nodes
import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

ROOT = Path(__file__).resolve().parents[2]
SURVEY = ROOT / "docs" / "awx" / "survey-evacuate-host.json"
PLAYBOOK = ROOT / "playbooks" / "evacuate_host.yml"
ARGUMENT_SPECS = ROOT / "roles" / "host_evacuation" / "meta" / "argument_specs.yml"
ROLE = "novaops.migration.host_evacuation"
PREFIX = "host_evacuation_"

# Survey defaults that differ from the role default on purpose, and why.  An entry that no longer differs fails
# the test, so this list cannot go stale.
INTENTIONAL_DEFAULT_DIFFERENCES = {
    "report": "the role default is under $HOME, which under AWX is /runner inside the job's container and is "
              "thrown away with it; the survey points at a directory exposed to jobs, so host_restore can read it",
}

# Extra vars the playbook reads that the survey leaves out on purpose, and why.  An entry the playbook no longer reads
# fails the test, so this list cannot go stale either.
NOT_ASKED = {
    "operator": "AWX records the user who launched the job (awx_user_name) as the operator; an answer would let anyone "
                "write another name into the marker and the report",
    "progress_interval": "the default (a progress line about every 30 s) suits a job's output; set "
                         "host_evacuation_progress_interval in the template's Variables to change it",
    "on_stall": "a survey sends every answer, and any on_stall contradicts the survey's default strategy cold (only "
                "live migrations stall); set host_evacuation_on_stall in the template's Variables for live moves",
    "stall_timeout": "only used with on_stall (see there); the default of 120 s suits most guests, set "
                     "host_evacuation_stall_timeout in the template's Variables to change it",
    "live": "the old spelling of strategy (true is auto, false is cold), kept for existing command lines; a survey "
            "sends every answer, and an answer for both would make the play refuse to start",
}
# Words Ansible could not attach to a key (an unquoted -e cut at a space); the play reads them to refuse them.
LEFTOVER = "_raw_params"

# What AWX's survey_spec endpoint accepts (awx/api/views JobTemplateSurveySpec).
AWX_TYPES = {"text": str, "textarea": str, "password": str, "multiplechoice": str, "multiselect": str,
             "integer": int, "float": float}
# Which survey question types can feed an option of each argument-spec type (after the play's conversion).
COMPATIBLE = {
    "str": {"text", "textarea", "password", "multiplechoice"},
    "path": {"text", "textarea"},
    "raw": {"text", "textarea", "multiplechoice"},
    "int": {"integer"},
    "float": {"float", "integer"},
    "bool": {"multiplechoice"},
    "list": {"text", "textarea", "multiselect"},
}
# Answers Ansible's bool filter turns into True/False without a deprecation warning.
BOOLEAN_STRINGS = {"true", "false", "yes", "no", "on", "off", "1", "0"}
# Names a Jinja expression may read that are not extra vars.
TEMPLATE_GLOBALS = {"lookup", "query", "q", "now", "omit", "undef", "range", "dict", "lipsum", "namespace"}
# Sample answers for text questions without a default (the role validates them like any other value).
TEXT_SAMPLES = {"host": "compute-1", "note": "CHG-1234", "targets": "compute-2, compute-3",
                "filter": "starts_with(name, 'web-')"}
SPEC_KEYS = ("type", "required", "default", "choices", "elements", "aliases", "no_log", "options")

RENDER_SCRIPT = r"""
import json, sys
from ansible.plugins.loader import init_plugin_loader
request = json.load(sys.stdin)
init_plugin_loader(request["collections"])
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

def trusted(value):
    if isinstance(value, dict):
        return {key: trusted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [trusted(item) for item in value]
    return trust_as_template(value) if isinstance(value, str) else value

play_vars = trusted(request["play_vars"])
check = request["check"]
results = []
for answers in request["cases"]:
    variables = dict(play_vars)
    variables.update(trusted(answers))
    # The pre_task that checks the extra vars: set_fact with its task vars, as the play runs it.
    checker = Templar(loader=DataLoader(), variables=dict(variables, **trusted(check["task_vars"])))
    try:
        checked = checker.template(trusted(check["expression"]))
        variables[check["fact"]] = checked
        errors = list(checked["errors"])
    except Exception as exc:
        errors = ["%s: %s" % (type(exc).__name__, exc)]
    templar = Templar(loader=DataLoader(), variables=variables)
    rendered = {}
    for name in request["role_vars"]:
        try:
            rendered[name] = {"value": templar.template(play_vars[name])}
        except Exception as exc:
            rendered[name] = {"error": "%s: %s" % (type(exc).__name__, exc)}
    results.append({"errors": errors, "rendered": rendered})
json.dump(results, sys.stdout)
"""


def _load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def survey():
    with open(SURVEY, encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def questions(survey):
    return {question["variable"]: question for question in survey["spec"]}


@pytest.fixture(scope="module")
def play():
    plays = _load_yaml(PLAYBOOK)
    assert isinstance(plays, list) and len(plays) == 1, "%s should hold exactly one play" % PLAYBOOK
    return plays[0]


@pytest.fixture(scope="module")
def play_vars(play):
    """The play's role variables (``host_evacuation_*``); settings such as ``ansible_pipelining`` are not checked."""
    return {name: value for name, value in (play.get("vars") or {}).items() if name.startswith(PREFIX)}


@pytest.fixture(scope="module")
def check(play):
    """The pre_task that checks the extra vars: ``set_fact`` of ``fact`` from a mapping of the extra vars (``given``,
    in the task's vars) through ``checked_inputs``; ``values`` is the play variable that holds the checked values."""
    for task in play.get("pre_tasks") or []:
        facts = task.get("ansible.builtin.set_fact") or task.get("set_fact") or {}
        for fact, expression in facts.items():
            if isinstance(expression, str) and "checked_inputs" in expression:
                task_vars = task.get("vars") or {}
                given = [value for value in task_vars.values() if isinstance(value, dict)]
                assert len(given) == 1, "the input check of %s should have one mapping of extra vars" % PLAYBOOK.name
                values = [name for name, value in (play.get("vars") or {}).items() if fact in names_read(value)]
                assert len(values) == 1, "one variable of %s should hold the checked values of %s" % (PLAYBOOK.name, fact)
                return {"fact": fact, "expression": expression, "task_vars": task_vars, "given": given[0],
                        "values": values[0]}
    pytest.fail("%s has no pre_task that checks its extra vars with novaops.migration.checked_inputs" % PLAYBOOK.name)


@pytest.fixture(scope="module")
def options():
    specs = _load_yaml(ARGUMENT_SPECS)
    return specs["argument_specs"]["main"]["options"]


def names_read(expression):
    """Variable names a Jinja expression reads (filters and tests are not names)."""
    if not isinstance(expression, str):
        return set()
    tree = jinja2.Environment().parse(expression)
    return {node.name for node in tree.find_all(jinja2.nodes.Name) if node.ctx == "load"}


def keys_read(expression, mapping):
    """The keys a Jinja expression reads from the variable ``mapping`` (``mapping.key`` or ``mapping['key']``)."""
    if not isinstance(expression, str):
        return set()
    tree = jinja2.Environment().parse(expression)
    keys = set()
    for node in tree.find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem)):
        if isinstance(node.node, jinja2.nodes.Name) and node.node.name == mapping:
            if isinstance(node, jinja2.nodes.Getattr):
                keys.add(node.attr)
            elif isinstance(node.arg, jinja2.nodes.Const) and isinstance(node.arg.value, str):
                keys.add(node.arg.value)
    return keys


def extra_vars_read(check):
    """Extra vars the play reads: every name its input check reads, minus template globals and Ansible's leftovers."""
    names = set()
    for expression in check["given"].values():
        names |= names_read(expression)
    return names - TEMPLATE_GLOBALS - {LEFTOVER}


def consumers(variable, play_vars, options, check):
    """The role variables a survey variable reaches: through the input check (the checked value of each key that
    reads it), or the option itself (extra vars win)."""
    keys = set(key for key, expression in check["given"].items() if variable in names_read(expression))
    reached = sorted(name for name, expression in play_vars.items() if keys_read(expression, check["values"]) & keys)
    if variable.startswith(PREFIX) and variable in options and variable not in reached:
        reached.append(variable)
    return reached


def known_consumers(variable, play_vars, options, check):
    """:func:`consumers` that are role options (the others fail test_every_survey_variable_reaches_a_role_option)."""
    return [name for name in consumers(variable, play_vars, options, check) if name in options]


def render(play, play_vars, check, cases):
    """Run the play's input check and render its role variables for each dict of answers with Ansible's templating
    (child process): a list of ``{"errors": [...], "rendered": {name: {"value"|"error": ...}}}``."""
    request = {"collections": [str(ROOT / ".venv" / "collections")],
               "play_vars": play.get("vars") or {}, "role_vars": sorted(play_vars), "cases": cases,
               "check": {key: check[key] for key in ("fact", "expression", "task_vars")}}
    proc = subprocess.run([sys.executable, "-c", RENDER_SCRIPT], input=json.dumps(request), capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, "rendering the play variables failed:\n%s" % proc.stderr
    return json.loads(proc.stdout)


def validator(options):
    spec = {name: {key: value for key, value in option.items() if key in SPEC_KEYS}
            for name, option in options.items()}
    return ArgumentSpecValidator(spec)


def default_answers(questions):
    """What AWX passes when nobody changes a default, with samples for required questions that have none."""
    answers = {}
    for name, question in questions.items():
        if question.get("default") not in (None, ""):
            answers[name] = question["default"]
        elif question.get("required"):
            answers[name] = TEXT_SAMPLES.get(name, "sample")
        elif "default" in question:
            answers[name] = question["default"]
    return answers


def choices_of(question):
    """Choices as a list (AWX accepts a list or a newline-separated string; also used for multiselect defaults)."""
    choices = question.get("choices")
    if isinstance(choices, str):
        return [choice for choice in choices.splitlines() if choice.strip()]
    return list(choices or [])


# --------------------------------------------------------------------------------------------------------------


def test_survey_is_a_valid_awx_survey_spec(survey):
    """The checks AWX applies on POST /api/v2/job_templates/N/survey_spec/, so the file can be posted as it is."""
    for field, kind in (("name", str), ("description", str), ("spec", list)):
        assert isinstance(survey.get(field), kind), "survey field %r must be a %s" % (field, kind.__name__)
    assert survey["spec"], "the survey has no questions"
    seen = set()
    for index, question in enumerate(survey["spec"]):
        where = "survey question %d (%s)" % (index, question.get("variable"))
        for field in ("type", "question_name", "variable"):
            assert isinstance(question.get(field), str) and question[field], "%s: %r must be a string" % (where, field)
        assert isinstance(question.get("required"), bool), "%s: 'required' must be a boolean" % where
        assert question["variable"] not in seen, "%s: variable defined twice" % where
        seen.add(question["variable"])
        assert question["type"] in AWX_TYPES, "%s: type %r is not an AWX survey type" % (where, question["type"])
        default = question.get("default")
        if default not in (None, ""):
            assert isinstance(default, AWX_TYPES[question["type"]]) and not isinstance(default, bool), (
                "%s: default %r is not a valid %s default" % (where, default, question["type"]))
        for limit in ("min", "max"):
            if question.get(limit) is not None:
                assert isinstance(question[limit], int), "%s: %r must be an integer" % (where, limit)
        if question["type"] in ("multiplechoice", "multiselect"):
            choices = choices_of(question)
            assert choices, "%s: a %s question needs choices" % (where, question["type"])
            defaults = [default] if question["type"] == "multiplechoice" else choices_of({"choices": default})
            for value in defaults:
                if value not in (None, ""):
                    assert value in choices, "%s: default %r is not one of %s" % (where, value, choices)
        if question["type"] == "integer" and default not in (None, ""):
            assert question.get("min") is None or default >= question["min"], "%s: default below min" % where
            assert question.get("max") is None or default <= question["max"], "%s: default above max" % where


def test_play_runs_the_role(play):
    roles = [entry.get("role") if isinstance(entry, dict) else entry for entry in play.get("roles") or []]
    assert roles == [ROLE], "%s should run %s (found %s)" % (PLAYBOOK.name, ROLE, roles)


def test_play_only_sets_role_options(play_vars, options):
    """Every host_evacuation_* variable the play sets is an option of the role (catches a renamed option)."""
    unknown = sorted(set(play_vars) - set(options))
    assert not unknown, ("%s sets %s, which %s does not define (renamed option?). Options: %s"
                         % (PLAYBOOK.name, ", ".join(unknown), ARGUMENT_SPECS.relative_to(ROOT), ", ".join(sorted(options))))


def test_survey_asks_for_exactly_the_extra_vars_the_playbook_reads(questions, check):
    read = extra_vars_read(check)
    asked = set(questions)
    assert not asked - read, ("the survey asks for %s, which %s does not read (renamed extra var?). It reads: %s"
                              % (", ".join(sorted(asked - read)), PLAYBOOK.name, ", ".join(sorted(read))))
    assert not read - asked - set(NOT_ASKED), (
        "%s reads the extra vars %s, which the survey does not ask for (ask for them, or say why not in NOT_ASKED)"
        % (PLAYBOOK.name, ", ".join(sorted(read - asked - set(NOT_ASKED)))))
    stale = sorted(set(NOT_ASKED) - (read - asked))
    assert not stale, "NOT_ASKED lists %s, which %s does not read or the survey asks for" % (stale, PLAYBOOK.name)


def test_every_survey_variable_reaches_a_role_option(questions, play_vars, options, check):
    for variable in questions:
        reached = consumers(variable, play_vars, options, check)
        assert reached, "survey variable %r is not read by any variable of %s" % (variable, PLAYBOOK.name)
        for option in reached:
            assert option in options, (
                "survey variable %r feeds %s in %s, which is not an option of %s (renamed option?). Options: %s"
                % (variable, option, PLAYBOOK.name, ARGUMENT_SPECS.relative_to(ROOT), ", ".join(sorted(options))))


def test_survey_types_fit_the_option_types(questions, play_vars, options, check):
    for variable, question in questions.items():
        for option_name in known_consumers(variable, play_vars, options, check):
            option = options[option_name]
            option_type = option.get("type", "str")
            qtype = question["type"]
            assert qtype in COMPATIBLE.get(option_type, set()), (
                "survey variable %r is a %s question but feeds %s of type %s (allowed: %s)"
                % (variable, qtype, option_name, option_type, ", ".join(sorted(COMPATIBLE.get(option_type, ())))))
            choices = choices_of(question)
            if option.get("choices") and choices:
                outside = sorted(set(choices) - {str(choice) for choice in option["choices"]})
                assert not outside, ("survey variable %r offers %s, which %s does not accept (choices: %s)"
                                     % (variable, outside, option_name, option["choices"]))
            if option_type == "bool":
                outside = sorted({str(choice).lower() for choice in choices} - BOOLEAN_STRINGS)
                assert not outside, "survey variable %r feeds the boolean %s but offers %s" % (
                    variable, option_name, outside)


def test_required_options_are_required_in_the_survey(questions, play_vars, options, check):
    for option_name, option in sorted(options.items()):
        if not option.get("required"):
            continue
        feeding = [variable for variable in questions if option_name in consumers(variable, play_vars, options, check)]
        assert feeding, "the role requires %s, but no survey question feeds it" % option_name
        for variable in feeding:
            assert questions[variable]["required"], (
                "the role requires %s, so survey variable %r must be required" % (option_name, variable))
            assert questions[variable].get("default") in (None, ""), (
                "survey variable %r feeds the required %s and must have no default" % (variable, option_name))


def test_survey_defaults_agree_with_the_role_defaults(play, questions, play_vars, options, check):
    answers = default_answers(questions)
    outcome = render(play, play_vars, check, [answers])[0]
    assert not outcome["errors"], "the default answers fail the input check of %s: %s" % (PLAYBOOK.name, outcome["errors"])
    rendered = outcome["rendered"]
    for variable, question in questions.items():
        if question.get("default") in (None, "") and "default" not in question:
            continue
        for option_name in known_consumers(variable, play_vars, options, check):
            option = options[option_name]
            if "default" not in option:
                continue  # the role has no default (for example the cloud): any survey default is a choice
            result = rendered[option_name]
            assert "error" not in result, "rendering %s failed: %s" % (option_name, result.get("error"))
            agrees = result["value"] == option["default"]
            if variable in INTENTIONAL_DEFAULT_DIFFERENCES:
                assert not agrees, ("survey variable %r is listed as an intentional default difference but now "
                                    "agrees with %s; remove it from the list" % (variable, option_name))
                continue
            assert agrees, ("survey default %r of %r gives %s=%r, but the role default is %r"
                            % (question.get("default"), variable, option_name, result["value"], option["default"]))
    stale = sorted(set(INTENTIONAL_DEFAULT_DIFFERENCES) - set(questions))
    assert not stale, "intentional default differences for variables the survey no longer has: %s" % stale


def test_every_answer_passes_the_role_argument_spec(play, questions, play_vars, options, check):
    """Each choice, integer limit and the defaults pass the play's input check and, turned into role variables by the
    play, validate cleanly."""
    base = default_answers(questions)
    cases = [dict(base)]
    for variable, question in questions.items():
        values = []
        if question["type"] in ("multiplechoice", "multiselect"):
            values = choices_of(question) if question["type"] == "multiplechoice" else [choices_of(question)]
        elif question["type"] in ("integer", "float"):
            values = [question[limit] for limit in ("min", "max") if question.get(limit) is not None]
        elif variable in TEXT_SAMPLES:
            values = [TEXT_SAMPLES[variable]]
        cases.extend(dict(base, **{variable: value}) for value in values)
    argument_spec = validator(options)
    for answers, outcome in zip(cases, render(play, play_vars, check, cases), strict=True):
        assert not outcome["errors"], "answers %s fail the input check of %s: %s" % (
            answers, PLAYBOOK.name, outcome["errors"])
        rendered = outcome["rendered"]
        errors = {name: result["error"] for name, result in rendered.items() if "error" in result}
        assert not errors, "answers %s: the play could not render %s" % (answers, errors)
        parameters = {name: result["value"] for name, result in rendered.items()}
        validation = argument_spec.validate(parameters)
        messages = [str(error) for error in validation.errors]
        assert not messages, "answers %s give role variables %s that fail the argument spec: %s" % (
            answers, parameters, "; ".join(messages))
