#include "db/statements.hpp"

namespace tenantd::db {

namespace {
// RFC 3339 in UTC whatever the session time zone is.
#define TS(col) "to_char(" col " at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

struct Statement {
  const char* name;
  const char* sql;
};

// The request's tenant comes from the transaction-local context: no statement here
// filters by a tenant parameter; row-level security does.
const Statement kStatements[] = {
    {"users_list",
     "select u.id, u.email, u.display_name, m.role, " TS("m.created_at") ", u.disabled "
     "from tenantd.memberships m join tenantd.users u on u.id = m.user_id "
     "where m.user_id > coalesce(nullif($2, '')::uuid, '00000000-0000-0000-0000-000000000000'::uuid) "
     "order by m.user_id limit $1::int"},
    {"users_get",
     "select u.id, u.email, u.display_name, m.role, " TS("m.created_at") ", u.disabled "
     "from tenantd.memberships m join tenantd.users u on u.id = m.user_id where m.user_id = $1::uuid"},
    {"users_create",
     "select user_id, email, display_name, role, " TS("created_at") ", user_created "
     "from api.create_member($1, $2, nullif($3, ''), nullif($4, ''))"},
    {"me_get",
     "select u.id, u.email, u.display_name, m.role from tenantd.users u "
     "left join tenantd.memberships m on m.user_id = u.id where u.id = $1::uuid"},
    {"tenants_get",
     "select id, slug, name, description, status, plan, external_id, metadata::text, " TS("created_at") ", "
     TS("updated_at") ", " TS("activated_at") ", " TS("suspended_at") " from tenantd.tenants where id = $1::uuid"},
};
#undef TS
}  // namespace

void prepare_statements(pqxx::connection& conn) {
  for (const auto& s : kStatements) conn.prepare(s.name, s.sql);
}

}  // namespace tenantd::db
