#!/usr/bin/python3
"""Checks the Prometheus alert rules of docs/operations.md against a real /metrics exposition:
the rules block (```yaml after the "Alert rules" heading) must parse as a rules file
(groups -> rules with alert, expr) and every tenantd_* metric an expression names must be a
family the exposition declares (# TYPE), so that no rule watches a metric that does not exist.

usage: check_rules.py <operations.md> <exposition file>"""
import re
import sys

import yaml


def main():
    doc = open(sys.argv[1], encoding="utf-8").read()
    exposition = open(sys.argv[2], encoding="utf-8").read()
    m = re.search(r"### Alert rules worth setting.*?```yaml\n(.*?)```", doc, re.S)
    if not m:
        print("no ```yaml rules block after '### Alert rules worth setting'", file=sys.stderr)
        return 1
    rules = yaml.safe_load(m.group(1))
    families = set(re.findall(r"^# TYPE (\S+) \S+$", exposition, re.M))
    bad = []
    count = 0
    for group in rules["groups"]:
        for rule in group["rules"]:
            count += 1
            if not isinstance(rule.get("alert"), str) or not isinstance(rule.get("expr"), str):
                bad.append("a rule without alert or expr: %r" % rule)
                continue
            for name in set(re.findall(r"\btenantd_[a-z0-9_]+", rule["expr"])):
                base = re.sub(r"_(bucket|sum|count)$", "", name)
                if name not in families and base not in families:
                    bad.append("%s: %s is not in /metrics" % (rule["alert"], name))
    if bad or count == 0:
        print("\n".join(bad) or "no rules", file=sys.stderr)
        return 1
    print("%d rules, every tenantd metric they name is exposed" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
