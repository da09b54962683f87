#!/usr/bin/env python3
"""bench/report.py: the analysis of `make bench` (bench/run.sh) and `make bench-signup` (bench/signup.sh).

The shell scripts only start processes (cluster, pgbench, wrk, tenantd) and keep what they print, raw,
in one directory per run; this script reads that directory and computes everything else: throughput,
percentiles, round trips and transactions per request, ratios, the report, the history line.

    report.py check pgbench|wrk FILE      validate one raw output; print a one-line summary (exit 1: bad)
    report.py report RAW_DIR RESULTS_DIR  the report of bench/run.sh: stdout, latest.txt, run-*.txt,
                                          one line appended to history.tsv, raw outputs copied
    report.py signup RAW_DIR RESULTS_DIR  the report of bench/signup.sh: stdout and signup.txt

RAW_DIR holds facts.tsv (one "key<TAB>value" a line, written by the shell as it measures: counters read
before and after a run, settings, notes) and the raw outputs, named after the scenario's `raw` prefix:

    pgbench:  <raw>.<half>.<attempt>.out, <raw>.<half>.<attempt>.warmup.out, <raw>.<half>.<attempt>.log.*
              (pgbench --log); facts <key>.<half>.<attempt>.{x0,x1,seg1,t1,seg2,t2,cpu}
    wrk:      <raw>.<attempt>.out, <raw>.warmup.out (optional); facts <key>.<attempt>.{seg0,seg1,cpu}
              (a wrk Lua script prints one WRK_RESULT line in done(); see bench/users.lua)

An attempt is one measurement of a scenario; a scenario disturbed by other processes is measured again
(BENCH_RETRIES) and only its last attempt counts; earlier attempts still count as database work when
transactions per request are computed. seg* facts are "<data_segs_out> <data_segs_in> <connections>" of
the client's TCP connections to PostgreSQL (bench/run.sh tcp_segs); cpu facts are "<busy> <bench>
<other>" cores (bench/run.sh cpu_report).

A new scenario is one entry in SCENARIOS (and the shell lines that run it); a new ratio is one entry in
RATIOS. Standard library only.
"""

import glob
import math
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass
class Scenario:
    key: str  # "a", "b", ...: the facts' prefix and the name used in ratios and history.tsv
    kind: str  # "pgbench" | "wrk"
    raw: str  # prefix of the raw files in RAW_DIR; the counting run is copied to RESULTS/<raw>.txt
    label: str  # the report's row label
    counts_db: bool = False  # wrk: its requests reach the database (transactions per request)
    round_trips: bool = False  # count PostgreSQL round trips per request on the wire
    in_history_rt: bool = False  # its round trips are history.tsv's rt= column


# What bench/run.sh measures, in report order.
SCENARIOS: List[Scenario] = [
    Scenario("a", "pgbench", "pgbench_a", "(a) pgbench: one statement, no RLS (limit)", round_trips=True),
    Scenario("b", "pgbench", "pgbench_b", "(b) pgbench: api.list_members (tenantd's call)", round_trips=True),
    Scenario("c", "wrk", "wrk_users", "(c) wrk: GET /v1/users?limit=50", counts_db=True, round_trips=True,
             in_history_rt=True),
    Scenario("d", "wrk", "wrk_invitations", "(d) wrk: POST /v1/invitations", counts_db=True, round_trips=True),
    Scenario("h", "wrk", "wrk_healthz", "(h) wrk: GET /healthz (HTTP limit)"),
    # issue 10: (c) on a tenantd without the per-tenant rate limiter and the api_calls counter
    Scenario("p", "wrk", "wrk_users_noplans", "(p) wrk: (c) with rate limit and usage metering off"),
]


@dataclass
class Ratio:
    num: str
    den: str
    target: Optional[float] = None  # the report says whether the ratio meets it (>=)


RATIOS: List[Ratio] = [Ratio("c", "a", target=0.7), Ratio("b", "a", target=0.9), Ratio("d", "c"), Ratio("c", "h"),
                       Ratio("c", "p")]  # (c)/(p): what the rate limiter and usage counter cost


class BenchError(Exception):
    pass


