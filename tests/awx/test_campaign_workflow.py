"""The AWX workflow of a maintenance campaign against its survey, the playbook and the role's argument spec.

docs/awx/workflow-maintain-computes.yml defines two job templates and the workflow plan -> approval -> run -> restore
that run playbooks/maintain_computes.yml; docs/awx/survey-maintain-computes.json is the survey of all three. The
playbook checks its extra vars (a pre_task through the ``checked_inputs`` filter, then a task that stops on a bad
value), then maps each checked value onto a ``compute_maintenance_*`` variable that
roles/compute_maintenance/meta/argument_specs.yml validates. These tests keep the four files in step.

The answers are run through the playbook's own input checks and variable mapping by Ansible's templating in a child
process, as AWX passes them: every survey answer untrusted (AWX writes launch-time extra vars as ``!unsafe`` unless
``ALLOW_JINJA_IN_EXTRA_VARS`` is ``always``), together with the variables AWX adds to every job (``awx_*``,
``tower_*``) and, for a node after the first, the ``set_stats`` artifacts of the nodes before it (AWX passes them to
later nodes as extra vars, below the workflow's own extra vars and above the node's ``extra_data``).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

sys.path.insert(0, str(Path(__file__).resolve().parent))
# Shared helpers of the evacuate survey test (its directory is on sys.path above).
import test_survey_matches_argument_spec as evacuate_survey
from test_survey_matches_argument_spec import BOOLEAN_STRINGS, COMPATIBLE, LEFTOVER, SPEC_KEYS, TEMPLATE_GLOBALS, choices_of, keys_read, names_read

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "docs" / "awx" / "workflow-maintain-computes.yml"
SURVEY = ROOT / "docs" / "awx" / "survey-maintain-computes.json"
PLAYBOOK = ROOT / "playbooks" / "maintain_computes.yml"
ROLE_DIR = ROOT / "roles" / "compute_maintenance"
ARGUMENT_SPECS = ROLE_DIR / "meta" / "argument_specs.yml"
ROLE_DEFAULTS = ROLE_DIR / "defaults" / "main.yml"
ROLE = "novaops.migration.compute_maintenance"
PREFIX = "compute_maintenance_"
PLAYBOOK_IN_PROJECT = "playbooks/maintain_computes.yml"
WORKFLOW = "Maintain computes"
ORDER = ("plan", "approve", "run", "restore")

# Survey questions whose default differs from the role's on purpose (a question without a default counts as
# different when the role has one), and why. An entry that no longer differs fails, so the list cannot go stale.
INTENTIONAL_DEFAULT_DIFFERENCES = {
    "campaign": "the role's default name 'maintenance' would make every campaign resume the last one; the operator "
                "names each campaign, and the same name resumes it",
    "note": "every maintenance should name its change ticket, which goes into each host's disabled reason",
    "state": "the role default is under $HOME, which under AWX is inside the job's container and is thrown away with "
             "it, so a relaunch could not resume; the answer must be on storage that outlives the job, and cannot "
             "be a template of the campaign name because AWX passes survey answers as unsafe (not templated)",
    "report": "as for state: the role default under $HOME is lost with the job's container",
}
# Extra vars the playbook reads that the survey leaves out on purpose, and why.
NOT_ASKED = {
    "operator": "AWX records the user who launched the job (awx_user_name) as the operator; an answer would let anyone "
                "write another name into the markers and the report",
    "return_servers": "the restore node sets it in its extra_data; a survey answer would reach every node of the "
                      "workflow and, being a workflow extra var, override the node's value",
    "on_stall": "a survey sends every answer, and any on_stall contradicts the survey's default strategy cold (only "
                "live migrations stall); set compute_maintenance_on_stall in the template's Variables for live moves",
    "stall_timeout": "only used with on_stall (see there); set compute_maintenance_stall_timeout in the Variables",
}
# Answers for text questions without a default, as an operator would give them.
TEXT_SAMPLES = {"campaign": "patch-2026-11", "note": "CHG-1234 kernel update", "computes": "compute-1, compute-2",
                "compute_group": "computes", "aggregates": "rack-a", "zone": "az1",
                "pre_hook_tasks": "/runner/project/hooks/silence.yml",
                "hook_tasks": "/runner/project/hooks/upgrade-and-reboot.yml",
                "post_hook_tasks": "/runner/project/hooks/unsilence.yml",
                "gate_tasks": "/runner/project/hooks/health.yml",
                "state": "/var/lib/novaops/campaigns/patch-2026-11.state.json",
                "report": "/var/lib/novaops/campaigns/patch-2026-11.json"}
# The hosts of the campaign: the playbook refuses to start without one of these.
HOST_SELECTION = ("computes", "compute_group", "aggregates", "zone")
# The inventory the job runs with (the hooks reach the compute hosts through it).
GROUPS = {"all": ["localhost", "compute-1", "compute-2"], "ungrouped": ["localhost"],
          "computes": ["compute-1", "compute-2"]}
# Variables AWX adds to the extra vars of every job (awx/main/models/jobs.py, awx_meta_vars), and those of a job
# launched by a workflow.
AWX_META_VARS = {
    "awx_job_id": 101, "awx_job_launch_type": "workflow", "awx_user_id": 3, "awx_user_name": "alice",
    "awx_user_email": "alice@example.com", "awx_user_first_name": "Alice", "awx_user_last_name": "Smith",
    "awx_inventory_id": 2, "awx_inventory_name": "novaops-campaign", "awx_project_revision": "c42e671",
    "awx_project_scm_branch": "main", "awx_execution_node": "awx-task-0", "awx_job_template_id": 7,
    "awx_job_template_name": "Maintain computes - run", "awx_workflow_job_id": 100,
    "awx_workflow_job_name": WORKFLOW, "awx_workflow_job_template_id": 9,
    "awx_parent_job_schedule_id": None, "awx_parent_job_schedule_name": None,
    "tower_job_id": 101, "tower_job_launch_type": "workflow", "tower_user_id": 3, "tower_user_name": "alice",
    "tower_inventory_id": 2, "tower_inventory_name": "novaops-campaign", "tower_job_template_id": 7,
    "tower_job_template_name": "Maintain computes - run", "tower_workflow_job_id": 100,
}

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

# The play's own text is trusted; the extra vars are not (AWX marks launch-time extra vars !unsafe).
play_vars = trusted(request["play_vars"])
checks = request["checks"]
results = []
for extra_vars in request["cases"]:
    variables = dict(play_vars, groups=request["groups"])
    variables.update(extra_vars)
    errors = []
    for check in checks:
        templar = Templar(loader=DataLoader(), variables=dict(variables, **trusted(check["task_vars"])))
        try:
            value = templar.template(trust_as_template(check["expression"]))
        except Exception as exc:
            errors.append("%s: %s: %s" % (check["name"], type(exc).__name__, exc))
            break
        if check.get("fact"):
            variables[check["fact"]] = value
            errors.extend(value["errors"])
        else:  # the stop task's list repeats the errors of checked_inputs
            errors.extend(error for error in value if error not in errors)
    rendered = {}
    templar = Templar(loader=DataLoader(), variables=variables)
    for name in request["role_vars"]:
        if name in extra_vars:
            rendered[name] = {"value": extra_vars[name], "extra_var": True}
            continue
        try:
            rendered[name] = {"value": templar.template(play_vars[name])}
        except Exception as exc:
            rendered[name] = {"error": "%s: %s" % (type(exc).__name__, exc)}
    results.append({"errors": errors, "rendered": rendered})
json.dump(results, sys.stdout, default=str)
"""


