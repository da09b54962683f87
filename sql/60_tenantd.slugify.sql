-- tenantd.slugify(name[, n]): the slug derived from a tenant name, so psql and the API derive
-- the same one. Lower case; common Latin accents folded to ASCII; every run of other characters
-- becomes one hyphen; no leading or trailing hyphen; at most 63 characters; 'tenant' when
-- nothing is left. With n > 1 the numeric suffix "-n" is appended and the base shortened so the
-- whole still fits 63 characters (collisions: api.create_tenant tries n = 1, 2, 3, …).
-- The result may still be reserved or uuid-shaped: tenantd.slug_problem decides that.
create or replace function tenantd.slugify(p_name text, p_n int default 1) returns text
language plpgsql immutable parallel safe
as $$
declare
  v text := coalesce(p_name, '');
  v_suffix text := case when coalesce(p_n, 1) > 1 then '-' || p_n::text else '' end;
begin
  -- folded before lower(): in a database with the C collation lower() changes ASCII only
  v := replace(replace(replace(replace(v, 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'), 'þ', 'th');
  v := replace(replace(replace(replace(v, 'ẞ', 'ss'), 'Æ', 'ae'), 'Œ', 'oe'), 'Þ', 'th');
  v := translate(v, 'àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżžÀÁÂÃÄÅĀĂĄÇĆĈĊČĎĐÈÉÊËĒĔĖĘĚĜĞĠĢĤĦÌÍÎÏĨĪĬĮĴĶĹĻĽĿŁÑŃŅŇÒÓÔÕÖØŌŎŐŔŖŘŚŜŞŠŢŤŦÙÚÛÜŨŪŬŮŰŲŴÝŸŶŹŻŽ',
                    'aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzzaaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz');
  v := lower(v);
  v := regexp_replace(v, '[^a-z0-9]+', '-', 'g');
  v := btrim(v, '-');
  if v = '' then
    v := 'tenant';
  end if;
  v := rtrim(left(v, 63 - length(v_suffix)), '-');
  return v || v_suffix;
end
$$;

revoke all on function tenantd.slugify(text, int) from public;
grant execute on function tenantd.slugify(text, int) to tenantd_app, tenantd_readonly;
