#!/usr/bin/python3
"""Parses a Prometheus text exposition (file argument) with the reference parser
(Debian's python3-prometheus-client) and prints it as JSON:
{"families": {name: {"type": t, "samples": [[sample name, {labels}, value], ...]}}}.
Exits 1, saying why, when the text does not parse, a family appears twice, or a histogram is
inconsistent (buckets not cumulative, no +Inf bucket, +Inf bucket != _count)."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    families = {}
    try:
        for fam in text_string_to_metric_families(text):
            if fam.name in families:
                print("family %s appears twice" % fam.name, file=sys.stderr)
                return 1
            families[fam.name] = {"type": fam.type,
                                  "samples": [[s.name, s.labels, s.value] for s in fam.samples]}
    except Exception as e:  # the parser raises ValueError and others on malformed input
        print("exposition does not parse: %s" % e, file=sys.stderr)
        return 1
    for name, fam in families.items():
        if fam["type"] != "histogram":
            continue
        series = {}
        for sname, labels, value in fam["samples"]:
            key = json.dumps({k: v for k, v in labels.items() if k != "le"}, sort_keys=True)
            s = series.setdefault(key, {"buckets": [], "count": None})
            if sname.endswith("_bucket"):
                s["buckets"].append((float(labels["le"]), value))
            elif sname.endswith("_count"):
                s["count"] = value
        for key, s in series.items():
            b = s["buckets"]
            if not b or not math.isinf(b[-1][0]):
                print("histogram %s%s has no +Inf bucket last" % (name, key), file=sys.stderr)
                return 1
            if any(b[i][0] >= b[i + 1][0] or b[i][1] > b[i + 1][1] for i in range(len(b) - 1)):
                print("histogram %s%s buckets are not ascending and cumulative: %s" % (name, key, b), file=sys.stderr)
                return 1
            if s["count"] != b[-1][1]:
                print("histogram %s%s: +Inf bucket %s != count %s" % (name, key, b[-1][1], s["count"]), file=sys.stderr)
                return 1
    json.dump({"families": families}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
