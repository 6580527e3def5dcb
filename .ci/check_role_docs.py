"""`ansible-doc -t role` must show every role's argument spec in full, so a released role documents itself.

For each roles/<name>/meta/argument_specs.yml, asks ansible-doc for novaops.migration.<name> as JSON and checks
that every entry point and every option of the spec is there with its description. Exits 1 with the gaps.
"""
import glob
import json
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    problems = []
    specs = sorted(glob.glob(os.path.join(ROOT, 'roles', '*', 'meta', 'argument_specs.yml')))
    if not specs:
        print('check_role_docs: no roles with an argument spec found', file=sys.stderr)
        return 1
    for path in specs:
        role = path.split(os.sep)[-3]
        fqcn = 'novaops.migration.%s' % role
        with open(path) as handle:
            spec = yaml.safe_load(handle)['argument_specs']
        out = subprocess.run(['ansible-doc', '-t', 'role', '-j', fqcn], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            problems.append('%s: ansible-doc failed: %s' % (fqcn, out.stderr.strip()))
            continue
        shown = json.loads(out.stdout).get(fqcn, {}).get('entry_points', {})
        for entry, body in spec.items():
            options = (shown.get(entry) or {}).get('options') or {}
            for name in body.get('options') or {}:
                if not (options.get(name) or {}).get('description'):
                    problems.append('%s: entry point %s: option %s is missing or undocumented' % (fqcn, entry, name))
        # The plain-text view operators read must render too.
        text = subprocess.run(['ansible-doc', '-t', 'role', fqcn], capture_output=True, text=True, check=False)
        if text.returncode != 0 or 'ENTRY POINT' not in text.stdout:
            problems.append('%s: ansible-doc -t role does not render: %s' % (fqcn, text.stderr.strip()))
        else:
            print('ansible-doc -t role %s: %d entry point(s), %d options' % (
                fqcn, len(spec), sum(len(b.get('options') or {}) for b in spec.values())))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
