// /v1/audit-log: the append-only audit trail.
#include "api/routes.hpp"

namespace tenantd::api {

void register_audit_log(Router&) {}

}  // namespace tenantd::api
