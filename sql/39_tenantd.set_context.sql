-- tenantd.set_context(names, values): sets app.* settings transaction-locally, pairwise, in the
-- form that reaches every node that evaluates a policy.
--
-- On one PostgreSQL, set_config(name, value, true) is enough: the policies run in this backend.
-- On Citus the shards' policies are evaluated on the workers, and Citus forwards to them only
-- the SET LOCAL commands it sees (with citus.propagate_set_commands = 'local', which
-- citus/distribute.sql sets for the database), never a set_config call. So when that setting is
-- 'local' each pair becomes a SET LOCAL statement, run through EXECUTE so that Citus's utility
-- hook sees it; otherwise the cheaper set_config is used. Either way the value ends with the
-- transaction (a pooled connection carries nothing into the next request).
--
-- Only names of the form app.<lower-case word> are accepted (they are spliced into the SET
-- statement as they are); values go in as quoted literals (format %L), whatever they contain.
-- NULL values become '' (unset), as tenantd.enter writes them.
--
-- No SET clause on purpose: a function with one restores, at its exit, the settings named in
-- it; SET LOCAL of other settings inside it (and inside tenantd.enter, which pins only
-- search_path) lasts to the end of the transaction, as needed here.
create or replace function tenantd.set_context(p_names text[], p_values text[]) returns void
language plpgsql volatile
as $$
declare
  i int;
begin
  if coalesce(pg_catalog.cardinality(p_names), 0) <> coalesce(pg_catalog.cardinality(p_values), 0) then
    raise exception using errcode = 'TDB07', message = 'the request context is invalid';
  end if;
  for i in 1 .. coalesce(pg_catalog.cardinality(p_names), 0) loop
    if p_names[i] is null or p_names[i] !~ '^app\.[a-z][a-z_]{0,62}$' then
      raise exception using errcode = 'TDB07', message = 'the request context is invalid';
    end if;
  end loop;
  if pg_catalog.current_setting('citus.propagate_set_commands', true) is distinct from 'local' then
    perform pg_catalog.set_config(p_names[s.k], coalesce(p_values[s.k], ''), true)
       from pg_catalog.generate_subscripts(p_names, 1) as s(k);
  else
    for i in 1 .. coalesce(pg_catalog.cardinality(p_names), 0) loop
      execute pg_catalog.format('set local %s = %L', p_names[i], coalesce(p_values[i], ''));
    end loop;
  end if;
end
$$;

revoke all on function tenantd.set_context(text[], text[]) from public;
-- what set_config already lets these roles do, in the form Citus forwards (psql users acting
-- as a tenant, the pgTAP helpers, invoker functions)
grant execute on function tenantd.set_context(text[], text[]) to tenantd_app, tenantd_worker, tenantd_readonly;

-- tenantd.propagate_context(): on Citus, the request context that is set now (every app.*
-- setting tenantd.enter writes) again as SET LOCAL, so that the workers get it; nothing unless
-- citus.propagate_set_commands is 'local'. Every function that sets app.* with set_config calls
-- it after each group of settings. tenantd.enter, on every request's path, tests the setting
-- itself before calling: on one PostgreSQL that costs it one setting read.
create or replace function tenantd.propagate_context() returns void
language plpgsql volatile
as $$
declare
  v_names constant text[] := array['app.tenant_id', 'app.user_id', 'app.request_id', 'app.subject',
                                   'app.route', 'app.client', 'app.user_email', 'app.role',
                                   'app.permissions'];
begin
  if pg_catalog.current_setting('citus.propagate_set_commands', true) is distinct from 'local' then
    return;
  end if;
  perform tenantd.set_context(v_names,
                              array(select coalesce(pg_catalog.current_setting(n, true), '')
                                      from pg_catalog.unnest(v_names) with ordinality u (n, o)
                                     order by o));
  perform tenantd.citus_transaction_block();  -- the workers' connections start with the context
end
$$;

revoke all on function tenantd.propagate_context() from public;
-- it only repeats settings the caller has already made (invoker functions call it too)
grant execute on function tenantd.propagate_context() to tenantd_app, tenantd_worker, tenantd_readonly;
