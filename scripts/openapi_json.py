#!/usr/bin/env python3
# Build step: docs/openapi.yaml -> openapi.json and a C++ source holding that JSON, so the
# service answers GET /openapi.json without a YAML parser at run time.
# usage: openapi_json.py <in.yaml> <out.json> <out.cpp>
import json
import sys

import yaml

src, out_json, out_cpp = sys.argv[1:4]
with open(src, encoding="utf-8") as f:
    doc = yaml.safe_load(f)
text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
with open(out_json, "w", encoding="utf-8") as f:
    f.write(text)
# A raw string literal in pieces (compilers limit the length of one literal).
chunks = [text[i:i + 8000] for i in range(0, len(text), 8000)]
delim = "oa_json"
assert all(")" + delim + '"' not in c for c in chunks)
with open(out_cpp, "w", encoding="utf-8") as f:
    f.write("// Generated from docs/openapi.yaml by scripts/openapi_json.py; do not edit.\n")
    f.write('#include "api/openapi.hpp"\n\nnamespace tenantd::api {\n\n')
    f.write("const std::string_view kOpenApiJson =\n")
    for c in chunks:
        f.write('    R"%s(%s)%s"\n' % (delim, c, delim))
    f.write("    ;\n\n}  // namespace tenantd::api\n")
