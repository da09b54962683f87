#!/usr/bin/python3
"""Contract test: replays one documented example per operation of the OpenAPI document that a
running tenantd serves (GET /openapi.json) and validates each answer against the document.

usage: contract.py <base url> <vars.json>

vars.json maps literal example values of the document to live ones ("acme" -> the test tenant's
slug, ...) and names the credentials: {"tokens": {"super": ..., "admin": ..., "lifecycle_tenant": ...},
"replace": {...}, "webhook_secret": "whsec_..."}. Each answer must have a status the operation
documents (the first 2xx, unless EXPECTED names the refusal and why) and a body that its schema
accepts. Prints one JSON line per operation and a closing 'N passed, N failed' line; exits 1 on
any failure. Uses Debian's python3-jsonschema (Draft 2020-12, the dialect of OpenAPI 3.1).
"""
import base64
import hashlib
import hmac
import json
import re
import sys
import time
import urllib.error
import urllib.request

from jsonschema import Draft202012Validator, FormatChecker, RefResolver

# Operations whose documented example cannot succeed against a fresh test tenant, with the
# refusal the contract expects instead (still validated against the Problem schema).
EXPECTED = {
    # only a failed tenant is provisioned again; the lifecycle tenant is active
    "reprovisionTenant": (409, "the tenant is not failed"),
    # a purge cannot be undone: the example's confirmation is not the lifecycle tenant's slug, so
    # the replay is refused before anything starts (the purge itself: tests/integration/purge_pgtest)
    "purgeTenant": (422, "the confirmation is not the tenant's slug"),
    # only a failed job is retried; the example's job id (987654321) names none: a small one named
    # a completed job in a database earlier test runs had used
    "retryJob": (404, "no such job"),
    # a download needs the token of a finished export's latest link; the example's token is none
    # (the export itself: tests/integration/export_pgtest)
    "downloadExport": (404, "no export link with this token"),
    "downloadExportInTenant": (404, "no export link with this token"),
    # the on-demand TLS ask allows verified domains only; this test's claims stay pending
    "domainAllowed": (404, "no verified domain by this name"),
    # a custom domain's DNS is not set up in this test: the claim stays pending and a check is
    # queued, which the document answers with 202
    "verifyDomain": (202, "DNS not set up: the check is queued"),
    "verifyDomainInTenant": (202, "DNS not set up: the check is queued"),
}

# An instant that must be recent when the example is replayed (a usage event is at most 7 days
# old and at most 5 minutes ahead): the document's examples write it as this literal, and the
# test sends the current time instead. A fixed date would pass today and fail next week.
RECENT_EXAMPLE = "2026-12-02T10:00:00Z"

METHOD_RANK = {"post": 0, "put": 2, "get": 1, "patch": 2, "delete": 5}


def rank(path, method, op):
    oid = op["operationId"]
    if oid == "login":
        return (-1, path)
    if oid in ("refreshToken",):
        return (0.5, path)
    if oid == "logout":
        return (6, path)
    if oid in ("acceptInvitation",):
        return (3, path)
    if oid in ("suspendTenant", "activateTenant", "reprovisionTenant"):
        return (4, {"suspendTenant": "1", "activateTenant": "2", "reprovisionTenant": "3"}[oid])
    if oid == "deleteTenant":
        return (7, path)
    r = METHOD_RANK[method]
    if method == "post" and "{id}" in path:
        r = 3  # actions on a created resource
        if path.endswith("/revoke"):
            r = 3.5  # after the other actions (a revoked API key can no longer be rotated)
    return (r, path)


LIFECYCLE = re.compile(r"/v1/tenants/\{tenant\}(/(activate|suspend|reprovision|entitlements|purge))?")


def collection(path):
    """The collection a path's {id} belongs to, the same for both spellings of a tenant route."""
    p = path if LIFECYCLE.fullmatch(path) else path.replace("/tenants/{tenant}", "", 1)
    return re.sub(r"/\{id\}.*$", "", p)


def substitute(value, replace):
    if isinstance(value, str):
        return replace.get(value, value)
    if isinstance(value, list):
        return [substitute(v, replace) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, replace) for k, v in value.items()}
    return value


