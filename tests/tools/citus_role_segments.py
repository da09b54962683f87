#!/usr/bin/env python3
"""Rewrites a pgTAP file of tests/sql for a Citus cluster (scripts/pgtap.sh, PGTAP_CITUS=1).

Citus refuses, inside one transaction, to let a role read or write shard placements that
another role has modified in it ("cannot perform query on placements that were modified in
this transaction by a different user"): every role has its own connections to the workers,
and a placement's uncommitted change lives on one of them. A test file of tests/sql seeds as
the superuser, then acts as tenantd_app or tenantd_readonly, then checks as the superuser, all
in one transaction that it rolls back. On Citus, the file is cut where the role changes:

  - `set local role X` / `reset role`: the transaction so far is committed and a new one
    begins, then the role changes (as a session setting, since the commit in between would
    end a local one); the assertions, their order and their plan are unchanged;
  - the context (tests.act_as) is transaction-local: the last act_as before the cut is called
    again after it, so the next segment has the same context: before `set role`, as the
    superuser, as the file did; after `reset role`, as the superuser too (called before it, the
    new transaction would open the login role's connections to the workers, and Citus forwards
    every later SET LOCAL to them, also one that only a superuser may make, such as
    session_replication_role);
  - a comment line `-- citus-harness: commit` commits there too (a file whose later part
    needs what it wrote before in another session);
  - other `set local` settings stay local: Citus forwards SET LOCAL to the workers (a session
    SET it does not), and no file carries one across a change of role.

What the segments commit stays in the database, so each file needs a database of its own
(scripts/test-citus.sh gives each isolation file a fresh cluster).

usage: citus_role_segments.py IN OUT
"""
import re
import sys

ROLE_CHANGE = re.compile(r"^(\s*)(set\s+local\s+role\s+(\w+)|set\s+role\s+(\w+)|reset\s+role)\s*;", re.I)
COMMIT_MARK = re.compile(r"^--\s*citus-harness:\s*commit\b", re.I)
ACT_AS = re.compile(r"^\s*select\s+tests\.act_as\(.*\);\s*$", re.I)


def rewrite(lines):
    out = []
    role = None  # None: the session user (the superuser)
    last_act_as = None
    for line in lines:
        m = ROLE_CHANGE.match(line)
        if m:
            new_role = (m.group(3) or m.group(4) or "").lower() or None
            changed = new_role != role
            if changed:
                out.append("commit;\nbegin;\n")
                if new_role and last_act_as is not None:
                    out.append(last_act_as)
            role = new_role
            out.append(f"{m.group(1)}set role {new_role};\n" if new_role else f"{m.group(1)}reset role;\n")
            if changed and not new_role and last_act_as is not None:
                out.append(last_act_as)
            continue
        if COMMIT_MARK.match(line):
            out.append("commit;\nbegin;\n")
            if last_act_as is not None:
                out.append(last_act_as)
        if ACT_AS.match(line):
            last_act_as = line if line.endswith("\n") else line + "\n"
        out.append(line)
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        lines = f.readlines()
    with open(dst, "w", encoding="utf-8") as f:
        f.writelines(rewrite(lines))


if __name__ == "__main__":
    main()