# ---- raw outputs ------------------------------------------------------------------------------------


def read_facts(raw_dir: str) -> Dict[str, str]:
    facts = {}
    with open(os.path.join(raw_dir, "facts.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            k, _, v = line.partition("\t")
            facts[k] = v  # a key written twice: the later value wins
    return facts


def parse_pgbench(path: str) -> Dict[str, float]:
    text = open(path, encoding="utf-8", errors="replace").read()
    tx = re.search(r"number of transactions actually processed: (\d+)", text)
    tps = re.search(r"^tps = ([0-9.]+) \(without initial connection time\)", text, re.M)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    if not tx or int(tx.group(1)) == 0 or not tps:
        raise BenchError(f"pgbench processed no transactions (see {path})")
    if failed and int(failed.group(1)) != 0:
        raise BenchError(f"pgbench: {failed.group(1)} failed transactions (see {path})")
    return {"tx": int(tx.group(1)), "tps": float(tps.group(1))}


WRK_ERRORS = ("non2xx", "connect_err", "read_err", "write_err", "timeout_err")


def parse_wrk(path: str) -> Dict[str, str]:
    text = open(path, encoding="utf-8", errors="replace").read()
    line = next((l for l in text.splitlines() if l.startswith("WRK_RESULT")), None)
    if line is None:
        raise BenchError(f"wrk printed no result (see {path}):\n{text}")
    kv = dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
    for k in WRK_ERRORS:
        if kv.get(k) != "0":
            raise BenchError(f"wrk reported {k}={kv.get(k)} (see {path}):\n{text}")
    if int(kv.get("requests", "0")) <= 0:
        raise BenchError(f"no requests completed (see {path})")
    return kv


def ms(us) -> str:
    return "%.2f" % (float(us) / 1000)


def percentile(sorted_values: List[int], p: float) -> int:
    # nearest rank: the smallest value with at least p % of the values at or below it
    i = int(len(sorted_values) * p / 100 + 0.999999)
    return sorted_values[max(i, 1) - 1]


def segs(v: str):
    out, in_, n = (int(x) for x in v.split())
    return out, in_, n


def cpu(v: str):
    total, own, foreign = v.split()
    return total, own, foreign


def attempts(raw_dir: str, pattern: str) -> List[int]:
    found = set()
    for p in glob.glob(os.path.join(raw_dir, pattern)):
        m = re.search(r"\.(\d+)\.out$", p)
        if m:
            found.add(int(m.group(1)))
    return sorted(found)


# ---- scenarios --------------------------------------------------------------------------------------


@dataclass
class Result:
    rps: str  # as printed: "%.1f"
    p50_us: int
    p99_us: int
    cpu_own: str
    cpu_foreign: str
    disturbed: bool
    attempts: str  # "1", "2", or per half for pgbench
    rt: str = "n/a"
    rt_note: str = ""
    xpr: str = "n/a"
    xpr_note: str = ""
    extra: Dict[str, str] = field(default_factory=dict)


def pgbench_result(s: Scenario, raw_dir: str, facts: Dict[str, str], max_foreign: float) -> Result:
    clients = int(facts["pgbench_clients"])
    halves = sorted({int(m.group(1)) for p in glob.glob(os.path.join(raw_dir, f"{s.raw}.*.*.out"))
                     if (m := re.search(rf"{re.escape(s.raw)}\.(\d+)\.\d+\.out$", p))})
    if not halves:
        raise BenchError(f"no {s.raw}.<half>.<attempt>.out in {raw_dir}")
    counted_tx = 0
    secs = 0.0
    other_tx = 0  # warm-ups and disturbed attempts: database work, not measured
    xacts = 0
    seg = seg_tx = 0
    seg_ok = True
    cpu_own = cpu_foreign = 0.0
    disturbed = False
    latencies: List[int] = []
    notes = []
    copy = []
    for h in halves:
        tries = attempts(raw_dir, f"{s.raw}.{h}.*.out")
        for a in tries:
            base = f"{s.key}.{h}.{a}"
            warm = parse_pgbench(os.path.join(raw_dir, f"{s.raw}.{h}.{a}.warmup.out"))
            other_tx += warm["tx"]
            xacts += int(facts[f"{base}.x1"]) - int(facts[f"{base}.x0"])
            out = os.path.join(raw_dir, f"{s.raw}.{h}.{a}.out")
            run = parse_pgbench(out)
            if a != tries[-1]:
                other_tx += run["tx"]
                continue
            counted_tx += run["tx"]
            secs += run["tx"] / run["tps"]
            _, own, foreign = cpu(facts[f"{base}.cpu"])
            disturbed = disturbed or float(foreign) > max_foreign  # either half
            cpu_own += float(own) / 2
            cpu_foreign += float(foreign) / 2
            logs = sorted(glob.glob(os.path.join(raw_dir, f"{s.raw}.{h}.{a}.log.*")))
            t1, t2 = float(facts[f"{base}.t1"]), float(facts[f"{base}.t2"])
            mid = 0
            for lp in logs:
                with open(lp, encoding="utf-8") as f:
                    for line in f:
                        fl = line.split()
                        # client_id transaction_no time(us) script_no time_epoch time_us
                        latencies.append(int(fl[2]))
                        t = int(fl[4]) + int(fl[5]) / 1e6
                        if t1 < t <= t2:
                            mid += 1
            o1, _, n1 = segs(facts[f"{base}.seg1"])
            o2, _, n2 = segs(facts[f"{base}.seg2"])
            if n1 == clients and n2 == clients and mid > 0:
                seg += o2 - o1
                seg_tx += mid
            else:
                seg_ok = False
            note = f", attempt {a}" if a > 1 else ""
            notes.append(f"{h}: {'%.1f' % run['tps']} tps (other processes {foreign} cores{note})")
            copy.append(out)
    latencies.sort()
    if len(latencies) != counted_tx:
        print(f"note: pgbench logged {len(latencies)} transactions, reported {counted_tx}", file=sys.stderr)
    r = Result(rps="%.1f" % (counted_tx / secs), p50_us=percentile(latencies, 50),
               p99_us=percentile(latencies, 99), cpu_own="%.2f" % cpu_own, cpu_foreign="%.2f" % cpu_foreign,
               disturbed=disturbed, attempts="")
    if facts["transport"] == "tcp" and seg_ok:
        r.rt = "%.2f" % (seg / seg_tx)
        r.rt_note = (f"{seg} segments client->server over {seg_tx} transactions ({clients} connections, "
                     "middle half of each run)")
    else:
        r.rt_note = f"not measured (transport {facts['transport']}, or not all connections open when sampled)"
    r.xpr = "%.3f" % (xacts / (other_tx + counted_tx))
    r.xpr_note = (f"{xacts} xacts / {other_tx + counted_tx} transactions; includes one PREPARE per client")
    r.extra["halves"] = ", ".join(notes)
    r.extra["copy"] = "\n".join(copy)
    return r


def wrk_result(s: Scenario, raw_dir: str, facts: Dict[str, str], max_foreign: float) -> Result:
    tries = attempts(raw_dir, f"{s.raw}.*.out")
    if not tries:
        raise BenchError(f"no {s.raw}.<attempt>.out in {raw_dir}")
    requests_all = 0
    warm = os.path.join(raw_dir, f"{s.raw}.warmup.out")
    if os.path.exists(warm):
        requests_all += int(parse_wrk(warm)["requests"])
    for a in tries:
        kv = parse_wrk(os.path.join(raw_dir, f"{s.raw}.{a}.out"))
        requests_all += int(kv["requests"])
    last = tries[-1]
    base = f"{s.key}.{last}"
    _, own, foreign = cpu(facts[f"{base}.cpu"])
    r = Result(rps=kv["rps"], p50_us=int(kv["p50_us"]), p99_us=int(kv["p99_us"]), cpu_own=own, cpu_foreign=foreign,
               disturbed=float(foreign) > max_foreign, attempts=str(len(tries)))
    r.extra["requests_all"] = str(requests_all)
    r.extra["copy"] = os.path.join(raw_dir, f"{s.raw}.{last}.out")
    if s.round_trips:
        o0, _, n0 = segs(facts[f"{base}.seg0"])
        o1, _, n1 = segs(facts[f"{base}.seg1"])
        req = int(kv["requests"])
        if facts["transport"] == "tcp" and n0 == n1 and n1 > 0:
            r.rt = "%.2f" % ((o1 - o0) / req)
            r.rt_note = f"{o1 - o0} segments client->server over {req} requests ({n1} pooled connections)"
        else:
            r.rt_note = (f"not measured (transport {facts['transport']}, or the pool opened connections during "
                         f"the run: {n0} -> {n1})")
    return r


def compute(raw_dir: str, facts: Dict[str, str]) -> Dict[str, Result]:
    max_foreign = float(facts["max_foreign"])
    results = {}
    for s in SCENARIOS:
        f = pgbench_result if s.kind == "pgbench" else wrk_result
        results[s.key] = f(s, raw_dir, facts, max_foreign)
    # transactions per request of the HTTP side: every request that reached the database (sample
    # requests, warm-ups, all attempts) against the database's transaction counter around tenantd's life
    db_reqs = int(facts.get("sample_requests", "0")) + sum(
        int(results[s.key].extra["requests_all"]) for s in SCENARIOS if s.kind == "wrk" and s.counts_db)
    xacts = int(facts["tenantd.x1"]) - int(facts["tenantd.x0"])
    for s in SCENARIOS:
        if s.kind == "wrk" and s.counts_db:
            results[s.key].xpr = "%.3f" % (xacts / db_reqs)
            results[s.key].xpr_note = (f"{xacts} xacts / {db_reqs} requests; includes the pool's connection "
                                       "set-up")
    return results


def ratio_value(results: Dict[str, Result], r: Ratio) -> str:
    return "%.2f" % (float(results[r.num].rps) / float(results[r.den].rps))


# ---- the report -------------------------------------------------------------------------------------


def report(raw_dir: str, results_dir: str) -> int:
    facts = read_facts(raw_dir)
    res = compute(raw_dir, facts)
    max_foreign = float(facts["max_foreign"])
    now = time.gmtime()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", now)
    by_key = {s.key: s for s in SCENARIOS}
    a = res["a"]
    lines = []
    p = lines.append
    p(f"tenantd bench  {stamp}  ({facts['ncpu']} cores; {facts['kernel']})")
    p(f"data: {facts['tenants']} tenants x {facts['members']} members ({facts['n_users']} users, "
      f"{facts['n_members']} memberships) in {facts['bench_db']}, {facts['load_note']}")
    p(f"tenantd (build/tenantd of {facts['tenantd_built']}): HTTP_THREADS={facts['threads']} "
      f"DB_POOL_SIZE={facts['pool']} WORKERS=0 LOG_LEVEL=warn; PostgreSQL over {facts['transport']}")
    p(f"(a) pgbench -M prepared -c {facts['pgbench_clients']} -j {facts['pgbench_jobs']} bench/users_list_limit.pgbench "
      f"as tenantd_bench_limit (BYPASSRLS), random tenant of {facts['tenants']}, 2 x {facts['half']}s: before and after the wrk runs")
    p(f"(b) pgbench -M prepared -c {facts['pgbench_clients']} -j {facts['pgbench_jobs']} bench/users_list.pgbench "
      f"as tenantd_app, 2 x {facts['half']}s, bracketing the wrk runs likewise")
    p(f"(c) wrk -t {facts['wrk_threads']} -c {facts['connections']} -d {facts['duration']}s --latency "
      f"bench/users.lua: GET /v1/users?limit=50, {facts['token_tenants']} tenants' tokens rotating")
    p(f"(d) wrk likewise, bench/invitations.lua: POST /v1/invitations, admin tokens rotating, a new address per request")
    p(f"(h) wrk likewise, GET /healthz")
    p(f"HTTP connections: {facts['conn_note']}")
    p("")
    p("%-44s %12s %10s %10s %17s" % ("scenario", "requests/s", "p50 ms", "p99 ms", "CPU bench/other"))
    for s in SCENARIOS:
        r = res[s.key]
        p("%-44s %12.1f %10s %10s %16s%s" % (s.label, float(r.rps), ms(r.p50_us), ms(r.p99_us),
                                             f"{r.cpu_own}/{r.cpu_foreign}", "!" if r.disturbed else " "))
    if any(r.disturbed for r in res.values()):
        p(f"! other processes used more than {facts['max_foreign']} cores during that run, also when measured "
          "again: disturbed figures")
    p("")
    for rt in RATIOS:
        v = ratio_value(res, rt)
        if rt.target is not None:
            verdict = ("meets the target >= %g" if float(v) >= rt.target else "BELOW the target >= %g") % rt.target
            p(f"ratio ({rt.num})/({rt.den}) = {v}  ({verdict})")
        else:
            p(f"ratio ({rt.num})/({rt.den}) = {v}")
    p(f"(a) halves: {a.extra['halves']}")
    p(f"(b) halves: {res['b'].extra['halves']}")
    if "e.p50_small1" in facts:
        small = (float(facts["e.p50_small1"]) + float(facts["e.p50_small2"])) / 2
        large = float(facts["e.p50_scale"])
        verdict = "meets the target <= 1.2" if large / small <= 1.2 else "ABOVE the target <= 1.2"
        p(f"(e) p50 of (b) at one client, {facts['e.scale_shape']} / {facts['tenants']} x {facts['members']}: "
          f"{ms(large)} ms / {ms(small)} ms = {'%.2f' % (large / small)}  ({verdict}; small measured before and "
          f"after: {ms(facts['e.p50_small1'])}, {ms(facts['e.p50_small2'])} ms; {facts.get('e.buffers', '')}; "
          f"{facts['e.load_note']})")
    p("attempts: " + ", ".join(f"({s.key}) {res[s.key].attempts}" for s in SCENARIOS if s.kind == "wrk")
      + " (a scenario disturbed by other processes is measured again)")
    p(f"statement check: {facts['drift_note']}")
    p(facts["plan_note"])
    p("")
    p("PostgreSQL round trips per request, counted on the wire (TCP data segments client->server):")
    rt_order = [s for s in SCENARIOS if s.round_trips and s.kind == "wrk"] + \
               [s for s in SCENARIOS if s.round_trips and s.kind == "pgbench"]
    for s in rt_order:
        who = "tenantd" if s.kind == "wrk" else "pgbench"
        p(f"  ({s.key}) {who}: {res[s.key].rt}  [{res[s.key].rt_note}]")
    p(f"transactions per request (pg_stat_database xact_commit+xact_rollback delta on {facts['bench_db']}):")
    for s in rt_order:
        who = "tenantd" if s.kind == "wrk" else "pgbench"
        p(f"  ({s.key}) {who}: {res[s.key].xpr}  [{res[s.key].xpr_note}]")
    p("CPU: cores busy on average during each run, benchmark processes (tenantd, PostgreSQL, wrk,")
    p('pgbench) / other processes; "other" well above 0 means the figures are disturbed.')
    p("plans inside api.list_members: bench/results/explain_users_list.txt; raw outputs: bench/results/{"
      + ",".join(s.raw for s in SCENARIOS) + "}.txt")
    text = "\n".join(lines) + "\n"

    os.makedirs(results_dir, exist_ok=True)
    for s in SCENARIOS:
        with open(os.path.join(results_dir, f"{s.raw}.txt"), "w", encoding="utf-8") as out:
            for src in res[s.key].extra["copy"].split("\n"):
                out.write(open(src, encoding="utf-8", errors="replace").read())
    sys.stdout.write("\n" + text)
    latest = os.path.join(results_dir, "latest.txt")
    with open(latest, "w", encoding="utf-8") as f:
        f.write(text)
    shutil.copyfile(latest, os.path.join(
        results_dir, f"run-{time.strftime('%Y%m%dT%H%M%SZ', now)}-t{facts['threads']}-p{facts['pool']}"
        f"-c{facts['connections']}-ka{facts['keepalive']}.txt"))
    cols = [stamp, f"threads={facts['threads']}", f"pool={facts['pool']}", f"pgbench_c={facts['pgbench_clients']}",
            f"conns={facts['connections']}", f"keepalive={facts['keepalive']}"]
    cols += [f"{s.key}={res[s.key].rps}" for s in SCENARIOS]
    cols += [f"{rt.num}/{rt.den}={ratio_value(res, rt)}" for rt in RATIOS]
    for s in SCENARIOS:
        cols += [f"{s.key}_p50={ms(res[s.key].p50_us)}", f"{s.key}_p99={ms(res[s.key].p99_us)}"]
    cols += [f"rt={res[s.key].rt}" for s in SCENARIOS if s.in_history_rt]
    cols.append("foreign=" + "/".join(res[s.key].cpu_foreign for s in SCENARIOS))
    with open(os.path.join(results_dir, "history.tsv"), "a", encoding="utf-8") as f:
        f.write("\t".join(cols) + "\n")
    return 0


# ---- bench/signup.sh --------------------------------------------------------------------------------


def wrk_latency_ms(text: str, pct: str) -> str:
    # wrk --latency's distribution lines: "     50%    1.23ms"
    m = re.search(rf"^\s*{re.escape(pct)}\s+(\S+)", text, re.M)
    return m.group(1) if m else ""


def to_ms(v: str) -> float:
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", v)
    if not m:
        return math.nan
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60000}[unit]


def signup(raw_dir: str, results_dir: str) -> int:
    facts = read_facts(raw_dir)
    wrk_text = open(os.path.join(raw_dir, "wrk_signup.out"), encoding="utf-8", errors="replace").read()
    p50, p99 = wrk_latency_ms(wrk_text, "50%"), wrk_latency_ms(wrk_text, "99%")
    non2xx = re.search(r"Non-2xx.*?(\d+)\s*$", wrk_text, re.M)
    active, span = int(facts["active"]), float(facts["span"] or 0)
    rate = "%.1f" % (active / span) if span > 0 else "n/a"
    rate_ok = rate != "n/a" and float(rate) >= 200
    lines = [
        f"tenantd sign-up bench {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} ({facts['ncpu']} cores)",
        f"sign-ups requested: {facts['requested']}; tenants created: {facts['made']}; active: {active}; "
        f"failed: {facts['failed']}; non-2xx answers: {non2xx.group(1) if non2xx else 0}",
        f"202 latency (wrk --latency, all requests): p50 {p50}, p99 {p99}",
        f"tenants fully active per second: {rate}  (active / (last activated_at - first created_at) = "
        f"{active} / {facts['span']}s)",
        f"settings: {facts['settings']}",
        "target (>= 200 active tenants/s, p99 < 10 ms): %s, %s"
        % ("met" if rate_ok else "NOT met", "met" if to_ms(p99) < 10 else "NOT met"),
    ]
    text = "\n".join(lines) + "\n"
    os.makedirs(results_dir, exist_ok=True)
    shutil.copyfile(os.path.join(raw_dir, "wrk_signup.out"), os.path.join(results_dir, "wrk_signup.txt"))
    with open(os.path.join(results_dir, "signup.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)
    return 0


# ---- command line -----------------------------------------------------------------------------------


def check(kind: str, path: str) -> int:
    if kind == "pgbench":
        r = parse_pgbench(path)
        print(f"{'%.1f' % r['tps']} tps, {r['tx']} transactions")
    elif kind == "p50":
        # the median latency (us) in pgbench --log files PATH.*
        lat = []
        for lp in sorted(glob.glob(path + ".*")):
            with open(lp, encoding="utf-8") as f:
                lat += [int(line.split()[2]) for line in f if line.strip()]
        if not lat:
            raise BenchError(f"no pgbench log lines in {path}.*")
        lat.sort()
        print(percentile(lat, 50))
    elif kind == "wrk":
        kv = parse_wrk(path)
        print(f"{kv['rps']} req/s, p50 {ms(kv['p50_us'])} ms, p99 {ms(kv['p99_us'])} ms, {kv['requests']} requests")
    else:
        raise BenchError(f"unknown kind {kind}")
    return 0


def main(argv: List[str]) -> int:
    try:
        if len(argv) == 4 and argv[1] == "check":
            return check(argv[2], argv[3])
        if len(argv) == 4 and argv[1] == "report":
            return report(argv[2], argv[3])
        if len(argv) == 4 and argv[1] == "signup":
            return signup(argv[2], argv[3])
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