def main():
    base, vars_file = sys.argv[1], sys.argv[2]
    with open(vars_file) as f:
        env = json.load(f)
    replace = dict(env.get("replace", {}))
    replace.setdefault(RECENT_EXAMPLE, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    tokens = env["tokens"]
    with urllib.request.urlopen(base + "/openapi.json") as r:
        doc = json.load(r)
    resolver = RefResolver("", doc)
    checker = FormatChecker()

    def deref(obj):
        while isinstance(obj, dict) and "$ref" in obj:
            node = doc
            for part in obj["$ref"].lstrip("#/").split("/"):
                node = node[part]
            obj = node
        return obj

    ops = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in METHOD_RANK:
                ops.append((rank(path, method, op), path, method, op))
    ops.sort(key=lambda x: x[0])

    ids = {}
    passed = failed = 0
    for n, (_, path, method, op) in enumerate(ops):
        oid = op["operationId"]
        params = [deref(p) for p in op.get("parameters", [])]
        lifecycle = LIFECYCLE.fullmatch(path)
        explicit = path.startswith("/v1/tenants/{tenant}/") and not lifecycle
        url_path = path
        query = []
        headers = {"Accept": "application/json, application/problem+json"}
        for p in params:
            name, where = p["name"], p["in"]
            if where == "path":
                if name == "tenant":
                    val = tokens["lifecycle_tenant"] if lifecycle else replace.get("acme", "acme")
                elif name == "id":
                    col = collection(path)
                    if col in ids and ids[col]:
                        # deletes and revocations use up a resource: each takes its own
                        used_up = method == "delete" or path.endswith("/revoke")
                        val = ids[col].pop() if used_up else ids[col][-1]
                    else:
                        val = env.get("ids", {}).get(col, p.get("example"))
                else:
                    val = p.get("example")
                    if explicit and name == "key" and "/config/" in path:
                        val += "_t"  # its own entry: both spellings create and delete one
                url_path = url_path.replace("{" + name + "}", urllib.parse.quote(str(val), safe=""))
            elif where == "query" and p.get("required"):
                query.append((name, str(substitute(p.get("example"), replace))))
            elif where == "header" and name == "Idempotency-Key":
                headers[name] = "contract-%s-%d" % (env.get("run", "x"), n)
        problems = []
        body = None
        rb = op.get("requestBody")
        if rb:
            media_type = rb["content"]["application/json"]
            example = media_type.get("example")
            # the documented example must itself be what the document accepts
            if example is None:
                problems.append("the request body has no example")
            else:
                v = Draft202012Validator(media_type["schema"], resolver=resolver, format_checker=checker)
                for err in sorted(v.iter_errors(example), key=str)[:3]:
                    problems.append("request example: %s at %s" % (err.message[:200], "/".join(map(str, err.path))))
            example = substitute(example, replace)
            creates = any(k in op["responses"] for k in ("201", "202"))
            if isinstance(example, dict) and method == "post" and creates and "{id}" not in path:
                # creates: names that must be unique get this operation's number
                for k in ("name", "slug", "email", "admin_email", "hostname", "organization_name"):
                    if isinstance(example.get(k), str) and k in ("email", "admin_email"):
                        example[k] = "c%d-%s-%s" % (n, env.get("run", "x"), example[k])
                    elif isinstance(example.get(k), str) and k == "hostname":
                        example[k] = "c%d-%s" % (n, example[k])
                    elif isinstance(example.get(k), str) and k in ("slug", "name"):
                        example[k] = "%s-c%d" % (example[k], n) if k == "slug" else "%s_c%d" % (example[k], n)
                if isinstance(example.get("invitations"), list):
                    for i, e in enumerate(example["invitations"]):
                        e["email"] = "c%d-%d-%s-%s" % (n, i, env.get("run", "x"), e["email"])
            body = json.dumps(example).encode()
            headers["Content-Type"] = "application/json"
        security = op.get("security", doc.get("security"))
        if security:
            super_op = path.startswith("/v1/admin") or path in ("/v1/tenants", "/v1/tenants/stats") or lifecycle
            headers["Authorization"] = "Bearer " + tokens["super" if super_op else "admin"]
        if any(p["name"] == "webhook-signature" for p in params) and env.get("webhook_secret"):
            msg_id, ts = "msg_contract_%s_%d" % (env.get("run", "x"), n), str(int(time.time()))
            key = base64.b64decode(env["webhook_secret"].split("_", 1)[1])
            sig = base64.b64encode(hmac.new(key, ("%s.%s.%s" % (msg_id, ts, body.decode())).encode(),
                                            hashlib.sha256).digest()).decode()
            headers.update({"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": "v1," + sig})
        url = base + url_path + ("?" + urllib.parse.urlencode(query) if query else "")
        req = urllib.request.Request(url, data=body, method=method.upper(), headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, ctype = r.status, r.headers.get("Content-Type", "")
                answer_headers = {k.lower() for k in r.headers.keys()}
                # an event stream does not end: its status and media type are checked, not its body
                raw = b"" if ctype.startswith("text/event-stream") else r.read()
        except urllib.error.HTTPError as e:
            status, ctype, raw = e.code, e.headers.get("Content-Type", ""), e.read()
            answer_headers = {k.lower() for k in e.headers.keys()}
        responses = op["responses"]
        documented_2xx = sorted(k for k in responses if k.startswith("2"))
        if oid in EXPECTED:
            want = EXPECTED[oid][0]
            if status != want:
                problems.append("expected %d (%s), got %d" % (want, EXPECTED[oid][1], status))
        elif not (200 <= status < 300):
            problems.append("expected one of %s, got %d" % (documented_2xx, status))
        resp = responses.get(str(status)) or responses.get("%dXX" % (status // 100)) or responses.get("default")
        if resp is None:
            problems.append("status %d is not documented" % status)
        else:
            resp = deref(resp)
            for hname, h in resp.get("headers", {}).items():
                if deref(h).get("required") and hname.lower() not in answer_headers:
                    problems.append("required header %s is missing" % hname)
            content = resp.get("content")
            media = ctype.split(";")[0].strip()
            if media == "text/event-stream" and content and media in content:
                pass  # documented as a stream; nothing more to read
            elif not content:
                if raw:
                    problems.append("documented without a body, answered %d bytes" % len(raw))
            elif media not in content:
                problems.append("content type %r not documented (%s)" % (media, list(content)))
            else:
                schema = content[media]["schema"]
                if media.endswith("json"):
                    try:
                        value = json.loads(raw)
                    except ValueError:
                        value = None
                        problems.append("body is not JSON")
                else:
                    value = raw.decode("utf-8", "replace")
                if value is not None or not media.endswith("json"):
                    v = Draft202012Validator(schema, resolver=resolver, format_checker=checker)
                    for err in sorted(v.iter_errors(value), key=str)[:3]:
                        problems.append("schema: %s at %s" % (err.message[:200], "/".join(map(str, err.path))))
        # remember what later operations need: created ids and issued tokens
        if 200 <= status < 300 and media.endswith("json") and raw:
            try:
                value = json.loads(raw)
            except ValueError:
                value = None
            if isinstance(value, dict):
                # a create, or an action that made a new resource of the collection (201: a
                # rotated API key), which the next action on the collection then uses
                if "id" in value and method == "post" and ("{id}" not in path or status == 201):
                    ids.setdefault(collection(path), []).append(value["id"])
                if "refresh_token" in value:
                    replace["rt_example"] = value["refresh_token"]
                # a bulk invitation is the one accepted (the single ones are revoked)
                for entry in value.get("results", []) if oid.startswith("createInvitationsBulk") else []:
                    invitation = entry.get("invitation") if isinstance(entry, dict) else None
                    if isinstance(invitation, dict) and isinstance(invitation.get("token"), str):
                        replace["inv_example"] = invitation["token"]
        line = {"operation": oid, "method": method.upper(), "path": path, "status": status}
        if problems:
            line["problems"] = problems
            line["body"] = raw[:300].decode("utf-8", "replace")
            line["ids"] = ids
            failed += 1
        else:
            passed += 1
        print(json.dumps(line), flush=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