def _load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def definitions():
    return _load_yaml(DEFINITIONS)


@pytest.fixture(scope="module")
def templates(definitions):
    return {template["name"]: template for template in definitions["job_templates"]}


@pytest.fixture(scope="module")
def workflow(definitions):
    workflows = [item for item in definitions["workflow_job_templates"] if item["name"] == WORKFLOW]
    assert len(workflows) == 1, "%s should define the workflow %r once" % (DEFINITIONS.name, WORKFLOW)
    return workflows[0]


@pytest.fixture(scope="module")
def nodes(workflow):
    found = {}
    for node in workflow["workflow_nodes"]:
        assert node["identifier"] not in found, "node %r defined twice" % node["identifier"]
        found[node["identifier"]] = node
    return found


@pytest.fixture(scope="module")
def survey():
    with open(SURVEY, encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def questions(survey):
    return {question["variable"]: question for question in survey["spec"]}


@pytest.fixture(scope="module")
def play():
    # The plan play reads and checks the extra vars; the run play takes its settings from the plan play.
    plays = _load_yaml(PLAYBOOK)
    assert isinstance(plays, list) and len(plays) == 2, "%s should hold the plan play and the run play" % PLAYBOOK
    assert not plays[1].get("vars"), "the run play should take its settings from the plan play, not from its own vars"
    return plays[0]


@pytest.fixture(scope="module")
def play_vars(play):
    return {name: value for name, value in (play.get("vars") or {}).items() if name.startswith(PREFIX)}


@pytest.fixture(scope="module")
def options():
    return _load_yaml(ARGUMENT_SPECS)["argument_specs"]["plan"]["options"]


@pytest.fixture(scope="module")
def role_defaults():
    return _load_yaml(ROLE_DEFAULTS)


@pytest.fixture(scope="module")
def check(play):
    """The playbook's input check: the pre_task that sets a fact through ``checked_inputs`` from a mapping of the
    extra vars (``given``), the play variable that holds the checked values (``values``), and the pre_task that stops
    on a bad extra var (a ``fail`` whose ``when`` reads a list of problems from its vars)."""
    found = {}
    for task in play.get("pre_tasks") or []:
        facts = task.get("ansible.builtin.set_fact") or task.get("set_fact") or {}
        for fact, expression in facts.items():
            if isinstance(expression, str) and "checked_inputs" in expression:
                task_vars = task.get("vars") or {}
                given = [value for value in task_vars.values() if isinstance(value, dict)]
                assert len(given) == 1, "the input check of %s should have one mapping of extra vars" % PLAYBOOK.name
                values = [name for name, value in (play.get("vars") or {}).items() if fact in names_read(value)]
                assert len(values) == 1, "one variable of %s should hold the checked values" % PLAYBOOK.name
                found.update(fact=fact, expression=expression, task_vars=task_vars, given=given[0], values=values[0])
        if "fact" in found and (task.get("ansible.builtin.fail") or task.get("fail")) is not None:
            when = "{{ %s }}" % task.get("when")  # a bare expression, as Ansible reads it
            problems = [name for name in (task.get("vars") or {}) if name in names_read(when)]
            assert len(problems) == 1, "the task that stops on a bad extra var should read one list of problems"
            found.update(stop_name=task.get("name"), stop_vars=task.get("vars"), problems=problems[0])
            break
    assert "fact" in found, "%s has no pre_task that checks its extra vars with checked_inputs" % PLAYBOOK.name
    assert "problems" in found, "%s has no pre_task that stops on a bad extra var" % PLAYBOOK.name
    return found


def extra_vars_read(check):
    names = set()
    for expression in check["given"].values():
        names |= names_read(expression)
    return names - TEMPLATE_GLOBALS - {LEFTOVER}


def consumers(variable, play_vars, check):
    """The role variables an extra var reaches through the input check."""
    keys = {key for key, expression in check["given"].items() if variable in names_read(expression)}
    return sorted(name for name, expression in play_vars.items() if keys_read(expression, check["values"]) & keys)


def render(play, play_vars, check, cases):
    """For each dict of extra vars: the errors of the playbook's input check (both pre_tasks) and the role variables
    the play gives the role (an extra var of the same name wins, as in Ansible)."""
    checks = [{"name": "checked_inputs", "fact": check["fact"], "expression": check["expression"],
               "task_vars": check["task_vars"]},
              {"name": check["stop_name"], "expression": "{{ %s }}" % check["problems"],
               "task_vars": check["stop_vars"]}]
    request = {"collections": [str(ROOT / ".venv" / "collections")], "play_vars": play.get("vars") or {},
               "role_vars": sorted(play_vars), "cases": cases, "checks": checks, "groups": GROUPS}
    proc = subprocess.run([sys.executable, "-c", RENDER_SCRIPT], input=json.dumps(request), capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, "rendering the play variables failed:\n%s" % proc.stderr
    return json.loads(proc.stdout)


def default_answers(questions):
    """What the survey sends when nobody changes a default: samples for required questions without one, and the
    compute hosts (the playbook refuses to start without hosts)."""
    answers = {}
    for name, question in questions.items():
        if question.get("default") not in (None, ""):
            answers[name] = question["default"]
        elif question.get("required"):
            answers[name] = TEXT_SAMPLES[name]
        else:
            answers[name] = question.get("default", "")
    answers["computes"] = TEXT_SAMPLES["computes"]
    return answers


def node_extra_vars(node, answers, artifacts):
    """The extra vars of a node's job, in AWX's order: the node's extra_data, then the artifacts of the nodes before
    it, then the workflow's extra vars (its survey answers), plus AWX's own variables."""
    extra_vars = dict(node.get("extra_data") or {})
    extra_vars.update(artifacts)
    extra_vars.update(answers)
    extra_vars.update(AWX_META_VARS)
    return extra_vars


def published_stats():
    """The set_stats data keys the role publishes (AWX artifacts) and the facts its tasks set."""
    stats, facts = set(), set()

    def walk(tasks):
        for task in tasks or []:
            if not isinstance(task, dict):
                continue
            for key in ("block", "rescue", "always"):
                walk(task.get(key))
            for name in ("ansible.builtin.set_stats", "set_stats"):
                if isinstance(task.get(name), dict):
                    stats.update((task[name].get("data") or {}).keys())
            for name in ("ansible.builtin.set_fact", "set_fact"):
                if isinstance(task.get(name), dict):
                    facts.update(key for key in task[name] if key != "cacheable")

    for path in sorted((ROLE_DIR / "tasks").glob("*.yml")):
        walk(_load_yaml(path))
    return stats, facts


def sample_artifacts():
    """What the plan and run nodes publish, by name (the values only need to be plausible)."""
    stats = published_stats()[0]
    return {name: ({"verdict": "PLANNED", "summary": "plan", "lines": [], "table": []} if name.endswith("_report")
                   else "/var/lib/novaops/campaigns/patch-2026-11.json") for name in sorted(stats)}


# --------------------------------------------------------------------------------------------------------------


def test_survey_is_a_valid_awx_survey_spec(survey, questions):
    evacuate_survey.test_survey_is_a_valid_awx_survey_spec(survey)
    for variable, question in questions.items():
        default = question.get("default")
        assert not (isinstance(default, str) and ("{{" in default or "{%" in default)), (
            "survey variable %r: default %r is a template, which AWX passes unexpanded (survey answers are "
            "!unsafe unless ALLOW_JINJA_IN_EXTRA_VARS is always)" % (variable, default))


def test_job_templates_run_the_playbook(definitions, templates):
    assert templates, "%s defines no job templates" % DEFINITIONS.name
    for name, template in templates.items():
        assert template["playbook"] == PLAYBOOK_IN_PROJECT, "%s: playbook %r" % (name, template["playbook"])
        assert template["allow_simultaneous"] is False, "%s: two jobs of one campaign must not run at once" % name
        assert template["use_fact_cache"] is False, "%s: use_fact_cache must be false" % name
        assert template["ask_variables_on_launch"] is True, "%s: ask_variables_on_launch must be true" % name
        assert template["survey_enabled"] is True, "%s: the survey must be enabled" % name
        assert template.get("credentials"), "%s: needs the OpenStack credential" % name
    for item in definitions["job_templates"] + definitions["workflow_job_templates"]:
        if item.get("survey_enabled"):
            assert (DEFINITIONS.parent / item["survey_spec_file"]).resolve() == SURVEY.resolve(), (
                "%s: its survey should be %s" % (item["name"], SURVEY.name))


def test_workflow_is_plan_approval_run_restore(workflow, nodes):
    assert tuple(nodes) == ORDER, "the workflow's nodes should be %s, found %s" % (ORDER, tuple(nodes))
    links = {}
    for identifier, node in nodes.items():
        related = node.get("related") or {}
        for kind in ("failure_nodes", "always_nodes"):
            assert not related.get(kind), "node %r: no %s expected (a failure stops the workflow)" % (identifier, kind)
        targets = [link["identifier"] for link in related.get("success_nodes") or []]
        for target in targets:
            assert target in nodes, "node %r links to an unknown node %r" % (identifier, target)
        links[identifier] = targets
    expected = {identifier: list(ORDER[index + 1:index + 2]) for index, identifier in enumerate(ORDER)}
    assert links == expected, "success links should form %s, found %s" % (" -> ".join(ORDER), links)
    assert workflow["allow_simultaneous"] is False


def test_every_node_template_exists(nodes, templates):
    for identifier, node in nodes.items():
        template = node["unified_job_template"]
        if identifier == "approve":
            assert template["type"] == "workflow_approval"
            assert isinstance(template.get("timeout"), int) and template["timeout"] > 0, "the approval needs a timeout"
            assert nodes["plan"]["unified_job_template"]["name"] in template["description"], (
                "the approval's description should tell the approver to read the plan node's output")
        else:
            assert template["type"] == "job_template"
            assert template["name"] in templates, "node %r runs %r, which %s does not define" % (
                identifier, template["name"], DEFINITIONS.name)


def _job_type(node, templates):
    template = templates[node["unified_job_template"]["name"]]
    if "job_type" in node:
        assert template.get("ask_job_type_on_launch"), (
            "node %r sets job_type, which %s does not prompt for" % (node["identifier"], template["name"]))
        return node["job_type"]
    return template["job_type"]


def test_plan_node_runs_check_mode_and_the_others_run(nodes, templates):
    assert _job_type(nodes["plan"], templates) == "check"
    assert nodes["plan"]["unified_job_template"]["name"] == "Maintain computes - plan"
    for identifier in ("run", "restore"):
        assert _job_type(nodes[identifier], templates) == "run", "node %r should run for real" % identifier
        assert nodes[identifier]["unified_job_template"]["name"] == "Maintain computes - run"


def test_node_extra_data_is_accepted_and_not_overridden(nodes, templates, questions, check):
    read = extra_vars_read(check)
    for identifier, node in nodes.items():
        extra_data = node.get("extra_data") or {}
        if not extra_data:
            continue
        template = templates[node["unified_job_template"]["name"]]
        assert template.get("ask_variables_on_launch") or set(extra_data) <= set(questions), (
            "node %r: AWX accepts extra_data only for a template that prompts for variables" % identifier)
        assert not set(extra_data) & set(questions), (
            "node %r sets %s, which the workflow's survey answers and would override" % (
                identifier, sorted(set(extra_data) & set(questions))))
        assert set(extra_data) <= read, "node %r sets %s, which %s does not read" % (
            identifier, sorted(set(extra_data) - read), PLAYBOOK.name)
    assert nodes["restore"].get("extra_data") == {"return_servers": True}
    assert not nodes["run"].get("extra_data"), "the run node takes the survey answers only"


def test_survey_asks_for_exactly_the_extra_vars_the_playbook_reads(questions, check):
    read = extra_vars_read(check)
    asked = set(questions)
    assert not asked - read, "the survey asks for %s, which %s does not read" % (sorted(asked - read), PLAYBOOK.name)
    assert not read - asked - set(NOT_ASKED), (
        "%s reads %s, which the survey does not ask for (ask, or say why not in NOT_ASKED)"
        % (PLAYBOOK.name, sorted(read - asked - set(NOT_ASKED))))
    stale = sorted(set(NOT_ASKED) - (read - asked))
    assert not stale, "NOT_ASKED lists %s, which %s does not read or the survey asks for" % (stale, PLAYBOOK.name)


def test_survey_types_and_choices_match_the_argument_spec(questions, play_vars, options, check):
    for variable, question in questions.items():
        reached = consumers(variable, play_vars, check)
        assert reached, "survey variable %r reaches no role variable of %s" % (variable, PLAYBOOK.name)
        for option_name in reached:
            assert option_name in options, "survey variable %r feeds %s, not an option of %s" % (
                variable, option_name, ROLE)
            option = options[option_name]
            option_type = option.get("type", "str")
            assert question["type"] in COMPATIBLE.get(option_type, set()), (
                "survey variable %r is a %s question but feeds %s of type %s"
                % (variable, question["type"], option_name, option_type))
            choices = choices_of(question)
            if option.get("choices"):
                assert sorted(choices) == sorted(str(choice) for choice in option["choices"]), (
                    "survey variable %r offers %s, %s accepts %s" % (variable, choices, option_name, option["choices"]))
            if option_type == "bool":
                assert sorted(choices) == ["false", "true"], "survey variable %r feeds the boolean %s" % (
                    variable, option_name)
                assert set(choices) <= BOOLEAN_STRINGS


def test_argument_spec_defaults_are_the_role_defaults(questions, play_vars, options, role_defaults, check):
    """Where the argument spec gives a plain default, defaults/main.yml agrees (the survey is compared with it)."""
    for variable in questions:
        for option_name in consumers(variable, play_vars, check):
            actual = role_defaults.get(option_name)
            if isinstance(actual, str) and "{{" in actual:
                continue  # a computed default (the paths under $HOME): the spec shows it as text
            assert options[option_name].get("default") == actual, (
                "%s: argument spec default %r, defaults/main.yml %r" % (
                    option_name, options[option_name].get("default"), actual))


def test_survey_defaults_agree_with_the_role_defaults(play, questions, play_vars, options, role_defaults, check):
    answers = default_answers(questions)
    outcome = render(play, play_vars, check, [answers])[0]
    assert not outcome["errors"], "the default answers fail the input check: %s" % outcome["errors"]
    differing = set()
    for variable, question in questions.items():
        for option_name in consumers(variable, play_vars, check):
            if option_name not in role_defaults or options[option_name].get("required"):
                continue
            if option_name == "compute_maintenance_hosts":
                continue  # the hosts sample stands in for an operator's answer
            result = outcome["rendered"][option_name]
            assert "error" not in result, "rendering %s failed: %s" % (option_name, result.get("error"))
            # A question without a default differs from a role that has one (the answer is a sample).
            if "default" not in question or result["value"] != options[option_name].get("default"):
                differing.add(variable)
    unlisted = sorted(differing - set(INTENTIONAL_DEFAULT_DIFFERENCES))
    assert not unlisted, "survey defaults of %s differ from the role's; list them with the reason" % unlisted
    stale = sorted(set(INTENTIONAL_DEFAULT_DIFFERENCES) - differing)
    assert not stale, "INTENTIONAL_DEFAULT_DIFFERENCES lists %s, which now agree or are gone" % stale


def _cases(questions):
    base = default_answers(questions)
    cases = [dict(base)]
    for variable, question in questions.items():
        values = []
        if question["type"] == "multiplechoice":
            values = choices_of(question)
        elif question["type"] == "integer":
            values = [question[limit] for limit in ("min", "max") if question.get(limit) is not None]
        elif variable in TEXT_SAMPLES:
            values = [TEXT_SAMPLES[variable]]
        cases.extend(dict(base, **{variable: value}) for value in values)
    for variable in HOST_SELECTION:  # each way of naming the hosts on its own
        cases.append(dict(dict(base, computes=""), **{variable: TEXT_SAMPLES[variable]}))
    return cases


def test_every_answer_passes_the_input_check_in_every_node(play, questions, play_vars, options, nodes, check):
    """Each choice, integer limit and sample passes the playbook's input check in each job node of the workflow (with
    AWX's variables and the artifacts of the nodes before), and the role variables validate against the spec."""
    spec = {name: {key: value for key, value in option.items() if key in SPEC_KEYS} for name, option in options.items()}
    validator = ArgumentSpecValidator(spec)
    artifacts = sample_artifacts()
    for identifier in ("plan", "run", "restore"):
        given = artifacts if identifier != "plan" else {}
        cases = [node_extra_vars(nodes[identifier], answers, given) for answers in _cases(questions)]
        for extra_vars, outcome in zip(cases, render(play, play_vars, check, cases), strict=True):
            answers = {key: value for key, value in extra_vars.items() if key in questions}
            assert not outcome["errors"], "node %r, answers %s: %s" % (identifier, answers, outcome["errors"])
            errors = {name: result["error"] for name, result in outcome["rendered"].items() if "error" in result}
            assert not errors, "node %r, answers %s: the play could not render %s" % (identifier, answers, errors)
            parameters = {name: result["value"] for name, result in outcome["rendered"].items()
                          if not result.get("extra_var")}
            messages = [str(error) for error in validator.validate(parameters).errors]
            assert not messages, "node %r, answers %s: role variables fail the argument spec: %s" % (
                identifier, answers, "; ".join(messages))


def test_restore_node_continues_the_campaign_of_the_run_node(play, questions, play_vars, nodes, check):
    answers = default_answers(questions)
    run, restore = render(play, play_vars, check, [node_extra_vars(nodes["run"], answers, {}),
                                                   node_extra_vars(nodes["restore"], answers, {})])
    for outcome in (run, restore):
        assert not outcome["errors"], outcome["errors"]
    for name in ("compute_maintenance_campaign", "compute_maintenance_state_path", "compute_maintenance_cloud"):
        assert run["rendered"][name] == restore["rendered"][name], "%s differs between run and restore" % name
    assert run["rendered"]["compute_maintenance_state_path"]["value"] == TEXT_SAMPLES["state"]
    assert run["rendered"]["compute_maintenance_return_servers"]["value"] is False
    assert restore["rendered"]["compute_maintenance_return_servers"]["value"] is True


def test_artifacts_do_not_shadow_role_variables(options):
    stats, facts = published_stats()
    assert stats, "the role publishes no set_stats data"
    shadowed = sorted(stats & (facts | set(options)))
    assert not shadowed, (
        "the role publishes %s with set_stats; in a workflow AWX passes artifacts to later nodes as extra vars, which "
        "override the role's own facts and options of the same name" % shadowed)
